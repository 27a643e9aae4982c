// The cold reader: files and open documents alike are read with js-yaml 4 (a few times faster
// than `yaml`), whose `listener` events give every node's offsets. From them it builds the same
// `yaml` nodes (Scalar, YAMLMap, YAMLSeq, Pair, with the ranges `yaml` would give) that
// parseFile.ts reads, so both paths share one reader of the model. It is conservative: whatever it
// is not sure to reproduce exactly makes it decline (undefined), and the file goes to `yaml`:
// any character outside printable ASCII and line feed (tabs, CR, BOM, non-ASCII), Helm `{{`,
// directives, anchors, aliases, tags, merge keys, explicit keys, complex keys, flow collections
// that start a line (JSON files), empty nodes other than `key:` at a line end, multi-line quoted
// scalars, comment lines where a block collection ends, empty documents before content, and any
// file js-yaml rejects (syntax errors, duplicate keys). test/unit/fastParse.test.ts checks that
// both paths give deep-equal models on every file of the corpus, examples and fixtures.
import { FAILSAFE_SCHEMA, loadAll, type State } from 'js-yaml';
import { Document, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Node, type ScalarTag } from 'yaml';

/** `K8S_NETMAP_COLD_READER=yaml` turns the cold reader off (for comparison, and as an escape hatch). */
export function coldReaderEnabled(): boolean {
  return process.env.K8S_NETMAP_COLD_READER !== 'yaml';
}

/** What js-yaml's state holds at its events besides its typings. */
interface ListenerState extends State {
  tag: string | null;
  anchor: string | null;
}

/** A node being read: its open offset, then its children in order (key, value, key, value… for maps). */
interface Frame {
  open: number;
  children: Built[];
}

interface Built {
  node: Node | null;
  /** js-yaml's value of the node, to recognise the same node reported twice (see `collapse`). */
  result: unknown;
  /** Where `yaml` ends the node with what follows it on its line (a comment): a parent map or list ends there. */
  endWithComment: number;
  /** Nothing was read (node is null): an empty value, an empty document, or js-yaml's try at one more entry. */
  empty?: boolean;
}

/** The parser gave up on something this reader does not reproduce; caught in `fastDocuments`. */
class Decline extends Error {}

