// The settings in force, from their raw forms: the editor's `k8sNetmap.*` (and `files.exclude`),
// the CLI's flags, and k8s-netmap.yaml (layered under both by config.ts). Lenient: a value of the
// wrong type takes the default. Used by the language server and the CLI alike.
import picomatch from 'picomatch';
import { DEFAULT_MAX_FILE_SIZE, normalizeIngressController } from '../model/settings';
import { normalizeRuleSeverities, type RuleSeverities } from './rules';
import type { AnalysisSettings } from '../model/types';
import { DEFAULT_SETTINGS } from '../model/types';

export interface Settings {
  analysis: AnalysisSettings;
  rules: RuleSeverities;
  exclude: string[];
  maxFileSize: number;
}

export const DEFAULT_SETTINGS_IN_FORCE: Settings = {
  analysis: DEFAULT_SETTINGS,
  rules: {},
  exclude: [],
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

export function normalizeSettings(k8s: unknown, filesExclude: unknown): Settings {
  const v = (k8s && typeof k8s === 'object' ? k8s : {}) as Record<string, unknown>;
  const configuredIc = v.ingressController && typeof v.ingressController === 'object' ? v.ingressController : undefined;
  const ic = normalizeIngressController(configuredIc ?? {});
  const exclude = Array.isArray(v.exclude) ? v.exclude.filter((x): x is string => typeof x === 'string') : [];
  if (filesExclude && typeof filesExclude === 'object') {
    for (const [glob, on] of Object.entries(filesExclude)) if (on === true) exclude.push(glob);
  }
  return {
    analysis: {
      defaultNamespace: typeof v.defaultNamespace === 'string' && v.defaultNamespace ? v.defaultNamespace : 'default',
      ingressController: ic,
      // The package.json default is the convention itself: configured means something else was set.
      ingressControllerConfigured:
        !!configuredIc && (ic.namespace !== DEFAULT_SETTINGS.ingressController.namespace || Object.keys(ic.podLabels).length > 0 || Object.keys(ic.namespaceLabels).length > 0),
    },
    rules: normalizeRuleSeverities(v.rules),
    exclude,
    maxFileSize: typeof v.maxFileSize === 'number' && v.maxFileSize > 0 ? v.maxFileSize : DEFAULT_MAX_FILE_SIZE,
  };
}

/** A matcher for paths relative to a workspace folder (`files.exclude` globs match at any depth when they start with `**`). */
export function excludeMatcher(globs: string[]): (relativePath: string) => boolean {
  if (globs.length === 0) return () => false;
  const match = picomatch(globs, { dot: true });
  return (rel) => match(rel) || match(rel + '/');
}

/** True when index-shaping settings differ (the index must then be rebuilt). */
export function needsReindex(a: Settings, b: Settings): boolean {
  return (
    a.analysis.defaultNamespace !== b.analysis.defaultNamespace ||
    JSON.stringify(a.analysis.ingressController) !== JSON.stringify(b.analysis.ingressController) ||
    a.analysis.ingressControllerConfigured !== b.analysis.ingressControllerConfigured ||
    a.exclude.join('\n') !== b.exclude.join('\n') ||
    a.maxFileSize !== b.maxFileSize
  );
}
