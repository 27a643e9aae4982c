// The VS Code side of the network diagram: one webview panel, restored after a reload, fed
// with the server's graph by postMessage and refreshed when the server says the graph changed.

import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { Graph } from '../../../server/src/model/graph';
import type { Span } from '../../../server/src/model/types';
import { DIAGRAM_VIEW_TYPE, SHOW_DIAGRAM_COMMAND, type FromWebview, type ToWebview } from '../webview/messages';
import { diagramHtml } from './html';

export type RequestGraph = () => Promise<Graph>;
export type OnGraphChanged = (listener: () => void) => vscode.Disposable;
export type Reveal = (uri: string, span: Span) => Promise<void>;

/** Updates while typing arrive in bursts; one request per burst is enough. */
const REFRESH_DELAY_MS = 250;
/** Cursor moves arrive in bursts too; the diagram follows the one the user stops at. */
const CURSOR_DELAY_MS = 120;

interface EditorPlace {
  uri: string;
  offset: number;
}

function placeOf(editor: vscode.TextEditor | undefined): EditorPlace | undefined {
  if (!editor) return undefined;
  return { uri: editor.document.uri.toString(), offset: editor.document.offsetAt(editor.selection.active) };
}
const MAX_SVG_BYTES = 50_000_000;

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

export function nonce(): string {
  return randomBytes(18).toString('base64').replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c] ?? '');
}

class DiagramPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  /** Uris that the last graph sent to the webview holds: the only ones a reveal may open. */
  private knownUris = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private cursorTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last text editor's place: the webview's focus mode follows it. */
  private place: EditorPlace | undefined;
  /** Whether the next place sent asks the webview to switch to focus mode (opened from an editor). */
  private focusNext = false;
  private ready = false;
  private pending = false;
  private requestSeq = 0;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly requestGraph: RequestGraph,
    onGraphChanged: OnGraphChanged,
    private readonly reveal: Reveal,
    private readonly onDispose: () => void,
    opener?: vscode.TextEditor,
  ) {
    this.place = placeOf(opener);
    this.focusNext = this.place !== undefined;
    const webview = panel.webview;
    webview.options = webviewOptions(extensionUri);
    webview.html = diagramHtml({
      cspSource: webview.cspSource,
      nonce: nonce(),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.css')).toString(),
    });
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    this.disposables.push(
      webview.onDidReceiveMessage((m: FromWebview) => void this.onMessage(m)),
      onGraphChanged(() => this.scheduleRefresh()),
      panel.onDidChangeViewState(() => {
        // Updates skipped while hidden are caught up when the panel shows again.
        if (panel.visible && this.pending) this.scheduleRefresh();
      }),
      panel.onDidDispose(() => this.dispose()),
      // The webview taking focus leaves no active text editor: keep the last one's place.
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.followEditor(placeOf(e));
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.followEditor(placeOf(e.textEditor))),
    );
  }

  /** Opened (or shown again) from an editor: the diagram focuses on that editor's object. */
  focusOn(editor: vscode.TextEditor | undefined): void {
    const place = placeOf(editor);
    if (!place) return;
    this.place = place;
    this.focusNext = true;
    if (this.ready) this.sendPlace();
  }

  private followEditor(place: EditorPlace | undefined): void {
    if (!place) return;
    this.place = place;
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.cursorTimer = setTimeout(() => this.sendPlace(), CURSOR_DELAY_MS);
  }

  private sendPlace(): void {
    if (!this.ready || !this.place) return;
    const focus = this.focusNext;
    this.focusNext = false;
    this.post({ type: 'editor', uri: this.place.uri, offset: this.place.offset, ...(focus ? { focus: true } : {}) });
  }

  scheduleRefresh(): void {
    this.pending = true;
    if (!this.ready || !this.panel.visible) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  private post(m: ToWebview): void {
    void this.panel.webview.postMessage(m);
  }

  async refresh(): Promise<void> {
    this.pending = false;
    const seq = ++this.requestSeq;
    try {
      const graph = await this.requestGraph();
      if (seq !== this.requestSeq) return;
      this.knownUris = new Set(graph.nodes.flatMap((n) => (n.uri ? [n.uri] : [])));
      this.post({ type: 'graph', graph });
    } catch (err) {
      if (seq !== this.requestSeq) return;
      this.post({ type: 'error', message: `The network graph is not available yet: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  private async onMessage(m: FromWebview): Promise<void> {
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'ready':
        this.ready = true;
        // Before the graph: the webview decides its first scope when the graph arrives.
        this.sendPlace();
        await this.refresh();
        break;
      case 'refresh':
        await this.refresh();
        break;
      case 'reveal':
        // The webview is not trusted to name files: only places from the graph open.
        if (typeof m.uri !== 'string' || !this.knownUris.has(m.uri)) return;
        if (!m.span || !Number.isInteger(m.span.start) || !Number.isInteger(m.span.end)) return;
        await this.reveal(m.uri, { start: m.span.start, end: m.span.end });
        break;
      case 'exportSvg':
        await this.exportSvg(m.svg);
        break;
    }
  }

  private async exportSvg(svg: unknown): Promise<void> {
    if (typeof svg !== 'string' || !svg.includes('<svg') || svg.length > MAX_SVG_BYTES) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      title: 'Export Network Diagram',
      saveLabel: 'Export',
      filters: { 'SVG image': ['svg'] },
      defaultUri: folder ? vscode.Uri.joinPath(folder, 'network-diagram.svg') : undefined,
    });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(svg));
    this.post({ type: 'exported', path: vscode.workspace.asRelativePath(target) });
    void vscode.window.showInformationMessage(`Network diagram saved to ${vscode.workspace.asRelativePath(target)}.`);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.cursorTimer) clearTimeout(this.cursorTimer);
    this.onDispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/**
 * Registers `k8sNetmap.showDiagram` and the panel serializer. `requestGraph` asks the language
 * server; `onGraphChanged` fires when it may have changed; `reveal` opens the YAML at a span.
 */
export function registerDiagram(
  context: vscode.ExtensionContext,
  requestGraph: RequestGraph,
  onGraphChanged: OnGraphChanged,
  reveal: Reveal,
): void {
  let current: DiagramPanel | undefined;
  const adopt = (panel: vscode.WebviewPanel, opener?: vscode.TextEditor): DiagramPanel => {
    current?.dispose();
    current = new DiagramPanel(
      panel,
      context.extensionUri,
      requestGraph,
      onGraphChanged,
      reveal,
      () => {
        if (current?.panel === panel) current = undefined;
      },
      opener,
    );
    return current;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand(SHOW_DIAGRAM_COMMAND, () => {
      // Opened from an editor (its title button, or the palette while it is active): focus on its object.
      const opener = vscode.window.activeTextEditor;
      if (current) {
        current.focusOn(opener);
        current.panel.reveal(undefined, false);
        void current.refresh();
        return;
      }
      const panel = vscode.window.createWebviewPanel(
        DIAGRAM_VIEW_TYPE,
        'Network Diagram',
        { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        webviewOptions(context.extensionUri),
      );
      adopt(panel, opener);
    }),
    vscode.window.registerWebviewPanelSerializer(DIAGRAM_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        // The webview's own state (pan/zoom, filters) comes back through its getState().
        adopt(panel);
      },
    }),
    { dispose: () => current?.dispose() },
  );
}