// Printable ASCII and line feeds only: tabs, CR, BOM and every non-ASCII character go to `yaml`.
const UNSURE_CHARACTER = /[^\n\x20-\x7e]/;
// Directives, explicit keys, and JSON files or flow collections that start a line.
const DIRECTIVE_OR_EXPLICIT_KEY = /^%|^[ -]*\?(?:[ \n]|$)/m;
const FLOW_LINE = /\n *[[{]/; // and on the first line (below): a `^` in multiline mode is slow to scan for
// Anchors, aliases and tags, conservatively: any `&`, `*` or `!` that may start a token.
const PROPERTY_OR_ALIAS = /(?:^|[ \n[{,:-])[&*!]/;

/** Helm actions, merge keys, and the rest above; the cheap tests first (most files have none of these characters). */
function unsureSyntax(text: string): boolean {
  if (text.includes('{{') || text.includes('<<')) return true;
  if ((text.includes('&') || text.includes('*') || text.includes('!')) && PROPERTY_OR_ALIAS.test(text)) return true;
  if ((text.includes('%') || text.includes('?')) && DIRECTIVE_OR_EXPLICIT_KEY.test(text)) return true;
  return FLOW_LINE.test(text) || /^ *[[{]/.test(text);
}

// `yaml`'s node classes set their identity (a symbol `isScalar` & co. read) on every instance with
// Object.defineProperty, which costs more than the rest of the node. These carry it on their
// prototype (which is the `yaml` class's, so its methods work); `yaml` keys its identities by
// `Symbol.for` names so that copies of the library recognise each other's nodes. Checked once
// below: should a version of `yaml` recognise them no longer, the cold reader declines every file.
type Range = [number, number, number];
const NODE_TYPE = Symbol.for('yaml.node.type');
class ColdScalar {
  constructor(
    public value: unknown,
    public source: string,
    public type: Scalar.Type,
    public range: Range,
  ) {}
}
class ColdPair {
  constructor(
    public key: unknown,
    public value: unknown,
  ) {}
}
class ColdMap {
  items: ColdPair[] = [];
  range: Range = [0, 0, 0];
}
class ColdSeq {
  items: unknown[] = [];
  range: Range = [0, 0, 0];
}
function adopt(cold: { prototype: object }, base: { prototype: object }, identity: string): void {
  Object.setPrototypeOf(cold.prototype, base.prototype);
  Object.defineProperty(cold.prototype, NODE_TYPE, { value: Symbol.for(identity) });
}
adopt(ColdScalar, Scalar, 'yaml.scalar');
adopt(ColdPair, Pair, 'yaml.pair');
adopt(ColdMap, YAMLMap, 'yaml.map');
adopt(ColdSeq, YAMLSeq, 'yaml.seq');
const COLD_NODES_RECOGNISED =
  isScalar(new ColdScalar(null, '', 'PLAIN', [0, 0, 0])) && isPair(new ColdPair(null, null)) && isMap(new ColdMap()) && isSeq(new ColdSeq());

// The core schema's implicit tags, as `yaml` resolves plain scalars (compose-scalar.js: the first
// default tag whose test matches).
type PlainTag = ScalarTag & { test: RegExp };
let coreTags: PlainTag[] | undefined;
function plainTags(): PlainTag[] {
  coreTags ??= new Document().schema.tags.filter((t): t is PlainTag => t.default === true && 'test' in t && t.test instanceof RegExp);
  return coreTags;
}

// Every test of the core schema (null, bool, int, float) needs one of these first characters, or
// the empty string: any other plain scalar is a string without trying them.
const MAY_NOT_BE_STRING = /^[~nNtTfF0-9+.-]/;

function plainValue(source: string): unknown {
  if (source !== '' && !MAY_NOT_BE_STRING.test(source)) return source;
  for (const tag of plainTags()) {
    if (!tag.test.test(source)) continue;
    const res = tag.resolve(source, () => {
      throw new Decline();
    }, {});
    return isScalar(res) ? res.value : res;
  }
  return source;
}

/** The first offset from `i` that is not a space, line feed or comment. */
function skipToContent(text: string, i: number): number {
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 10) i++;
    else if (ch === 35 /* # */) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) return text.length;
      i = nl;
    } else return i;
  }
}

/** The end of a value without trailing spaces and line feeds. */
function trimEnd(text: string, start: number, end: number): number {
  while (end > start) {
    const ch = text.charCodeAt(end - 1);
    if (ch === 32 || ch === 10) end--;
    else break;
  }
  return end;
}

/** Past a ` # comment` after a scalar on its line, as `yaml` counts the node's end. */
function pastLineComment(text: string, end: number): number {
  let i = end;
  while (text.charCodeAt(i) === 32) i++;
  if (text.charCodeAt(i) !== 35 || i === end) return end;
  const nl = text.indexOf('\n', i);
  return nl === -1 ? text.length : nl;
}

const SCALAR_TYPE: Record<number, Scalar.Type> = {
  39: 'QUOTE_SINGLE',
  34: 'QUOTE_DOUBLE',
  124: 'BLOCK_LITERAL',
  62: 'BLOCK_FOLDED',
};

function buildScalar(text: string, frame: Frame, result: unknown): Built {
  if (typeof result !== 'string') throw new Decline();
  const start = skipToContent(text, frame.open);
  const close = lastClose;
  const type = SCALAR_TYPE[text.charCodeAt(start)] ?? 'PLAIN';
  const end = trimEnd(text, start, close);
  if ((type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE') && text.slice(start, end).includes('\n')) throw new Decline();
  // Block scalars keep their last line feed in `yaml`'s range; spans trim it again (nodes.ts spanOf).
  const rangeEnd = type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED' ? Math.min(end + 1, text.length) : end;
  const s = new ColdScalar(type === 'PLAIN' ? plainValue(result) : result, result, type, [start, rangeEnd, rangeEnd]);
  return { node: s as unknown as Node, result, endWithComment: type === 'PLAIN' || type.startsWith('QUOTE') ? pastLineComment(text, end) : rangeEnd };
}

/** `key:` with nothing after it on its line: `yaml` gives an empty plain scalar right after the colon. */
function emptyValue(text: string, at: number): Node {
  declineUnlessEmptyValueAt(text, at);
  return new ColdScalar(null, '', 'PLAIN', [at, at, at]) as unknown as Node;
}

/** An empty value stands only right after a key's `:` at the end of a line (or of the text). */
function declineUnlessEmptyValueAt(text: string, at: number): void {
  const next = text.charCodeAt(at);
  if (text.charCodeAt(at - 1) !== 58 /* : */ || !(next === 10 || Number.isNaN(next))) throw new Decline();
}

/**
 * The children of a collection without js-yaml's last try at one more entry, which reports an
 * empty node (e.g. before a `---` line).
 */
function entries(frame: Frame, expected: (n: number) => boolean): Built[] {
  const c = frame.children;
  return c.length > 0 && c[c.length - 1].empty && !expected(c.length) ? c.slice(0, -1) : c;
}

function buildMap(text: string, frame: Frame, result: unknown): Built {
  const children = entries(frame, (n) => n % 2 === 0);
  if (children.length % 2 !== 0 || typeof result !== 'object' || result === null || Array.isArray(result)) throw new Decline();
  const map = new ColdMap();
  for (let i = 0; i < children.length; i += 2) {
    const key = children[i].node;
    // Keys other than scalars (and `<<`, declined earlier) are read differently by the two parsers.
    if (!isScalar(key) || typeof key.value === 'object') throw new Decline();
    const value = children[i + 1];
    map.items.push(new ColdPair(key, value.empty ? emptyValue(text, value.endWithComment) : value.node));
  }
  return finishCollection(text, frame, map, children, result);
}

function buildSeq(text: string, frame: Frame, result: unknown): Built {
  const items = Array.isArray(result) ? entries(frame, (n) => n === result.length) : [];
  if (!Array.isArray(result) || result.length !== items.length || items.some((c) => c.empty)) throw new Decline();
  const seq = new ColdSeq();
  for (const c of items) seq.items.push(c.node);
  return finishCollection(text, frame, seq, items, result);
}

function finishCollection(text: string, frame: Frame, node: ColdMap | ColdSeq, children: Built[], result: unknown): Built {
  const start = skipToContent(text, frame.open);
  const flow = text.charCodeAt(start) === 123 /* { */ || text.charCodeAt(start) === 91; /* [ */
  if (flow) {
    node.range = [start, lastClose, lastClose];
    return { node: node as unknown as Node, result, endWithComment: pastLineComment(text, lastClose) };
  }
  const last = children[children.length - 1] as Built | undefined;
  if (!last) throw new Decline();
  if (last.empty) declineUnlessEmptyValueAt(text, last.endWithComment);
  const end = last.endWithComment;
  node.range = [start, end, end];
  return { node: node as unknown as Node, result, endWithComment: end };
}

/** Where a line's content starts (past its indentation), and whether it is a list item (`- `). */
function lineShape(text: string, lineStart: number): string {
  let k = lineStart;
  while (text.charCodeAt(k) === 32) k++;
  return `${k - lineStart}${text.charCodeAt(k) === 45 /* - */ ? '-' : ''}`;
}

/** The start of the nearest line before (step -1) or after (step 1) `lineStart` that is neither blank nor a comment. */
function contentLine(text: string, lineStart: number, step: 1 | -1): number | undefined {
  let at = lineStart;
  for (;;) {
    if (step === -1) {
      if (at === 0) return undefined;
      at = text.lastIndexOf('\n', at - 2) + 1;
    } else {
      const nl = text.indexOf('\n', at);
      if (nl === -1 || nl + 1 >= text.length) return undefined;
      at = nl + 1;
    }
    let k = at;
    while (text.charCodeAt(k) === 32) k++;
    const ch = text.charCodeAt(k);
    if (ch !== 10 && ch !== 35 /* # */ && !Number.isNaN(ch)) return at;
  }
}

// Comment lines after the first (a comment on the first line has no content before it to end).
const COMMENT_LINE = /\n *#/g;

/**
 * Whether a whole-line comment sits where a block collection ends (the next content line is
 * indented differently from the one before it, or none follows). `yaml` then places the comment
 * lines in one collection or another by their indentation, which decides where the enclosing
 * collections end; such files are left to it. Comments between siblings change no span.
 */
function commentAtBlockEnd(text: string): boolean {
  COMMENT_LINE.lastIndex = 0;
  let checkedUpTo = -1;
  for (let m = COMMENT_LINE.exec(text); m; m = COMMENT_LINE.exec(text)) {
    const lineStart = m.index + 1;
    if (lineStart <= checkedUpTo) continue;
    const before = contentLine(text, lineStart, -1);
    if (before === undefined || text.startsWith('---', before) || text.startsWith('...', before)) continue;
    const after = contentLine(text, lineStart, 1);
    if (after === undefined) return true;
    checkedUpTo = after;
    if (text.startsWith('---', after) || lineShape(text, before) !== lineShape(text, after)) return true;
  }
  return false;
}

/** js-yaml's position at the latest close event. */
let lastClose = 0;

/**
 * js-yaml reports some nodes twice, nested: a block value is first tried as a mapping key, and
 * when no `:` follows, the outer node closes with the inner node's value. The inner node stands.
 */
function collapse(frame: Frame, result: unknown): Built | undefined {
  const only = frame.children.length === 1 ? frame.children[0] : undefined;
  return only && only.result === result ? only : undefined;
}

/**
 * The documents of `text` as `yaml` would compose them, or undefined when this reader declines
 * the file. The documents have no errors (a file with any goes to `yaml`) and no aliases.
 */
export function fastDocuments(text: string): Array<{ contents: Node | null }> | undefined {
  if (!COLD_NODES_RECOGNISED || UNSURE_CHARACTER.test(text) || unsureSyntax(text) || commentAtBlockEnd(text)) return undefined;
  const roots: Array<Node | null> = [];
  // Frames by depth, reused: a frame's children are read only at its close, before it is reused.
  const frames: Frame[] = [];
  let depth = 0;
  const listener = (event: 'open' | 'close', state: State): void => {
    const s = state as ListenerState;
    if (event === 'open') {
      const f = (frames[depth] ??= { open: 0, children: [] });
      f.open = s.position;
      f.children.length = 0;
      depth++;
      return;
    }
    const frame = frames[--depth];
    if (s.tag !== null && s.tag !== '?' && s.tag !== 'tag:yaml.org,2002:str' && s.tag !== 'tag:yaml.org,2002:map' && s.tag !== 'tag:yaml.org,2002:seq') throw new Decline();
    if (s.anchor !== null) throw new Decline();
    lastClose = s.position;
    const result: unknown = s.result;
    let built = collapse(frame, result);
    if (!built) {
      if (s.kind === 'scalar') built = buildScalar(text, frame, result);
      else if (s.kind === 'mapping') built = buildMap(text, frame, result);
      else if (s.kind === 'sequence') built = buildSeq(text, frame, result);
      else if (result === null && frame.children.length === 0) built = { node: null, result, endWithComment: frame.open, empty: true };
      else throw new Decline();
    }
    if (depth > 0) frames[depth - 1].children.push(built);
    else roots.push(built.node);
  };
  try {
    loadAll(text, undefined, { schema: FAILSAFE_SCHEMA, listener });
  } catch {
    return undefined;
  }
  // An empty document before content: which of them `yaml` counts is not sure (object ids number documents).
  let lastContent = roots.length - 1;
  while (lastContent >= 0 && roots[lastContent] === null) lastContent--;
  if (roots.slice(0, lastContent).some((r) => r === null)) return undefined;
  return roots.map((contents) => ({ contents }));
}
