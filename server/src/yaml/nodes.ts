// Thin helpers over the `yaml` library's node types. This folder is the only place that imports
// `yaml`; everything outside it sees the model types.
import * as yamlApi from 'yaml';
import type { Alias, Document, Node, Pair, Scalar, YAMLMap } from 'yaml';
import type { ScalarKind, Span } from '../model/types';
import { ColdMap, ColdScalar, ColdSeq, type ColdPair } from './fastParse';

// Bound once: the bundle reaches a CommonJS module's exports through a getter at every use, and
// these tests run for every key of every map read.
const { isAlias, isMap, isScalar, isSeq } = yamlApi;

/** Per-document context: the document (for aliases) and the text (to trim block ranges). */
export interface NodeContext {
  doc: Document.Parsed;
  text: string;
  /** Alias → its anchored node, made once per document by `documentAliases`. */
  aliasCache: { aliases?: AliasTable };
}

// The cold reader's nodes (fastParse.ts) are tested for in each helper that reads them (asMap,
// asSeqItems, pairOf, get, scalarOf), not once here: each helper then skips its own work too (a
// cold list's items are its array, a cold map has no merge keys), and yaml's nodes pay no extra
// test. Once in deref, the cold reader's parse took 7.7 % more CPU at 10k objects (3 % with the
// list and map shortcuts kept).
/** Follows an alias to its anchored node; other nodes pass through. Never expands anything. */
export function deref(ctx: NodeContext, node: unknown): Node | undefined {
  if (isAlias(node)) {
    const target = anchoredNode(ctx, node);
    return isAlias(target) ? undefined : target;
  }
  return (node ?? undefined) as Node | undefined;
}

// `Alias.resolve(doc, ctx)` with a ctx object goes on to count aliases through `ctx.anchors`, which
// only toJS() sets up (without it, it throws and every alias read as missing). This is its lookup
// alone, from a table made once per document: each alias costs one Map read.
function anchoredNode(ctx: NodeContext, alias: Alias): Node | undefined {
  const table = (ctx.aliasCache.aliases ??= documentAliases(ctx.doc));
  return table.targets.get(alias);
}

export interface AliasTable {
  /** Each alias's node: the last node with its anchor before it in the document. */
  targets: Map<Alias, Node | undefined>;
  /** Nodes of the document with every alias expanded (an alias counts itself and its target), capped. */
  expandedNodes: number;
  /** Of those, the nodes that come from expanding an alias, capped. */
  expandedAliases: number;
}

const COUNT_CAP = 1e15;

/** The children of a node in document order (pairs: key, then value). */
function childrenOf(node: unknown): unknown[] {
  if (isMap(node)) {
    const out: unknown[] = [];
    for (const p of node.items) out.push(p.key, p.value);
    return out;
  }
  if (isSeq(node)) return node.items;
  return [];
}

/**
 * Walks a document once, without recursion (a document nested 10,000 deep must not overflow the
 * stack), in document order: anchors are recorded as they come, so each alias gets the node its
 * anchor named last before it, as YAML defines. On the way back up, it counts what the document
 * would become with every alias expanded, for the alias-bomb budget (`aliasBudgetExceeded`).
 */
export function documentAliases(doc: Document.Parsed): AliasTable {
  const targets = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  const size = new Map<unknown, [nodes: number, aliases: number]>();
  const stack: Array<{ node: unknown; done: boolean }> = [{ node: doc.contents, done: false }];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const node = top.node;
    if (node === null || node === undefined || typeof node !== 'object') continue;
    if (top.done) {
      let nodes = 1;
      let aliases = 0;
      for (const child of childrenOf(node)) {
        const s = size.get(child);
        if (s) {
          nodes += s[0];
          aliases += s[1];
        }
      }
      size.set(node, [Math.min(nodes, COUNT_CAP), Math.min(aliases, COUNT_CAP)]);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      targets.set(node, target);
      // A target still open (an alias inside its own anchored node) counts as one node.
      const t = target ? size.get(target) : undefined;
      // As go-yaml counts: every node decoded inside an alias expansion is an alias decode.
      const expanded = t?.[0] ?? 1;
      size.set(node, [Math.min(1 + expanded, COUNT_CAP), Math.min(expanded, COUNT_CAP)]);
      continue;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) anchors.set(anchor, node as Node);
    stack.push({ node, done: true });
    const children = childrenOf(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], done: false });
  }
  const total = size.get(doc.contents) ?? [0, 0];
  return { targets, expandedNodes: total[0], expandedAliases: total[1] };
}

