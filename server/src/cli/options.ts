// Command-line flags shared by every subcommand (SPEC §8): settings as flags, paths, formats.
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

export interface ParsedArgs {
  paths: string[];
  /** Flags with a value, by name without dashes (repeatable flags keep every value). */
  values: Map<string, string[]>;
}

/**
 * Splits `args` into paths and `--flag value` / `--flag=value` pairs. `known` lists the flags that
 * take a value; anything else starting with `--` is a usage error.
 */
export function parseArgs(args: string[], known: readonly string[]): ParsedArgs {
  const paths: string[] = [];
  const values = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq === -1 ? undefined : eq);
      if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = eq === -1 ? args[++i] : a.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      const list = values.get(name) ?? [];
      list.push(value);
      values.set(name, list);
    } else paths.push(a);
  }
  return { paths, values };
}

export function lastValue(parsed: ParsedArgs, name: string): string | undefined {
  const list = parsed.values.get(name);
  return list ? list[list.length - 1] : undefined;
}

export const SETTINGS_FLAGS = ['default-namespace', 'rule', 'ingress-controller'] as const;

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

export function settingsFromArgs(parsed: ParsedArgs): { settings: Partial<AnalysisSettings>; rules: RuleSeverities } {
  const settings: Partial<AnalysisSettings> = {};
  const ns = lastValue(parsed, 'default-namespace');
  if (ns) settings.defaultNamespace = ns;
  const ic = lastValue(parsed, 'ingress-controller');
  if (ic) {
    settings.ingressController = parseIngressController(ic);
    settings.ingressControllerConfigured = true;
  }
  const raw: Record<string, string> = {};
  for (const r of parsed.values.get('rule') ?? []) {
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
