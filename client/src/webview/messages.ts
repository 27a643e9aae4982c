// Messages between the extension (DiagramPanel) and the webview. No DOM or VS Code imports:
// both sides compile this module.

import type { Graph } from '../../../server/src/model/graph';
import type { Span } from '../../../server/src/model/types';

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
  | { type: 'exported'; path: string };

/** Webview → extension. */
export type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; uri: string; span: Span }
  | { type: 'exportSvg'; svg: string }
  | { type: 'refresh' };

export const DIAGRAM_VIEW_TYPE = 'k8sNetmap.diagram';
export const SHOW_DIAGRAM_COMMAND = 'k8sNetmap.showDiagram';
