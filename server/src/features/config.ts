// `k8s-netmap.yaml` (SPEC §8): the settings' keys in a file at a workspace root, read by the CLI and
// the language server so that CI and the editor agree. Pure: text in, settings and findings out.
// The file's values are the bottom layer; the editor's settings or the CLI's flags go over them.
import type { PlainNode } from '../yaml/plainTree';
import { readPlainTree } from '../yaml/plainTree';
import type { Span } from '../model/types';
import { quote } from './text';
import { type Finding, RULES_BY_CODE } from './rules';

/** Looked for, in this order, at the root of each workspace folder (or the CLI's working folder). */
export const CONFIG_FILE_NAMES = ['k8s-netmap.yaml', '.k8s-netmap.yaml'] as const;

/** The settings a config file may hold, as the editor's `k8sNetmap.*` settings spell them. */
export interface ConfigValues {
  defaultNamespace?: string;
  exclude?: string[];
  rules?: Record<string, string>;
  ingressController?: { namespace?: string; namespaceLabels?: Record<string, string>; podLabels?: Record<string, string> };
  maxFileSize?: number;
}

export interface ConfigFile {
  values: ConfigValues;
  /** `config-invalid` findings on the file: a value of the wrong type is left out, the rest applies. */
  findings: Finding[];
}

/** Manifest-sized strings in messages are cut to about 100 characters. */
function cut(s: string): string {
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}

const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];
const KEYS = ['defaultNamespace', 'exclude', 'rules', 'ingressController', 'maxFileSize'];

class Problems {
  readonly findings: Finding[] = [];
  constructor(private readonly uri: string) {}
  add(span: Span, message: string, severity: 'error' | 'warning' = 'error'): void {
    this.findings.push({ uri: this.uri, span, severity, code: 'config-invalid', message, related: [] });
  }
}

function stringOf(node: PlainNode): string | undefined {
  return node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

function stringMap(node: PlainNode, what: string, p: Problems): Record<string, string> | undefined {
  if (node.kind !== 'map') return p.add(node.span, `${what} must be a map of strings.`), undefined;
  const out: Record<string, string> = {};
  for (const e of node.entries) {
    const v = stringOf(e.value);
    if (v === undefined) p.add(e.value.span, `${what}: the value of ${quote(cut(e.key))} must be a string (quote it).`);
    else out[e.key] = v;
  }
  return out;
}

function readIngressController(node: PlainNode, p: Problems): ConfigValues['ingressController'] {
  if (node.kind !== 'map') return p.add(node.span, 'ingressController must be a map with namespace, namespaceLabels and podLabels.'), undefined;
  const out: NonNullable<ConfigValues['ingressController']> = {};
  for (const e of node.entries) {
    if (e.key === 'namespace') {
      const ns = stringOf(e.value);
      if (ns === undefined || ns === '') p.add(e.value.span, 'ingressController.namespace must be a namespace name.');
      else out.namespace = ns;
    } else if (e.key === 'namespaceLabels' || e.key === 'podLabels') {
      const labels = stringMap(e.value, `ingressController.${e.key}`, p);
      if (labels) out[e.key] = labels;
    } else p.add(e.keySpan, `Unknown key ${quote(cut(e.key))} in ingressController (namespace, namespaceLabels, podLabels).`, 'warning');
  }
  return out;
}

/** Reads a config file; never throws. `uri` names the file in the findings. */
export function readConfigFile(uri: string, text: string): ConfigFile {
  const p = new Problems(uri);
  const values: ConfigValues = {};
  const tree = readPlainTree(text);
  for (const e of tree.errors) p.add(e.span, `Not valid YAML: ${cut(e.message)}`);
  const root = tree.root;
  if (!root || (root.kind === 'scalar' && root.value === null)) return { values, findings: p.findings };
  if (root.kind !== 'map') {
    p.add(root.span, `k8s-netmap.yaml holds a map of settings (${KEYS.join(', ')}).`);
    return { values, findings: p.findings };
  }
  for (const { key, keySpan, value } of root.entries) {
    switch (key) {
      case 'defaultNamespace': {
        const ns = stringOf(value);
        if (ns === undefined || ns === '') p.add(value.span, 'defaultNamespace must be a namespace name.');
        else values.defaultNamespace = ns;
        break;
      }
      case 'exclude': {
        const items = value.kind === 'seq' ? value.items : undefined;
        const globs = items?.map(stringOf);
        if (!items || !globs || globs.some((g) => g === undefined)) p.add(value.span, 'exclude must be a list of glob patterns (strings).');
        else values.exclude = globs as string[];
        break;
      }
      case 'rules': {
        const rules = stringMap(value, 'rules', p);
        if (!rules || value.kind !== 'map') break;
        values.rules = {};
        for (const e of value.entries) {
          const severity = rules[e.key];
          if (severity === undefined) continue;
          if (!RULES_BY_CODE.has(e.key)) p.add(e.keySpan, `Unknown rule ${quote(cut(e.key))}: docs/rules lists the codes.`, 'warning');
          if (!SEVERITIES.includes(severity)) p.add(e.value.span, `Severity must be one of ${SEVERITIES.join(', ')}, not ${quote(cut(severity))}.`);
          else values.rules[e.key] = severity;
        }
        break;
      }
      case 'ingressController': {
        const ic = readIngressController(value, p);
        if (ic) values.ingressController = ic;
        break;
      }
      case 'maxFileSize': {
        if (value.kind === 'scalar' && typeof value.value === 'number' && value.value > 0) values.maxFileSize = value.value;
        else p.add(value.span, 'maxFileSize must be a positive number of bytes.');
        break;
      }
      default:
        p.add(keySpan, `Unknown setting ${quote(cut(key))}: k8s-netmap.yaml takes ${KEYS.join(', ')}.`, 'warning');
    }
  }
  return { values, findings: p.findings };
}

/**
 * The settings in force: `over` (the editor's settings as explicitly set, or the CLI's flags) over
 * the file's values. Rule severities merge code by code; every other key is replaced whole.
 */
export function layerSettings(file: ConfigValues, over: unknown): Record<string, unknown> {
  const top = over && typeof over === 'object' ? (over as Record<string, unknown>) : {};
  const merged: Record<string, unknown> = { ...file };
  for (const [k, v] of Object.entries(top)) if (v !== undefined && v !== null) merged[k] = v;
  const topRules = top.rules && typeof top.rules === 'object' ? (top.rules as Record<string, unknown>) : {};
  if (file.rules || top.rules) merged.rules = { ...file.rules, ...topRules };
  return merged;
}
