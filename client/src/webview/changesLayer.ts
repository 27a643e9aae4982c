// The diagram's Changes layer (issue 13): connections added since a git revision drawn green,
// removed ones red (drawn although the current graph no longer has them). The extension sends the
// server's answer while the layer is on; without git the note beside the toggle says why.

import { changeCounts, withChanges } from '../../../server/src/analysis/graph/changes';
import type { Graph, GraphChanges } from '../../../server/src/model/graph';
import type { FromWebview, ToWebview } from './messages';
import type { ViewState } from './view';

export interface ChangesHost {
  canvas: SVGSVGElement;
  state: ViewState;
  saveState(): void;
  post(m: FromWebview): void;
  /** Lays out again and fits the picture (what changed may lie outside the current view). */
  relayoutAndFit(): void;
}

export interface ChangesLayer {
  /** The graph to draw: with the changes laid on it while the layer is on. */
  shown(graph: Graph): Graph;
  receive(m: Extract<ToWebview, { type: 'changes' }>): void;
}

export function createChangesLayer(host: ChangesHost): ChangesLayer {
  const toggle = document.getElementById('layer-changes') as HTMLInputElement;
  const label = document.getElementById('layer-changes-label') as HTMLElement;
  const note = document.getElementById('changes-note') as HTMLElement;
  const defaultTitle = label.title;
  let changes: GraphChanges | undefined;

  function setNote(text: string, why?: string): void {
    note.textContent = text;
    label.title = why ?? defaultTitle;
  }

  function apply(on: boolean): void {
    host.state.layers.changes = on;
    host.canvas.classList.toggle('changes-on', on);
    document.body.classList.toggle('changes-on', on);
    if (!on) {
      changes = undefined;
      setNote('');
    } else if (!changes) setNote('Changes: comparing…');
  }

  toggle.checked = host.state.layers.changes === true;
  apply(toggle.checked);
  if (toggle.checked) host.post({ type: 'changes', on: true });
  toggle.addEventListener('change', () => {
    apply(toggle.checked);
    host.saveState();
    host.post({ type: 'changes', on: toggle.checked });
    host.relayoutAndFit();
  });

  return {
    shown(graph: Graph): Graph {
      return host.state.layers.changes && changes ? withChanges(graph, changes) : graph;
    },
    receive(m): void {
      if (!toggle.checked) return;
      const ref = typeof m.ref === 'string' ? m.ref.slice(0, 100) : 'HEAD';
      if (typeof m.error === 'string') {
        changes = undefined;
        // Text only (textContent and the title attribute): nothing here is parsed as markup.
        const why = `No changes layer: ${m.error.slice(0, 200)}`;
        setNote(`Changes unavailable: ${m.error.slice(0, 100)}`, why);
      } else if (m.changes && Array.isArray(m.changes.edges) && Array.isArray(m.changes.nodes)) {
        changes = m.changes;
        const c = changeCounts(changes);
        setNote(`since ${ref}: +${c.added} −${c.removed}${c.changed > 0 ? ` ~${c.changed}` : ''}`);
      } else return;
      host.relayoutAndFit();
    },
  };
}
