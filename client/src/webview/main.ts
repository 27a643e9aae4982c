// The diagram webview: receives the graph by postMessage, lays it out in an ELK worker, draws SVG,
// and handles pan/zoom, hover, search, namespace filter, layers, collapse, reveal and export.
// Past 400 lines because it is the page's wiring: each section binds one toolbar control or canvas
// gesture to the shared view state; the logic lives in view.ts, layout.ts, render.ts, scope.ts
// (focus and breadcrumb) and pathQuery.ts.

import './style.css';
import type { Graph, GraphNode } from '../../../server/src/model/graph';
import { exportSvg } from './export';
import { layout, warmUp, type Layout, type Measure } from './layout';
import type { FromWebview, ToWebview } from './messages';
import { createPathQuery } from './pathQuery';
import { draw, markLines, type Drawn } from './render';
import { createScopeBar } from './scope';
import { html } from './svg';
import {
  collapseByDefaultFor,
  restoreState,
  setAllCollapsed,
  toggleCollapsed,
  visibleGraph,
  type Transform,
  type ViewState,
  type VisibleGraph,
} from './view';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state: ViewState = restoreState(vscode.getState());
let graph: Graph | undefined;
let view: VisibleGraph | undefined;
let laid: Layout | undefined;
let drawn: Drawn | undefined;
let transform: Transform = state.transform ?? { x: 0, y: 0, k: 1 };
/** False until the view has been fitted once or the state brought a pan/zoom to keep. */
let placed = state.transform !== undefined;
let layoutSeq = 0;
let renders = 0;
let searchIndex = -1;

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const canvas = document.getElementById('canvas') as unknown as SVGSVGElement;
const stage = $('stage');
const tooltip = $('tooltip');
const message = $('message');
const status = $('status');
const search = $<HTMLInputElement>('search');
const searchCount = $('search-count');
const nsButton = $<HTMLButtonElement>('ns-button');
const nsMenu = $('ns-menu');
const layerRouting = $<HTMLInputElement>('layer-routing');
const layerPolicy = $<HTMLInputElement>('layer-policy');

// ------------------------------------------------------------------------------ text measure

/** No text of the diagram is drawn smaller than this at the first view's zoom. */
const MIN_TEXT_PX = 11;
// Names at the editor's font size (VS Code sets --vscode-editor-font-size on the page), the kind
// line, ports and counts a little smaller, never below MIN_TEXT_PX.
const rootStyle = getComputedStyle(document.documentElement);
const editorPx = parseFloat(rootStyle.getPropertyValue('--vscode-editor-font-size')) || parseFloat(rootStyle.getPropertyValue('--vscode-font-size')) || 13;
const LABEL_PX = Math.min(16, Math.max(12, editorPx));
const SMALL_PX = Math.max(MIN_TEXT_PX, LABEL_PX - 2);
document.documentElement.style.setProperty('--fs-label', `${LABEL_PX}px`);
document.documentElement.style.setProperty('--fs-small', `${SMALL_PX}px`);
const measureCtx = document.createElement('canvas').getContext('2d');
const bodyFont = getComputedStyle(document.body).fontFamily || 'sans-serif';
const FONT: Record<'label' | 'sublabel' | 'edge', string> = {
  label: `600 ${LABEL_PX}px ${bodyFont}`,
  sublabel: `${SMALL_PX}px ${bodyFont}`,
  edge: `${SMALL_PX}px ${bodyFont}`,
};
const measureCache = new Map<string, number>();
const measure: Measure = (text, size) => {
  const key = `${size}\u0000${text}`;
  let w = measureCache.get(key);
  if (w === undefined) {
    if (measureCtx) {
      measureCtx.font = FONT[size];
      w = measureCtx.measureText(text).width;
    } else w = text.length * (size === 'label' ? 7.5 : 6.2);
    if (measureCache.size > 20000) measureCache.clear();
    measureCache.set(key, w);
  }
  return w;
};

// ------------------------------------------------------------------------------ state

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    state.transform = transform;
    vscode.setState(state);
  }, 150);
}

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

// ------------------------------------------------------------------------------ pan & zoom

function applyTransform(): void {
  drawn?.viewport.setAttribute('transform', `translate(${transform.x},${transform.y}) scale(${transform.k})`);
  saveState();
}

