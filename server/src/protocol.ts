// Messages shared by the language server and the client (custom LSP requests and notifications).
// Both sides import this module; it must stay free of Node and VS Code imports.

/** Client → server request: the network graph of the whole workspace. Result: `Graph` (model/graph.ts). */
export const GRAPH_REQUEST = 'k8sNetmap/graph';

/** Server → client notification: the graph may have changed (sent after indexing settles). No params. */
export const GRAPH_CHANGED_NOTIFICATION = 'k8sNetmap/graphChanged';

/** Server → client notification: index health for the status bar. */
export const STATUS_NOTIFICATION = 'k8sNetmap/status';

export interface StatusParams {
  /** True while the first (or a full) index is running. */
  indexing: boolean;
  files: number;
  objects: number;
  /** Diagnostics of severity error across the workspace. */
  errors: number;
  /** Files that could not be read as manifests (syntax errors, too large, binary). */
  unreadable: number;
}

/** Server → client notification: show a message once (e.g. a file skipped for its size). */
export const NOTICE_NOTIFICATION = 'k8sNetmap/notice';
export interface NoticeParams {
  level: 'info' | 'warning';
  message: string;
}
