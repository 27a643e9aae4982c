// Tabs at the start of a continuation line inside a flow collection (SPEC §2: read what kubectl
// reads). kubectl's YAML reader (libyaml's rules, via go-yaml) allows tabs as separation anywhere
// in flow context and checks no indentation there:
//
//   ports: [80,
//   <TAB>443]
//
// The `yaml` package counts only spaces as indentation, ends the collection at the tab (its lexer
// emits a flow-end token) and reports BAD_INDENT. We do not fork it: when a file fails that way, the
// leading whitespace of each such line is replaced by enough spaces (whitespace there only
// separates tokens, so the values are unchanged), the text is parsed again, and every range of the
// result is mapped back to the original text, so spans stay exact.
import { CST, Lexer, visit, type Document } from 'yaml';

/** Each pass re-lexes the text and fixes one collection; a file needing more passes is left as it is. */
const MAX_PASSES = 64;

interface Edit {
  /** Where the widened run starts in the original text, and its lengths before and after. */
  at: number;
  before: number;
  after: number;
}

interface WidenedText {
  text: string;
  /** An offset of the widened text → the offset of the same character in the original text. */
  toOriginal(offset: number): number;
}

/** The first tab-led continuation line that ends a flow collection too early, as [start, end, width]. */
function firstBadLine(text: string): [number, number, number] | undefined {
  const openers: number[] = []; // columns of the open `[`/`{`
  let offset = 0;
  let lineStart = 0;
  let afterNewline = -1; // offset where the whitespace after the last newline token starts
  for (const token of new Lexer().lex(text)) {
    if (token === CST.FLOW_END) {
      if (afterNewline !== -1 && openers.length > 0) {
        const ws = text.slice(afterNewline, offset);
        if (ws.includes('\t')) return [afterNewline, offset, Math.max(ws.length, openers[0] + 1)];
      }
      openers.length = 0;
      continue;
    }
    if (token === CST.DOCUMENT || token === CST.SCALAR) continue; // markers without source text
    if (token === '[' || token === '{') openers.push(offset - lineStart);
    else if ((token === ']' || token === '}') && openers.length > 0) openers.pop();
    const nl = token.lastIndexOf('\n');
    if (nl !== -1 && /^\r?\n$/.test(token)) afterNewline = offset + token.length;
    else if (!/^[ \t]+$/.test(token)) afterNewline = -1;
    offset += token.length;
    if (nl !== -1) lineStart = offset - token.length + nl + 1;
  }
  return undefined;
}

/** The leading whitespace of the line after the one where `offset` stands, when it holds a tab. */
function nextTabLine(text: string, offset: number): [number, number] | undefined {
  const nl = text.indexOf('\n', offset);
  if (nl === -1) return undefined;
  let end = nl + 1;
  while (text[end] === ' ' || text[end] === '\t') end++;
  const ws = text.slice(nl + 1, end);
  return ws.includes('\t') && end < text.length && text[end] !== '\r' && text[end] !== '\n' ? [nl + 1, end] : undefined;
}

/**
 * The text with each tab-led flow continuation line's leading whitespace widened to spaces, or
 * undefined when there is no such line (or too many to fix).
 */
export function widenFlowTabs(text: string): WidenedText | undefined {
  if (!text.includes('\t')) return undefined;
  const edits: Edit[] = [];
  let current = text;
  let grown = 0; // current.length - text.length
  let done = 0; // end of the last widened run in `current`: every fix must lie after it
  for (let bad = firstBadLine(current), passes = 0; bad; bad = firstBadLine(current)) {
    if (++passes > MAX_PASSES) return undefined;
    if (bad[0] < done) break; // a widened line is still not enough: keep what was fixed so far
    // The tab-led lines right after the first one continue the same collection (a tab cannot
    // indent block content): they are widened in the same pass, and the next lexing checks it.
    const width = bad[2];
    const pieces: string[] = [];
    let from = 0;
    let grownNow = grown;
    for (let run: [number, number] | undefined = [bad[0], bad[1]]; run; run = nextTabLine(current, run[1])) {
      const [start, end] = run;
      const after = Math.max(width, end - start);
      pieces.push(current.slice(from, start), ' '.repeat(after));
      edits.push({ at: start - grown, before: end - start, after });
      grownNow += after - (end - start);
      from = end;
    }
    pieces.push(current.slice(from));
    current = pieces.join('');
    done = from + grownNow - grown;
    grown = grownNow;
  }
  if (edits.length === 0) return undefined;
  return {
    text: current,
    toOriginal(offset: number): number {
      let shift = 0;
      for (const e of edits) {
        const at = e.at + shift;
        if (offset < at) break;
        if (offset < at + e.after) return e.at + Math.min(offset - at, e.before);
        shift += e.after - e.before;
      }
      return offset - shift;
    },
  };
}

/** Maps every node range and error position of parsed documents back to the original text. */
export function mapDocumentsBack(docs: Document.Parsed[], toOriginal: (offset: number) => number): void {
  const seen = new Set<object>();
  const mapRange = (range: number[] | null | undefined): void => {
    if (!range) return;
    for (let i = 0; i < range.length; i++) range[i] = toOriginal(range[i]);
  };
  for (const doc of docs) {
    mapRange(doc.range);
    for (const e of [...doc.errors, ...doc.warnings]) mapRange(e.pos);
    visit(doc, (_key, node) => {
      const ranged = node as { range?: number[] | null };
      if (!ranged.range || seen.has(node as object)) return;
      seen.add(node as object);
      mapRange(ranged.range);
    });
  }
}
