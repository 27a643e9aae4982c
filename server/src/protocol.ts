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

/**
 * Client → server request: the connections that changed between a git revision (default `HEAD`)
 * and the workspace as it is (open documents included). Result: `ConnectivityChangesResult`.
 */
export const CONNECTIVITY_CHANGES_REQUEST = 'k8sNetmap/connectivityChanges';

export interface ConnectivityChangesParams {
  ref?: string;
}

export interface ChangeCauseLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** e.g. `NetworkPolicy shop/default-deny removed (ingress policy of shop/web[Deployment])` */
  label: string;
  /** True for an object that exists only in the revision: the range is where it was there. */
  removed: boolean;
}

export interface ConnectivityChangeItem {
  diffType: 'added' | 'removed' | 'changed';
  src: string;
  dst: string;
  /** As printed by `k8s-netmap diff` (`No Connections` when not allowed). */
  ref1: string;
  ref2: string;
  workloadsDiffInfo?: string;
  causes: ChangeCauseLocation[];
}

export interface ConnectivityChangesResult {
  ref: string;
  /** Why there is no answer (no git, not a repository, unknown revision). */
  error?: string;
  counts: { added: number; removed: number; changed: number };
  groups: Array<{ workload: string; changes: ConnectivityChangeItem[] }>;
}
