// The extension's client: starts the language server, shows its health, and registers the commands.
// All analysis happens in the server; this side only connects VS Code to it.
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { DOCS_BASE_URL } from '../../server/src/buildInfo';
import { type CommandArguments, Commands, ConnectivityChangesRequest, GraphChangedNotification, GraphChangesRequest, PathRulesRequest, GraphRequest, StatusNotification } from '../../server/src/protocol';
import { registerChangesView } from './changesView';
import { configurationMiddleware } from './config';
import { registerDiagram } from './diagram/DiagramPanel';
import { probeRuleDocs, ruleDocsMiddleware, showRuleDoc } from './ruleDocs';
import { StatusItem } from './status';

let client: LanguageClient | undefined;
const graphListeners = new Set<() => void>();

function createClient(context: vscode.ExtensionContext, status: StatusItem): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
      { scheme: 'file', language: 'json', pattern: '**/*.json' },
    ],
    synchronize: {
      fileEvents: [
        vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}'),
        // Deleting a folder is reported for the folder alone: watch every path, deletions only.
        vscode.workspace.createFileSystemWatcher('**/*', true, true, false),
      ],
    },
    // The server keeps its persisted index of parsed files there (SPEC §8).
    initializationOptions: { storagePath: context.storageUri?.fsPath },
    diagnosticCollectionName: 'k8s-netmap',
    outputChannelName: 'k8s-netmap',
    middleware: { workspace: configurationMiddleware, handleDiagnostics: ruleDocsMiddleware },
  };
  const c = new LanguageClient('k8sNetmap', 'k8s-netmap', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Stopped) status.stopped('the language server stopped');
    if (e.newState === State.Starting) status.starting();
  });
  // Handlers registered before start() stay in place across restart().
  c.onNotification(StatusNotification, (s) => status.update(s));
  c.onNotification(GraphChangedNotification, () => graphListeners.forEach((l) => l()));
  return c;
}

function toPosition(p: { line: number; character: number }): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

/** Registers a command whose arguments are typed by the shared protocol. */
function registerCommand<C extends keyof CommandArguments>(id: C, run: (...args: CommandArguments[C]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, (...args: unknown[]) => run(...(args as CommandArguments[C])));
}

/**
 * What `activate` returns (`vscode.extensions.getExtension(...).exports`): the Connectivity
 * Changes tree's data provider, so that tests read the tree as VS Code renders it.
 */
export interface K8sNetmapApi {
  connectivityChangesView: vscode.TreeDataProvider<unknown>;
}

export async function activate(context: vscode.ExtensionContext): Promise<K8sNetmapApi> {
  const status = new StatusItem();
  context.subscriptions.push(status);
  const languageClient = createClient(context, status);
  client = languageClient;

  context.subscriptions.push(
    registerCommand(Commands.restartServer, async () => {
      status.starting();
      await languageClient.restart();
    }),
    // Code lens commands: the server sends plain LSP data, converted here.
    registerCommand(Commands.showLocations, (uri, position, locations) =>
      vscode.commands.executeCommand(
        'editor.action.showReferences',
        vscode.Uri.parse(uri),
        toPosition(position),
        locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(toPosition(l.range.start), toPosition(l.range.end)))),
      ),
    ),
    registerCommand(Commands.showRuleDoc, (code) => showRuleDoc(context.extensionUri, code)),
    registerCommand(Commands.showHoverAt, async (uri, position) => {
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
      const pos = toPosition(position);
      editor.selection = new vscode.Selection(pos, pos);
      await vscode.commands.executeCommand('editor.action.showHover');
    }),
  );

  // The revision "Show Connectivity Changes" compares with; the diagram's Changes layer follows it.
  let changesRef = 'HEAD';
  registerDiagram(
    context,
    async () => {
      if (!languageClient.isRunning()) return { nodes: [], edges: [] };
      return languageClient.sendRequest(GraphRequest);
    },
    (listener) => {
      graphListeners.add(listener);
      return new vscode.Disposable(() => graphListeners.delete(listener));
    },
    async (uri, span) => {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(uri));
      const range = new vscode.Range(doc.positionAt(span.start), doc.positionAt(span.end));
      await vscode.window.showTextDocument(doc, { selection: range, viewColumn: vscode.ViewColumn.One, preserveFocus: false });
    },
    async () => {
      if (!languageClient.isRunning()) return undefined;
      return languageClient.sendRequest(GraphChangesRequest, { ref: changesRef });
    },
    async (hops) => {
      if (!languageClient.isRunning()) return undefined;
      return languageClient.sendRequest(PathRulesRequest, { hops });
    },
  );

  const connectivityChangesView = registerChangesView(
    context,
    async (ref) => {
      if (!languageClient.isRunning()) return undefined;
      return languageClient.sendRequest(ConnectivityChangesRequest, { ref });
    },
    (ref) => {
      if (ref === changesRef) return;
      changesRef = ref;
      for (const listener of graphListeners) listener();
    },
  );

  probeRuleDocs(`${DOCS_BASE_URL}README.md`);
  await languageClient.start();
  return { connectivityChangesView };
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
