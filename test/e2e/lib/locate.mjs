// Finds positions in example manifests by searching their text, so that the tests do not break
// when a colleague adds a line above. Shared by the extension-host suite and the UI driver.

/**
 * @param {string} text the file's content
 * @param {{ after?: string | string[], needle: string, word?: string, occurrence?: number }} spec
 *   `after`: markers searched for in order first (e.g. ["kind: Ingress", "backend:"]);
 *   `needle`: the text to find after them; `word`: the part of the needle to point at (default: all).
 * @returns {{ offset: number, length: number, line: number, character: number }} 0-based, UTF-16
 */
export function locate(text, spec) {
  let from = 0;
  for (const marker of [].concat(spec.after ?? [])) {
    const i = text.indexOf(marker, from);
    if (i < 0) throw new Error(`locate: marker ${JSON.stringify(marker)} not found`);
    from = i + marker.length;
  }
  let at = text.indexOf(spec.needle, from);
  for (let n = 1; at >= 0 && n < (spec.occurrence ?? 1); n++) at = text.indexOf(spec.needle, at + 1);
  if (at < 0) throw new Error(`locate: ${JSON.stringify(spec.needle)} not found${spec.after ? ` after ${JSON.stringify(spec.after)}` : ''}`);
  const word = spec.word ?? spec.needle;
  const inNeedle = spec.needle.indexOf(word);
  if (inNeedle < 0) throw new Error(`locate: word ${JSON.stringify(word)} is not part of needle ${JSON.stringify(spec.needle)}`);
  const offset = at + inNeedle;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const character = offset - (before.lastIndexOf('\n') + 1);
  return { offset, length: word.length, line, character };
}
