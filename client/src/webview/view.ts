// What the diagram shows, given the graph and the user's choices: namespaces collapsed or open,
// namespaces filtered out, layers on or off, search matches. Pure: no DOM, unit-tested in Node.

import type { Graph, GraphEdge, GraphEdgeKind, GraphNode } from '../../../server/src/model/graph';

/** Above this many nodes the diagram starts with every namespace collapsed. */
export const LARGE_GRAPH_NODES = 150;
/** Above this many collapsed namespaces, Internet edges to them become a mark on each. */
export const OVERVIEW_NAMESPACES = 12;

export interface Transform {
  x: number;
  y: number;
  k: number;
}

/** Kept with `vscode.setState`: survives hiding the panel, reloads and VS Code restarts. */
export interface ViewState {
  version: 1;
  transform?: Transform;
  /** Decided when the first graph arrives: large graphs start collapsed. */
  collapseByDefault?: boolean;
  /** Namespaces whose collapsed state differs from the default. */
  toggled: string[];
  /** Namespaces the filter hides. */
  hidden: string[];
  layers: { routing: boolean; policy: boolean };
  search: string;
}

export function initialState(): ViewState {
  return { version: 1, toggled: [], hidden: [], layers: { routing: true, policy: true }, search: '' };
}

/** Accepts whatever `getState()` returned (older versions, hand-edited, nothing). */
export function restoreState(raw: unknown): ViewState {
  const s = initialState();
  if (!raw || typeof raw !== 'object') return s;
  const r = raw as Partial<ViewState>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const t = r.transform;
  if (t && [t.x, t.y, t.k].every((n) => typeof n === 'number' && Number.isFinite(n)) && t.k > 0) s.transform = { x: t.x, y: t.y, k: t.k };
  if (typeof r.collapseByDefault === 'boolean') s.collapseByDefault = r.collapseByDefault;
  s.toggled = strings(r.toggled);
  s.hidden = strings(r.hidden);
  if (r.layers && typeof r.layers === 'object') {
    s.layers = { routing: r.layers.routing !== false, policy: r.layers.policy !== false };
  }
  if (typeof r.search === 'string') s.search = r.search;
  return s;
}

export function isCollapsed(state: ViewState, namespace: string): boolean {
  return (state.collapseByDefault ?? false) !== state.toggled.includes(namespace);
}

export function toggleCollapsed(state: ViewState, namespace: string): void {
  const i = state.toggled.indexOf(namespace);
  if (i >= 0) state.toggled.splice(i, 1);
  else state.toggled.push(namespace);
}

export function setAllCollapsed(state: ViewState, collapsed: boolean): void {
  state.collapseByDefault = collapsed;
  state.toggled = [];
}

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
  /** For a collapsed namespace: its namespace and how many nodes it holds. */
  collapsed?: { namespace: string; count: number; summary: string; fromInternet?: boolean };
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
}

const ROUTING_KINDS = new Set(['Ingress', 'HTTPRoute', 'GRPCRoute', 'Service', 'internet']);
const POLICY_KINDS = new Set(['ipBlock', 'ingress-controller']);

function layerOf(kind: GraphEdgeKind): 'routing' | 'policy' {
  return kind === 'allow' ? 'policy' : 'routing';
}