function zoomAt(factor: number, cx: number, cy: number): void {
  const k = Math.min(4, Math.max(0.05, transform.k * factor));
  const f = k / transform.k;
  transform = { k, x: cx - (cx - transform.x) * f, y: cy - (cy - transform.y) * f };
  applyTransform();
}

/** Below this zoom the smallest text would be under MIN_TEXT_PX: the first view never goes there. */
const READABLE_ZOOM = MIN_TEXT_PX / SMALL_PX;

function fitToView(readable = false): void {
  if (!laid || laid.width === 0) return;
  const r = canvas.getBoundingClientRect();
  let k = Math.min(1, (r.width - 24) / laid.width, (r.height - 24) / laid.height);
  if (readable && k < READABLE_ZOOM) {
    k = READABLE_ZOOM;
    // Centre on the focused object; without one, show the start of the flow (top left: the internet and entry points).
    const focusId = view?.nodes.find((n) => n.focused)?.id;
    const anchor = path.box() ?? (focusId ? laid.nodes.get(focusId) : undefined);
    transform = anchor
      ? { k, x: r.width / 2 - (anchor.x + anchor.width / 2) * k, y: r.height / 2 - (anchor.y + anchor.height / 2) * k }
      : { k, x: 12, y: 12 };
  } else {
    transform = { k, x: (r.width - laid.width * k) / 2, y: Math.max(12, (r.height - laid.height * k) / 2) };
  }
  applyTransform();
}

function centerOn(id: string): void {
  const box = laid?.nodes.get(id);
  if (!box) return;
  const r = canvas.getBoundingClientRect();
  const k = Math.max(transform.k, 0.8);
  transform = { k, x: r.width / 2 - (box.x + box.width / 2) * k, y: r.height / 2 - (box.y + box.height / 2) * k };
  applyTransform();
}

let drag: { x: number; y: number; tx: number; ty: number; id: number; moved: boolean } | undefined;
canvas.addEventListener('pointerdown', (ev) => {
  if (ev.button !== 0 || (ev.target as Element).closest('.node, .ns-header')) return;
  drag = { x: ev.clientX, y: ev.clientY, tx: transform.x, ty: transform.y, id: ev.pointerId, moved: false };
  canvas.setPointerCapture(ev.pointerId);
  canvas.classList.add('panning');
});
canvas.addEventListener('pointermove', (ev) => {
  if (!drag || ev.pointerId !== drag.id) return;
  const dx = ev.clientX - drag.x;
  const dy = ev.clientY - drag.y;
  if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
  transform = { ...transform, x: drag.tx + dx, y: drag.ty + dy };
  applyTransform();
});
const endDrag = (ev: PointerEvent): void => {
  if (!drag || ev.pointerId !== drag.id) return;
  drag = undefined;
  canvas.classList.remove('panning');
};
canvas.addEventListener('pointerup', endDrag);
canvas.addEventListener('pointercancel', endDrag);
canvas.addEventListener(
  'wheel',
  (ev) => {
    ev.preventDefault();
    const r = canvas.getBoundingClientRect();
    if (ev.ctrlKey || Math.abs(ev.deltaY) >= Math.abs(ev.deltaX)) {
      const delta = ev.deltaMode === 1 ? ev.deltaY * 16 : ev.deltaY;
      zoomAt(Math.exp(-delta * (ev.ctrlKey ? 0.01 : 0.0015)), ev.clientX - r.left, ev.clientY - r.top);
    } else {
      transform = { ...transform, x: transform.x - ev.deltaX };
      applyTransform();
    }
  },
  { passive: false },
);
canvas.addEventListener('keydown', (ev) => {
  if (ev.target !== canvas) return;
  const step = 60;
  const moves: Record<string, [number, number]> = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
  const m = moves[ev.key];
  if (m) {
    transform = { ...transform, x: transform.x + m[0], y: transform.y + m[1] };
    applyTransform();
    ev.preventDefault();
  }
});

function centerZoom(factor: number): void {
  const r = canvas.getBoundingClientRect();
  zoomAt(factor, r.width / 2, r.height / 2);
}
$('zoom-in').addEventListener('click', () => centerZoom(1.25));
$('zoom-out').addEventListener('click', () => centerZoom(0.8));
$('zoom-fit').addEventListener('click', () => fitToView());

