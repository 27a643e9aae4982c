// The extension's client: starts the language server, shows its health, and registers the commands.
// All analysis happens in the server; this side only connects VS Code to it.
import * as vscode from 'vscode';
import { LanguageClient, type LanguageClientOptions, type ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { CONNECTIVITY_CHANGES_REQUEST, type ConnectivityChangesResult, GRAPH_CHANGED_NOTIFICATION, GRAPH_REQUEST, NOTICE_NOTIFICATION, STATUS_NOTIFICATION, type NoticeParams, type StatusParams } from '../../server/src/protocol';
import type { Graph } from '../../server/src/model/graph';
import { registerDiagram } from './diagram/DiagramPanel';
import { registerChangesView } from './changesView';
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
  };
  const c = new LanguageClient('k8sNetmap', 'k8s-netmap', serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Stopped) status.stopped('the language server stopped');
    if (e.newState === State.Starting) status.starting();
  });
  return c;
}

async function startClient(context: vscode.ExtensionContext, status: StatusItem): Promise<void> {
  client = createClient(context, status);
  await client.start();
  context.subscriptions.push(
    client.onNotification(STATUS_NOTIFICATION, (s: StatusParams) => status.update(s)),
    client.onNotification(GRAPH_CHANGED_NOTIFICATION, () => graphListeners.forEach((l) => l())),
    client.onNotification(NOTICE_NOTIFICATION, (n: NoticeParams) => {
      void (n.level === 'warning' ? vscode.window.showWarningMessage(n.message) : vscode.window.showInformationMessage(n.message));
    }),
  );
}

function toPosition(p: { line: number; character: number }): vscode.Position {
  return new vscode.Position(p.line, p.character);
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const status = new StatusItem();
  context.subscriptions.push(status);

  context.subscriptions.push(
    vscode.commands.registerCommand('k8sNetmap.restartServer', async () => {
      status.starting();
      if (client) await client.stop().catch(() => undefined);
      await startClient(context, status);
    }),
    // Code lens commands: the server sends plain LSP data, converted here.
    vscode.commands.registerCommand('k8sNetmap.showLocations', (uri: string, position: { line: number; character: number }, locations: Array<{ uri: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }>) =>
      vscode.commands.executeCommand(
        'editor.action.showReferences',
        vscode.Uri.parse(uri),
        toPosition(position),
        locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), new vscode.Range(toPosition(l.range.start), toPosition(l.range.end)))),
      ),
    ),
    vscode.commands.registerCommand('k8sNetmap.showHoverAt', async (uri: string, position: { line: number; character: number }) => {
      const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
      const pos = toPosition(position);
      editor.selection = new vscode.Selection(pos, pos);
      await vscode.commands.executeCommand('editor.action.showHover');
    }),
  );

  registerDiagram(
    context,
    async () => {
      if (!client || !client.isRunning()) return { nodes: [], edges: [] };
      return client.sendRequest<Graph>(GRAPH_REQUEST);
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
  );

  registerChangesView(context, async (ref) => {
    if (!client || !client.isRunning()) return undefined;
    return client.sendRequest<ConnectivityChangesResult>(CONNECTIVITY_CHANGES_REQUEST, { ref });
  });

  await startClient(context, status);
}

export async function deactivate(): Promise<void> {
  if (client) await client.stop();
}
