// The settings of a command-line run (SPEC §8): flags over the config file, and the I/O a command gets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { CONFIG_FILE_NAMES, type ConfigValues, layerSettings, readConfigFile } from '../features/config';
import { type Finding, normalizeRuleSeverities, type RuleSeverities } from '../features/rules';
import { excludeMatcher, normalizeSettings } from '../features/settings';
import { normalizeIngressController } from '../model/settings';
import { computeLineStarts, positionAt } from '../model/positions';
import type { AnalysisSettings, IngressControllerIdentity } from '../model/types';

export interface CliIO {
  stdout(s: string): void;
  /** Bytes already encoded as UTF-8 for standard output, written as they are (a recorded text); without it they are decoded for `stdout`. */
  stdoutBytes?(bytes: Uint8Array): void;
  stderr(s: string): void;
  cwd: string;
  /** Standard input's bytes (a string is taken as UTF-8); binary input is refused as a binary file is. */
  readStdin(): Promise<string | Buffer>;
}

export class UsageError extends Error {
  /** False when the message says all there is (the command's help would only hide it). */
  constructor(message: string, readonly withHelp = true) {
    super(message);
  }
}

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
function parseIngressController(json: string): IngressControllerIdentity {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new UsageError('--ingress-controller takes JSON such as {"namespace":"ingress-nginx","podLabels":{"app":"ingress-nginx"}}');
  }
  return normalizeIngressController(value);
}

/** How files are read: the exclusion globs and size limit of the settings in force. */
export interface ReadOptions {
  isExcluded?: (absPath: string) => boolean;
  maxFileSize?: number;
}

export interface RunSettings {
  settings: Partial<AnalysisSettings>;
  rules: RuleSeverities;
  read: ReadOptions;
}

/** `--config FILE`, else k8s-netmap.yaml or .k8s-netmap.yaml in the working folder; undefined when there is none. */
function findConfig(values: OptionValues, cwd: string): string | undefined {
  const given = stringValue(values, 'config');
  if (given !== undefined) {
    const abs = path.resolve(cwd, given);
    if (!fs.existsSync(abs)) throw new UsageError(`--config ${given}: not found`);
    return abs;
  }
  return CONFIG_FILE_NAMES.map((n) => path.join(cwd, n)).find((p) => fs.existsSync(p));
}

/** The config file's problems, as `check` prints findings; errors always, warnings unless `--quiet`. */
function reportConfig(file: string, text: string, findings: Finding[], cwd: string, io: { stderr(s: string): void; note(s: string): void }): void {
  const lineStarts = computeLineStarts(text);
  const shown = path.relative(cwd, file) || file;
  for (const f of findings) {
    const at = positionAt(lineStarts, f.span.start, text);
    (f.severity === 'error' ? io.stderr : io.note)(`${shown}:${at.line + 1}:${at.character + 1}: ${f.severity} ${f.code} ${f.message}\n`);
  }
}

function flagLayer(values: OptionValues): Record<string, unknown> {
  const layer: Record<string, unknown> = {};
  const ns = stringValue(values, 'default-namespace');
  if (ns) layer.defaultNamespace = ns;
  const ic = stringValue(values, 'ingress-controller');
  if (ic) layer.ingressController = parseIngressController(ic);
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
  if (Object.keys(rules).length > 0) layer.rules = rules;
  return layer;
}

/**
 * The settings of a run (SPEC §8): the flags over the config file's. The file's exclusion globs
 * are relative to its folder. Its problems are reported; the valid rest applies.
 */
export function settingsFromValues(values: OptionValues, cwd: string, io: { stderr(s: string): void; note(s: string): void }): RunSettings {
  const flags = flagLayer(values);
  const configPath = findConfig(values, cwd);
  let file: ConfigValues = {};
  if (configPath !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new UsageError(`cannot read ${configPath}: ${(error as Error).message}`);
    }
    const config = readConfigFile(URI.file(configPath).toString(), text);
    reportConfig(configPath, text, config.findings, cwd, io);
    if (config.findings.some((f) => f.severity === 'error')) throw new UsageError(`${path.relative(cwd, configPath) || configPath} has errors (above); fix them or leave the file out`, false);
    file = config.values;
  }
  const s = normalizeSettings(layerSettings(file, flags), undefined);
  // The default identity is not "configured": only an identity from the file or the flag is.
  const icGiven = flags.ingressController !== undefined || file.ingressController !== undefined;
  const settings: Partial<AnalysisSettings> = {
    defaultNamespace: s.analysis.defaultNamespace,
    ...(icGiven ? { ingressController: s.analysis.ingressController, ingressControllerConfigured: true } : {}),
  };
  const root = configPath !== undefined ? path.dirname(configPath) : cwd;
  const excluded = excludeMatcher(s.exclude);
  const read: ReadOptions = {
    maxFileSize: s.maxFileSize,
    ...(s.exclude.length > 0
      ? {
          isExcluded: (abs: string) => {
            const rel = path.relative(root, abs);
            return !rel.startsWith('..') && !path.isAbsolute(rel) && excluded(rel.split(path.sep).join('/'));
          },
        }
      : {}),
  };
  return { settings, rules: s.rules, read };
}
