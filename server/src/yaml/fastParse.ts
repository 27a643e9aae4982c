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
// both paths give deep-equal models on every file of the corpus, examples and fixtures. About 400
// lines: the pre-checks, the node classes and the builders stay together, as each decline stands
// for something the builders do not reproduce.
import { FAILSAFE_SCHEMA, loadAll, type State } from 'js-yaml';
import { Document, isMap, isPair, isScalar, isSeq, Pair, Scalar, YAMLMap, YAMLSeq, type Node, type ScalarTag } from 'yaml';

/** `K8S_NETMAP_COLD_READER=yaml` turns the cold reader off (for comparison, and as an escape hatch). */
export function coldReaderWanted(env: NodeJS.ProcessEnv): boolean {
  return env.K8S_NETMAP_COLD_READER !== 'yaml';
}

/** Whether this process reads files that are not open with the cold reader. */
export function coldReaderEnabled(): boolean {
  // Read once per process: `process.env` is a slow accessor, and this is asked for every file.
  coldReaderSwitch ??= coldReaderWanted(process.env);
  return coldReaderSwitch;
}
let coldReaderSwitch: boolean | undefined;

/** What js-yaml's state holds at its events besides its typings. */
interface ListenerState extends State {
  tag: string | null;
  anchor: string | null;
}

/**
 * The nodes read whose parent is still open, in document order, as parallel arrays: a node's
 * children are the entries from where its open event left the top to the top at its close. No
 * object per node besides the node itself.
 */
class OpenChildren {
  nodes: Array<Node | null> = [];
  /** js-yaml's value of each node, to recognise the same node reported twice (see the listener). */
  results: unknown[] = [];
  /** Where `yaml` ends each node with what follows it on its line (a comment): a parent map or list ends there. */
  ends: number[] = [];
  /** Nothing was read (node null): an empty value, an empty document, or js-yaml's try at one more entry. */
  empty: boolean[] = [];
  top = 0;

  /** Sets the entry at `at` and drops those above it (the children it was built from). */
  put(at: number, node: Node | null, result: unknown, end: number, empty: boolean): void {
    this.nodes[at] = node;
    this.results[at] = result;
    this.ends[at] = end;
    this.empty[at] = empty;
    this.top = at + 1;
  }
}

/** The parser gave up on something this reader does not reproduce; caught in `fastDocuments`. */
class Decline extends Error {}

// Printable ASCII and line feeds only: tabs, CR, BOM and every non-ASCII character go to `yaml`.
const UNSURE_CHARACTER = /[^\n\x20-\x7e]/;
// Anchors, aliases and tags, conservatively: any `&`, `*` or `!` that may start a token.
const PROPERTY_OR_ALIAS = /(?:^|[ \n[{,:-])[&*!]/;

/**
 * Whether only spaces (and list dashes, with `dashes`) stand between the start of `at`'s line and
 * `at`: the character starts the line's content. With `notFirstLine`, never on the text's first line.
 */
function leadsLine(text: string, at: number, dashes: boolean, notFirstLine = false): boolean {
  let i = at - 1;
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || (dashes && ch === 45)) i--;
    else return Number.isNaN(ch) ? !notFirstLine : ch === 10;
  }
}

/** Whether some `ch` in the text passes `test`; one indexOf per occurrence (these characters are rare). */
function someOccurrence(text: string, ch: string, test: (at: number) => boolean): boolean {
  for (let at = text.indexOf(ch); at !== -1; at = text.indexOf(ch, at + 1)) if (test(at)) return true;
  return false;
}

/** Directives (`%` at a line start) and explicit keys (`?` after a line's indentation and dashes, then a space or line end). */
function directiveOrExplicitKey(text: string): boolean {
  if (someOccurrence(text, '%', (at) => at === 0 || text.charCodeAt(at - 1) === 10)) return true;
  return someOccurrence(text, '?', (at) => {
    const next = text.charCodeAt(at + 1);
    return (next === 32 || next === 10 || Number.isNaN(next)) && leadsLine(text, at, true);
  });
}

