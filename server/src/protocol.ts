// The messages between the language server and the client, typed once for both sides (as
// vscode-eslint's shared module does): custom requests and notifications, and the client commands
// the server puts in code lenses, with their argument types. Free of Node and VS Code imports.
import { NotificationType, NotificationType0, RequestType0, type Location, type Position } from 'vscode-languageserver-protocol';
import type { Graph } from './model/graph';

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
}

export type CommandId = keyof CommandArguments;

/** An LSP `Command` whose arguments are checked against the command's. */
export function command<C extends CommandId>(title: string, id: C, ...args: CommandArguments[C]): { title: string; command: C; arguments: CommandArguments[C] } {
  return { title, command: id, arguments: args };
}
