// Shared helpers of the core's unit tests: inline YAML in, positions and codes out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import type { Finding, RuleSeverities } from '../../server/src/features/rules';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { computeLineStarts, positionAt, type Position } from '../../server/src/model/positions';
import type { AnalysisSettings, Span } from '../../server/src/model/types';

export const URI = 'file:///w/test.yaml';

/** The YAML and JSON files under a folder, recursively, in path order (none when it does not exist). */
export function manifestFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...manifestFilesUnder(p));
    else if (/\.(?:ya?ml|json)$/.test(entry.name)) out.push(p);
  }
  return out.sort();
}

/** Joins lines with `\n` (fixtures read better as arrays of lines than as template literals with indentation). */
export function y(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** A fixture with one `|` marking the cursor: the text without it and the cursor's offset. */
export function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset !== -1, 'fixture needs a | cursor');
  assert.equal(marked.indexOf('|', offset + 1), -1, 'fixture has more than one |');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

/** An index over files given as uri → text (a bare string is one file at `URI`). */
export function indexOf(files: string | Record<string, string>, settings: Partial<AnalysisSettings> = {}): WorkspaceIndex {
  const ix = new WorkspaceIndex(settings);
  const map = typeof files === 'string' ? { [URI]: files } : files;
  for (const [uri, text] of Object.entries(map)) ix.setFile(uri, text);
  return ix;
}

export function analysisOf(files: string | Record<string, string>, settings: Partial<AnalysisSettings> = {}): Analysis {
  return new Analysis(indexOf(files, settings));
}

export interface Diag {
  code: string;
  severity: string;
  range: { start: Position; end: Position };
  finding: Finding;
}

/** Diagnostics of one file of a workspace, with LSP positions. */
export function diagnose(
  files: string | Record<string, string>,
  options: { uri?: string; rules?: RuleSeverities; settings?: Partial<AnalysisSettings> } = {},
): Diag[] {
  const analysis = analysisOf(files, options.settings);
  const uri = options.uri ?? (typeof files === 'string' ? URI : Object.keys(files)[0]!);
  const ctx = createDiagnosticContext(analysis, options.rules);
  const file = analysis.index.file(uri);
  assert.ok(file, `no file ${uri}`);
  return diagnoseFile(ctx, uri).map((f) => ({
    code: f.code,
    severity: f.severity,
    range: { start: positionAt(file.lineStarts, f.span.start), end: positionAt(file.lineStarts, f.span.end) },
    finding: f,
  }));
}

export function codes(diags: Diag[]): string[] {
  return diags.map((d) => d.code).sort();
}

export function withCode(diags: Diag[], code: string): Diag[] {
  return diags.filter((d) => d.code === code);
}

/** A range from 0-based line/character pairs. */
export function range(sl: number, sc: number, el: number, ec: number): { start: Position; end: Position } {
  return { start: { line: sl, character: sc }, end: { line: el, character: ec } };
}

/** The span of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function spanOf(text: string, needle: string, occurrence = 0): Span {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at !== -1, `'${needle}' (#${occurrence}) not in fixture`);
  }
  return { start: at, end: at + needle.length };
}

/** The span of `needle` inside the `occurrence`-th appearance of `context` (e.g. `spanIn(t, 'name: api', 'api')`). */
export function spanIn(text: string, context: string, needle: string, occurrence = 0): Span {
  const outer = spanOf(text, context, occurrence);
  const inner = context.indexOf(needle);
  assert.ok(inner !== -1, `'${needle}' not in '${context}'`);
  return { start: outer.start + inner, end: outer.start + inner + needle.length };
}

/** The range of the `occurrence`-th appearance of `needle` in `text` (for asserting diagnostic ranges). */
export function rangeOf(text: string, needle: string, occurrence = 0): { start: Position; end: Position } {
  const s = spanOf(text, needle, occurrence);
  const ls = computeLineStarts(text);
  return { start: positionAt(ls, s.start), end: positionAt(ls, s.end) };
}

/** The range of `needle` inside the `occurrence`-th appearance of `context`. */
export function rangeIn(text: string, context: string, needle: string, occurrence = 0): { start: Position; end: Position } {
  const s = spanIn(text, context, needle, occurrence);
  const ls = computeLineStarts(text);
  return { start: positionAt(ls, s.start), end: positionAt(ls, s.end) };
}

// ---------- small manifest builders (each names the fields the tests care about) ----------

