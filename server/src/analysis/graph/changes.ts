// The diagram's Changes layer over a graph: `withChanges` lays the connectivity changes (see
// analysis/diff/onGraph.ts) onto the current graph. An added or changed connection that the graph
// already draws flags that edge; one it does not draw (a flow no policy has a say in) and every
// removed one become edges of their own; nodes only the revision has are added. Pure, shared by
// the webview.

import type { Graph, GraphChanges, GraphEdge } from '../../model/graph';

export function withChanges(graph: Graph, changes: GraphChanges): Graph {
  if (changes.edges.length === 0 && changes.nodes.length === 0) return graph;
  const have = new Set(graph.nodes.map((n) => n.id));
  const nodes = [...graph.nodes, ...changes.nodes.filter((n) => !have.has(n.id))];
  const known = new Set(nodes.map((n) => n.id));
  const allow = new Map<string, number>();
  const edges: GraphEdge[] = graph.edges.map((e, i) => {
    if (e.kind === 'allow') allow.set(`${e.from}\u0000${e.to}`, i);
    return e;
  });
  for (const c of changes.edges) {
    if (!known.has(c.from) || !known.has(c.to)) continue;
    const at = c.change === 'removed' ? undefined : allow.get(`${c.from}\u0000${c.to}`);
    if (at !== undefined) {
      const old = edges[at];
      edges[at] = { ...old, change: c.change, detail: [...(c.detail ?? []), ...(old.detail ?? [])] };
    } else edges.push({ ...c, kind: 'allow' });
  }
  return { nodes, edges };
}

export function changeCounts(changes: GraphChanges): Record<'added' | 'removed' | 'changed', number> {
  const counts = { added: 0, removed: 0, changed: 0 };
  for (const e of changes.edges) if (e.change) counts[e.change]++;
  return counts;
}
