// Draws a laid-out view as SVG. Every string from a manifest goes in through textContent or
// setAttribute (aria-label), never as markup.

import { GROUP_HEADER, MARK_WIDTH, NODE_HEIGHT, NODE_TEXT_LEFT, type Layout, type Measure } from './layout';
import { roundedPath, svg, svgText } from './svg';
import type { VisibleEdge, VisibleGraph, VisibleNode } from './view';

export type Category = 'entry' | 'service' | 'workload' | 'external' | 'namespace' | 'missing' | 'representative';

export function categoryOf(n: VisibleNode): Category {
  if (n.collapsed) return 'namespace';
  if (n.node?.missing) return 'missing';
  switch (n.kind) {
    case 'Ingress':
    case 'HTTPRoute':
    case 'GRPCRoute':
      return 'entry';
    case 'Service':
      return 'service';
    case 'internet':
    case 'ipBlock':
    case 'ingress-controller':
      return 'external';
    case 'representative':
      return 'representative';
    default:
      return 'workload';
  }
}

const KIND_BADGE: Record<string, string> = {
  Deployment: 'D',
  StatefulSet: 'SS',
  DaemonSet: 'DS',
  ReplicaSet: 'RS',
  ReplicationController: 'RC',
  Job: 'J',
  CronJob: 'CJ',
  Pod: 'P',
  Service: 'S',
  Ingress: 'I',
  HTTPRoute: 'HR',
  GRPCRoute: 'GR',
  ipBlock: 'IP',
  'ingress-controller': 'IC',
  representative: '*',
  namespace: 'NS',
};

export function badgeOf(kind: string): string {
  return KIND_BADGE[kind] ?? kind.replace(/[^A-Z]/g, '').slice(0, 2) ?? '?';
}

/** Cuts text to fit `width` pixels, with an ellipsis. */
export function fit(text: string, width: number, size: 'label' | 'sublabel' | 'edge', measure: Measure): string {
  if (measure(text, size) <= width) return text;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${text.slice(0, mid)}…`, size) <= width) lo = mid;
    else hi = mid - 1;
  }
  return `${text.slice(0, lo)}…`;
}

/** The marks of a node in words, for its tooltip and accessible name. */
export function markLines(n: VisibleNode): string[] {
  const lines: string[] = [];
  if (n.collapsed?.fromInternet) lines.push('reachable from the Internet (Ingress, route, LoadBalancer or any address)');
  if (n.collapsed?.fromCluster) lines.push('reachable from the whole cluster or every workload');
  const m = n.marks;
  if (m?.internet?.in) lines.push(`any address may connect to it: ${m.internet.in}`);
  if (m?.internet?.out) lines.push(`may connect to any address: ${m.internet.out}`);
  if (m?.cluster?.in) lines.push(`any pod of the cluster may connect to it: ${m.cluster.in}`);
  if (m?.cluster?.out) lines.push(`may connect to any pod of the cluster: ${m.cluster.out}`);
  if (m?.workloads?.in) lines.push(`every other workload may connect to it: ${m.workloads.in}`);
  if (m?.workloads?.out) lines.push(`may connect to every other workload: ${m.workloads.out}`);
  return lines;
}

export function accessibleName(n: VisibleNode): string {
  const marks = markLines(n);
  const extra = marks.length > 0 ? `; ${marks.join('; ')}` : '';
  if (n.collapsed) return `Namespace ${n.collapsed.namespace}, collapsed, ${n.sublabel}${extra}. Press Enter to expand.`;
  const g = n.node;
  if (!g) return `${n.label}, ${n.sublabel}${extra}`; // every node that is not a collapsed namespace has its graph node
  const where = g.namespace ? ` in namespace ${g.namespace}` : '';
  const open = g.uri ? '. Press Enter to open the YAML.' : '';
  return `${g.kind} ${n.label}${where}, ${n.sublabel}${extra}${open}`;
}

type MarkIcon = 'internet-in' | 'internet-out' | 'cluster-in' | 'cluster-out' | 'workloads-in' | 'workloads-out';

function markIcons(n: VisibleNode): MarkIcon[] {
  const out: MarkIcon[] = [];
  const m = n.marks;
  if (n.collapsed?.fromInternet || m?.internet?.in) out.push('internet-in');
  else if (m?.internet?.out) out.push('internet-out');
  if (n.collapsed?.fromCluster || m?.cluster?.in) out.push('cluster-in');
  else if (m?.cluster?.out) out.push('cluster-out');
  if (m?.workloads?.in) out.push('workloads-in');
  else if (m?.workloads?.out) out.push('workloads-out');
  return out;
}

/** One mark: a globe (any address), a dashed ring (the cluster), three dots (every workload); an arrow says in or out. */
export function drawMark(parent: Element, icon: MarkIcon, cx: number, cy: number): void {
  const g = svg('g', { class: `mark mark-${icon}` }, parent);
  const [what, dir] = icon.split('-') as ['internet' | 'cluster' | 'workloads', 'in' | 'out'];
  if (what === 'internet') globe(g, cx, cy, 6);
  else if (what === 'cluster') {
    svg('circle', { class: 'mark-ring', cx, cy, r: 6 }, g);
    svg('circle', { class: 'mark-dot', cx, cy, r: 2 }, g);
  } else for (const dx of [-4, 0, 4]) svg('circle', { class: 'mark-dot', cx: cx + dx, cy, r: 1.6 }, g);
  // A small arrow under the icon: pointing down into the node (in) or up out of it (out).
  const y = cy + 10;
  svg('path', { class: 'mark-arrow', d: dir === 'in' ? `M${cx - 3},${y - 2} L${cx},${y + 1} L${cx + 3},${y - 2}` : `M${cx - 3},${y + 1} L${cx},${y - 2} L${cx + 3},${y + 1}` }, g);
}

const ARROWS: Array<VisibleEdge['kind'] | NonNullable<VisibleEdge['change']>> = ['route', 'select', 'allow', 'blocked', 'tier-denied', 'added', 'removed', 'changed'];

function defs(root: SVGSVGElement): void {
  const d = svg('defs', {}, root);
  for (const kind of ARROWS) {
    const m = svg('marker', { id: `arrow-${kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse', markerUnits: 'userSpaceOnUse' }, d);
    if (kind === 'tier-denied') {
      // A bar across the arrow's end: the connection stops at a cluster-wide rule.
      svg('path', { d: 'M8,0 L8,10 M0,5 L8,5', class: `marker marker-${kind}` }, m);
    } else if (kind === 'blocked') {
      svg('path', { d: 'M2,1 L9,9 M9,1 L2,9', class: `marker marker-${kind}` }, m);
    } else {
      svg('path', { d: 'M0,0 L10,5 L0,10 z', class: `marker marker-${kind}` }, m);
    }
  }
}

