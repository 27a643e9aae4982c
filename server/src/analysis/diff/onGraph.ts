// The connectivity diff on the diagram (issue 13, the Changes layer): each diffed pair becomes an
// allow edge between the graph's nodes, flagged added, removed or changed. Pure: the diff and the
// current graph in, plain data out.
//
// - A workload end (`ns/name[Kind]`) is the graph's node of that kind, namespace and name; a
//   workload that exists only in the revision gets a node of its own, marked `gone`.
// - An outside range is the graph's ipBlock node holding it (the builder merges ranges), or a node
//   of its own when none holds it; the ingress controller is the controller node the graph draws.
// - Removed pairs are not in the current graph: they are drawn from the revision's answer.

import {
  INGRESS_CONTROLLER_NODE_ID,
  INTERNET_NODE_ID,
  ipBlockNodeId,
  objectNodeId,
  type Graph,
  type GraphChanges,
  type GraphEdge,
  type GraphNode,
} from '../../model/graph';
import { formatRange, parseRange } from '../graph/external';
import type { ConnDiff, ConnectivityDiff, DiffPeer } from './connectivityDiff';
import { connString } from './format';

export interface OnGraphOptions {
  /** The node the graph draws the ingress controller as (a workload when one was detected). */
  controllerId?: string;
  /** Most edges drawn (a revision that changes everything should not bury the picture). */
  maxEdges?: number;
}

const WORKLOAD_NAME = /^(.*)\/([^/[]+)\[([^\]]+)\]$/;

/** `ns/name[Kind]` → its node id and parts, or undefined when the name is not a workload's. */
export function workloadNodeOfPeer(name: string): { id: string; kind: string; namespace: string; name: string } | undefined {
  const m = WORKLOAD_NAME.exec(name);
  if (!m) return undefined;
  return { id: objectNodeId(m[3], m[1], m[2]), kind: m[3], namespace: m[1], name: m[2] };
}

export function changesOnGraph(diff: ConnectivityDiff, graph: Graph, options: OnGraphOptions = {}): GraphChanges {
  const nodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const added = new Map<string, GraphNode>();
  const ipBlocks = graph.nodes.flatMap((n) => {
    const r = n.kind === 'ipBlock' ? parseRange(n.name) : undefined;
    return r ? [{ id: n.id, range: r }] : [];
  });
  const addNode = (n: GraphNode): string => {
    if (!nodes.has(n.id) && !added.has(n.id)) added.set(n.id, n);
    return n.id;
  };

  const nodeOf = (p: DiffPeer, lost: boolean): string | undefined => {
    if (p.kind === 'ingress-controller') {
      const id = options.controllerId ?? INGRESS_CONTROLLER_NODE_ID;
      return nodes.has(id) ? id : addNode({ id: INGRESS_CONTROLLER_NODE_ID, kind: 'ingress-controller', name: 'ingress controller', namespace: '' });
    }
    if (p.kind === 'external' && p.range) {
      const [lo, hi] = p.range;
      const holder = ipBlocks.find((b) => b.range[0] <= lo && hi <= b.range[1]);
      if (holder) return holder.id;
      const text = formatRange([lo, hi]);
      return addNode({ id: ipBlockNodeId(text), kind: 'ipBlock', name: text, namespace: '' });
    }
    const w = workloadNodeOfPeer(p.name);
    if (!w) return undefined;
    if (nodes.has(w.id)) return w.id;
    return addNode({ id: w.id, kind: w.kind, name: w.name, namespace: w.namespace, ...(lost ? { gone: true } : {}) });
  };

  const edges: GraphEdge[] = [];
  const max = options.maxEdges ?? Number.POSITIVE_INFINITY;
  const emit = (d: ConnDiff): void => {
    if (edges.length >= max) return;
    const from = nodeOf(d.src, d.type === 'removed' && d.srcNewOrLost);
    const to = nodeOf(d.dst, d.type === 'removed' && d.dstNewOrLost);
    if (!from || !to) return;
    const before = connString(d, 'ref1');
    const after = connString(d, 'ref2');
    const detail = [`${d.type} since the revision: ${d.src.name} → ${d.dst.name}`, `before: ${before}`, `now: ${after}`];
    if (d.srcNewOrLost || d.dstNewOrLost) {
      const which = [d.srcNewOrLost ? d.src.name : '', d.dstNewOrLost ? d.dst.name : ''].filter((x) => x !== '').join(', ');
      detail.push(`${d.type === 'added' ? 'new' : 'lost'} workload: ${which}`);
    }
    edges.push({ from, to, kind: 'allow', ports: d.type === 'removed' ? before : after, change: d.type, detail });
  };
  for (const d of diff.added) emit(d);
  for (const d of diff.removed) emit(d);
  for (const d of diff.changed) emit(d);
  // The internet node routes; allowed flows come from ranges. Nothing here points at it.
  added.delete(INTERNET_NODE_ID);
  return { edges, nodes: [...added.values()] };
}