document.addEventListener('keydown', (ev) => {
  const t = ev.target as HTMLElement;
  if (t === search) {
    if (ev.key === 'Escape') {
      search.value = '';
      onSearch();
      canvas.focus();
    }
    return;
  }
  if (ev.key === 'Escape' && !nsMenu.hidden) {
    closeNsMenu();
    nsButton.focus();
    return;
  }
  if (ev.key === '/' || (ev.key === 'f' && (ev.ctrlKey || ev.metaKey))) {
    search.focus();
    search.select();
    ev.preventDefault();
  } else if (ev.key === '+' || ev.key === '=') centerZoom(1.25);
  else if (ev.key === '-') centerZoom(0.8);
  else if (ev.key === '0') fitToView();
  else if (ev.key === 'Escape') {
    hideTooltip();
    closeNsMenu();
  }
});

// ------------------------------------------------------------------------------ tooltip

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
  const n = view?.nodes.find((x) => x.id === id);
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
  const e = view?.edges.find((x) => x.id === id);
  if (!e) return undefined;
  const label = (nid: string): string => view?.nodes.find((n) => n.id === nid)?.label ?? nid;
  const verb = { route: 'routes to', select: 'selects', allow: 'may connect to', blocked: 'is blocked from' }[e.kind];
  const lines = e.ports ? [`ports: ${e.ports}`, ...e.detail] : [...e.detail];
  return { title: `${label(e.from)} ${verb} ${label(e.to)}`, lines };
}

canvas.addEventListener('pointerover', (ev) => {
  if (drag) return;
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

// ------------------------------------------------------------------------------ activation

function activate(target: Element): void {
  const header = target.closest('.ns-header');
  if (header) {
    toggleNamespace(header.getAttribute('data-ns') ?? '');
    return;
  }
  const el = target.closest('.node');
  if (!el) return;
  const id = el.getAttribute('data-id') ?? '';
  const n = view?.nodes.find((x) => x.id === id);
  if (!n) return;
  if (n.collapsed) {
    toggleNamespace(n.collapsed.namespace);
    return;
  }
  if (path.picking) {
    path.pick(id);
    return;
  }
  const g = n.node;
  if (g?.uri && g.span) post({ type: 'reveal', uri: g.uri, span: { start: g.span.start, end: g.span.end } });
}

canvas.addEventListener('click', (ev) => activate(ev.target as Element));
canvas.addEventListener('keydown', (ev) => {
  if ((ev.key === 'Enter' || ev.key === ' ') && ev.target !== canvas) {
    activate(ev.target as Element);
    ev.preventDefault();
  }
});

let focusAfterRender: string | undefined;
/** Keyboard focus follows the namespace: onto its header when opened, onto its node when collapsed. */
function toggleNamespace(ns: string): void {
  toggleCollapsed(state, ns);
  focusAfterRender = `ns:${ns}`;
  saveState();
  void relayout();
}

// ------------------------------------------------------------------------------ search

function onSearch(): void {
  state.search = search.value;
  searchIndex = -1;
  saveState();
  applySearch();
}

function applySearch(): void {
  if (!graph || !view) return;
  const q = state.search.trim();
  // Recompute matches only: no layout needed.
  const fresh = visibleGraph(graph, state);
  const matchSet = new Set(fresh.matches);
  view.matches = fresh.matches;
  const groupMatch = new Set(fresh.groups.filter((g) => g.match).map((g) => g.namespace));
  canvas.classList.toggle('searching', q !== '');
  drawn?.nodes.forEach((el, id) => el.classList.toggle('match', matchSet.has(id)));
  drawn?.groups.forEach((el, ns) => el.classList.toggle('match', groupMatch.has(ns)));
  searchCount.textContent = q === '' ? '' : `${fresh.matches.length} match${fresh.matches.length === 1 ? '' : 'es'}`;
}

search.addEventListener('input', onSearch);
search.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter' || !view || view.matches.length === 0) return;
  searchIndex = (searchIndex + (ev.shiftKey ? -1 : 1) + view.matches.length) % view.matches.length;
  const id = view.matches[searchIndex];
  centerOn(id);
  drawn?.nodes.forEach((el, nid) => el.classList.toggle('current', nid === id));
  searchCount.textContent = `${searchIndex + 1} of ${view.matches.length}`;
  ev.preventDefault();
});

// ------------------------------------------------------------------------------ namespaces menu & layers

