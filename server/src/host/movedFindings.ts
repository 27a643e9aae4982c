// A file whose edit only moved text (a comment or blank line added, indentation of a comment,
// quoting that reads the same…) changes no finding but the positions of those in it or pointing
// into it. This module decides that from the file's two models, and moves the recorded findings
// instead of analysing the workspace again (check --cache, one file changed).
//
// Why the findings are otherwise the same: the analysis reads models only. The two models are equal
// once every span and line table is set aside (same objects in the same order, same problems, same
// kustomization, no suppression comments), so every finding is the same but for its spans into the
// file, and those are spans of the model: each old span offset has one new offset, and the map is
// strictly increasing, so the order of findings (by file, then offset) is kept. When any of this
// does not hold — a span offset not in the map, two old offsets on one new one — nothing is moved
// and the caller analyses everything.
import type { Position } from '../model/positions';
import { positionAt } from '../model/positions';
import type { ParsedFile } from '../model/types';
import type { LocatedFinding, LocatedRange } from './resultCache';

/** Keys of a model that hold positions only (set aside when models are compared). */
function isPositionKey(key: string): boolean {
  return key === 'span' || key === 'lineStarts' || /Spans?$/.test(key);
}

function withoutPositions(model: ParsedFile): string {
  return JSON.stringify({ ...model, suppressions: undefined }, (key, value: unknown) => (isPositionKey(key) ? undefined : value));
}

function isSpan(v: unknown): v is { start: number; end: number } {
  return typeof v === 'object' && v !== null && typeof (v as { start?: unknown }).start === 'number' && typeof (v as { end?: unknown }).end === 'number';
}

/**
 * Old offset → new offset, from every span of the two models walked side by side; undefined when
 * the models differ in more than positions, or the offsets do not map one to one, in order.
 */
export function offsetMap(before: ParsedFile, after: ParsedFile): Map<number, number> | undefined {
  if (before.suppressions.size > 0 || after.suppressions.size > 0) return undefined; // they follow lines
  if (withoutPositions(before) !== withoutPositions(after)) return undefined;
  const map = new Map<number, number>();
  let sound = true;
  const record = (from: number, to: number): void => {
    const known = map.get(from);
    if (known === undefined) map.set(from, to);
    else if (known !== to) sound = false;
  };
  const walk = (a: unknown, b: unknown): void => {
    if (!sound || typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return;
    if (isSpan(a) && isSpan(b)) {
      record(a.start, b.start);
      record(a.end, b.end);
    }
    if (Array.isArray(a) !== Array.isArray(b)) {
      sound = false;
      return;
    }
    for (const key of Object.keys(a)) if (key !== 'lineStarts') walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
  };
  walk(before.objects, after.objects);
  walk(before.problems, after.problems);
  walk(before.kustomization, after.kustomization);
  if (!sound) return undefined;
  const pairs = [...map].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < pairs.length; i++) if (pairs[i][1] <= pairs[i - 1][1]) return undefined;
  return map;
}

/**
 * The recorded findings with their positions in `uri` moved from `before` to `after`; undefined when
 * the edit did more than move text (see offsetMap) or a position is not a span of the model.
 */
export function moveFindings(findings: readonly LocatedFinding[], uri: string, before: ParsedFile, after: ParsedFile): LocatedFinding[] | undefined {
  const map = offsetMap(before, after);
  if (!map) return undefined;
  let sound = true;
  const move = (p: Position): Position => {
    const to = map.get((before.lineStarts[p.line] ?? NaN) + p.character);
    if (to === undefined) {
      sound = false;
      return p;
    }
    return positionAt(after.lineStarts, to);
  };
  const moveRange = <R extends LocatedRange>(r: R): R => (r.uri === uri ? { ...r, start: move(r.start), end: move(r.end) } : r);
  const moved = findings.map((f) => ({ ...moveRange(f), related: f.related.map(moveRange) }));
  return sound ? moved : undefined;
}