/**
 * Whether a document's aliases expand it too far to be a manifest: the rule of go-yaml, which
 * kubectl uses, so that what it would refuse as "excessive aliasing" is refused here too. Up to
 * 400,000 expanded nodes anything but an (almost) all-alias document passes; from 4,000,000 on,
 * nodes that come from aliases may be at most a tenth; in between the allowed share falls linearly.
 */
export function aliasBudgetExceeded(table: AliasTable): boolean {
  const { expandedNodes: n, expandedAliases: a } = table;
  if (a <= 100 || n <= 1000) return false;
  const ratio = n <= 400_000 ? 0.99 : n >= 4_000_000 ? 0.1 : 0.99 - 0.89 * ((n - 400_000) / 3_600_000);
  return a / n > ratio;
}

/** The span of a node's value, without the trailing line break and indentation that block nodes include. */
export function spanOf(ctx: NodeContext, node: Node | undefined | null): Span | undefined {
  // The cold reader's nodes hold their offsets as numbers: no range array is made to be read.
  if (node instanceof ColdScalar || node instanceof ColdMap || node instanceof ColdSeq) return trimmedSpan(ctx.text, node.start, node.end);
  const range = node?.range;
  return range ? trimmedSpan(ctx.text, range[0], range[1]) : undefined;
}

/**
 * `spanOf` for a node that is there: the parsers give every node they read a range, so the empty
 * span at 0 stands only for a node made in code (none reaches the readers).
 */
export function nodeSpan(ctx: NodeContext, node: Node): Span {
  return spanOf(ctx, node) ?? { start: 0, end: 0 };
}

function trimmedSpan(text: string, start: number, rangeEnd: number): Span {
  let end = rangeEnd;
  while (end > start) {
    const ch = text.charCodeAt(end - 1);
    if (ch === 10 || ch === 13 || ch === 32 || ch === 9) end--;
    else break;
  }
  return { start, end };
}

export function asMap(ctx: NodeContext, node: unknown): YAMLMap<unknown, unknown> | undefined {
  if (node instanceof ColdMap) return node as unknown as YAMLMap<unknown, unknown>;
  const n = deref(ctx, node);
  return isMap(n) ? n : undefined;
}

/** The items of a list, aliases followed (read-only: a cold list's own array). */
export function asSeqItems(ctx: NodeContext, node: unknown): Node[] {
  if (node instanceof ColdSeq) return node.items as Node[];
  const n = deref(ctx, node);
  if (!isSeq(n)) return [];
  const out: Node[] = [];
  for (const item of n.items) {
    const d = deref(ctx, item);
    if (d) out.push(d);
  }
  return out;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) {
    const v = key.value;
    return typeof v === 'string' ? v : v === null || v === undefined ? undefined : String(v);
  }
  return undefined;
}

function isMergeKey(key: unknown): boolean {
  // The value first: it rules out nearly every key at the cost of one property read.
  return (key as { value?: unknown } | null | undefined)?.value === '<<' && isScalar(key) && key.type === 'PLAIN';
}

const mergedPairsCache = new WeakMap<YAMLMap<unknown, unknown>, Array<Pair<unknown, unknown>>>();

/**
 * The pairs of a map as kubectl (YAML 1.1) sees them: `<<: *base` (or `<<: [*a, *b]`) merge keys
 * add the pairs of the maps they name, where the map does not set that key itself; earlier merge
 * sources win over later ones. Computed once per map node, so merges of merges stay linear.
 */
