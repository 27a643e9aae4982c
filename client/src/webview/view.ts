// What the diagram shows, given the graph and the user's choices: namespaces collapsed or open,
// namespaces filtered out, layers on or off, search matches. Pure: no DOM, unit-tested in Node.

import { aggregateGraph, foldEdges, ROUTING_NODE_KINDS } from '../../../server/src/analysis/graph/aggregate';
import { coalesce, parseRange, rangeToCidrs } from '../../../server/src/analysis/graph/external';
import { focusGraph } from '../../../server/src/analysis/graph/focus';
import type { EdgeChange, Graph, GraphEdge, GraphEdgeKind, GraphNode, NodeMarks } from '../../../server/src/model/graph';
import { isCollapsed, type Scope, type ViewState } from './viewState';
import { getOrCreate } from '../../../server/src/model/collections';

export * from './viewState';

/**
 * Above this many objects (and with more than one namespace) the workspace view starts with every
 * namespace collapsed: a few dozen boxes is what a panel beside the editor shows readably.
 */
export const COLLAPSE_ABOVE_NODES = 30;

/** Whether a first graph starts collapsed. */
export function collapseByDefaultFor(graph: Graph): boolean {
  const namespaces = new Set(graph.nodes.map((n) => n.namespace).filter((ns) => ns !== ''));
  return graph.nodes.length > COLLAPSE_ABOVE_NODES && namespaces.size > 1;
}

/** Above this many collapsed namespaces, Internet edges to them become a mark on each. */
export const OVERVIEW_NAMESPACES = 12;

export function namespaceGroupId(namespace: string): string {
  return `ns:${namespace}`;
}

export interface VisibleNode {
  id: string;
  kind: string;
  /** Kubernetes namespace; '' for external nodes and collapsed namespaces (which sit at the top level). */
  parent: string;
  label: string;
  sublabel: string;
  /** The graph node; absent for a collapsed namespace. */
  node?: GraphNode;
  /** For a collapsed namespace: its namespace, how many nodes it holds and its exposure. */
  collapsed?: { namespace: string; count: number; summary: string; fromInternet?: boolean; fromCluster?: boolean };
  /** Flows to or from everything, drawn as marks on the node (`aggregateGraph`). */
  marks?: NodeMarks;
  /** The object the view is focused on. */
  focused?: boolean;
  /** What may reach it from outside: any address (`internet`), or the whole cluster / every workload (`cluster`). */
  exposure?: 'internet' | 'cluster';
  match: boolean;
}

export interface VisibleEdge {
  id: string;
  from: string;
  to: string;
  kind: GraphEdgeKind;
  ports: string;
  /** How many graph edges this one stands for (more than one when a namespace is collapsed). */
  count: number;
  detail: string[];
  /** On the Changes layer: added (green), removed (red) or changed since the revision. */
  change?: EdgeChange;
}

export interface VisibleGroup {
  id: string;
  namespace: string;
  nodeIds: string[];
  match: boolean;
}

export interface VisibleGraph {
  nodes: VisibleNode[];
  edges: VisibleEdge[];
  /** Open namespaces (collapsed ones are nodes). */
  groups: VisibleGroup[];
  /** Every namespace of the graph, filtered or not, sorted. */
  namespaces: string[];
  /** Ids of visible nodes (or collapsed namespaces) that match the search, in drawing order. */
  matches: string[];
  /** Graph nodes in total and hidden by the filter/layers. */
  total: number;
  /** The scope drawn (focus ids present in the graph only). */
  scope: Scope;
}

const ROUTING_KINDS = ROUTING_NODE_KINDS;
const POLICY_KINDS = new Set(['ipBlock', 'ingress-controller', 'representative']);

function layerOf(kind: GraphEdgeKind): 'routing' | 'policy' {
  return kind === 'allow' || kind === 'tier-denied' ? 'policy' : 'routing';
}

export function nodeLabel(n: GraphNode): string {
  if (n.kind === 'internet') return 'Internet';
  if (n.kind === 'ingress-controller') return 'ingress controller';
  if (n.kind === 'ipBlock') return ipBlockLabel(n.name);
  if (n.kind === 'representative') return representativeLabel(n.name);
  return n.name;
}