/** JSON files and flow collections that start a line. */
function flowStartsLine(text: string): boolean {
  return someOccurrence(text, '[', (at) => leadsLine(text, at, false)) || someOccurrence(text, '{', (at) => leadsLine(text, at, false));
}

/** Helm actions, merge keys, and the rest above; the cheap tests first (most files have none of these characters). */
function unsureSyntax(text: string): boolean {
  if (text.includes('{{') || text.includes('<<')) return true;
  if ((text.includes('&') || text.includes('*') || text.includes('!')) && PROPERTY_OR_ALIAS.test(text)) return true;
  return directiveOrExplicitKey(text) || flowStartsLine(text);
}

// `yaml`'s node classes set their identity (a symbol `isScalar` & co. read) on every instance with
// Object.defineProperty, which costs more than the rest of the node. These carry it on their
// prototype (which is the `yaml` class's, so its methods work); `yaml` keys its identities by
// `Symbol.for` names so that copies of the library recognise each other's nodes. Checked once
// below: should a version of `yaml` recognise them no longer, the cold reader declines every file.
// nodes.ts reads them directly (`instanceof`), past the identity tests and the alias lookups: a
// cold map's keys are scalars, none a merge key, and no cold node is an alias or null.
type Range = [number, number, number];
const NODE_TYPE = Symbol.for('yaml.node.type');
/** A scalar holds its offsets as two numbers (half of all nodes are scalars: an array each is a third of their memory); `range` is made when asked. */
export class ColdScalar {
  constructor(
    public value: unknown,
    public source: string,
    public type: Scalar.Type,
    public start: number,
    public end: number,
  ) {}

  get range(): Range {
    return [this.start, this.end, this.end];
  }
}
export class ColdPair {
  constructor(
    public key: unknown,
    public value: unknown,
  ) {}
}
/** Collections hold their offsets as two numbers too: `range` is made when asked (spans read the numbers). */
export class ColdMap {
  constructor(
    public items: ColdPair[],
    public start: number,
    public end: number,
  ) {}

  get range(): Range {
    return [this.start, this.end, this.end];
  }
}
export class ColdSeq {
  constructor(
    public items: unknown[],
    public start: number,
    public end: number,
  ) {}