export function mapPairs(ctx: NodeContext, map: YAMLMap<unknown, unknown>, visiting: Set<unknown> = new Set()): Array<Pair<unknown, unknown>> {
  // Maps without merge keys (nearly all) first: a scan of their keys costs less than the cache lookup.
  if (map instanceof ColdMap || !hasMergeKey(map)) return map.items;
  const cached = mergedPairsCache.get(map);
  if (cached) return cached;
  if (visiting.has(map)) return []; // a map that merges itself
  visiting.add(map);
  const out = map.items.filter((p) => !isMergeKey(p.key));
  const seen = new Set(out.map((p) => keyText(p.key)));
  for (const pair of map.items) {
    if (!isMergeKey(pair.key)) continue;
    const source = deref(ctx, pair.value);
    const sources = isSeq(source) ? source.items.map((i) => deref(ctx, i)) : [source];
    for (const src of sources) {
      if (!isMap(src)) continue;
      for (const p of mapPairs(ctx, src, visiting)) {
        const k = keyText(p.key);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(p);
      }
    }
  }
  visiting.delete(map);
  mergedPairsCache.set(map, out);
  return out;
}

function hasMergeKey(map: YAMLMap<unknown, unknown>): boolean {
  for (const p of map.items) if (isMergeKey(p.key)) return true;
  return false;
}

/**
 * The pair of a map with the given string key. One pass over the map's own pairs, which win over
 * merged ones (a map's own keys are unique: both parsers reject duplicates); the merged pairs are
 * looked at only when the map has a merge key and no pair of its own.
 */
function pairOf(ctx: NodeContext, map: unknown, key: string): Pair<unknown, unknown> | undefined {
  if (map instanceof ColdMap) return coldPairOf(map, key) as Pair<unknown, unknown> | undefined;
  const m = asMap(ctx, map);
  if (!m) return undefined;
  let merges = false;
  for (const pair of m.items) {
    const k = pair.key as { value?: unknown } | null;
    const v = k?.value;
    // The common case, a string key, with one comparison; keyText's reading of other scalars after.
    if (v === key ? isScalar(k) : typeof v !== 'string' && keyText(k) === key) return pair;
    if (v === '<<' && isMergeKey(k)) merges = true;
  }
  if (!merges) return undefined;
  for (const pair of mapPairs(ctx, m)) if (keyText(pair.key) === key) return pair;
  return undefined;
}

/** pairOf for a cold map, whose keys are all scalars and none a merge key. */
function coldPairOf(map: ColdMap, key: string): ColdPair | undefined {
  for (const pair of map.items) {
    const v = (pair.key as ColdScalar).value;
    if (v === key || (typeof v !== 'string' && keyText(pair.key) === key)) return pair;
  }
  return undefined;
}

export function get(ctx: NodeContext, map: unknown, key: string): Node | undefined {
  if (map instanceof ColdMap) return coldPairOf(map, key)?.value as Node | undefined;
  return deref(ctx, pairOf(ctx, map, key)?.value);
}

/** Walks a key path through nested maps. */
export function getPath(ctx: NodeContext, map: unknown, ...keys: string[]): Node | undefined {
  let node: unknown = map;
  for (const key of keys) {
    node = get(ctx, node, key);
    if (!node) return undefined;
  }
  return node as Node;
}

export function scalarOf(ctx: NodeContext, node: unknown): Scalar | undefined {
  if (node instanceof ColdScalar) return node as unknown as Scalar;
  const n = deref(ctx, node);
  return isScalar(n) ? n : undefined;
}

// The strings the model keeps (label keys and values, names, namespaces, kinds) repeat across a
// workspace: a tenth of them are distinct. One shared copy of each, up to a bound on the table (it
// lives as long as the process: the editor's edits make new strings all the time).
const INTERN_MAX_LENGTH = 253;
const INTERN_MAX_ENTRIES = 100_000;
const interned = new Map<string, string>();

