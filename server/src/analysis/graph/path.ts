// The diagram's path query (SPEC §7, "who can reach this, and why"): from one node (or the
// internet) to another, the shortest chain of routes, selections and allowed flows, each hop with
// what decides it; or, when there is none, where it is blocked and why. Pure, over `Graph` values.

import { INTERNET_NODE_ID, type Graph, type GraphEdge, type GraphNode } from '../../model/graph';
import { isWholeInternet } from './aggregate';
import { getOrCreate } from '../../model/collections';

export interface PathHop {
  edge: GraphEdge;
  /** What decides the hop: the edge's own lines (host/path, port mapping, deciding policies). */
  why: string[];
}

export interface PathResult {
  from: string;
  to: string;
  /** The hops of an allowed path, empty when there is none. */
  hops: PathHop[];
  /** No allowed path: the hop that is blocked (if a blocked route lies on the way) and why. */
  blocked?: { at: string; edge?: GraphEdge; why: string[] };
}

const VERB: Record<GraphEdge['kind'], string> = { route: 'routes to', select: 'selects', allow: 'may connect to', blocked: 'is blocked from', 'tier-denied': 'is denied by a cluster tier from reaching' };

export function describeHop(graph: Graph, e: GraphEdge): string {
  const name = (id: string): string => {
    const n = graph.nodes.find((x) => x.id === id);
    return n ? label(n) : id;
  };
  return `${name(e.from)} ${VERB[e.kind]} ${name(e.to)}${e.ports ? ` (${e.ports})` : ''}`;
}

function label(n: GraphNode): string {
  if (n.kind === 'internet') return 'Internet';
  return n.namespace ? `${n.kind} ${n.namespace}/${n.name}` : `${n.kind} ${n.name}`;
}

function hopWhy(e: GraphEdge): string[] {
  const lines = [...(e.detail ?? [])];
  if (lines.length === 0 && e.kind === 'select') lines.push('the Service selects these pods');
  return lines;
}

/**
 * Shortest path over `route`, `select` and `allow` edges. The internet stands for every address:
 * from `internet`, the whole address range (ipBlock 0.0.0.0-255.255.255.255) is a start as well.
 */
export function findPath(graph: Graph, from: string, to: string): PathResult {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const starts = [from];
  if (from === INTERNET_NODE_ID) for (const n of graph.nodes) if (isWholeInternet(n)) starts.push(n.id);
  const out = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) getOrCreate(out, e.from, () => []).push(e);

  const search = (withBlocked: boolean): GraphEdge[] | undefined => {
    const via = new Map<string, GraphEdge | undefined>(starts.map((s) => [s, undefined]));
    const queue = [...starts];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      if (id === to) {
        const hops: GraphEdge[] = [];
        for (let e = via.get(id); e; e = via.get(e.from)) hops.unshift(e);
        return hops;
      }
      for (const e of out.get(id) ?? []) {
        if ((e.kind === 'blocked' && !withBlocked) || e.kind === 'tier-denied') continue;
        if (via.has(e.to)) continue;
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
    return undefined;
  };

  const result: PathResult = { from, to, hops: [] };
  if (!nodes.has(from) && from !== INTERNET_NODE_ID) return { ...result, blocked: { at: from, why: ['not in the graph'] } };
  const target = nodes.get(to);
  if (!target) return { ...result, blocked: { at: to, why: ['not in the graph'] } };
  const allowed = search(false);
  if (allowed) return { ...result, hops: allowed.map((edge) => ({ edge, why: hopWhy(edge) })) };

  const withBlocked = search(true);
  const blockedEdge = withBlocked?.find((e) => e.kind === 'blocked');
  if (blockedEdge) {
    return { ...result, blocked: { at: blockedEdge.to, edge: blockedEdge, why: [describeHop(graph, blockedEdge), ...(blockedEdge.detail ?? [])] } };
  }
  // Nothing leads there: say what isolates the target (its ingress line) and the source (egress).
  const why: string[] = [];
  const ingress = (target.detail ?? []).find((l) => l.startsWith('ingress:'));
  if (ingress) why.push(`${label(target)} ${ingress}`);
  const source = nodes.get(from);
  const egress = (source?.detail ?? []).find((l) => l.startsWith('egress:'));
  if (source && egress) why.push(`${label(source)} ${egress}`);
  if (why.length === 0) why.push(`no route, selection or allowed flow leads from ${source ? label(source) : from} to ${label(target)}`);
  else why.unshift(`no route, selection or allowed flow leads from ${source ? label(source) : 'the Internet'} to ${label(target)}`);
  return { ...result, blocked: { at: to, why } };
}
