// `check`'s findings, located (line and UTF-16 column): every file's (locatedFindings), or, after a
// few files changed since a recorded run, the recorded findings brought up to date (recheckedFindings):
// only the files whose findings the edits may move are diagnosed again (features/recheck.ts), every
// other file keeps its recorded findings. Both give the same list, in the same order.
import { Analysis } from '../analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../features/context';
import { diagnoseFile } from '../features/diagnostics';
import { applyEdits, type FileEdit } from '../features/recheck';
import type { Finding, RuleSeverities } from '../features/rules';
import type { LocatedFinding } from '../host/resultCache';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { positionAt } from '../model/positions';
import type { ParsedFile } from '../model/types';

/** Every file's findings, in the order printed (by file, then position), with their positions resolved. */
export function locatedFindings(index: WorkspaceIndex, rules: RuleSeverities): LocatedFinding[] {
  return findingsOf(new Analysis(index), [...index.fileUris()], rules);
}

/** The findings of `uris` (those in the index), by file, then position and code; positions resolved. */
function findingsOf(analysis: Analysis, uris: readonly string[], rules: RuleSeverities): LocatedFinding[] {
  const { index } = analysis;
  const ctx = createDiagnosticContext(analysis, rules);
  const findings: Finding[] = [];
  for (const uri of [...uris].sort()) findings.push(...diagnoseFile(ctx, uri));
  findings.sort((a, b) => byUri(a, b) || a.span.start - b.span.start || a.code.localeCompare(b.code));
  const lineStartsOf = (uri: string): number[] => index.file(uri)?.lineStarts ?? [0];
  // Literals with every field in place, no spread: a spread of `locate(…)` with four fields added
  // made each located finding a dictionary-mode object (about 800 bytes each, 13 MB at L, all alive
  // until printed, and slower to read when printed).
  return findings.map((f) => {
    const lineStarts = lineStartsOf(f.uri);
    return {
      uri: f.uri,
      start: positionAt(lineStarts, f.span.start),
      end: positionAt(lineStarts, f.span.end),
      severity: f.severity,
      code: f.code,
      message: f.message,
      related: f.related.map((r) => {
        const relatedStarts = lineStartsOf(r.uri);
        return { uri: r.uri, start: positionAt(relatedStarts, r.span.start), end: positionAt(relatedStarts, r.span.end), message: r.message };
      }),
    };
  });
}

function byUri(a: { uri: string }, b: { uri: string }): number {
  return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0;
}

/** The files of a recorded run that differ now: each one's model then (undefined: it was added since). */
export type RecordedModels = ReadonlyMap<string, ParsedFile | undefined>;

/**
 * The findings of the files in `index` (the inputs as they are now), from `recorded` (those of the
 * run whose files were as `before` says): the files whose findings the differences may move
 * diagnosed again, every other file's kept. The index is set back to the recorded state and brought
 * forward again, so that each difference is an index change. Undefined (the index untouched) when a
 * file that differs is not in the index as `before` says. `diagnosed`: how many files were diagnosed again.
 */
export function recheckedFindings(
  recorded: readonly LocatedFinding[],
  before: RecordedModels,
  index: WorkspaceIndex,
  rules: RuleSeverities,
): { findings: LocatedFinding[]; diagnosed: number } | undefined {
  const edits: FileEdit[] = [];
  for (const [uri, then] of before) {
    const now = index.file(uri);
    if (then === undefined && !now) return undefined; // added, yet not read
    edits.push({ uri, model: now });
  }
  index.bulk(() => {
    for (const [uri, then] of before) {
      if (then) index.setParsed(uri, then);
      else index.removeFile(uri);
    }
  });
  const { analysis, files } = applyEdits(index, edits);
  // A kept finding that points into a changed file may point elsewhere in it now.
  for (const f of recorded) if (f.related.some((r) => before.has(r.uri))) files.add(f.uri);
  const diagnosed = [...files].filter((uri) => index.hasFile(uri));
  const fresh = findingsOf(analysis, diagnosed, rules);
  const kept = recorded.filter((f) => !files.has(f.uri));
  // Each list is in order and no file is in both: a stable sort by file alone merges them.
  return { findings: [...kept, ...fresh].sort(byUri), diagnosed: diagnosed.length };
}
