// `k8s-netmap check <paths…|->`: diagnostics as text, JSON or SARIF 2.1.0 (SPEC §8).
import { Analysis } from '../analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../features/context';
import { diagnoseFile } from '../features/diagnostics';
import type { Finding } from '../features/rules';
import { RULES, RULES_BY_CODE, ruleDocUrl } from '../features/rules';
import { displayPath, noInputMessage } from '../host/files';
import { CACHE_OPTION, loadInputs } from './load';
import { positionAt } from '../model/positions';
import type { Severity, Span } from '../model/types';
import { stringValue, UsageError } from './options';
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
  const loaded = await loadInputs(args.paths, io, args.settings, args.read, stringValue(args.values, 'cache'));
  const { index, skipped, fileCount } = loaded;
  for (const s of skipped) io.note(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  if (fileCount === 0) {
    io.stderr(`k8s-netmap: ${noInputMessage(loaded)}\n`);
    return 2;
  }
  const ctx = createDiagnosticContext(new Analysis(index), args.rules);
  const findings: Finding[] = [];
  const uris = [...index.fileUris()].sort();
  for (const uri of uris) findings.push(...diagnoseFile(ctx, uri));
  const locate = (uri: string, span: Span): Located => {
    const lineStarts = index.file(uri)?.lineStarts ?? [0];
    return { file: displayPath(uri, io.cwd), start: positionAt(lineStarts, span.start), end: positionAt(lineStarts, span.end) };
  };
  findings.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start || a.code.localeCompare(b.code)));
  if (args.format === 'text') io.stdout(formatText(findings, locate));
  else if (args.format === 'json') io.stdout(JSON.stringify(formatJson(findings, locate), null, 2) + '\n');
  else io.stdout(JSON.stringify(formatSarif(findings, locate), null, 2) + '\n');
  return findings.some((f) => failOn.includes(f.severity)) ? 1 : 0;
}

function formatText(findings: Finding[], locate: (uri: string, span: Span) => Located): string {
  const lines = findings.map((f) => {
    const l = locate(f.uri, f.span);
    return `${l.file}:${l.start.line + 1}:${l.start.character + 1}: ${f.severity} ${f.code} ${f.message}\n`;
  });
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  if (findings.length > 0) lines.push(`\n${count('error')} errors, ${count('warning')} warnings, ${count('info') + count('hint')} notes\n`);
  return lines.join('');
}

function formatJson(findings: Finding[], locate: (uri: string, span: Span) => Located): unknown[] {
  return findings.map((f) => {
    const l = locate(f.uri, f.span);
    return {
      file: l.file,
      range: { start: l.start, end: l.end },
      severity: f.severity,
      code: f.code,
      message: f.message,
      related: f.related.map((r) => {
        const rl = locate(r.uri, r.span);
        return { file: rl.file, range: { start: rl.start, end: rl.end }, message: r.message };
      }),
    };
  });
}

function formatSarif(findings: Finding[], locate: (uri: string, span: Span) => Located): unknown {
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
          locations: [sarifLocation(locate(f.uri, f.span))],
          ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...(sarifLocation(locate(r.uri, r.span), r.message) as object) })) } : {}),
    })),
  );
}
