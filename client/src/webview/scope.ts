// What the diagram shows (workspace › namespace › focused object) and how focus mode follows the
// editor: the extension reports the active editor's document and cursor; the object whose text
// holds the cursor becomes the focus. The breadcrumb widens to the namespace and the workspace.

import type { Graph, GraphNode } from '../../../server/src/model/graph';
import type { Drawn } from './render';
import type { Scope, ViewState, VisibleGraph } from './view';

export interface ScopeHost {
  state: ViewState;
  graph(): Graph | undefined;
  drawn(): Drawn | undefined;
  saveState(): void;
  /** Lays out the new scope and fits it. */
  relayoutAndFit(): void;
}

export interface ScopeBar {
  /** The editor's place, as the extension reported it; `force`: opened from that editor. */
  editorMoved(place: { uri: string; offset: number }, force: boolean): void;
  /** The first scope when the first graph arrives: the editor's object, or the workspace. */
  initialScope(graph: Graph): Scope;
  /**
   * A new graph in focus mode whose focused object is gone (renamed while typing): the focus moves
   * to the object now under the cursor, without a new fit (it is the same object).
   */
  keepFocus(graph: Graph): void;
  update(v: VisibleGraph): void;
}

export function createScopeBar(host: ScopeHost): ScopeBar {
  const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
  const state = host.state;

  const crumbWorkspace = $<HTMLButtonElement>('scope-workspace');
  const crumbNamespace = $<HTMLButtonElement>('scope-namespace');
  const crumbNamespaceSep = $('sep-namespace');
  const crumbFocus = $<HTMLButtonElement>('scope-focus');
  const depthSelect = $<HTMLSelectElement>('depth');
  depthSelect.value = String(state.depth);

  /** The editor's document and cursor, as the extension last reported them. */
  let editor: { uri: string; offset: number } | undefined;

  /** The object of `uri` whose text holds `offset` (the innermost when several do). */
  function nodeAt(uri: string, offset: number): GraphNode | undefined {
    let best: { node: GraphNode; size: number } | undefined;
    for (const n of host.graph()?.nodes ?? []) {
      if (n.uri !== uri || !n.objectSpan) continue;
      if (offset < n.objectSpan.start || offset > n.objectSpan.end) continue;
      const size = n.objectSpan.end - n.objectSpan.start;
      if (!best || size < best.size) best = { node: n, size };
    }
    return best?.node;
  }

  function firstNodeOf(uri: string): GraphNode | undefined {
    return host.graph()?.nodes.filter((n) => n.uri === uri).sort((a, b) => (a.objectSpan?.start ?? 0) - (b.objectSpan?.start ?? 0))[0];
  }

  function setScope(scope: Scope): void {
    state.scope = scope;
    host.saveState();
    host.relayoutAndFit(); // a new picture: fit it
  }

  function sameIds(a: readonly string[], b: readonly string[]): boolean {
    return a.length === b.length && a.every((x, i) => x === b[i]);
  }

  /**
   * The cursor moved (or the editor changed). In focus mode the diagram follows it from object to
   * object; elsewhere it only marks the object. `force`: the diagram was opened from this editor.
   */
  function followEditor(force: boolean): void {
    if (!host.graph() || !editor) return;
    const n = nodeAt(editor.uri, editor.offset) ?? (force || state.scope === undefined ? firstNodeOf(editor.uri) : undefined);
    if (!n) return;
    if (force || state.scope === undefined || state.scope.kind === 'focus') {
      if (state.scope?.kind === 'focus' && sameIds(state.scope.ids, [n.id])) return;
      setScope({ kind: 'focus', ids: [n.id] });
      return;
    }
    host.drawn()?.nodes.forEach((el, id) => el.classList.toggle('current', id === n.id));
  }

  function updateBreadcrumb(v: VisibleGraph): void {
    const scope = v.scope;
    const focused = scope.kind === 'focus' ? host.graph()?.nodes.find((n) => n.id === scope.ids[0]) : undefined;
    const ns = scope.kind === 'namespace' ? scope.namespace : focused?.namespace;
    crumbWorkspace.setAttribute('aria-current', String(scope.kind === 'workspace'));
    crumbNamespace.hidden = crumbNamespaceSep.hidden = !ns;
    crumbNamespace.textContent = ns ? `namespace ${ns}` : '';
    crumbNamespace.setAttribute('aria-current', String(scope.kind === 'namespace'));
    crumbFocus.textContent = focused ? `${focused.kind} ${focused.name}` : editor ? "Editor's object" : 'Focus';
    crumbFocus.setAttribute('aria-current', String(scope.kind === 'focus'));
    crumbFocus.disabled = !focused && !editor;
    depthSelect.disabled = scope.kind !== 'focus';
    document.body.dataset.scope = scope.kind;
    document.body.dataset.focus = scope.kind === 'focus' ? scope.ids.join(' ') : '';
  }

  crumbWorkspace.addEventListener('click', () => setScope({ kind: 'workspace' }));
  crumbNamespace.addEventListener('click', () => {
    const ns = state.scope?.kind === 'focus' ? host.graph()?.nodes.find((n) => n.id === (state.scope as { ids: string[] }).ids[0])?.namespace : undefined;
    if (ns) setScope({ kind: 'namespace', namespace: ns });
  });
  crumbFocus.addEventListener('click', () => {
    const fromEditor = editor && (nodeAt(editor.uri, editor.offset) ?? firstNodeOf(editor.uri));
    if (fromEditor) setScope({ kind: 'focus', ids: [fromEditor.id] });
  });
  depthSelect.addEventListener('change', () => {
    state.depth = Number(depthSelect.value);
    if (state.scope?.kind === 'focus') setScope(state.scope);
    else host.saveState();
  });

  return {
    editorMoved(place, force) {
      editor = place;
      followEditor(force);
    },
    initialScope(graph: Graph): Scope {
      const at = editor && graph.nodes.length > 0 ? (nodeAt(editor.uri, editor.offset) ?? firstNodeOf(editor.uri)) : undefined;
      return at ? { kind: 'focus', ids: [at.id] } : { kind: 'workspace' };
    },
    update: updateBreadcrumb,
    keepFocus(graph: Graph): void {
      const scope = state.scope;
      if (scope?.kind !== 'focus' || !editor) return;
      if (graph.nodes.some((n) => scope.ids.includes(n.id))) return;
      const at = nodeAt(editor.uri, editor.offset);
      if (at) {
        state.scope = { kind: 'focus', ids: [at.id] };
        host.saveState();
      }
    },
  };
}
