// A small YAML file (k8s-netmap.yaml) as a plain tree with spans, for readers outside this folder
// that must point at the place a value came from. Aliases are followed once, never expanded twice.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Span } from '../model/types';
import { deref, keySpan, type NodeContext, spanOf } from './nodes';

export type PlainNode =
  | { kind: 'scalar'; value: string | number | boolean | null; span: Span }
  | { kind: 'map'; entries: Array<{ key: string; keySpan: Span; value: PlainNode }>; span: Span }
  | { kind: 'seq'; items: PlainNode[]; span: Span };

interface PlainTree {
  /** The root; undefined for an empty file. */
  root: PlainNode | undefined;
  /** YAML errors, first one per place. */
  errors: Array<{ span: Span; message: string }>;
}

const EMPTY: Span = { start: 0, end: 0 };

function toPlain(ctx: NodeContext, node: unknown, depth: number): PlainNode {
  const n = deref(ctx, node);
  const span = spanOf(ctx, n) ?? EMPTY;
  if (depth > 20) return { kind: 'scalar', value: null, span };
  if (isMap(n)) {
    const entries: Array<{ key: string; keySpan: Span; value: PlainNode }> = [];
    for (const pair of n.items) {
      const key = deref(ctx, pair.key);
      if (!isScalar(key)) continue;
      entries.push({ key: String(key.value), keySpan: keySpan(ctx, pair) ?? span, value: toPlain(ctx, pair.value, depth + 1) });
    }
    return { kind: 'map', entries, span };
  }
  if (isSeq(n)) return { kind: 'seq', items: n.items.map((i) => toPlain(ctx, i, depth + 1)), span };
  if (isScalar(n)) {
    const v = n.value;
    return { kind: 'scalar', value: typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v === null ? null : String(v), span };
  }
  if (isAlias(node)) return { kind: 'scalar', value: null, span };
  return { kind: 'scalar', value: null, span };
}

/** Reads the first document of `text`; never throws. */
export function readPlainTree(text: string): PlainTree {
  const doc = parseDocument(text, { lineCounter: new LineCounter(), prettyErrors: false, uniqueKeys: false });
  const errors = doc.errors.map((e) => ({ span: { start: e.pos[0], end: Math.max(e.pos[1], e.pos[0]) }, message: e.message.split('\n')[0] ?? e.message }));
  if (errors.length > 0) return { root: undefined, errors };
  const ctx: NodeContext = { doc, text, aliasCache: {} };
  const contents = doc.contents as Node | null;
  return { root: contents ? toPlain(ctx, contents, 0) : undefined, errors };
}
