// `k8s-netmap check <paths…|->`: diagnostics as text, JSON or SARIF 2.1.0 (SPEC §8).
import { RULES, RULES_BY_CODE, ruleDocUrl } from '../features/rules';
import { displayPath, noInputMessage } from '../host/files';
import { CACHE_OPTION, InputLoad } from './load';
import { type LocatedFinding, type LocatedRange, resultKey } from '../host/resultCache';
import { getOrCreate } from '../model/collections';
import type { Severity } from '../model/types';
import { stringValue, UsageError } from './options';
import { locatedFindings, recheckedFindings } from './recheckedFindings';
import type { CommandArgs, CommandIO, CommandSpec } from './runner';
import { sarifLocation, sarifLog, type Located } from './sarif';

const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

/** `--fail-on`: the least severity that makes the run exit 1 (hints never do). */
const FAIL_ON: Readonly<Record<string, readonly Severity[]>> = {
  error: ['error'],
  warning: ['error', 'warning'],
  info: ['error', 'warning', 'info'],
};

export const CHECK: CommandSpec = {
  name: 'check',
  summary: 'Diagnostics of Kubernetes manifests (the editor\'s, as text, JSON or SARIF 2.1.0).',
  operands: '<paths…|->',
  formats: ['text', 'json', 'sarif'],
  options: {
    ...CACHE_OPTION,
    'fail-on': { type: 'string', value: 'error|warning|info', help: 'exit 1 when a finding this severe or worse is found (default: error)' },
  },
  notes: 'exit codes: 0 nothing at --fail-on, 1 findings at --fail-on, 2 bad usage or no readable input, 3 internal error',
  run: check,
};

async function check(args: CommandArgs, io: CommandIO): Promise<number> {
  const failOn = FAIL_ON[stringValue(args.values, 'fail-on') ?? 'error'];
  if (!failOn) throw new UsageError('--fail-on must be error, warning or info');
  const load = await InputLoad.read(args.paths, io, args.settings, args.read, stringValue(args.values, 'cache'));
  const { skipped, foundCount, inputs } = load.inputs;
  for (const s of skipped) io.note(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  if (inputs.length === 0) {
    await load.close();
    io.stderr(`k8s-netmap: ${noInputMessage({ fileCount: 0, foundCount })}\n`);
    return 2;
  }
  // Everything the findings depend on besides the inputs' stamps (output options do not count).
  const run = load.results && !load.inputs.readStdin ? resultKey(['check', args.settings, args.rules, args.read.maxFileSize ?? null, skipped], load.inputs.stamps) : undefined;
  const recorded = run && load.recorded(run);
  // The text depends on the findings, the format and the folder paths are shown relative to.
  const as = JSON.stringify([args.format, io.cwd]);
  const printed = recorded?.current ? recorded.printed(as) : undefined;
  if (printed) {
    await load.close();
    if (io.stdoutBytes) io.stdoutBytes(printed.bytes);
    else io.stdout(printed.bytes.toString('utf8'));
    return printed.severities.some((s) => failOn.includes(s as Severity)) ? 1 : 0;
  }
  let findings = recorded?.current ? recorded.findings() : undefined;
  // After a few edits: the last run's findings, moved, or brought up to date (recheckedFindings.ts).
  const difference = run && !findings ? load.recordedModels(run) : undefined;
  if (run && difference) findings = await load.movedFindings(run, difference);
  if (findings) await load.close();
  else {
    const { index } = await load.index();
    const rechecked = difference && !difference.charted && !load.inputs.changedWhileRead ? recheckedFindings(difference.findings, difference.before, index, args.rules)?.findings : undefined;
    findings = rechecked ?? locatedFindings(index, args.rules);
  }
  const paths = new Map<string, string>(); // a file has many findings
  const file = (uri: string): string => getOrCreate(paths, uri, () => displayPath(uri, io.cwd));
  // Written as it is formatted, never as one text: at L the whole JSON text, its object tree and
  // its bytes were about 75 MB of the run's peak; and a handful of non-ASCII messages made the
  // whole text a two-byte string, slow to encode (0.3 s at L), where now only their own pieces are.
  const printing = pieces(args.format, findings, file);
  if (run && load.results && !load.inputs.changedWhileRead) {
    // Recorded with the text printed, so that the same command run again prints it as it is.
    const text = [...printing];
    load.results.put(run, findings, { as, severities: [...new Set(findings.map((f) => f.severity))], text });
    for (const piece of text) io.stdout(piece);
  } else for (const piece of printing) io.stdout(piece);
  return findings.some((f) => failOn.includes(f.severity)) ? 1 : 0;
}

/** The text or JSON format in pieces of a few hundred findings each; SARIF in one. */
function pieces(format: string, findings: readonly LocatedFinding[], file: (uri: string) => string): Iterable<string> {
  if (format === 'sarif') return [JSON.stringify(formatSarif(findings, file), null, 2) + '\n'];
  return format === 'text' ? textChunks(findings, file) : jsonChunks(findings, file);
}

function located(l: LocatedRange, file: (uri: string) => string): Located {
  return { file: file(l.uri), start: l.start, end: l.end };
}

/** How many findings go into one piece of the text or JSON format. */
const CHUNK = 512;

/** The text format (a line per finding, then the counts) in pieces of a few hundred findings each. */
export function* textChunks(findings: readonly LocatedFinding[], file: (uri: string) => string): Generator<string> {
  for (let from = 0; from < findings.length; from += CHUNK) {
    let piece = '';
    for (const f of findings.slice(from, from + CHUNK)) piece += `${file(f.uri)}:${f.start.line + 1}:${f.start.character + 1}: ${f.severity} ${f.code} ${f.message}\n`;
    yield piece;
  }
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  if (findings.length > 0) yield `\n${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('hint')} notes\n`;
}

/**
 * The JSON format (the findings as `JSON.stringify(list, null, 2)` and a line break) in pieces of a
 * few hundred findings each, so that the whole text is never held at once.
 */
export function* jsonChunks(findings: readonly LocatedFinding[], file: (uri: string) => string): Generator<string> {
  if (findings.length === 0) {
    yield '[]\n';
    return;
  }
  for (let from = 0; from < findings.length; from += CHUNK) {
    // A piece's own list, stringified, without its brackets: its items as the whole list holds them.
    const list = JSON.stringify(findings.slice(from, from + CHUNK).map((f) => jsonFinding(f, file)), null, 2);
    yield `${from === 0 ? '[\n' : ',\n'}${list.slice(2, -2)}${from + CHUNK >= findings.length ? '\n]\n' : ''}`;
  }
}

function jsonFinding(f: LocatedFinding, file: (uri: string) => string): unknown {
  return {
    file: file(f.uri),
    range: { start: f.start, end: f.end },
    severity: f.severity,
    code: f.code,
    message: f.message,
    related: f.related.map((r) => ({ file: file(r.uri), range: { start: r.start, end: r.end }, message: r.message })),
  };
}

function formatSarif(findings: readonly LocatedFinding[], file: (uri: string) => string): unknown {
  return sarifLog(
    RULES.map((r) => ({
      id: r.code,
      shortDescription: { text: r.summary },
      helpUri: ruleDocUrl(r.code),
      defaultConfiguration: { level: SARIF_LEVEL[r.defaultSeverity] },
    })),
    findings.map((f) => ({
          ruleId: f.code,
          ...(RULES_BY_CODE.has(f.code) ? { ruleIndex: RULES.findIndex((r) => r.code === f.code) } : {}),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [sarifLocation(located(f, file))],
          ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...(sarifLocation(located(r, file), r.message) as object) })) } : {}),
    })),
  );
}
