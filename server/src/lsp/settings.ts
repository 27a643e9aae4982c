// Server settings from `workspace/configuration` (`k8sNetmap.*` and `files.exclude`), with defaults
// for clients that answer null.
import picomatch from 'picomatch';
import { normalizeIngressController } from '../model/settings';
import { normalizeRuleSeverities, type RuleSeverities } from '../features/rules';
import { DEFAULT_MAX_FILE_SIZE } from '../index/files';
import type { AnalysisSettings } from '../model/types';
import { DEFAULT_SETTINGS } from '../model/types';

export interface ServerSettings {
  analysis: AnalysisSettings;
  rules: RuleSeverities;
  exclude: string[];
  maxFileSize: number;
}

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  analysis: DEFAULT_SETTINGS,
  rules: {},
  exclude: [],
  maxFileSize: DEFAULT_MAX_FILE_SIZE,
};

export function normalizeSettings(k8s: unknown, filesExclude: unknown): ServerSettings {
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
export function needsReindex(a: ServerSettings, b: ServerSettings): boolean {
  return (
    a.analysis.defaultNamespace !== b.analysis.defaultNamespace ||
    JSON.stringify(a.analysis.ingressController) !== JSON.stringify(b.analysis.ingressController) ||
    a.analysis.ingressControllerConfigured !== b.analysis.ingressControllerConfigured ||
    a.exclude.join('\n') !== b.exclude.join('\n') ||
    a.maxFileSize !== b.maxFileSize
  );
}
