// Tooltips of the diagram: what a node or an edge is, on hover and on keyboard focus, and the
// hovered edge's highlight. Manifest strings are written as text (textContent), never markup.

import type { GraphNode } from '../../../server/src/model/graph';
import { markLines } from './render';
import { elementById, html } from './svg';
import type { VisibleGraph } from './view';

export interface TooltipHost {
  canvas: SVGSVGElement;
  view(): VisibleGraph | undefined;
  /** No tooltip while the canvas is dragged. */
  dragging(): boolean;
}

export interface Tooltips {
  hide(): void;
}

export function createTooltips(host: TooltipHost): Tooltips {
  const canvas = host.canvas;
  const stage = elementById('stage');
  const tooltip = elementById('tooltip');
  function showTooltip(title: string, lines: string[], anchor: { x: number; y: number }): void {
    tooltip.replaceChildren();
    html('div', title, 'tooltip-title', tooltip);
    for (const line of lines.slice(0, 14)) html('div', line, 'tooltip-line', tooltip);
    if (lines.length > 14) html('div', `… ${lines.length - 14} more`, 'tooltip-line muted', tooltip);
    tooltip.hidden = false;
    const s = stage.getBoundingClientRect();
    const w = tooltip.offsetWidth;
    const h = tooltip.offsetHeight;
    let x = anchor.x - s.left + 14;
    let y = anchor.y - s.top + 14;
    if (x + w > s.width - 8) x = Math.max(8, anchor.x - s.left - w - 14);
    if (y + h > s.height - 8) y = Math.max(8, s.height - h - 8);
    tooltip.style.left = `${x}px`;
    tooltip.style.top = `${y}px`;
  }

  function hideTooltip(): void {
    tooltip.hidden = true;
  }

  function nodeTooltip(id: string): { title: string; lines: string[] } | undefined {
    const n = host.view()?.nodes.find((x) => x.id === id);
    if (!n) return undefined;
    if (n.collapsed) {
      const lines = [n.collapsed.summary, ...markLines(n)];
      lines.push('Click to expand');
      return { title: `namespace ${n.collapsed.namespace}`, lines };
    }
    const g = n.node as GraphNode;
    const lines: string[] = [];
    if (g.namespace) lines.push(`namespace: ${g.namespace}`);
    if (g.replicas !== undefined) lines.push(`replicas: ${g.replicas}`);
    lines.push(...(g.detail ?? []));
    lines.push(...markLines(n));
    if (g.uri) lines.push('Click to open the YAML');
    return { title: `${g.kind} ${g.name}`, lines };
  }

  function edgeTooltip(id: string): { title: string; lines: string[] } | undefined {
    const e = host.view()?.edges.find((x) => x.id === id);
    if (!e) return undefined;
    const label = (nid: string): string => host.view()?.nodes.find((n) => n.id === nid)?.label ?? nid;
    const verb = { route: 'routes to', select: 'selects', allow: 'may connect to', blocked: 'is blocked from', 'tier-denied': 'is denied by a cluster tier from reaching' }[e.kind];
    const lines = e.ports ? [`${e.kind === 'tier-denied' ? 'denied ports' : 'ports'}: ${e.ports}`, ...e.detail] : [...e.detail];
    return { title: `${label(e.from)} ${verb} ${label(e.to)}`, lines };
  }

  canvas.addEventListener('pointerover', (ev) => {
    if (host.dragging()) return;
    const t = ev.target as Element;
    const node = t.closest('.node');
    const edge = t.closest('.edge, .edge-label');
    const tip = node ? nodeTooltip(node.getAttribute('data-id') ?? '') : edge ? edgeTooltip(edge.getAttribute('data-id') ?? '') : undefined;
    if (tip) showTooltip(tip.title, tip.lines, { x: ev.clientX, y: ev.clientY });
    if (edge) highlightEdge(edge.getAttribute('data-id'));
  });
  canvas.addEventListener('pointerout', (ev) => {
    const to = ev.relatedTarget as Element | null;
    if (!to || !to.closest?.('.node, .edge, .edge-label')) {
      hideTooltip();
      highlightEdge(null);
    }
  });

  function highlightEdge(id: string | null): void {
    canvas.querySelectorAll('.hot').forEach((el) => el.classList.remove('hot'));
    if (!id) return;
    canvas.querySelectorAll(`[data-id="${CSS.escape(id)}"]`).forEach((el) => el.classList.add('hot'));
  }

  canvas.addEventListener('focusin', (ev) => {
    const node = (ev.target as Element).closest('.node');
    if (!node) return;
    const tip = nodeTooltip(node.getAttribute('data-id') ?? '');
    const r = node.getBoundingClientRect();
    if (tip) showTooltip(tip.title, tip.lines, { x: r.left, y: r.bottom });
  });
  canvas.addEventListener('focusout', hideTooltip);


  return { hide: hideTooltip };
}
