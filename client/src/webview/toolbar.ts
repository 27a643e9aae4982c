// The diagram's toolbar: search (with Enter stepping through matches), the namespace filter,
// the layer toggles, expand/collapse all, SVG export, and the page's keyboard shortcuts. Each
// control changes the shared view state and asks for a layout (or only recolours).

import type { Graph } from '../../../server/src/model/graph';
import { exportSvg } from './export';
import type { Layout } from './layout';
import type { FromWebview } from './messages';
import type { PanZoom } from './panZoom';
import type { Drawn } from './render';
import { html } from './svg';
import type { Tooltips } from './tooltip';
import { setAllCollapsed, visibleGraph, type ViewState, type VisibleGraph } from './view';

export interface ToolbarHost {
  canvas: SVGSVGElement;
  state: ViewState;
  saveState(): void;
  post(m: FromWebview): void;
  relayout(): void;
  /** The graph as drawn (with the Changes layer laid on it when on). */
  shownGraph(): Graph | undefined;
  view(): VisibleGraph | undefined;
  drawn(): Drawn | undefined;
  laid(): Layout | undefined;
  panZoom: PanZoom;
  tooltips: Tooltips;
}

export interface Toolbar {
  /** Marks the search matches on a fresh drawing (no layout). */
  applySearch(): void;
  /** Rebuilds the namespace filter for the namespaces of the graph. */
  buildNsMenu(namespaces: string[]): void;
}

export function createToolbar(host: ToolbarHost): Toolbar {
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const { canvas, state, saveState, post } = host;
  const relayout = (): void => host.relayout();
  const search = $<HTMLInputElement>('search');
  const searchCount = $('search-count');
  const nsButton = $<HTMLButtonElement>('ns-button');
  const nsMenu = $('ns-menu');
  const layerRouting = $<HTMLInputElement>('layer-routing');
  const layerPolicy = $<HTMLInputElement>('layer-policy');
  let searchIndex = -1;

  function onSearch(): void {
    state.search = search.value;
    searchIndex = -1;
    saveState();
    applySearch();
  }

  function applySearch(): void {
    const graph = host.shownGraph();
    const view = host.view();
    if (!graph || !view) return;
    const q = state.search.trim();
    // Recompute matches only: no layout needed.
    const fresh = visibleGraph(graph, state);
    const matchSet = new Set(fresh.matches);
    view.matches = fresh.matches;
    const groupMatch = new Set(fresh.groups.filter((g) => g.match).map((g) => g.namespace));
    canvas.classList.toggle('searching', q !== '');
    host.drawn()?.nodes.forEach((el, id) => el.classList.toggle('match', matchSet.has(id)));
    host.drawn()?.groups.forEach((el, ns) => el.classList.toggle('match', groupMatch.has(ns)));
    searchCount.textContent = q === '' ? '' : `${fresh.matches.length} match${fresh.matches.length === 1 ? '' : 'es'}`;
  }

  search.addEventListener('input', onSearch);
  search.addEventListener('keydown', (ev) => {
    const view = host.view();
    if (ev.key !== 'Enter' || !view || view.matches.length === 0) return;
    searchIndex = (searchIndex + (ev.shiftKey ? -1 : 1) + view.matches.length) % view.matches.length;
    const id = view.matches[searchIndex];
    host.panZoom.centerOn(id);
    host.drawn()?.nodes.forEach((el, nid) => el.classList.toggle('current', nid === id));
    searchCount.textContent = `${searchIndex + 1} of ${view.matches.length}`;
    ev.preventDefault();
  });

  // Namespaces menu and layers.

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
    relayout();
  }

  layerRouting.checked = state.layers.routing;
  layerPolicy.checked = state.layers.policy;
  layerRouting.addEventListener('change', () => {
    state.layers.routing = layerRouting.checked;
    saveState();
    relayout();
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
    relayout();
  });
  $('expand-all').addEventListener('click', () => {
    setAllCollapsed(state, false);
    saveState();
    relayout();
  });
  $('collapse-all').addEventListener('click', () => {
    setAllCollapsed(state, true);
    saveState();
    relayout();
  });
  search.value = state.search;

  $('export').addEventListener('click', () => {
    const laid = host.laid();
    if (!host.drawn() || !laid) return;
    post({ type: 'exportSvg', svg: exportSvg(canvas, laid) });
  });

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
    } else if (ev.key === '+' || ev.key === '=') host.panZoom.centerZoom(1.25);
    else if (ev.key === '-') host.panZoom.centerZoom(0.8);
    else if (ev.key === '0') host.panZoom.fit();
    else if (ev.key === 'Escape') {
      host.tooltips.hide();
      closeNsMenu();
    }
  });

  return { applySearch, buildNsMenu };
}