/** `labels`: the selector's and the pods'; `podLabels`: more labels of the pods only; `metadataLabels`: the Deployment's own. */
export function deployment(
  name: string,
  opts: { ns?: string; labels?: Record<string, string>; podLabels?: Record<string, string>; metadataLabels?: Record<string, string>; ports?: string[]; replicas?: number } = {},
): string {
  const labels = opts.labels ?? { app: name };
  const labelLines = Object.entries({ ...labels, ...opts.podLabels }).map(([k, v]) => `        ${k}: ${v}`);
  const selLines = Object.entries(labels).map(([k, v]) => `      ${k}: ${v}`);
  const ports = opts.ports ?? ['- containerPort: 8080', '  name: http'];
  return y(
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: ${name}`,
    ...(opts.ns ? [`  namespace: ${opts.ns}`] : []),
    ...(opts.metadataLabels ? ['  labels:', ...Object.entries(opts.metadataLabels).map(([k, v]) => `    ${k}: ${v}`)] : []),
    'spec:',
    ...(opts.replicas !== undefined ? [`  replicas: ${opts.replicas}`] : []),
    '  selector:',
    '    matchLabels:',
    ...selLines,
    '  template:',
    '    metadata:',
    '      labels:',
    ...labelLines,
    '    spec:',
    '      containers:',
    `        - name: ${name}`,
    '          image: nginx',
    ...(ports.length ? ['          ports:', ...ports.map((p) => `            ${p}`)] : []),
  );
}

export function service(name: string, opts: { ns?: string; selector?: Record<string, string> | null; ports?: string[]; extra?: string[] } = {}): string {
  const selector = opts.selector === undefined ? { app: name } : opts.selector;
  const ports = opts.ports ?? ['- port: 80', '  targetPort: http'];
  return y(
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    `  name: ${name}`,
    ...(opts.ns ? [`  namespace: ${opts.ns}`] : []),
    'spec:',
    ...(opts.extra ?? []).map((l) => `  ${l}`),
    ...(selector ? ['  selector:', ...Object.entries(selector).map(([k, v]) => `    ${k}: ${v}`)] : []),
    ...(ports.length ? ['  ports:', ...ports.map((p) => `    ${p}`)] : []),
  );
}

export function netpol(name: string, specLines: string[], ns?: string): string {
  return y(
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    `  name: ${name}`,
    ...(ns ? [`  namespace: ${ns}`] : []),
    'spec:',
    ...specLines.map((l) => `  ${l}`),
  );
}

export function ingressV1(name: string, backendLines: string[], ns?: string): string {
  return y(
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata:',
    `  name: ${name}`,
    ...(ns ? [`  namespace: ${ns}`] : []),
    'spec:',
    '  rules:',
    '    - host: shop.example.com',
    '      http:',
    '        paths:',
    '          - path: /',
    '            pathType: Prefix',
    '            backend:',
    ...backendLines.map((l) => `              ${l}`),
  );
}

/**
 * Drawing NetworkPolicy parts at random from `rnd` (the randomised tests: verdictSweep, recheck):
 * `pick` one of a list, `matchLabels` lines, and a `peer` of a rule (lines of a `from`/`to` list)
 * by team (namespace label) and app (pod label).
 */
export function policyDraws(rnd: () => number, teams: readonly string[], apps: readonly string[]) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const matchLabels = (indent: string, lines: string[]) => (lines.length ? [`${indent}matchLabels:`, ...lines.map((l) => `${indent}  ${l}`)] : [`${indent}matchLabels: {}`]);
  const peer = (dir: 'ingress' | 'egress'): string[] => {
    const r = rnd();
    // An egress rule to addresses only closes the pods' traffic to every pod.
    if (r < (dir === 'egress' ? 0.5 : 0.05)) return ['- ipBlock:', '    cidr: 10.0.0.0/8'];
    const ns = r < 0.8 ? ['  namespaceSelector:', ...matchLabels('    ', rnd() < 0.9 ? [`team: ${pick(teams)}`] : [])] : [];
    const pod = r > 0.2 ? ['  podSelector:', ...matchLabels('    ', rnd() < 0.9 ? [`app: ${pick(apps)}`] : [])] : [];
    const lines = [...ns, ...pod];
    return [`- ${lines[0]!.trimStart()}`, ...lines.slice(1)];
  };
  return { pick, matchLabels, peer };
}

