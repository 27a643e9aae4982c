// The diagram's path query (SPEC §7, "who can reach this, and why"): the user picks a source (or
// From the Internet) and a target; the answer (`findPath`, pure) is listed in a panel, hop by hop
// with what decides each, and drawn on the diagram. Hops outside the current view are added to it.

import { describeHop, findPath, type PathResult } from '../../../server/src/analysis/graph/path';
import type { Graph, GraphEdge } from '../../../server/src/model/graph';
import type { Box, Layout } from './layout';
import type { FromWebview, ToWebview } from './messages';
import type { Drawn } from './render';
import { html } from './svg';
import type { VisibleGraph } from './view';

export interface PathHost {
  canvas: SVGSVGElement;
  graph(): Graph | undefined;
  view(): VisibleGraph | undefined;
  laid(): Layout | undefined;
  drawn(): Drawn | undefined;
  /** Lays out again (the answer adds hops to the view) and fits the new picture. */
  relayoutAndFit(): void;
  /** To the extension: asks for the rules of the allowed hops, and reveals one. */
  post(m: FromWebview): void;
}

export interface PathQuery {
  /** True while the user is picking the ends: a click on a node picks it instead of opening its YAML. */
  readonly picking: boolean;
  pick(id: string): void;
  /** The answer's edges, to add to the view. */
  edges(): GraphEdge[];
  /** The box around the answer's nodes as drawn. */
  box(): Box | undefined;
  /** Marks the answer on a fresh drawing. */
  show(): void;
  /** A new graph: the same question is answered again. */
  update(graph: Graph): void;
  /** The extension's answer: the rules that allow each policy hop. */
  rules(m: Extract<ToWebview, { type: 'pathRules' }>): void;
}