function closeNsMenu(): void {
  nsMenu.hidden = true;
  nsButton.setAttribute('aria-expanded', 'false');
}

nsButton.addEventListener('click', () => {
  const open = nsMenu.hidden;
  nsMenu.hidden = !open;
  nsButton.setAttribute('aria-expanded', String(open));
  if (open) (nsMenu.querySelector('input') as HTMLInputElement | null)?.focus();
});
document.addEventListener('pointerdown', (ev) => {
  if (!(ev.target as Element).closest('.popover')) closeNsMenu();
});

let refocusNs: string | undefined;
function buildNsMenu(namespaces: string[]): void {
  nsMenu.replaceChildren();
  const actions = html('div', undefined, 'menu-actions', nsMenu);
  const all = html('button', 'All', 'link', actions);
  const none = html('button', 'None', 'link', actions);
  all.type = none.type = 'button';
  all.addEventListener('click', () => setHidden([]));
  none.addEventListener('click', () => setHidden([...namespaces]));
  for (const ns of namespaces) {
    const label = html('label', undefined, 'menu-item', nsMenu);
    const box = html('input', undefined, undefined, label);
    box.type = 'checkbox';
    box.checked = !state.hidden.includes(ns);
    box.dataset.ns = ns;
    box.addEventListener('change', () => {
      refocusNs = ns;
      setHidden(box.checked ? state.hidden.filter((h) => h !== ns) : [...state.hidden, ns]);
    });
    html('span', ns, undefined, label);
  }
  // The menu is rebuilt on every change: keep the keyboard where it was.
  if (refocusNs !== undefined && !nsMenu.hidden) {
    const again = [...nsMenu.querySelectorAll<HTMLInputElement>('input')].find((i) => i.dataset.ns === refocusNs);
    again?.focus();
  }
  refocusNs = undefined;
  const shown = namespaces.filter((ns) => !state.hidden.includes(ns)).length;
  nsButton.textContent = shown === namespaces.length ? `Namespaces (${namespaces.length})` : `Namespaces (${shown} of ${namespaces.length})`;
}

function setHidden(hidden: string[]): void {
  state.hidden = hidden;
  saveState();
  void relayout();
}

layerRouting.checked = state.layers.routing;
layerPolicy.checked = state.layers.policy;
layerRouting.addEventListener('change', () => {
  state.layers.routing = layerRouting.checked;
  saveState();
  void relayout();
});
const layerExposure = $<HTMLInputElement>('layer-exposure');
layerExposure.checked = state.layers.exposure === true;
canvas.classList.toggle('exposure-on', layerExposure.checked);
// Colours only: no layout.
layerExposure.addEventListener('change', () => {
  state.layers.exposure = layerExposure.checked;
  canvas.classList.toggle('exposure-on', layerExposure.checked);
  saveState();
});
layerPolicy.addEventListener('change', () => {
  state.layers.policy = layerPolicy.checked;
  saveState();
  void relayout();
});
$('expand-all').addEventListener('click', () => {
  setAllCollapsed(state, false);
  saveState();
  void relayout();
});
$('collapse-all').addEventListener('click', () => {
  setAllCollapsed(state, true);
  saveState();
  void relayout();
});
search.value = state.search;

// ------------------------------------------------------------------------------ export

$('export').addEventListener('click', () => {
  if (!drawn || !laid) return;
  post({ type: 'exportSvg', svg: exportSvg(canvas, laid) });
});

// ------------------------------------------------------------------------------ scope & path query

const scopeBar = createScopeBar({
  state,
  graph: () => graph,
  drawn: () => drawn,
  saveState,
  relayoutAndFit,
});

const path = createPathQuery({
  canvas,
  graph: () => graph,
  view: () => view,
  laid: () => laid,
  drawn: () => drawn,
  relayoutAndFit,
});

function relayoutAndFit(): void {
  placed = false;
  void relayout();
}

// ------------------------------------------------------------------------------ layout & draw

function showMessage(text: string | undefined): void {
  message.hidden = text === undefined;
  message.textContent = text ?? '';
}

const plural = (n: number, word: string): string => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

// One layout at a time: updates that arrive meanwhile (the server's graph while it indexes, live
// edits) are folded into one more layout of the latest state, never queued one by one in the worker.
let layoutRunning = false;
let layoutAgain = false;

