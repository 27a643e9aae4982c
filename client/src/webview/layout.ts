// Layout with ELK's layered algorithm in a web worker (a layout of 1,000+ nodes takes seconds;
// the panel stays responsive meanwhile). Conversion to and from ELK's JSON is pure.

import ELK from 'elkjs/lib/elk-api.js';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import workerSource from 'elkjs/lib/elk-worker.min.js' with { type: 'text' };
import type { VisibleGraph } from './view';

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

export const NODE_HEIGHT = 46;
export const NODE_MIN_WIDTH = 150;
export const NODE_MAX_WIDTH = 270;
/** Room left of the text for the kind icon. */
export const NODE_TEXT_LEFT = 42;
export const GROUP_HEADER = 30;
const EDGE_LABEL_HEIGHT = 14;

export function nodeWidth(label: string, sublabel: string, measure: Measure): number {
  const text = Math.max(measure(label, 'label'), measure(sublabel, 'sublabel'));
  return Math.round(Math.min(NODE_MAX_WIDTH, Math.max(NODE_MIN_WIDTH, NODE_TEXT_LEFT + text + 14)));
}

/** Large graphs get cheaper settings: quality differences are invisible at that size, seconds are not. */
export function toElk(view: VisibleGraph, measure: Measure): ElkNode {
  const large = view.nodes.length > 300;
  // A layer holds every node at the same depth: 40 collapsed namespaces behind one Internet node
  // make a row 40 wide. With many top-level namespaces (collapsed or open), partitions put them in
  // rows of `perRow` in alphabetical order, outside nodes first: a grid that fits a screen.
  const namespacesAtTop = [
    ...view.nodes.filter((n) => n.collapsed).map((n) => ({ id: n.id, ns: n.collapsed!.namespace })),
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
    return { id, width: n ? nodeWidth(n.label, n.sublabel, measure) : NODE_MIN_WIDTH, height: NODE_HEIGHT };
  };
  const top: ElkNode[] = [];
  for (const n of view.nodes) {
    if (n.parent === '') {
      const node: ElkNode = { id: n.id, width: nodeWidth(n.label, n.sublabel, measure), height: NODE_HEIGHT };
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
    if (e.ports !== '' && !large && !grid) edge.labels = [{ text: e.ports, width: measure(e.ports, 'edge') + 8, height: EDGE_LABEL_HEIGHT }];
    return edge;
  });
  return {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
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
      'elk.layered.thoroughness': large ? '1' : '7',
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
let workerUrl: string | undefined;

function engine(): InstanceType<typeof ELK> {
  if (!elk) {
    workerUrl = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
    elk = new ELK({ workerUrl, workerFactory: (url?: string) => new Worker(url ?? workerUrl!) as never });
  }
  return elk;
}

export async function layout(view: VisibleGraph, measure: Measure): Promise<Layout> {
  if (view.nodes.length === 0) return { nodes: new Map(), groups: new Map(), edges: new Map(), width: 0, height: 0 };
  const result = await engine().layout(toElk(view, measure));
  return fromElk(result);
}
