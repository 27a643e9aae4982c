// Offset ↔ line/character conversion. Offsets and characters are UTF-16 code units, as in LSP.

export interface Position {
  line: number;
  character: number;
}

const LF = 10;
const CR = 13;

/** Where each line starts. Lines end at `\n`, `\r\n` or a lone `\r`, as editors (TextDocument) count them. */
export function computeLineStarts(text: string): number[] {
  // Made at its size (counted first): an index keeps every file's line starts, and an array grown
  // by pushes carries up to half as much again of unused room.
  if (!text.includes('\r')) {
    let count = 1;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) count++;
    const starts = new Array<number>(count);
    starts[0] = 0;
    let k = 1;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) starts[k++] = nl + 1;
    return starts;
  }
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch === CR) {
      if (text.charCodeAt(i + 1) === LF) i++;
      starts.push(i + 1);
    } else if (ch === LF) starts.push(i + 1);
  }
  return starts;
}

/**
 * 0-based position of an offset. With `text`, exactly TextDocument.positionAt: the offset is
 * clamped to the text, and one inside a line break (between the `\r` and `\n` of a CRLF) stands
 * before it. Without `text` only negative offsets are clamped, and such an offset keeps the `\r`
 * on its line.
 */
export function positionAt(lineStarts: readonly number[], offset: number, text?: string): Position {
  let at = Math.max(0, text === undefined ? offset : Math.min(offset, text.length));
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= at) low = mid;
    else high = mid - 1;
  }
  const start = lineStarts[low] ?? 0;
  if (text !== undefined) at = beforeLineBreak(text, at, start);
  return { line: low, character: at - start };
}

/** Steps back from `offset` over line-break characters, not past `lineStart`. */
function beforeLineBreak(text: string, offset: number, lineStart: number): number {
  let at = offset;
  while (at > lineStart && (text.charCodeAt(at - 1) === LF || text.charCodeAt(at - 1) === CR)) at--;
  return at;
}

/**
 * The offset of a position, clamped as TextDocument.offsetAt clamps it: a line past the end is the
 * end of the text, a character past the end of its line is the line's end (before its line
 * break). Without `text` the end of the last line is unknown and a line's end is taken as just
 * before its `\n`.
 */
export function offsetAt(lineStarts: readonly number[], position: Position, text?: string): number {
  if (position.line >= lineStarts.length) return text?.length ?? Number.MAX_SAFE_INTEGER;
  if (position.line < 0) return 0;
  const start = lineStarts[position.line] ?? 0;
  const next = lineStarts[position.line + 1];
  const end = next ?? text?.length ?? Number.MAX_SAFE_INTEGER;
  const offset = Math.min(start + Math.max(position.character, 0), end);
  if (text === undefined) return next === undefined ? offset : Math.min(offset, next - 1);
  return beforeLineBreak(text, offset, start);
}