export function nodeLabel(n: GraphNode): string {
  if (n.kind === 'internet') return 'Internet';
  if (n.kind === 'ingress-controller') return 'ingress controller';
  return n.name;
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

export function visibleGraph(graph: Graph, state: ViewState): VisibleGraph {
  const hidden = new Set(state.hidden);
  const q = state.search.trim().toLowerCase();
  const namespaces = [...new Set(graph.nodes.map((n) => n.namespace).filter((ns) => ns !== ''))].sort();

  // Which node each graph node is drawn as (itself, or its collapsed namespace), undefined = not drawn.
  const drawnAs = new Map<string, string>();
  const nodes = new Map<string, VisibleNode>();
  const groups = new Map<string, VisibleGroup>();
  const collapsedMembers = new Map<string, GraphNode[]>();
  const layerOk = (n: GraphNode): boolean =>
    !(ROUTING_KINDS.has(n.kind) && !state.layers.routing) && !(POLICY_KINDS.has(n.kind) && !state.layers.policy);

  for (const n of graph.nodes) {
    if (n.namespace !== '' && hidden.has(n.namespace)) continue;
    if (!layerOk(n)) continue;
    if (n.namespace !== '' && isCollapsed(state, n.namespace)) {
      const gid = namespaceGroupId(n.namespace);
      drawnAs.set(n.id, gid);
      const list = collapsedMembers.get(n.namespace) ?? [];
      list.push(n);
      collapsedMembers.set(n.namespace, list);
      continue;
    }
    drawnAs.set(n.id, n.id);
    nodes.set(n.id, { id: n.id, kind: n.kind, parent: n.namespace, label: nodeLabel(n), sublabel: nodeSublabel(n), node: n, match: matches(n, q) });
    if (n.namespace !== '') {
      const gid = namespaceGroupId(n.namespace);
      let g = groups.get(gid);
      if (!g) groups.set(gid, (g = { id: gid, namespace: n.namespace, nodeIds: [], match: false }));
      g.nodeIds.push(n.id);
      if (q !== '' && n.namespace.toLowerCase().includes(q)) g.match = true;
    }
  }
  for (const [ns, members] of collapsedMembers) {
    const gid = namespaceGroupId(ns);
    const byKind = new Map<string, number>();
    for (const m of members) byKind.set(m.kind, (byKind.get(m.kind) ?? 0) + 1);
    const workloads = members.filter((m) => !ROUTING_KINDS.has(m.kind)).length;
    const summary = [`${members.length} object${members.length === 1 ? '' : 's'}`];
    if (workloads > 0) summary.push(`${workloads} workload${workloads === 1 ? '' : 's'}`);
    nodes.set(gid, {
      id: gid,
      kind: 'namespace',
      parent: '',
      label: ns,
      sublabel: summary.join(' · '),
      collapsed: { namespace: ns, count: members.length, summary: [...byKind].map(([k, c]) => `${c} ${k}`).join(', ') },
      match: members.some((m) => matches(m, q)) || (q !== '' && ns.toLowerCase().includes(q)),
    });
  }

  const edges = new Map<string, VisibleEdge>();
  const add = (e: GraphEdge, from: string, to: string): void => {
    const id = `${from}->${to}:${e.kind}`;
    const old = edges.get(id);
    if (!old) {
      edges.set(id, { id, from, to, kind: e.kind, ports: e.ports, count: 1, detail: [...(e.detail ?? [])] });
      return;
    }
    old.count++;
    if (old.ports !== e.ports) old.ports = '';
    for (const d of e.detail ?? []) if (old.detail.length < 12 && !old.detail.includes(d)) old.detail.push(d);
  };
  for (const e of graph.edges) {
    if (!state.layers[layerOf(e.kind)]) continue;
    const from = drawnAs.get(e.from);
    const to = drawnAs.get(e.to);
    if (!from || !to || from === to) continue;
    add(e, from, to);
  }
  // Merged edges (to or from a collapsed namespace) with different ports: a count reads better than a list.
  for (const e of edges.values()) if (e.count > 1) e.ports = e.ports === '' ? `${e.count} edges` : `${e.ports} (×${e.count})`;

  // An overview of many collapsed namespaces: an edge from the Internet to each one is a comb
  // across the whole picture. A mark on the namespace says the same.
  if (collapsedMembers.size > OVERVIEW_NAMESPACES) {
    for (const [id, e] of edges) {
      const target = nodes.get(e.to);
      if (e.from !== 'internet' || !target?.collapsed) continue;
      edges.delete(id);
      target.collapsed.fromInternet = true;
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
    total: graph.nodes.length,
  };
}
