// Output of `k8s-netmap diff` (SPEC §4): netpol-analyzer's "Connectivity diff" text, the same rows
// as JSON, and a Markdown table for a pull-request comment.
//
// Order (netpol-analyzer's): changed, added, removed pairs whose source is not the ingress
// controller, then changed, added, removed pairs from the ingress controller; each group sorted by
// its text line in byte order. An empty diff prints nothing.

import type { ConnDiff, ConnectivityDiff } from './connectivityDiff';

const NO_CONNECTIONS = 'No Connections';

export interface DiffRefNames {
  ref1: string;
  ref2: string;
}

const DEFAULT_REFS: DiffRefNames = { ref1: 'ref1', ref2: 'ref2' };

/** One row of the output, strings as printed. */
export interface DiffRow {
  diffType: ConnDiff['type'];
  src: string;
  dst: string;
  ref1: string;
  ref2: string;
  /** `workload ns/a[Kind] added`, `workload … and … removed`, or '' */
  workloadsDiffInfo: string;
  entry: ConnDiff;
}

export function connString(entry: ConnDiff, which: 'ref1' | 'ref2'): string {
  const set = entry[which];
  return set.isEmpty ? NO_CONNECTIONS : set.toString();
}

export function workloadsDiffInfo(e: ConnDiff): string {
  if (!e.srcNewOrLost && !e.dstNewOrLost) return '';
  const names = [e.srcNewOrLost ? e.src.name : '', e.dstNewOrLost ? e.dst.name : ''].filter((s) => s !== '');
  return `workload ${names.join(' and ')} ${e.type}`;
}

function textLine(r: DiffRow, refs: DiffRefNames): string {
  const line = `diff-type: ${r.diffType}, source: ${r.src}, destination: ${r.dst}, ${refs.ref1}: ${r.ref1}, ${refs.ref2}: ${r.ref2}`;
  return r.workloadsDiffInfo ? `${line}, workloads-diff-info: ${r.workloadsDiffInfo}` : line;
}

function rowOf(e: ConnDiff): DiffRow {
  return {
    diffType: e.type,
    src: e.src.name,
    dst: e.dst.name,
    ref1: connString(e, 'ref1'),
    ref2: connString(e, 'ref2'),
    workloadsDiffInfo: workloadsDiffInfo(e),
    entry: e,
  };
}

/** The rows in output order (see the header). */
export function diffRows(diff: ConnectivityDiff, refs: DiffRefNames = DEFAULT_REFS): DiffRow[] {
  const groups: DiffRow[][] = [];
  for (const fromController of [false, true]) {
    for (const list of [diff.changed, diff.added, diff.removed]) {
      const rows = list.filter((e) => (e.src.kind === 'ingress-controller') === fromController).map((e) => ({ row: rowOf(e), line: '' }));
      for (const r of rows) r.line = textLine(r.row, refs);
      rows.sort((a, b) => (a.line < b.line ? -1 : a.line > b.line ? 1 : 0));
      groups.push(rows.map((r) => r.row));
    }
  }
  return groups.flat();
}

export function formatDiffText(diff: ConnectivityDiff, refs: DiffRefNames = DEFAULT_REFS): string {
  const rows = diffRows(diff, refs);
  if (rows.length === 0) return '';
  return `Connectivity diff:\n${rows.map((r) => `${textLine(r, refs)}\n`).join('')}`;
}

export function formatDiffJson(diff: ConnectivityDiff, refs: DiffRefNames = DEFAULT_REFS): string {
  const rows = diffRows(diff, refs).map((r) => ({
    diffType: r.diffType,
    src: r.src,
    dst: r.dst,
    [refs.ref1]: r.ref1,
    [refs.ref2]: r.ref2,
    ...(r.workloadsDiffInfo ? { workloadsDiffInfo: r.workloadsDiffInfo } : {}),
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** A Markdown cell: pipes, backslashes, HTML-significant characters and line breaks neutralised. */
function mdCell(s: string): string {
  return s
    .slice(0, 200)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\r\n]+/g, ' ');
}

/**
 * A Markdown summary and table for a pull-request comment or a job summary: a heading with the
 * counts, then netpol-analyzer's md columns. Past `maxRows` rows the table is cut with a note.
 */
export function formatDiffMarkdown(diff: ConnectivityDiff, refs: DiffRefNames = DEFAULT_REFS, maxRows = 500): string {
  const rows = diffRows(diff, refs);
  const title = `### Connectivity changes: ${mdCell(refs.ref1)} → ${mdCell(refs.ref2)}\n\n`;
  if (rows.length === 0) return `${title}No connection was added, removed or changed.\n`;
  const counts = `**${diff.added.length} added**, **${diff.removed.length} removed**, **${diff.changed.length} changed**\n\n`;
  const head =
    `| diff-type | source | destination | ${mdCell(refs.ref1)} | ${mdCell(refs.ref2)} | workloads-diff-info |\n` +
    '|-----------|--------|-------------|------|------|---------------------|\n';
  const body = rows
    .slice(0, maxRows)
    .map((r) => `| ${r.diffType} | ${mdCell(r.src)} | ${mdCell(r.dst)} | ${r.ref1} | ${r.ref2} | ${mdCell(r.workloadsDiffInfo)} |\n`)
    .join('');
  const cut = rows.length > maxRows ? `\n…and ${rows.length - maxRows} more rows (run \`k8s-netmap diff\` for all of them).\n` : '';
  return title + counts + head + body + cut;
}
