// The path query's per-hop reason (SPEC §7, issue 12): which policy rule allows a hop of the
// diagram, from the explain facts, with the rule's place so the diagram can reveal it. Pure: the
// engine, the explain context and the graph's node ids in, plain data out.

import type { Span, Workload } from '../../model/types';
import { parseRange } from '../graph/external';
import { workloadNodeId } from '../graph/builder';
import type { PeerInfo } from '../reachability';
import { ExplainContext, explainPair } from './pairs';

/** One rule (or other object) that allows a hop: `NetworkPolicy shop/web-from-api: ingress rule #1 (TCP 80)`. */
interface HopRule {
  text: string;
  uri?: string;
  /** The rule in `uri` (UTF-16 offsets), or the object's name. */
  span?: Span;
}

/** The engine's peer a graph node stands for (workloads, outside ranges, the ingress controller), if any. */
export function peerOfNode(ctx: ExplainContext, workloads: readonly Workload[], id: string, end: 'src' | 'dst'): PeerInfo | undefined {
  const engine = ctx.engine;
  if (id === 'ingress-controller') return engine.peer('{ingress-controller}');
  if (id.startsWith('ipBlock/')) {
    const r = parseRange(id.slice('ipBlock/'.length));
    if (!r) return undefined;
    // The graph may merge ranges: the first of the engine's ranges inside it speaks for it.
    return engine.externalPeers(end === 'src' ? 'ingress' : 'egress').find((p) => p.range && p.range[0] >= r[0] && p.range[1] <= r[1]);
  }
  const w = workloads.find((x) => workloadNodeId(x) === id);
  return w ? engine.peerOf(w) : undefined;
}

/** The rules that allow connections from `src` to `dst`, egress side first; empty when no policy decides. */
export function hopRules(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo): HopRule[] {
  const e = explainPair(ctx, src, dst);
  const out = new Map<string, { rule: HopRule; conns: string[] }>();
  for (const side of ['egress', 'ingress'] as const) {
    for (const piece of e.pieces) {
      if (!piece.allowed) continue;
      for (const f of piece[side].facts) {
        if (!f.allows || f.kind === 'default') continue;
        const o = f.object;
        const where = o ? `${f.kind} ${o.namespace}/${o.name}` : f.kind;
        const text = f.rule ? `${where}: ${f.rule.direction} rule #${f.rule.number}` : o ? where : f.text;
        let entry = out.get(text);
        if (!entry) {
          const rule: HopRule = { text };
          if (o) rule.uri = o.uri;
          const span = f.span ?? o?.nameSpan;
          if (span) rule.span = { start: span.start, end: span.end };
          out.set(text, (entry = { rule, conns: [] }));
        }
        entry.conns.push(piece.conns.toString());
      }
    }
  }
  return [...out.values()].map(({ rule, conns }) => ({ ...rule, text: `${rule.text} (${[...new Set(conns)].join(', ')})`.slice(0, 300) }));
}
