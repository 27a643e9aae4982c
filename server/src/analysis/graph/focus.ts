// Focus: one object's neighbourhood in the network graph (SPEC §7), for the diagram's focus mode
// and `k8s-netmap graph --focus ns/name [--depth N]`. Pure, over `Graph` values.
//
// The neighbourhood of a node:
// - its routing chain: what routes to it (internet → Ingress/route → Service → workloads, followed
//   upstream) and what it routes to or selects (followed downstream), whole, however long;
// - the workloads at the end of that chain (a Service's pods, an Ingress's backends) are the
//   "core": who may reach them and whom they may reach (allow edges, both directions, `depth` hops);
// - the edges between them that the walk followed, with their ports.

import type { Graph, GraphEdge, GraphNode } from '../../model/graph';
import { getOrCreate } from '../../model/collections';

export const DEFAULT_FOCUS_DEPTH = 1;

/**
 * Nodes that `ref` names: an id (`Deployment/shop/cart`), `ns/name` (every kind with that name,
 * e.g. the Service and the Deployment `cart`), or `ns/Kind/name`. Sorted ids.
 */
export function resolveFocus(graph: Graph, ref: string): string[] {
  const byId = graph.nodes.find((n) => n.id === ref);
  if (byId) return [byId.id];
  const slash = ref.indexOf('/');
  const ns = slash >= 0 ? ref.slice(0, slash) : '';
  const rest = slash >= 0 ? ref.slice(slash + 1) : ref;
  const out = graph.nodes.filter((n) => {
    if (n.namespace !== ns) return false;
    if (n.name === rest) return true;
    const k = rest.indexOf('/');
    return k > 0 && rest.slice(0, k) === n.kind && rest.slice(k + 1) === n.name;
  });
  return out.map((n) => n.id).sort();
}

export interface Focused {
  graph: Graph;
  /** The nodes focused on (present in `graph`). */
  focus: string[];
}

const CHAIN_KINDS = new Set<GraphEdge['kind']>(['route', 'select', 'blocked']);

/** The neighbourhood of `ids` (see the header); an empty graph when none of them is in `graph`. */
export function focusGraph(graph: Graph, ids: readonly string[], depth = DEFAULT_FOCUS_DEPTH): Focused {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const start = ids.filter((id) => nodes.has(id));
  const outEdges = new Map<string, GraphEdge[]>();
  const inEdges = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    if (!nodes.has(e.from) || !nodes.has(e.to)) continue;
    getOrCreate(outEdges, e.from, () => []).push(e);
    getOrCreate(inEdges, e.to, () => []).push(e);
  }
  const keep = new Set<string>(start);
  const edges = new Set<GraphEdge>();

  // Routing chain, upstream and downstream, each in its own direction only.
  const walk = (from: string[], next: (id: string) => GraphEdge[], other: (e: GraphEdge) => string): string[] => {
    const seen = new Set(from);
    const queue = [...from];
    const reached: string[] = [];
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      for (const e of next(id)) {
        if (!CHAIN_KINDS.has(e.kind)) continue;
        edges.add(e);
        const o = other(e);
        keep.add(o);
        if (seen.has(o)) continue;
        seen.add(o);
        reached.push(o);
        queue.push(o);
      }
    }
    return reached;
  };
  walk(start, (id) => inEdges.get(id) ?? [], (e) => e.from);
  const downstream = walk(start, (id) => outEdges.get(id) ?? [], (e) => e.to);

  // Policy neighbourhood of the pods the focus stands for.
  const isPods = (n: GraphNode | undefined): boolean => !!n && n.kind !== 'Service' && n.kind !== 'Ingress' && n.kind !== 'HTTPRoute' && n.kind !== 'GRPCRoute' && n.kind !== 'internet';
  let frontier = [...new Set([...start, ...downstream])].filter((id) => isPods(nodes.get(id)));
  const visited = new Set(frontier);
  for (let hop = 0; hop < Math.max(0, depth) && frontier.length > 0; hop++) {
    const next: string[] = [];
    for (const id of frontier) {
      for (const e of [...(inEdges.get(id) ?? []), ...(outEdges.get(id) ?? [])]) {
        if (e.kind !== 'allow') continue;
        edges.add(e);
        const o = e.from === id ? e.to : e.from;
        keep.add(o);
        if (!visited.has(o)) {
          visited.add(o);
          next.push(o);
        }
      }
    }
    frontier = next;
  }
  return {
    graph: { nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => edges.has(e)) },
    focus: start,
  };
}
