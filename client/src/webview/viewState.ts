// The diagram's view state: what the user chose (scope, depth, collapsed and hidden namespaces,
// layers, search, pan/zoom), kept with `vscode.setState` and restored from whatever comes back.
// Pure: no DOM.

import { DEFAULT_FOCUS_DEPTH } from '../../../server/src/analysis/graph/focus';

/** What the diagram shows: the whole workspace, one namespace (and what touches it), or one object's neighbourhood. */
export type Scope = { kind: 'workspace' } | { kind: 'namespace'; namespace: string } | { kind: 'focus'; ids: string[] };

export interface Transform {
  x: number;
  y: number;
  k: number;
}

/** Kept with `vscode.setState`: survives hiding the panel, reloads and VS Code restarts. */
export interface ViewState {
  version: 1;
  /** Absent: not decided yet (focus when opened from an editor, else the workspace). */
  scope?: Scope;
  /** Allowed-flow hops around a focused object. */
  depth: number;
  transform?: Transform;
  /** Decided when the first graph arrives: large graphs start collapsed. */
  collapseByDefault?: boolean;
  /** Namespaces whose collapsed state differs from the default. */
  toggled: string[];
  /** Namespaces the filter hides. */
  hidden: string[];
  layers: { routing: boolean; policy: boolean; exposure?: boolean; changes?: boolean };
  search: string;
}

export function initialState(): ViewState {
  return { version: 1, depth: DEFAULT_FOCUS_DEPTH, toggled: [], hidden: [], layers: { routing: true, policy: true }, search: '' };
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
    s.layers = { routing: r.layers.routing !== false, policy: r.layers.policy !== false, exposure: r.layers.exposure === true, changes: r.layers.changes === true };
  }
  if (typeof r.search === 'string') s.search = r.search;
  const sc = r.scope as Partial<Scope & { namespace: unknown; ids: unknown }> | undefined;
  if (sc && typeof sc === 'object') {
    if (sc.kind === 'workspace') s.scope = { kind: 'workspace' };
    else if (sc.kind === 'namespace' && typeof sc.namespace === 'string') s.scope = { kind: 'namespace', namespace: sc.namespace };
    else if (sc.kind === 'focus' && strings(sc.ids).length > 0) s.scope = { kind: 'focus', ids: strings(sc.ids) };
  }
  if (typeof r.depth === 'number' && Number.isInteger(r.depth) && r.depth >= 0 && r.depth <= 5) s.depth = r.depth;
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
