// Aggregation of the network graph for reading (SPEC §7 "readable at its default size"). Pure
// functions over `Graph` values, imported by the webview as well as the server: no I/O, no DOM.
//
// - `aggregateGraph` turns flows to or from everything (every address, the entire cluster, every
//   workload of the workspace) into marks on the node, instead of a comb of edges.
// - `foldEdges` merges parallel edges between the same groups (collapsed namespaces) into one
//   edge with a count and the union of the ports.

import { EXTERNAL_NODE_KINDS, REPRESENTATIVE_NODE_KIND, type Graph, type GraphEdge, type GraphNode, type NodeMarks } from '../../model/graph';
import { mergePorts } from './ports';
import { getOrCreate } from '../../model/collections';

export const WHOLE_INTERNET_RANGE = '0.0.0.0-255.255.255.255';

/** Nodes that route traffic rather than run pods. */
export const ROUTING_NODE_KINDS: ReadonlySet<string> = new Set(['Ingress', 'HTTPRoute', 'GRPCRoute', 'Service', 'internet']);

/** At least this many other workloads before "from every workload" becomes a mark. */
const EVERY_WORKLOAD_MIN = 4;

export function isWholeInternet(n: GraphNode | undefined): boolean {
  return n?.kind === 'ipBlock' && n.name === WHOLE_INTERNET_RANGE;
}

function isEntireCluster(n: GraphNode | undefined): boolean {
  return n?.kind === REPRESENTATIVE_NODE_KIND && n.entireCluster === true;
}

function isWorkloadNode(n: GraphNode): boolean {
  return !ROUTING_NODE_KINDS.has(n.kind) && !EXTERNAL_NODE_KINDS.has(n.kind) && !n.missing;
}

type MarkKey = keyof NodeMarks;

function addMark(node: GraphNode, key: MarkKey, dir: 'in' | 'out', ports: string): void {
  const marks = (node.marks ??= {});
  const m = (marks[key] ??= {});
  m[dir] = m[dir] === undefined ? ports : mergePorts(m[dir], ports);
}

/**
 * A copy of the graph where allow edges from or to every address, the entire cluster, or every
 * other workload of the workspace are marks on the node (`GraphNode.marks`). An external node
 * left without edges is dropped. Routes and blocked routes are never folded.
 */
export function aggregateGraph(graph: Graph, everyWorkloadMin = EVERY_WORKLOAD_MIN): Graph {
  const nodes = new Map(graph.nodes.map((n) => [n.id, { ...n, ...(n.marks ? { marks: structuredMarks(n.marks) } : {}) }]));
  const kept: GraphEdge[] = [];
  const workloads = graph.nodes.filter(isWorkloadNode).map((n) => n.id);
  const inFrom = new Map<string, Map<string, GraphEdge>>();
  const outTo = new Map<string, Map<string, GraphEdge>>();
  for (const e of graph.edges) {
    const from = nodes.get(e.from);
    const to = nodes.get(e.to);
    if (!from || !to) continue;
    // A change (the Changes layer) is drawn as an edge, never folded into a mark.
    if (e.kind === 'allow' && !e.change) {
      const everything = (n: GraphNode): MarkKey | undefined => (isWholeInternet(n) ? 'internet' : isEntireCluster(n) ? 'cluster' : undefined);
      const src = everything(from);
      const dst = everything(to);
      if (src && !dst) {
        addMark(to, src, 'in', e.ports);
        continue;
      }
      if (dst && !src) {
        addMark(from, dst, 'out', e.ports);
        continue;
      }
      if (isWorkloadNode(from) && isWorkloadNode(to)) {
        getOrCreate(inFrom, e.to, () => new Map()).set(e.from, e);
        getOrCreate(outTo, e.from, () => new Map()).set(e.to, e);
      }
    }
    kept.push(e);
  }
  // Every other workload reaches this one (or this one reaches every other): a mark, not a comb.
  const others = workloads.length - 1;
  const folded = new Set<GraphEdge>();
  if (others >= everyWorkloadMin) {
    for (const [id, sources] of inFrom) {
      const node = nodes.get(id);
      if (!node || sources.size < others) continue;
      for (const e of sources.values()) {
        addMark(node, 'workloads', 'in', e.ports);
        folded.add(e);
      }
    }
    for (const [id, targets] of outTo) {
      const node = nodes.get(id);
      if (!node || targets.size < others) continue;
      const edges = [...targets.values()].filter((e) => !folded.has(e));
      // Folded on the other side already: the mark there says it.
      if (edges.length === 0) continue;
      for (const e of targets.values()) {
        addMark(node, 'workloads', 'out', e.ports);
        folded.add(e);
      }
    }
  }
  const edges = kept.filter((e) => !folded.has(e));
  const touched = new Set<string>();
  for (const e of edges) {
    touched.add(e.from);
    touched.add(e.to);
  }
  const out: GraphNode[] = [];
  for (const n of nodes.values()) {
    if (EXTERNAL_NODE_KINDS.has(n.kind) && n.kind !== 'internet' && !touched.has(n.id)) continue;
    out.push(n);
  }
  return { nodes: out, edges };
}

function structuredMarks(m: NodeMarks): NodeMarks {
  const copy: NodeMarks = {};
  for (const k of ['internet', 'cluster', 'workloads'] as const) if (m[k]) copy[k] = { ...m[k] };
  return copy;
}

export interface FoldedEdge extends GraphEdge {
  count: number;
  detail: string[];
}

/**
 * Edges between groups: `groupOf` names the drawn node of each graph node (itself, or its collapsed
 * namespace), undefined when it is not drawn. Edges inside one group are dropped; parallel edges
 * of one kind (and one change, on the Changes layer) between the same two groups become one with a
 * count and the union of their ports.
 */
export function foldEdges(edges: readonly GraphEdge[], groupOf: (id: string) => string | undefined, maxDetail = 12): FoldedEdge[] {
  const out = new Map<string, FoldedEdge>();
  for (const e of edges) {
    const from = groupOf(e.from);
    const to = groupOf(e.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}\u0000${to}\u0000${e.kind}\u0000${e.change ?? ''}`;
    const n = e.count ?? 1;
    const old = out.get(key);
    if (!old) {
      out.set(key, { from, to, kind: e.kind, ports: e.ports, count: n, detail: [...(e.detail ?? [])].slice(0, maxDetail), ...(e.change ? { change: e.change } : {}) });
      continue;
    }
    old.count += n;
    old.ports = old.ports === '' || e.ports === '' ? old.ports || e.ports : mergePorts(old.ports, e.ports);
    for (const d of e.detail ?? []) if (old.detail.length < maxDetail && !old.detail.includes(d)) old.detail.push(d);
  }
  return [...out.values()];
}
