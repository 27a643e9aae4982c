// The diagram webview's wiring: receives the graph by postMessage, lays it out in an ELK worker
// and draws it, and binds the page's parts together. Each part lives in its own module:
// measure.ts (text sizes), panZoom.ts, tooltip.ts, toolbar.ts (search, namespaces, layers, export,
// shortcuts), scope.ts (focus and breadcrumb), pathQuery.ts, changesLayer.ts; the pure logic in
// view.ts, layout.ts and render.ts.

import './style.css';
import type { Graph } from '../../../server/src/model/graph';
import { createChangesLayer } from './changesLayer';
import { layout, warmUp, type Layout } from './layout';
import { measure } from './measure';
import type { FromWebview, ToWebview } from './messages';
import { createPanZoom } from './panZoom';
import { createPathQuery } from './pathQuery';
import { draw, type Drawn } from './render';
import { createScopeBar } from './scope';
import { createToolbar } from './toolbar';
import { createTooltips } from './tooltip';
import { elementById } from './svg';
import { collapseByDefaultFor, restoreState, toggleCollapsed, visibleGraph, type ViewState, type VisibleGraph } from './view';

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
/** False until the view has been fitted once or the state brought a pan/zoom to keep. */
let placed = state.transform !== undefined;
let layoutSeq = 0;
let renders = 0;

const canvas = document.getElementById('canvas') as unknown as SVGSVGElement;
const message = elementById('message');
const status = elementById('status');

// ------------------------------------------------------------------------------ state

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function saveState(): void {
  if (saveTimer) clearTimeout(saveTimer);
  saveTimer = setTimeout(() => {
    state.transform = panZoom.transform;
    vscode.setState(state);
  }, 150);
}

function post(m: FromWebview): void {
  vscode.postMessage(m);
}

// ------------------------------------------------------------------------------ parts

const panZoom = createPanZoom({
  canvas,
  initial: state.transform,
  laid: () => laid,
  drawn: () => drawn,
  view: () => view,
  pathBox: () => path.box(),
  moved: saveState,
});

const tooltips = createTooltips({ canvas, view: () => view, dragging: () => panZoom.dragging });

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
  post,
});

const changes = createChangesLayer({ canvas, state, saveState, post, relayoutAndFit });

const toolbar = createToolbar({
  canvas,
  state,
  saveState,
  post,
  relayout: () => void relayout(),
  shownGraph: () => (graph ? changes.shown(graph) : undefined),
  view: () => view,
  drawn: () => drawn,
  laid: () => laid,
  panZoom,
  tooltips,
});

function relayoutAndFit(): void {
  placed = false;
  void relayout();
}

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
  const v = visibleGraph(changes.shown(graph), state, path.edges());
  toolbar.buildNsMenu(v.namespaces);
  scopeBar.update(v);
  const laying = `Laying out ${plural(v.nodes.length, 'object')}…`;
  status.textContent = laying;
  if (!drawn || drawn.nodes.size === 0) showMessage(laying);
  document.body.dataset.state = 'layout';
  const started = performance.now();
  let result: Layout;
  let reused: boolean;
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
    panZoom.fit(true);
  } else panZoom.apply();
  toolbar.applySearch();
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
    case 'changes':
      changes.receive(m);
      break;
    case 'pathRules':
      path.rules(m);
      break;
  }
});

// The worker starts and warms up while the extension asks the server for the graph.
void warmUp(measure);
post({ type: 'ready' });
