// Offset ↔ line/character conversion. Offsets and characters are UTF-16 code units, as in LSP.

export interface Position {
  line: number;
  character: number;
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 0-based position of an offset. A `\r` before `\n` belongs to the line it ends. */
export function positionAt(lineStarts: readonly number[], offset: number): Position {
  let low = 0;
  let high = lineStarts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (lineStarts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return { line: low, character: offset - lineStarts[low]! };
}

export function offsetAt(lineStarts: readonly number[], position: Position): number {
  const start = lineStarts[Math.min(Math.max(position.line, 0), lineStarts.length - 1)] ?? 0;
  return start + Math.max(position.character, 0);
}
