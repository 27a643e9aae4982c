// The settings of a command-line run (SPEC §8): flags over the config file, and the I/O a command gets.
import type { AnalysisSettings, IngressControllerIdentity } from '../model/types';
import { normalizeIngressController } from '../model/settings';
import type { RuleSeverities } from '../features/rules';
import { normalizeRuleSeverities } from '../features/rules';

export interface CliIO {
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  readStdin(): Promise<string>;
}

export class UsageError extends Error {}

export type OptionValues = Record<string, string | boolean | Array<string | boolean> | undefined>;

/** The last value of a string option. */
export function stringValue(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  const last = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof last === 'string' ? last : undefined;
}

/** Every value of a repeatable string option. */
export function stringValues(values: OptionValues, name: string): string[] {
  const v = values[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');
}

export function flagValue(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** Reads `--ingress-controller JSON` (e.g. `{"namespace":"ingress-nginx","podLabels":{"app":"ingress-nginx"}}`). */
export function parseIngressController(json: string): IngressControllerIdentity {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError('--ingress-controller takes JSON such as {"namespace":"ingress-nginx","podLabels":{"app":"ingress-nginx"}}');
  }
  return normalizeIngressController(value);
}

/** The settings of a run: the flags, over the config file's (SPEC §8). */
export function settingsFromValues(values: OptionValues, _cwd: string): { settings: Partial<AnalysisSettings>; rules: RuleSeverities } {
  const settings: Partial<AnalysisSettings> = {};
  const ns = stringValue(values, 'default-namespace');
  if (ns) settings.defaultNamespace = ns;
  const ic = stringValue(values, 'ingress-controller');
  if (ic) {
    settings.ingressController = parseIngressController(ic);
    settings.ingressControllerConfigured = true;
  }
  const raw: Record<string, string> = {};
  for (const r of stringValues(values, 'rule')) {
    const eq = r.indexOf('=');
    if (eq <= 0) throw new UsageError(`--rule takes CODE=SEVERITY, got '${r}'`);
    raw[r.slice(0, eq)] = r.slice(eq + 1);
  }
  const rules = normalizeRuleSeverities(raw);
  for (const [code, sev] of Object.entries(raw)) {
    if (!(code in rules)) throw new UsageError(`--rule ${code}=${sev}: severity must be error, warning, info, hint or off`);
  }
  return { settings, rules };
}