/**
 * A representative peer in words (SPEC §7): `entire cluster`, `namespaces with role=edge`,
 * `pods with app=prometheus in namespaces with team=ops`, `all pods of monitoring`; the engine's
 * name (`[namespace with {role=edge}]/[all pods]`) when it has another shape.
 */
export function representativeLabel(name: string): string {
  if (name === 'entire-cluster') return 'entire cluster';
  const m = /^(?:\[namespace with \{(.*)\}\]|([^/[\]]+))\/\[(?:all pods|pod with \{(.*)\})\]$/.exec(name);
  if (!m) return name;
  const [, nsSel, ns, podSel] = m;
  const where = nsSel !== undefined ? `namespaces with ${nsSel}` : ns;
  if (podSel === undefined) return nsSel !== undefined ? where : `all pods of ${where}`;
  return `pods with ${podSel} in ${where}`;
}

/**
 * An ipBlock node's ranges as people write them: `any address except 203.0.113.0/25` when the
 * ranges leave out a little of the address space, CIDR blocks when they are few, else the ranges.
 */
export function ipBlockLabel(name: string): string {
  const ranges = name.split(', ').map(parseRange);
  if (ranges.some((r) => !r)) return name;
  const merged = coalesce(ranges as Array<[number, number]>);
  const holes: Array<[number, number]> = [];
  let next = 0;
  for (const [lo, hi] of merged) {
    if (lo > next) holes.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 2 ** 32 - 1) holes.push([next, 2 ** 32 - 1]);
  if (holes.length === 0) return 'any address';
  const cidrs = merged.flatMap(rangeToCidrs);
  if (cidrs.length <= 2) return cidrs.join(', ');
  // The smallest CIDR block around them, less what they leave out of it: `10.0.0.0/8 except 10.96.0.0/12`.
  const lo = merged[0][0];
  const hi = merged[merged.length - 1][1];
  let bits = 0;
  while (bits < 32 && Math.floor(lo / 2 ** (31 - bits)) === Math.floor(hi / 2 ** (31 - bits))) bits++;
  const base = bits === 0 ? 0 : Math.floor(lo / 2 ** (32 - bits)) * 2 ** (32 - bits);
  const top = base + 2 ** (32 - bits) - 1;
  const inside = holes.filter(([a, b]) => a >= base && b <= top).flatMap(rangeToCidrs);
  const outside = holes.some(([a, b]) => b >= base && a <= top && (a < base || b > top));
  const covers = lo === base && hi === top;
  if (covers && !outside && inside.length <= 2) return `${bits === 0 ? 'any address' : rangeToCidrs([base, top])[0]} except ${inside.join(', ')}`;
  return name;
}

/**
 * The exposure overlay: what the internet may reach (along routes and selections from the
 * internet node, or allowed from an address range) and what the whole cluster or every workload
 * may reach (their marks). Internet wins when both apply.
 */
