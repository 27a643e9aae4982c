// Messages between the extension (DiagramPanel) and the webview. No DOM or VS Code imports:
// both sides compile this module.

import type { Graph, GraphChanges } from '../../../server/src/model/graph';
import type { Span } from '../../../server/src/model/types';
import type { PathRule } from '../../../server/src/protocol';

export type { Graph };

/** Extension → webview. */
export type ToWebview =
  | { type: 'graph'; graph: Graph }
  /** The graph could not be computed (the server is starting, restarting or failed). */
  | { type: 'error'; message: string }
  /**
   * The active YAML editor's document and cursor (UTF-16 offset). In focus mode the diagram shows
   * the object under the cursor; `focus`: switch to focus mode (the diagram was opened from it).
   */
  | { type: 'editor'; uri: string; offset: number; focus?: boolean }
  | { type: 'exported'; path: string }
  /** The Changes layer's answer: changes since `ref`, or why there are none (`error`, e.g. no git). */
  | { type: 'changes'; ref: string; error?: string; changes: GraphChanges }
  /** The rules that allow each hop of path query `seq` (one list per hop asked). */
  | { type: 'pathRules'; seq: number; hops: PathRule[][] };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; uri: string; span: Span }
  | { type: 'exportSvg'; svg: string }
  | { type: 'refresh' }
  /** The Changes layer was turned on (the extension sends changes with every graph) or off. */
  | { type: 'changes'; on: boolean }
  /** The path query's hops (graph node ids): which rules allow each? */
  | { type: 'pathRules'; seq: number; hops: Array<{ from: string; to: string }> };

export const DIAGRAM_VIEW_TYPE = 'k8sNetmap.diagram';
export const SHOW_DIAGRAM_COMMAND = 'k8sNetmap.showDiagram';