  get range(): Range {
    return [this.start, this.end, this.end];
  }
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
  isScalar(new ColdScalar(null, '', 'PLAIN', 0, 0)) && isPair(new ColdPair(null, null)) && isMap(new ColdMap([], 0, 0)) && isSeq(new ColdSeq([], 0, 0));

// The core schema's implicit tags, as `yaml` resolves plain scalars (compose-scalar.js: the first
// default tag whose test matches).
type PlainTag = ScalarTag & { test: RegExp };
let coreTags: PlainTag[] | undefined;
function plainTags(): PlainTag[] {
  coreTags ??= new Document().schema.tags.filter((t): t is PlainTag => t.default === true && 'test' in t && t.test instanceof RegExp);
  return coreTags;
}

/**
 * Every test of the core schema (null, bool, int, float) needs one of `~0-9+.-` first, or one of
 * `nNtTfF` in a text of at most five characters (`null`, `true`, `False`…), or the empty string:
 * any other plain scalar is a string without trying them.
 */
function mayNotBeString(source: string): boolean {
  const first = source.charCodeAt(0);
  if ((first >= 48 && first <= 57) || first === 126 || first === 43 || first === 46 || first === 45 || Number.isNaN(first)) return true;
  return source.length <= 5 && (first === 110 || first === 78 || first === 116 || first === 84 || first === 102 || first === 70);
}

// The values of plain scalars that may not be strings, by source (a workspace repeats them: ports,
// replicas, `true`): each is resolved once, not tried against every tag again.
// The values are primitives, never undefined. Only sources under 13 characters are kept: V8 copies those, where a
// longer one is a slice that would keep its whole file text alive. Bounded: the editor reads new
// text all the time.
const PLAIN_VALUES_MAX = 50_000;
const plainValues = new Map<string, unknown>();

function plainValue(source: string): unknown {
  if (!mayNotBeString(source)) return source;
  let value = plainValues.get(source);
  if (value !== undefined) return value;
  value = source;
  for (const tag of plainTags()) {
    if (!tag.test.test(source)) continue;
    const res = tag.resolve(source, () => {
      throw new Decline();
    }, {});
    value = isScalar(res) ? res.value : res;
    break;
  }
  if (source.length < 13) {
    if (plainValues.size >= PLAIN_VALUES_MAX) plainValues.clear();
    plainValues.set(source, value);
  }
  return value;
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

function scalarType(first: number): Scalar.Type {
  return first === 39 ? 'QUOTE_SINGLE' : first === 34 ? 'QUOTE_DOUBLE' : first === 124 ? 'BLOCK_LITERAL' : first === 62 ? 'BLOCK_FOLDED' : 'PLAIN';
}

/** Puts at `at` the scalar whose open event was at `open`. */
function putScalar(text: string, open: number, result: unknown, c: OpenChildren, at: number): void {
  if (typeof result !== 'string') throw new Decline();
  const start = skipToContent(text, open);
  const type = scalarType(text.charCodeAt(start));
  const end = trimEnd(text, start, lastClose);
  const quoted = type === 'QUOTE_SINGLE' || type === 'QUOTE_DOUBLE';
  if (quoted) {
    const nl = text.indexOf('\n', start);
    if (nl !== -1 && nl < end) throw new Decline();
  }
  // Block scalars keep their last line feed in `yaml`'s range; spans trim it again (nodes.ts spanOf).
  const rangeEnd = type === 'BLOCK_LITERAL' || type === 'BLOCK_FOLDED' ? Math.min(end + 1, text.length) : end;
  const s = new ColdScalar(type === 'PLAIN' ? plainValue(result) : result, result, type, start, rangeEnd);
  c.put(at, s as unknown as Node, result, type === 'PLAIN' || quoted ? pastLineComment(text, end) : rangeEnd, false);
}

/** `key:` with nothing after it on its line: `yaml` gives an empty plain scalar right after the colon. */
function emptyValue(text: string, at: number): Node {
  declineUnlessEmptyValueAt(text, at);
  return new ColdScalar(null, '', 'PLAIN', at, at) as unknown as Node;
}

/** An empty value stands only right after a key's `:` at the end of a line (or of the text). */
function declineUnlessEmptyValueAt(text: string, at: number): void {
  const next = text.charCodeAt(at);
  if (text.charCodeAt(at - 1) !== 58 /* : */ || !(next === 10 || Number.isNaN(next))) throw new Decline();
}

// js-yaml's last try at one more entry of a collection reports an empty node (e.g. before a `---`
// line): the readers below leave it out unless the count of entries says it is one.

function putMap(text: string, open: number, result: unknown, c: OpenChildren, base: number): void {
  let count = c.top - base;
  if (count % 2 !== 0 && c.empty[c.top - 1]) count--;
  if (count % 2 !== 0 || typeof result !== 'object' || result === null || Array.isArray(result)) throw new Decline();
  const items: ColdPair[] = [];
  for (let i = base; i < base + count; i += 2) {
    const key = c.nodes[i];
    // Keys other than scalars (and `<<`, declined earlier) are read differently by the two parsers.
    if (!(key instanceof ColdScalar) || typeof key.value === 'object') throw new Decline();
    items.push(new ColdPair(key, c.empty[i + 1] ? emptyValue(text, c.ends[i + 1]) : c.nodes[i + 1]));
  }
  putCollection(text, open, result, c, base, count, items, false);
}

function putSeq(text: string, open: number, result: unknown, c: OpenChildren, base: number): void {
  if (!Array.isArray(result)) throw new Decline();
  let count = c.top - base;
  if (count > 0 && c.empty[c.top - 1] && count !== result.length) count--;
  if (result.length !== count) throw new Decline();
  const items: unknown[] = [];
  for (let i = base; i < base + count; i++) {
    if (c.empty[i]) throw new Decline();
    items.push(c.nodes[i]);
  }
  putCollection(text, open, result, c, base, count, items, true);
}

/** Puts at `base` the collection made of `count` children from there, with the range `yaml` gives it. */
function putCollection(text: string, open: number, result: unknown, c: OpenChildren, base: number, count: number, items: unknown[], seq: boolean): void {
  const start = skipToContent(text, open);
  const first = text.charCodeAt(start);
  const flow = first === 123 /* { */ || first === 91; /* [ */
  let end = lastClose;
  if (!flow) {
    if (count === 0) throw new Decline();
    const last = base + count - 1;
    if (c.empty[last]) declineUnlessEmptyValueAt(text, c.ends[last]);
    end = c.ends[last];
  }
  const node = seq ? new ColdSeq(items, start, end) : new ColdMap(items as ColdPair[], start, end);
  c.put(base, node as unknown as Node, result, flow ? pastLineComment(text, end) : end, false);
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

/**
 * Whether a whole-line comment sits where a block collection ends (the next content line is
 * indented differently from the one before it, or none follows). `yaml` then places the comment
 * lines in one collection or another by their indentation, which decides where the enclosing
 * collections end; such files are left to it. Comments between siblings change no span. A
 * comment on the first line has no content before it to end.
 */
function commentAtBlockEnd(text: string): boolean {
  let checkedUpTo = -1;
  for (let at = text.indexOf('#'); at !== -1; at = text.indexOf('#', at + 1)) {
    if (!leadsLine(text, at, false, true)) continue;
    const lineStart = text.lastIndexOf('\n', at) + 1;
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
 * The documents of `text` as `yaml` would compose them, or undefined when this reader declines
 * the file. The documents have no errors (a file with any goes to `yaml`) and no aliases.
 */
export function fastDocuments(text: string): Array<{ contents: Node | null }> | undefined {
  if (!COLD_NODES_RECOGNISED || UNSURE_CHARACTER.test(text) || unsureSyntax(text) || commentAtBlockEnd(text)) return undefined;
  const roots: Array<Node | null> = [];
  const children = new OpenChildren();
  // By depth: each open node's open offset, and where its children start in `children`.
  const opens: number[] = [];
  const bases: number[] = [];
  let depth = 0;
  const listener = (event: 'open' | 'close', state: State): void => {
    const s = state as ListenerState;
    if (event === 'open') {
      opens[depth] = s.position;
      bases[depth] = children.top;
      depth++;
      return;
    }
    depth--;
    if (s.tag !== null && s.tag !== '?' && s.tag !== 'tag:yaml.org,2002:str' && s.tag !== 'tag:yaml.org,2002:map' && s.tag !== 'tag:yaml.org,2002:seq') throw new Decline();
    if (s.anchor !== null) throw new Decline();
    lastClose = s.position;
    const result: unknown = s.result;
    const base = bases[depth];
    // js-yaml reports some nodes twice, nested: a block value is first tried as a mapping key, and
    // when no `:` follows, the outer node closes with the inner node's value. The inner node stands.
    if (children.top - base !== 1 || children.results[base] !== result) {
      const open = opens[depth];
      if (s.kind === 'scalar') putScalar(text, open, result, children, base);
      else if (s.kind === 'mapping') putMap(text, open, result, children, base);
      else if (s.kind === 'sequence') putSeq(text, open, result, children, base);
      else if (result === null && children.top === base) children.put(base, null, result, open, true);
      else throw new Decline();
    }
    if (depth === 0) {
      roots.push(children.nodes[0]);
      children.top = 0;
    }
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