async function relayout(): Promise<void> {
  if (!graph) return;
  if (layoutRunning) {
    layoutAgain = true;
    return;
  }
  layoutRunning = true;
  try {
    do {
      layoutAgain = false;
      await layoutOnce();
    } while (layoutAgain);
  } finally {
    layoutRunning = false;
  }
}

async function layoutOnce(): Promise<void> {
  if (!graph) return;
  const seq = ++layoutSeq;
  const v = visibleGraph(graph, state, path.edges());
  buildNsMenu(v.namespaces);
  scopeBar.update(v);
  const laying = `Laying out ${plural(v.nodes.length, 'object')}…`;
  status.textContent = laying;
  if (!drawn || drawn.nodes.size === 0) showMessage(laying);
  document.body.dataset.state = 'layout';
  const started = performance.now();
  let result: Layout;
  let reused = false;
  try {
    const r = canvas.getBoundingClientRect();
    ({ layout: result, reused } = await layout(v, measure, { width: r.width, height: r.height }));
  } catch (err) {
    if (seq !== layoutSeq) return;
    showMessage(`The layout failed: ${err instanceof Error ? err.message : String(err)}`);
    document.body.dataset.state = 'error';
    return;
  }
  if (seq !== layoutSeq) return; // a newer update won
  const ms = Math.round(performance.now() - started);
  view = v;
  laid = result;
  drawn = draw(canvas, v, result, measure);
  if (!placed && v.nodes.length > 0) {
    placed = true;
    fitToView(true);
  } else applyTransform();
  applySearch();
  path.show();
  if (graph.nodes.length === 0) showMessage('No Kubernetes workloads, Services, Ingresses or routes in this workspace yet.');
  else if (v.nodes.length === 0) showMessage('Nothing to show: every namespace or layer is filtered out.');
  else showMessage(undefined);
  const hiddenNs = state.hidden.length > 0 ? ` · ${plural(state.hidden.length, 'namespace')} hidden` : '';
  const collapsed = v.nodes.filter((n) => n.collapsed).length;
  const n = (x: number): string => x.toLocaleString('en-US');
  const collapsedText = collapsed > 0 ? ` · ${plural(collapsed, 'namespace')} collapsed` : '';
  status.textContent = `${n(v.nodes.length - collapsed)} of ${n(graph.nodes.length)} objects shown · ${plural(v.edges.length, 'edge')}${collapsedText}${hiddenNs} · layout ${reused ? 'unchanged' : `${n(ms)} ms`}`;
  document.body.dataset.layoutMs = String(ms);
  document.body.dataset.layoutReused = String(reused);
  document.body.dataset.renders = String(++renders);
  document.body.dataset.state = 'ready';
  if (focusAfterRender) {
    const target = focusAfterRender.startsWith('ns:')
      ? (drawn.groups.get(focusAfterRender.slice(3))?.querySelector('.ns-header') ?? drawn.nodes.get(focusAfterRender))
      : drawn.nodes.get(focusAfterRender);
    (target as SVGElement | undefined)?.focus();
    focusAfterRender = undefined;
  }
}

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const m = ev.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'graph':
      if (!m.graph || !Array.isArray(m.graph.nodes) || !Array.isArray(m.graph.edges)) return;
      graph = m.graph;
      // Decided on the first graph with something in it (the server may answer empty while it indexes).
      if (state.collapseByDefault === undefined && graph.nodes.length > 0) {
        state.collapseByDefault = collapseByDefaultFor(graph);
        saveState();
      }
      if (state.scope === undefined && graph.nodes.length > 0) {
        // Opened from an editor: its object's neighbourhood; otherwise the workspace.
        state.scope = scopeBar.initialScope(graph);
        saveState();
      }
      scopeBar.keepFocus(graph);
      path.update(graph);
      void relayout();
      break;
    case 'editor':
      if (typeof m.uri !== 'string' || !Number.isInteger(m.offset)) return;
      scopeBar.editorMoved({ uri: m.uri, offset: m.offset }, m.focus === true);
      break;
    case 'error':
      showMessage(m.message);
      status.textContent = 'No graph';
      break;
    case 'exported':
      status.textContent = `Saved ${m.path}`;
      break;
  }
});

// The worker starts and warms up while the extension asks the server for the graph.
void warmUp(measure);
post({ type: 'ready' });
