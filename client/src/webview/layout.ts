// Layout with ELK's layered algorithm in a web worker (a layout of 1,000+ nodes takes seconds;
// the panel stays responsive meanwhile). Conversion to and from ELK's JSON is pure.

import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import workerSource from 'elkjs/lib/elk-worker.min.js' with { type: 'text' };
import type { VisibleGraph, VisibleNode } from './view';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

export interface EdgeRoute {
  id: string;
  points: Point[];
  label?: Box;
}

export interface Layout {
  nodes: Map<string, Box>;
  groups: Map<string, Box>;
  edges: Map<string, EdgeRoute>;
  width: number;
  height: number;
}

/** Measures text in the diagram's fonts (a canvas in the browser, an estimate in tests). */
export type Measure = (text: string, size: 'label' | 'sublabel' | 'edge') => number;

export const NODE_HEIGHT = 50;
export const NODE_MIN_WIDTH = 150;
/** The kind line (and ports) may be cut beyond this width; the name never is. */
export const NODE_MAX_WIDTH = 340;
/** Room left of the text for the kind icon. */
export const NODE_TEXT_LEFT = 42;
export const GROUP_HEADER = 30;
/** Room for one mark (internet, cluster, every workload) at the node's right. */
export const MARK_WIDTH = 18;
const EDGE_LABEL_HEIGHT = 16;

/** Layout direction: top-down for a panel taller than wide (beside an editor), left-right otherwise. */
export type Direction = 'DOWN' | 'RIGHT';

export function markCount(n: VisibleNode): number {
  const m = n.marks;
  let count = m ? (m.internet ? 1 : 0) + (m.cluster ? 1 : 0) + (m.workloads ? 1 : 0) : 0;
  if (n.collapsed?.fromInternet) count++;
  if (n.collapsed?.fromCluster) count++;
  return count;
}

export function nodeWidth(label: string, sublabel: string, measure: Measure, marks = 0): number {
  const right = 14 + marks * MARK_WIDTH;
  const name = NODE_TEXT_LEFT + measure(label, 'label') + right;
  const kind = Math.min(NODE_MAX_WIDTH, NODE_TEXT_LEFT + measure(sublabel, 'sublabel') + right);
  return Math.ceil(Math.max(NODE_MIN_WIDTH, name, kind));
}

function widthOf(n: VisibleNode, measure: Measure): number {
  return nodeWidth(n.label, n.sublabel, measure, markCount(n));
}

