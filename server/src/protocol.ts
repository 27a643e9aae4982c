// The messages between the language server and the client, typed once for both sides (as
// vscode-eslint's shared module does): custom requests and notifications, and the client commands
// the server puts in code lenses, with their argument types. Free of Node and VS Code imports.
import { NotificationType, NotificationType0, RequestType, RequestType0, type Location, type Position } from 'vscode-languageserver-protocol';
import type { Graph, GraphChanges } from './model/graph';

/** Client → server: the network graph of the whole workspace. */
export const GraphRequest = new RequestType0<Graph, void>('k8sNetmap/graph');

/** Server → client: the graph may have changed (sent after indexing settles). */
export const GraphChangedNotification = new NotificationType0('k8sNetmap/graphChanged');

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

/** Server → client: index health for the language status item. */
export const StatusNotification = new NotificationType<StatusParams>('k8sNetmap/status');

/** The extension's command IDs (package.json `contributes.commands`). */
export const Commands = {
  showDiagram: 'k8sNetmap.showDiagram',
  restartServer: 'k8sNetmap.restartServer',
  showLocations: 'k8sNetmap.showLocations',
  showHoverAt: 'k8sNetmap.showHoverAt',
  showRuleDoc: 'k8sNetmap.showRuleDoc',
  showConnectivityChanges: 'k8sNetmap.showConnectivityChanges',
  revealChangeCause: 'k8sNetmap.revealChangeCause',
} as const;

/** The arguments of each command, as the server sends them in code lenses (plain LSP data). */
export interface CommandArguments {
  [Commands.showDiagram]: [];
  [Commands.restartServer]: [];
  /** Peek the locations from `position` in `uri` (a lens that counts linked objects). */
  [Commands.showLocations]: [uri: string, position: Position, locations: Location[]];
  /** Show the hover at `position` in `uri` (a lens whose details are in the hover). */
  [Commands.showHoverAt]: [uri: string, position: Position];
  /** Open a rule's page (docs/rules/<code>.md, shipped in the VSIX) in the Markdown preview; no code: the list. */
  [Commands.showRuleDoc]: [code?: string];
  /** The connections changed since a git revision (default HEAD), in the Connectivity Changes view. */
  [Commands.showConnectivityChanges]: [ref?: string];
  /** Reveal the place of one cause of a change. */
  [Commands.revealChangeCause]: [cause: ChangeCauseLocation];
}

export type CommandId = keyof CommandArguments;

/** An LSP `Command` whose arguments are checked against the command's. */
export function command<C extends CommandId>(title: string, id: C, ...args: CommandArguments[C]): { title: string; command: C; arguments: CommandArguments[C] } {
  return { title, command: id, arguments: args };
}


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

/**
 * Client → server request: the connections that changed between a git revision (default `HEAD`)
 * and the workspace as it is (open documents included). Result: `ConnectivityChangesResult`.
 */
export const ConnectivityChangesRequest = new RequestType<ConnectivityChangesParams, ConnectivityChangesResult, void>('k8sNetmap/connectivityChanges');

/**
 * Client → server request: the diagram's Changes layer, the connectivity changes between a git
 * revision (default `HEAD`) and the workspace laid onto the current graph. Params:
 * `ConnectivityChangesParams`. Result: `GraphChangesResult`.
 */
export const GraphChangesRequest = new RequestType<ConnectivityChangesParams, GraphChangesResult, void>('k8sNetmap/graphChanges');

export interface GraphChangesResult extends GraphChanges {
  ref: string;
  /** Why there is no answer (no git, not a repository, unknown revision). */
  error?: string;
}

/**
 * Client → server request: for the path query's hops (graph node ids), the policy rules that
 * allow each, with their place (`uri`, UTF-16 `span`) so the diagram can reveal them.
 * Result: `PathRulesResult`, one list per hop (empty when no policy decides the hop).
 */
export const PathRulesRequest = new RequestType<PathRulesParams, PathRulesResult, void>('k8sNetmap/pathRules');

export interface PathRulesParams {
  hops: Array<{ from: string; to: string }>;
}

export interface PathRule {
  /** e.g. `NetworkPolicy shop/web-from-api: ingress rule #2 (TCP 80)` */
  text: string;
  uri?: string;
  span?: { start: number; end: number };
}

export interface PathRulesResult {
  hops: PathRule[][];
}