/** A globe for the internet node (drawn, not a font glyph: fonts differ between machines). */
function globe(parent: Element, cx: number, cy: number, r: number): void {
  const g = svg('g', { class: 'globe' }, parent);
  svg('circle', { cx, cy, r }, g);
  svg('ellipse', { cx, cy, rx: r * 0.45, ry: r }, g);
  svg('line', { x1: cx - r, y1: cy, x2: cx + r, y2: cy }, g);
  svg('path', { d: `M${cx - r * 0.85},${cy - r * 0.5} H${cx + r * 0.85} M${cx - r * 0.85},${cy + r * 0.5} H${cx + r * 0.85}` }, g);
}

export interface Drawn {
  viewport: SVGGElement;
  nodes: Map<string, SVGGElement>;
  edges: Map<string, SVGGElement>;
  groups: Map<string, SVGGElement>;
}

export function draw(root: SVGSVGElement, view: VisibleGraph, layout: Layout, measure: Measure): Drawn {
  root.replaceChildren();
  defs(root);
  const viewport = svg('g', { class: 'viewport' }, root);
  // Every namespace collapsed: a map to pick from, its aggregated edges in the background.
  root.classList.toggle('overview', view.groups.length === 0 && view.nodes.filter((n) => n.collapsed).length > 12);
  const drawn: Drawn = { viewport, nodes: new Map(), edges: new Map(), groups: new Map() };

  const groupLayer = svg('g', { class: 'groups' }, viewport);
  for (const g of view.groups) {
    const box = layout.groups.get(g.id);
    if (!box) continue;
    const el = svg('g', { class: 'ns-group', 'data-ns': g.namespace }, groupLayer);
    svg('rect', { class: 'ns-bg', x: box.x, y: box.y, width: box.width, height: box.height, rx: 10 }, el);
    const header = svg('g', { class: 'ns-header', tabindex: 0, role: 'button', 'aria-expanded': 'true', 'data-ns': g.namespace }, el);
    header.setAttribute('aria-label', `Namespace ${g.namespace}, ${g.nodeIds.length} objects. Press Enter to collapse.`);
    svg('rect', { class: 'ns-header-hit', x: box.x, y: box.y, width: box.width, height: GROUP_HEADER, rx: 10 }, header);
    svg('path', { class: 'ns-chevron', d: `M${box.x + 13},${box.y + 12} l4,5 l4,-5` }, header);
    svgText(fit(g.namespace, box.width - 90, 'label', measure), { class: 'ns-title', x: box.x + 28, y: box.y + 20 }, header);
    svgText(String(g.nodeIds.length), { class: 'ns-count', x: box.x + box.width - 14, y: box.y + 20, 'text-anchor': 'end' }, header);
    drawn.groups.set(g.namespace, el);
  }

  const edgeLayer = svg('g', { class: 'edges' }, viewport);
  const labelLayer = svg('g', { class: 'edge-labels' }, viewport);
  for (const e of view.edges) {
    const route = layout.edges.get(e.id);
    if (!route || route.points.length < 2) continue;
    const change = e.change ? ` change-${e.change}` : '';
    const el = svg('g', { class: `edge kind-${e.kind}${change}`, 'data-id': e.id }, edgeLayer);
    const d = roundedPath(route.points);
    svg('path', { class: 'edge-hit', d }, el);
    svg('path', { class: 'edge-line', d, 'marker-end': `url(#arrow-${e.change ?? e.kind})` }, el);
    if (route.label && e.ports !== '') {
      const l = route.label;
      const lg = svg('g', { class: `edge-label kind-${e.kind}${change}`, 'data-id': e.id }, labelLayer);
      svg('rect', { x: l.x - 1, y: l.y - 1, width: l.width + 2, height: l.height + 2, rx: 3 }, lg);
      svgText(fit(e.ports, l.width, 'edge', measure), { x: l.x + l.width / 2, y: l.y + l.height - 3, 'text-anchor': 'middle' }, lg);
    }
    drawn.edges.set(e.id, el);
  }

  const nodeLayer = svg('g', { class: 'nodes' }, viewport);
  for (const n of view.nodes) {
    const box = layout.nodes.get(n.id);
    if (!box) continue;
    const cat = categoryOf(n);
    const el = svg('g', { class: `node cat-${cat}`, transform: `translate(${box.x},${box.y})`, tabindex: 0, role: 'button', 'data-id': n.id }, nodeLayer);
    el.setAttribute('aria-label', accessibleName(n));
    if (n.node?.open && n.node.open.ingress) el.classList.add('open-ingress');
    if (n.focused) el.classList.add('focused');
    if (n.node?.gone) el.classList.add('gone');
    if (n.exposure) el.classList.add(`exposed-${n.exposure}`);
    svg('rect', { class: 'node-bg', width: box.width, height: NODE_HEIGHT, rx: 7 }, el);
    svg('rect', { class: 'node-stripe', x: 0, y: 0, width: 4, height: NODE_HEIGHT, rx: 2 }, el);
    if (n.kind === 'internet') {
      globe(el, 22, NODE_HEIGHT / 2, 11);
    } else {
      svg('circle', { class: 'node-icon', cx: 22, cy: NODE_HEIGHT / 2, r: 14 }, el);
      svgText(badgeOf(n.kind), { class: 'node-icon-text', x: 22, y: NODE_HEIGHT / 2 + 4, 'text-anchor': 'middle' }, el);
    }
    const icons = markIcons(n);
    icons.forEach((icon, i) => drawMark(el, icon, box.width - 12 - i * MARK_WIDTH, 14));
    // The node is as wide as its name: the name is never cut (the kind line may be).
    const textWidth = box.width - NODE_TEXT_LEFT - 8 - icons.length * MARK_WIDTH;
    svgText(n.label, { class: 'node-label', x: NODE_TEXT_LEFT, y: 21 }, el);
    svgText(fit(n.sublabel, textWidth, 'sublabel', measure), { class: 'node-sublabel', x: NODE_TEXT_LEFT, y: 39 }, el);
    drawn.nodes.set(n.id, el);
  }
  return drawn;
}