/** Large graphs get cheaper settings: quality differences are invisible at that size, seconds are not. */
export function toElk(view: VisibleGraph, measure: Measure, direction: Direction = 'DOWN'): ElkNode {
  const large = view.nodes.length > 300;
  // A layer holds every node at the same depth: 40 collapsed namespaces behind one Internet node
  // make a row 40 wide. With many top-level namespaces (collapsed or open), partitions put them in
  // rows of `perRow` in alphabetical order, outside nodes first: a grid that fits a screen.
  const namespacesAtTop = [
    ...view.nodes.flatMap((n) => (n.collapsed ? [{ id: n.id, ns: n.collapsed.namespace }] : [])),
    ...view.groups.map((g) => ({ id: g.id, ns: g.namespace })),
  ].sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  const partition = new Map<string, number>();
  const perRow = Math.max(4, Math.ceil(Math.sqrt(namespacesAtTop.length * 2)));
  if (namespacesAtTop.length > 12) namespacesAtTop.forEach((x, i) => partition.set(x.id, 1 + Math.floor(i / perRow)));
  // Everything collapsed: the layered algorithm may keep a grid given as positions (interactive
  // layering and ordering), so cross-namespace edges do not pull the rows apart.
  const grid = partition.size > 0 && view.groups.length === 0;
  const gridPosition = new Map<string, { x: number; y: number }>();
  if (grid) {
    namespacesAtTop.forEach((x, i) => gridPosition.set(x.id, { x: (i % perRow) * 400, y: (1 + Math.floor(i / perRow)) * 400 }));
    let external = 0;
    for (const n of view.nodes) if (!n.collapsed) gridPosition.set(n.id, { x: external++ * 400, y: 0 });
  }
  const partitioned = (id: string): Record<string, string> | undefined => {
    if (partition.size === 0) return undefined;
    return { 'elk.partitioning.partition': String(partition.get(id) ?? 0) };
  };
  const byId = new Map(view.nodes.map((n) => [n.id, n]));
  const nodeOf = (id: string): ElkNode => {
    const n = byId.get(id);
    return { id, width: n ? widthOf(n, measure) : NODE_MIN_WIDTH, height: NODE_HEIGHT };
  };
  const top: ElkNode[] = [];
  for (const n of view.nodes) {
    if (n.parent === '') {
      const node: ElkNode = { id: n.id, width: widthOf(n, measure), height: NODE_HEIGHT };
      const p = partitioned(n.id);
      if (p && !grid) node.layoutOptions = p;
      const at = gridPosition.get(n.id);
      if (at) Object.assign(node, at);
      top.push(node);
    }
  }
  for (const g of view.groups) {
    top.push({
      id: g.id,
      layoutOptions: { 'elk.padding': `[top=${GROUP_HEADER + 8},left=14,bottom=14,right=14]`, ...partitioned(g.id) },
      children: g.nodeIds.filter((id) => byId.has(id)).map(nodeOf),
    });
  }
  const edges: ElkExtendedEdge[] = view.edges.map((e) => {
    const edge: ElkExtendedEdge = { id: e.id, sources: [e.from], targets: [e.to] };
    // At the arrow's head: labels in the middle would each take a layer of their own (a taller picture).
    if (e.ports !== '' && !large && !grid) {
      edge.labels = [{ text: e.ports, width: measure(e.ports, 'edge') + 8, height: EDGE_LABEL_HEIGHT, layoutOptions: { 'elk.edgeLabels.placement': 'HEAD' } }];
    }
    return edge;
  });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': grid ? 'DOWN' : direction,
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '16',
      'elk.spacing.edgeNode': '14',
      'elk.spacing.edgeEdge': '8',
      'elk.spacing.componentComponent': '36',
      'elk.layered.spacing.edgeNodeBetweenLayers': '16',
      'elk.edgeLabels.inline': 'false',
      'elk.layered.edgeLabels.sideSelection': 'SMART_DOWN',
      // Thoroughness trades crossings for time; past the default of 7 nothing visible is gained.
      'elk.layered.thoroughness': large ? '1' : '4',
      'elk.layered.nodePlacement.strategy': large ? 'SIMPLE' : 'BRANDES_KOEPF',
      'elk.padding': '[top=24,left=24,bottom=24,right=24]',
      'elk.layered.mergeEdges': 'true',
      // Keep the graph's (sorted) order where crossings allow: namespaces and names read alphabetically.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      ...(grid
        ? { 'elk.layered.layering.strategy': 'INTERACTIVE', 'elk.layered.crossingMinimization.strategy': 'INTERACTIVE' }
        : partition.size > 0
          ? { 'elk.partitioning.activate': 'true' }
          : {}),
    },
    children: top,
    edges,
  };
}

/** Absolute positions from ELK's result (edges are relative to their `container`). */
export function fromElk(result: ElkNode): Layout {
  const nodes = new Map<string, Box>();
  const groups = new Map<string, Box>();
  const origin = new Map<string, Point>([['root', { x: 0, y: 0 }]]);
  const visit = (n: ElkNode, ox: number, oy: number): void => {
    const x = ox + (n.x ?? 0);
    const y = oy + (n.y ?? 0);
    origin.set(n.id, { x, y });
    const box = { x, y, width: n.width ?? 0, height: n.height ?? 0 };
    if (n.children && n.children.length > 0) {
      groups.set(n.id, box);
      for (const c of n.children) visit(c, x, y);
    } else nodes.set(n.id, box);
  };
  for (const c of result.children ?? []) visit(c, 0, 0);
  const edges = new Map<string, EdgeRoute>();
  const collect = (n: ElkNode): void => {
    for (const e of n.edges ?? []) {
      const o = origin.get(e.container ?? n.id) ?? { x: 0, y: 0 };
      const points: Point[] = [];
      for (const s of e.sections ?? []) {
        points.push({ x: o.x + s.startPoint.x, y: o.y + s.startPoint.y });
        for (const b of s.bendPoints ?? []) points.push({ x: o.x + b.x, y: o.y + b.y });
        points.push({ x: o.x + s.endPoint.x, y: o.y + s.endPoint.y });
      }
      const route: EdgeRoute = { id: e.id, points };
      const l = e.labels?.[0];
      if (l && l.x !== undefined && l.y !== undefined) route.label = { x: o.x + l.x, y: o.y + l.y, width: l.width ?? 0, height: l.height ?? 0 };
      edges.set(e.id, route);
    }
    for (const c of n.children ?? []) collect(c);
  };
  collect(result);
  return { nodes, groups, edges, width: result.width ?? 0, height: result.height ?? 0 };
}

let elk: InstanceType<typeof ELK> | undefined;

function engine(): InstanceType<typeof ELK> {
  if (!elk) {
    const url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    elk = new ELK({ workerUrl: url, workerFactory: (given?: string) => new Worker(given ?? url) as never });
  }
  return elk;
}

/**
 * Starts the worker and lays out a small graph with the same options as a real one, while the
 * page waits for the language server: the worker's 1.6 MB script is compiled and its hot paths
 * warmed once, not on the first picture the user waits for.
 */
