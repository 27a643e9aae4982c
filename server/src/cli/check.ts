// `k8s-netmap check <paths…|->`: diagnostics as text, JSON or SARIF 2.1.0 (SPEC §8).
import { Analysis } from '../analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../features/context';
import { diagnoseFile } from '../features/diagnostics';
import type { Finding } from '../features/rules';
import { RULES, RULES_BY_CODE, ruleDocUrl } from '../features/rules';
import { displayPath } from '../index/files';
import { loadInputs } from './load';
import { positionAt } from '../model/positions';
import type { Severity, Span } from '../model/types';
import { sarifLocation, sarifLog, type Located } from './sarif';
import { type CliIO, lastValue, parseArgs, SETTINGS_FLAGS, settingsFromArgs, UsageError } from './options';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];


const SARIF_LEVEL: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export async function runCheck(args: string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, ['format', 'cache', ...SETTINGS_FLAGS]);
  const format = (lastValue(parsed, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
  if (parsed.paths.length === 0) throw new UsageError('check needs at least one path (or - for standard input)');
  const { settings, rules } = settingsFromArgs(parsed);
  const { index, skipped, fileCount } = await loadInputs(parsed.paths, io, settings, lastValue(parsed, 'cache'));
  for (const s of skipped) io.stderr(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  if (fileCount === 0) {
    io.stderr('k8s-netmap: no readable input\n');
    return 2;
  }
  const ctx = createDiagnosticContext(new Analysis(index), rules);
  const findings: Finding[] = [];
  const uris = [...index.fileUris()].sort();
  for (const uri of uris) findings.push(...diagnoseFile(ctx, uri));
  const locate = (uri: string, span: Span): Located => {
    const lineStarts = index.file(uri)?.lineStarts ?? [0];
    return { file: displayPath(uri, io.cwd), start: positionAt(lineStarts, span.start), end: positionAt(lineStarts, span.end) };
  };
  findings.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.span.start - b.span.start || a.code.localeCompare(b.code)));
  if (format === 'text') io.stdout(formatText(findings, locate));
  else if (format === 'json') io.stdout(JSON.stringify(formatJson(findings, locate), null, 2) + '\n');
  else io.stdout(JSON.stringify(formatSarif(findings, locate), null, 2) + '\n');
  return findings.some((f) => f.severity === 'error') ? 1 : 0;
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