export function createPathQuery(host: PathHost): PathQuery {
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const pathButton = $<HTMLButtonElement>('path-button');
  const pathPanel = $('path-panel');
  const pathBody = $('path-body');
  const path: { picking: boolean; from?: string; result?: PathResult } = { picking: false };
  const canvas = host.canvas;
  /** The question the rules asked for answer, and where each hop's lines go. */
  let rulesSeq = 0;
  let ruleSlots: Array<{ item: HTMLElement; why: HTMLElement[] }> = [];


  function nodeName(id: string): string {
    if (id === 'internet') return 'the Internet';
    const n = host.graph()?.nodes.find((x) => x.id === id);
    return n ? `${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}` : id;
  }

  function openPath(open: boolean): void {
    path.picking = open;
    path.from = undefined;
    path.result = undefined;
    pathPanel.hidden = !open;
    pathButton.setAttribute('aria-pressed', String(open));
    pathBody.replaceChildren();
    if (open) html('div', 'Click the object traffic starts from, or From the Internet.', 'muted', pathBody);
    showPath();
  }

  function pickForPath(id: string): void {
    if (path.from === undefined || path.result) {
      path.from = id;
      path.result = undefined;
      pathBody.replaceChildren();
      html('div', `From ${nodeName(id)}. Now click the object it should reach.`, 'muted', pathBody);
      showPath();
      return;
    }
    const graph = host.graph();
    if (!graph) return;
    path.result = findPath(graph, path.from, id);
    pathBody.replaceChildren();
    const r = path.result;
    html('div', `${nodeName(r.from)} → ${nodeName(r.to)}`, 'tooltip-title', pathBody);
    if (r.hops.length > 0) {
      html('div', `allowed, in ${r.hops.length} hop${r.hops.length === 1 ? '' : 's'}:`, undefined, pathBody);
      ruleSlots = [];
      const asked: Array<{ from: string; to: string }> = [];
      for (const hop of r.hops) {
        const item = html('div', describeHop(graph, hop.edge), 'path-hop', pathBody);
        const why = hop.why.map((line) => html('div', line, 'path-why', item));
        // Policy hops: the server names the exact rules (explain facts) and where they are.
        if (hop.edge.kind === 'allow') {
          asked.push({ from: hop.edge.from, to: hop.edge.to });
          ruleSlots.push({ item, why });
        }
      }
      if (asked.length > 0) host.post({ type: 'pathRules', seq: ++rulesSeq, hops: asked });
    } else if (r.blocked) {
      html('div', `blocked at ${nodeName(r.blocked.at)}:`, 'path-blocked', pathBody);
      for (const why of r.blocked.why) html('div', why, 'path-why', pathBody);
    }
    html('div', 'Click another object to start a new query.', 'muted', pathBody);
    // Hops outside the current view are added to it.
    const missing = pathEdges().some((e) => !drawnId(e.from) || !drawnId(e.to));
    if (missing) host.relayoutAndFit();
    else showPath();
  }

  /** The box around the path query's nodes as drawn, if any. */
  function pathBox(): Box | undefined {
    const laid = host.laid();
    const boxes = pathEdges()
      .flatMap((e) => [drawnId(e.from), drawnId(e.to)])
      .flatMap((id) => {
        const box = id ? laid?.nodes.get(id) : undefined;
        return box ? [box] : [];
      });
    if (boxes.length === 0) return undefined;
    const x = Math.min(...boxes.map((b) => b.x));
    const y = Math.min(...boxes.map((b) => b.y));
    return { x, y, width: Math.max(...boxes.map((b) => b.x + b.width)) - x, height: Math.max(...boxes.map((b) => b.y + b.height)) - y };
  }

  /** The edges of the path query's answer (its hops, or the blocked route). */
  function pathEdges(): GraphEdge[] {
    const r = path.result;
    if (!r) return [];
    return r.hops.length > 0 ? r.hops.map((h) => h.edge) : r.blocked?.edge ? [r.blocked.edge] : [];
  }

  /** Where a graph node is drawn: itself, or its collapsed namespace. */
  function drawnId(id: string): string | undefined {
    const view = host.view();
    if (!view) return undefined;
    if (view.nodes.some((n) => n.id === id)) return id;
    const ns = host.graph()?.nodes.find((n) => n.id === id)?.namespace;
    return ns && view.nodes.some((n) => n.id === `ns:${ns}`) ? `ns:${ns}` : undefined;
  }

  /** Marks the picked source, the path's nodes and edges, or where it is blocked. */
  function showPath(): void {
    canvas.querySelectorAll('.on-path, .path-from, .blocked-at').forEach((el) => el.classList.remove('on-path', 'path-from', 'blocked-at'));
    const r = path.result;
    canvas.classList.toggle('path-shown', !!r);
    const drawn = host.drawn();
    if (!drawn) return;
    if (path.from && !r) drawn.nodes.get(drawnId(path.from) ?? '')?.classList.add('path-from');
    if (!r) return;
    const mark = (id: string | undefined, cls: string): void => {
      if (id) drawn?.nodes.get(id)?.classList.add(cls);
    };
    const edgeIds: string[] = [];
    for (const hop of r.hops) {
      const from = drawnId(hop.edge.from);
      const to = drawnId(hop.edge.to);
      mark(from, 'on-path');
      mark(to, 'on-path');
      if (from && to && from !== to) edgeIds.push(`${from}->${to}:${hop.edge.kind}`);
    }
    if (r.blocked) {
      mark(drawnId(r.from), 'on-path');
      mark(drawnId(r.blocked.at), 'blocked-at');
      const e = r.blocked.edge;
      if (e) {
        const from = drawnId(e.from);
        const to = drawnId(e.to);
        mark(from, 'on-path');
        if (from && to) edgeIds.push(`${from}->${to}:${e.kind}`);
      }
    }
    for (const id of edgeIds) canvas.querySelectorAll(`[data-id="${CSS.escape(id)}"]`).forEach((el) => el.classList.add('on-path'));
    document.body.dataset.pathEdges = String(canvas.querySelectorAll('.edge.on-path').length);
  }

  pathButton.addEventListener('click', () => openPath(!path.picking));
  $('path-close').addEventListener('click', () => openPath(false));
  $('path-internet').addEventListener('click', () => {
    if (!path.picking) openPath(true);
    path.result = undefined;
    pickForPath('internet');
  });

  return {
    get picking() {
      return path.picking;
    },
    pick: pickForPath,
    edges: pathEdges,
    box: pathBox,
    show: showPath,
    rules(m): void {
      if (m.seq !== rulesSeq || !Array.isArray(m.hops)) return;
      m.hops.forEach((rules, i) => {
        const slot = ruleSlots[i];
        if (!slot || !Array.isArray(rules) || rules.length === 0) return;
        // The rules say more than the policies' names: they take those lines' place.
        for (const el of slot.why) el.remove();
        for (const rule of rules) {
          if (typeof rule?.text !== 'string') continue;
          const line = html('div', undefined, 'path-why path-rule', slot.item);
          const uri = rule.uri;
          const span = rule.span;
          if (typeof uri === 'string' && span && Number.isInteger(span.start) && Number.isInteger(span.end)) {
            const link = html('button', rule.text.slice(0, 300), 'link', line);
            link.type = 'button';
            link.title = 'Open the rule';
            link.addEventListener('click', () => host.post({ type: 'reveal', uri, span: { start: span.start, end: span.end } }));
          } else line.textContent = rule.text.slice(0, 300);
        }
      });
      document.body.dataset.pathRules = String(rulesSeq);
    },
    update(graph: Graph): void {
      if (path.result && path.from) path.result = findPath(graph, path.from, path.result.to);
    },
  };
}