export function warmUp(measure: Measure): Promise<unknown> {
  const node = (id: string, parent: string): VisibleNode => ({ id, kind: 'Deployment', parent, label: id, sublabel: 'Deployment', match: false });
  const view: VisibleGraph = {
    nodes: [node('a', 'x'), node('b', 'x'), node('c', 'y'), node('d', 'y'), node('e', '')],
    edges: [
      { id: 'e1', from: 'e', to: 'a', kind: 'route', ports: 'TCP 80', count: 1, detail: [] },
      { id: 'e2', from: 'a', to: 'b', kind: 'select', ports: 'TCP 80', count: 1, detail: [] },
      { id: 'e3', from: 'b', to: 'c', kind: 'allow', ports: 'TCP 80', count: 1, detail: [] },
      { id: 'e4', from: 'c', to: 'd', kind: 'allow', ports: 'TCP 80', count: 1, detail: [] },
      { id: 'e5', from: 'a', to: 'd', kind: 'allow', ports: 'TCP 80', count: 1, detail: [] },
    ],
    groups: [
      { id: 'x', namespace: 'x', nodeIds: ['a', 'b'], match: false },
      { id: 'y', namespace: 'y', nodeIds: ['c', 'd'], match: false },
    ],
    namespaces: ['x', 'y'],
    matches: [],
    total: 5,
    scope: { kind: 'workspace' },
  };
  return engine().layout(toElk(view, measure)).catch(() => undefined);
}

/**
 * What decides a layout: nodes with their sizes and parents, edges with their label sizes, the
 * direction. Equal keys give equal layouts, so a live edit that changes no box reuses the last one.
 */
export function layoutKey(graph: ElkNode): string {
  const parts: string[] = [graph.layoutOptions?.['elk.direction'] ?? ''];
  const visit = (n: ElkNode, parent: string): void => {
    parts.push(`${parent}>${n.id}:${n.width ?? ''}x${n.height ?? ''}@${n.x ?? ''},${n.y ?? ''}`);
    for (const c of n.children ?? []) visit(c, n.id);
  };
  for (const c of graph.children ?? []) visit(c, 'root');
  for (const e of graph.edges ?? []) parts.push(`${e.id}:${e.labels?.[0]?.width ?? ''}`);
  return parts.join('\n');
}

/** Up to this many boxes both directions are laid out and the one that fits the panel better wins. */
export const BOTH_DIRECTIONS_MAX_NODES = 80;

/** The zoom at which a layout fits a viewport. */
export function fitScale(l: { width: number; height: number }, viewport: { width: number; height: number }): number {
  if (l.width === 0 || l.height === 0) return 1;
  return Math.min((viewport.width - 24) / l.width, (viewport.height - 24) / l.height);
}

const cache = new Map<string, Layout>();

async function layoutIn(view: VisibleGraph, measure: Measure, direction: Direction): Promise<{ layout: Layout; reused: boolean }> {
  const input = toElk(view, measure, direction);
  const key = layoutKey(input);
  const old = cache.get(key);
  if (old) return { layout: old, reused: true };
  const result = fromElk(await engine().layout(input));
  // The last few layouts only (one per direction, plus the one before a live edit).
  const oldest = cache.keys().next();
  if (cache.size >= 4 && !oldest.done) cache.delete(oldest.value);
  cache.set(key, result);
  return { layout: result, reused: false };
}

/**
 * Lays out in the worker, or returns an earlier layout when nothing that decides it changed (a live
 * edit that moves no box). A small view is laid out top-down and left to right, and the direction
 * that fits `viewport` at the larger zoom wins; a large one goes the way the panel is longer.
 */
export async function layout(view: VisibleGraph, measure: Measure, viewport: { width: number; height: number }): Promise<{ layout: Layout; reused: boolean; direction: Direction }> {
  if (view.nodes.length === 0) return { layout: { nodes: new Map(), groups: new Map(), edges: new Map(), width: 0, height: 0 }, reused: false, direction: 'DOWN' };
  if (view.nodes.length > BOTH_DIRECTIONS_MAX_NODES) {
    const direction: Direction = viewport.width > viewport.height * 1.15 ? 'RIGHT' : 'DOWN';
    return { ...(await layoutIn(view, measure, direction)), direction };
  }
  // One after the other (the worker does one at a time anyway): a view that ignores the direction
  // (the grid of collapsed namespaces) finds the first layout in the cache.
  const down = await layoutIn(view, measure, 'DOWN');
  const right = await layoutIn(view, measure, 'RIGHT');
  // Top-down unless left-to-right is clearly better: the reading order people expect of a flow.
  return fitScale(right.layout, viewport) > fitScale(down.layout, viewport) * 1.1 ? { ...right, direction: 'RIGHT' } : { ...down, direction: 'DOWN' };
}