/**
 * A string equal to `text` that holds no reference to the file text it was cut from (V8 keeps a
 * substring of 13 or more characters as a slice of its parent, so a name kept in the model would
 * otherwise keep its whole file in memory), shared with every equal string kept before it.
 */
function detach(text: string): string {
  if (text.length > INTERN_MAX_LENGTH) return (' ' + text).slice(1);
  let kept = interned.get(text);
  if (kept === undefined) {
    if (interned.size >= INTERN_MAX_ENTRIES) interned.clear();
    // A join builds a new flat string; a slice of 13 or more characters would point into the file text.
    kept = text.length < 13 ? text : Array.from(text).join('');
    interned.set(kept, kept);
  }
  return kept;
}

/** The scalar's value as a string, as the user wrote it when it is not a string (`1.0` stays `1.0`). */

export function scalarText(s: Scalar): string {
  const v = s.value;
  if (typeof v === 'string') return detach(v);
  if (v === null || v === undefined) return '';
  return typeof s.source === 'string' ? detach(s.source) : String(v);
}

export function getString(ctx: NodeContext, map: unknown, key: string): string | undefined {
  return stringOf(ctx, get(ctx, map, key));
}

/** getString of a node already looked up. */
export function stringOf(ctx: NodeContext, node: unknown): string | undefined {
  const s = scalarOf(ctx, node);
  if (!s) return undefined;
  return typeof s.value === 'string' ? detach(s.value) : s.value === null || s.value === undefined ? undefined : scalarText(s);
}

export function getNumber(ctx: NodeContext, map: unknown, key: string): number | undefined {
  return numberOf(ctx, get(ctx, map, key));
}

/** getNumber of a node already looked up. */
export function numberOf(ctx: NodeContext, node: unknown): number | undefined {
  const s = scalarOf(ctx, node);
  return s && typeof s.value === 'number' ? s.value : undefined;
}

/** Number or string scalar (Kubernetes IntOrString). */
export function getIntOrString(ctx: NodeContext, map: unknown, key: string): { value: number | string; span: Span } | undefined {
  const s = scalarOf(ctx, get(ctx, map, key));
  if (!s) return undefined;
  const span = spanOf(ctx, s);
  if (!span) return undefined;
  if (typeof s.value === 'number') return { value: s.value, span };
  if (typeof s.value === 'string') return { value: detach(s.value), span };
  return undefined;
}

export function keySpan(ctx: NodeContext, pair: Pair<unknown, unknown>): Span | undefined {
  return spanOf(ctx, pair.key as Node);
}

// kubectl decodes with go-yaml v2 (YAML 1.1 rules), where these plain scalars are not strings.
// The number patterns follow its resolver (strconv with base prefixes, and its float syntax),
// not the YAML 1.1 spec's looser regexes, so a version like `1.15.1` stays a string.
const YAML11_BOOL_OR_NULL = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|~|null|Null|NULL)$/;
const YAML11_INT = /^[-+]?(?:0b[01_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$/;
const YAML11_FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** How to write a string as a YAML value so that both YAML 1.2 and kubectl's YAML 1.1 read it as that string. */
export function yamlString(value: string): string {
  const plainSafe = /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/.test(value) && !YAML11_BOOL_OR_NULL.test(value) && !YAML11_INT.test(value) && !YAML11_FLOAT.test(value);
  return plainSafe ? value : JSON.stringify(value);
}

export function scalarKind(s: Scalar): ScalarKind {
  const v = s.value;
  if (typeof v === 'number' || typeof v === 'bigint') return 'number';
  if (typeof v === 'boolean') return 'boolean';
  if (v === null || v === undefined) return 'null';
  if (typeof v !== 'string') return 'collection';
  if (s.type === 'PLAIN' && v !== '' && (YAML11_BOOL_OR_NULL.test(v) || YAML11_INT.test(v) || YAML11_FLOAT.test(v))) {
    return 'yaml11-non-string';
  }
  return 'string';
}

export { isMap, isScalar, isSeq };