export function exposureOf(graph: Graph): Map<string, 'internet' | 'cluster'> {
  const out = new Map<string, 'internet' | 'cluster'>();
  const kinds = new Map(graph.nodes.map((n) => [n.id, n.kind]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (e.kind === 'route' || e.kind === 'select') getOrCreate(next, e.from, () => []).push(e.to);
    if (e.kind === 'allow' && kinds.get(e.from) === 'ipBlock') out.set(e.to, 'internet');
  }
  const seen = new Set<string>();
  const queue = [...(next.get('internet') ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    out.set(id, 'internet');
    queue.push(...(next.get(id) ?? []));
  }
  for (const n of graph.nodes) {
    if (n.marks?.internet?.in) out.set(n.id, 'internet');
    else if (!out.has(n.id) && (n.marks?.cluster?.in || n.marks?.workloads?.in)) out.set(n.id, 'cluster');
  }
  return out;
}

/** The part of the graph a scope shows; the namespace view keeps what touches the namespace. */
export function scopedGraph(graph: Graph, scope: Scope, depth: number): { graph: Graph; scope: Scope } {
  if (scope.kind === 'focus') {
    const f = focusGraph(graph, scope.ids, depth);
    if (f.focus.length > 0) return { graph: f.graph, scope: { kind: 'focus', ids: f.focus } };
    return { graph, scope: { kind: 'workspace' } };
  }
  if (scope.kind === 'namespace') {
    const inside = new Set(graph.nodes.filter((n) => n.namespace === scope.namespace).map((n) => n.id));
    if (inside.size === 0) return { graph, scope: { kind: 'workspace' } };
    const edges = graph.edges.filter((e) => inside.has(e.from) || inside.has(e.to));
    const keep = new Set(inside);
    for (const e of edges) {
      keep.add(e.from);
      keep.add(e.to);
    }
    return { graph: { nodes: graph.nodes.filter((n) => keep.has(n.id)), edges }, scope };
  }
  return { graph, scope };
}

export function nodeSublabel(n: GraphNode): string {
  const parts: string[] = [];
  if (n.kind === 'Service') {
    parts.push(n.missing ? 'Service · missing' : `Service${n.serviceType && n.serviceType !== 'ClusterIP' ? ` · ${n.serviceType}` : ''}`);
  } else if (n.kind === 'ipBlock') {
    parts.push('IP block');
  } else if (n.kind === 'internet') {
    parts.push('outside the cluster');
  } else if (n.kind === 'ingress-controller') {
    parts.push('controller pods');
  } else if (n.kind === 'representative') {
    parts.push(n.entireCluster ? 'any pod of the cluster' : 'pods outside the workspace');
  } else {
    parts.push(n.replicas !== undefined ? `${n.kind} ×${n.replicas}` : n.kind);
  }
  if (n.hosts && n.hosts.length > 0) parts.push(n.hosts.length === 1 ? n.hosts[0] : `${n.hosts[0]} +${n.hosts.length - 1}`);
  else if (n.ports) parts.push(n.ports);
  return parts.join(' · ');
}

function matches(n: GraphNode, q: string): boolean {
  if (q === '') return false;
  const hay = [n.name, n.kind, n.namespace, ...(n.hosts ?? [])];
  return hay.some((s) => s.toLowerCase().includes(q));
}

/**
 * What is drawn for `state`. `include`: edges of the full graph that must be drawn whatever the
 * scope (the path query's hops), with their ends.
 */
export function visibleGraph(full: Graph, state: ViewState, include: readonly GraphEdge[] = []): VisibleGraph {
  const hidden = new Set(state.hidden);
  const q = state.search.trim().toLowerCase();
  const namespaces = [...new Set(full.nodes.map((n) => n.namespace).filter((ns) => ns !== ''))].sort();
  const scoped = scopedGraph(full, state.scope ?? { kind: 'workspace' }, state.depth);
  if (include.length > 0 && scoped.scope.kind !== 'workspace') {
    const have = new Set(scoped.graph.nodes.map((n) => n.id));
    const haveEdges = new Set(scoped.graph.edges);
    const extra = include.filter((e) => !haveEdges.has(e));
    const ends = new Set(extra.flatMap((e) => [e.from, e.to]).filter((id) => !have.has(id)));
    scoped.graph = { nodes: [...scoped.graph.nodes, ...full.nodes.filter((n) => ends.has(n.id))], edges: [...scoped.graph.edges, ...extra] };
  }
  const graph = aggregateGraph(scoped.graph);
  const focusIds = new Set(scoped.scope.kind === 'focus' ? scoped.scope.ids : []);
  // Only the workspace view collapses namespaces: a namespace or a neighbourhood is small enough.
  const collapsible = scoped.scope.kind === 'workspace';

  // Which node each graph node is drawn as (itself, or its collapsed namespace), undefined = not drawn.
  const drawnAs = new Map<string, string>();
  const nodes = new Map<string, VisibleNode>();
  const groups = new Map<string, VisibleGroup>();
  const collapsedMembers = new Map<string, GraphNode[]>();
  const layerOk = (n: GraphNode): boolean =>
    !(ROUTING_KINDS.has(n.kind) && !state.layers.routing) && !(POLICY_KINDS.has(n.kind) && !state.layers.policy);

  for (const n of graph.nodes) {
    if (n.namespace !== '' && hidden.has(n.namespace) && !focusIds.has(n.id)) continue;
    if (!layerOk(n)) continue;
    if (collapsible && n.namespace !== '' && isCollapsed(state, n.namespace)) {
      const gid = namespaceGroupId(n.namespace);
      drawnAs.set(n.id, gid);
      const list = collapsedMembers.get(n.namespace) ?? [];
      list.push(n);
      collapsedMembers.set(n.namespace, list);
      continue;
    }
    drawnAs.set(n.id, n.id);
    const v: VisibleNode = { id: n.id, kind: n.kind, parent: n.namespace, label: nodeLabel(n), sublabel: nodeSublabel(n), node: n, match: matches(n, q) };
    if (n.marks && state.layers.policy) v.marks = n.marks;
    if (focusIds.has(n.id)) v.focused = true;
    nodes.set(n.id, v);
    if (n.namespace !== '') {
      const gid = namespaceGroupId(n.namespace);
      let g = groups.get(gid);
      if (!g) groups.set(gid, (g = { id: gid, namespace: n.namespace, nodeIds: [], match: false }));
      g.nodeIds.push(n.id);
      if (q !== '' && n.namespace.toLowerCase().includes(q)) g.match = true;
    }
  }
  const routedFromInternet = new Set(graph.edges.filter((e) => e.from === 'internet' && e.kind === 'route').map((e) => e.to));
  for (const [ns, members] of collapsedMembers) {
    const gid = namespaceGroupId(ns);
    const byKind = new Map<string, number>();
    for (const m of members) byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
    const workloads = members.filter((m) => !ROUTING_KINDS.has(m.kind)).length;
    const summary = [`${members.length} object${members.length === 1 ? '' : 's'}`];
    if (workloads > 0) summary.push(`${workloads} workload${workloads === 1 ? '' : 's'}`);
    const collapsed: NonNullable<VisibleNode['collapsed']> = { namespace: ns, count: members.length, summary: [...byKind].map(([k, c]) => `${c} ${k}`).join(', ') };
    // Exposure: what the internet or the whole cluster may reach inside.
    if (members.some((m) => routedFromInternet.has(m.id) || m.marks?.internet?.in !== undefined)) collapsed.fromInternet = true;
    if (members.some((m) => m.marks?.cluster?.in !== undefined || m.marks?.workloads?.in !== undefined)) collapsed.fromCluster = true;
    nodes.set(gid, {
      id: gid,
      kind: 'namespace',
      parent: '',
      label: ns,
      sublabel: summary.join(' · '),
      collapsed,
      match: members.some((m) => matches(m, q)) || (q !== '' && ns.toLowerCase().includes(q)),
    });
  }

  const exposure = exposureOf(graph);
  for (const v of nodes.values()) {
    const e = v.collapsed ? (v.collapsed.fromInternet ? 'internet' : v.collapsed.fromCluster ? 'cluster' : undefined) : exposure.get(v.id);
    if (e) v.exposure = e;
  }

  const edges = new Map<string, VisibleEdge>();
  const folded = foldEdges(
    graph.edges.filter((e) => (e.change !== undefined && state.layers.changes === true) || state.layers[layerOf(e.kind)]),
    (id) => drawnAs.get(id),
  );
  for (const e of folded) {
    const id = `${e.from}->${e.to}:${e.kind}${e.change ? `:${e.change}` : ''}`;
    // Merged edges (to or from a collapsed namespace): the union of their ports and how many they are.
    const ports = e.count > 1 ? (e.ports === '' ? `${e.count} edges` : `${e.ports} (×${e.count})`) : e.ports;
    edges.set(id, { id, from: e.from, to: e.to, kind: e.kind, ports, count: e.count, detail: e.detail, ...(e.change ? { change: e.change } : {}) });
  }

  // Every namespace collapsed and many of them: an edge from the Internet to each one is a comb
  // across the whole picture. The mark on the namespace says the same.
  if (collapsedMembers.size > OVERVIEW_NAMESPACES) {
    for (const [id, e] of edges) {
      const target = nodes.get(e.to);
      if (e.from !== 'internet' || !target?.collapsed) continue;
      edges.delete(id);
    }
  }

  // External nodes only make sense with an edge.
  const touched = new Set<string>();
  for (const e of edges.values()) {
    touched.add(e.from);
    touched.add(e.to);
  }
  for (const [id, n] of nodes) if (n.parent === '' && !n.collapsed && !touched.has(id)) nodes.delete(id);

  const ordered = [...nodes.values()];
  return {
    nodes: ordered,
    edges: [...edges.values()],
    groups: [...groups.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1)),
    namespaces,
    matches: ordered.filter((n) => n.match).map((n) => n.id),
    total: full.nodes.length,
    scope: scoped.scope,
  };
}
