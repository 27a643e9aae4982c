// The language server's wiring: initialization and settings, and which part answers which LSP
// message. The workspace (workspace.ts) indexes; the publisher (publisher.ts) diagnoses and
// publishes what an index update touched; status.ts reports; requests.ts answers requests.
import { type Connection, DidChangeConfigurationNotification, type FileChangeType, type InitializeParams, type InitializeResult, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { VERSION } from '../buildInfo';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { isConfigPath, type WorkspaceSettings, workspaceNeedsReindex } from './folderSettings';
import type { InputStamp } from '../host/cache';
import { diagnosticsKey, type FileDiagnostics, PersistedDiagnostics, sameInputStamp, settingsKey } from './persistedDiagnostics';
import type { OpenDocument } from './openDocuments';
import { prepareAnalysis } from './prepare';
import { EditDebounce, Publisher } from './publisher';
import { prepareDependents } from '../features/dependents';
import { RequestHandlers } from './requests';
import { StatusReporter } from './status';
import { fsPathOf, type IndexUpdate } from './indexUpdate';
import { compareWithRecord, openDocumentsOnDisk, type RecordedState } from './warmStart';
import { Workspace } from './workspace';

/**
 * How long opened documents wait to be indexed together: a client opening a whole workspace sends
 * thousands of didOpens, which would otherwise be published (and re-checked) one by one.
 */
const OPEN_BATCH_MS = 10;
/**
 * A warm start takes the recorded diagnostics when at most this share of the files changed since
 * (or this many, in a small workspace): beyond it, reading the recorded state and catching up costs
 * more than it saves, and most lists would be held back anyway.
 */
const MAX_CHANGED_SINCE_RECORD = 0.05;
const MIN_CHANGED_SINCE_RECORD = 20;

export class NetmapServer {
  private readonly workspace: Workspace;
  private readonly edits = new EditDebounce();
  private readonly status: StatusReporter;
  private readonly publisher: Publisher;
  private canConfigure = false;
  private settingsGeneration = 0;
  /** The document whose didOpen is being handled: TextDocuments fires its content event right after (onChange). */
  private opening: string | undefined;
  /** Documents opened and not yet indexed (onOpen). */
  private readonly opened = new Set<string>();

  constructor(private readonly connection: Connection) {
    const ws = (this.workspace = new Workspace({
      info: (m) => connection.console.info(m),
      warn: (m) => connection.console.warn(m),
      error: (m) => connection.console.error(m),
    }));
    // Counting walks every file: done again only when the index changed (the status is mostly sent
    // after verdicts were published, with the index as it was).
    let counted: { index: WorkspaceIndex; generation: number; objects: number; unreadableFiles: number } | undefined;
    this.status = new StatusReporter(connection, () => {
      const index = ws.index;
      if (counted?.index !== index || counted.generation !== index.generation) {
        let objects = 0;
        let unreadableFiles = 0;
        for (const f of index.parsedFiles()) {
          objects += f.objects.length;
          if (f.problems.some((p) => p.code === 'yaml-syntax')) unreadableFiles++;
        }
        counted = { index, generation: index.generation, objects, unreadableFiles };
      }
      return { files: index.fileCount, objects: counted.objects, errors: this.publisher.errorCount(), unreadable: ws.notRead.size + counted.unreadableFiles };
    });
    this.publisher = new Publisher(connection, ws, this.status);
  }

  listen(): void {
    const c = this.connection;
    const documents = this.workspace.documents;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => void this.initialized());
    c.onDidChangeConfiguration(() => void this.reloadSettings());
    c.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) this.onWatchedFile(change.uri, change.type);
    });
    documents.onDidOpen((e) => this.onOpen(e.document));
    documents.onDidChangeContent((e) => this.onChange(e.document));
    documents.onDidClose((e) => this.onClose(e.document.uri));
    new RequestHandlers(c, this.workspace, this.edits).listen();
    documents.listen(c);
    c.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.canConfigure = !!params.capabilities.workspace?.configuration;
    this.publisher.lensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.workspace.folders = folders.map(fsPathOf).filter((p): p is string => !!p);
    const storage = (params.initializationOptions as { storagePath?: unknown } | undefined)?.storagePath;
    this.workspace.cacheDir = typeof storage === 'string' && storage !== '' ? storage : undefined;
    // Until the scan knows whether recorded diagnostics are published (startWarm), requests wait.
    this.holdRequests();
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        completionProvider: { triggerCharacters: [':', ' '] },
        codeActionProvider: { codeActionKinds: ['quickfix'] },
      },
      serverInfo: { name: 'k8s-netmap', version: VERSION },
    };
  }

  private async initialized(): Promise<void> {
    if (this.canConfigure) {
      void this.connection.client.register(DidChangeConfigurationNotification.type, { section: ['k8sNetmap', 'files.exclude'] }).catch(() => undefined);
    }
    this.workspace.settings = await this.fetchSettings();
    this.rebuildIndex();
  }

  private fetchSettings(): Promise<WorkspaceSettings> {
    return this.workspace.fetchSettings(this.canConfigure ? (items) => this.connection.workspace.getConfiguration(items) : undefined);
  }

  /** Settings changed, or a k8s-netmap.yaml did: re-read them; re-index or re-publish as needed. */
  private async reloadSettings(): Promise<void> {
    const generation = ++this.settingsGeneration;
    const next = await this.fetchSettings();
    if (generation !== this.settingsGeneration) return; // a newer reload is under way
    const prev = this.workspace.settings;
    this.workspace.settings = next;
    if (workspaceNeedsReindex(prev, next)) this.rebuildIndex();
    else if (this.workspace.ready) {
      void this.publisher.publishAll();
      this.publisher.viewsChanged(); // the controller identity, and so the lenses' peers, may follow settings
    }
  }

  /**
   * With a persisted index, requests wait from now until the scan releases them (recorded
   * diagnostics may be published before the index holds them); without one there is no record.
   */
  private holdRequests(): void {
    if (this.workspace.cacheDir !== undefined) this.workspace.requestHold.hold();
  }

  private rebuildIndex(): void {
    this.holdRequests();
    const generation = this.workspace.rebuild();
    this.publisher.useAnalysis(this.workspace.analysis);
    void this.scan(generation).catch((error: unknown) => {
      this.connection.console.error(`k8s-netmap: workspace scan failed: ${String(error)}`);
      this.workspace.requestHold.release(); // answered from what was read rather than never
    });
  }

  private async scan(generation: number): Promise<void> {
    const { progress, done } = this.status.scanStarted();
    const listed = this.workspace.listFiles();
    const persisted = this.workspace.cacheDir === undefined ? undefined : new PersistedDiagnostics(this.workspace.cacheDir, { note: (m) => this.connection.console.info(m) });
    const warm = persisted && (await this.startWarm(generation, listed.files, persisted));
    // Without recorded diagnostics requests are answered during the scan, from the files read so far.
    if (!warm) this.workspace.requestHold.release();
    // The scan reports progress once the client has made its token; the recorded lists did not wait for it.
    const result = await this.workspace.scan(generation, await progress, listed, warm?.state);
    if (!result) return; // a newer scan took over
    // Files changed since the record: its lists stand for the files that cannot depend on the changes.
    const caughtUp = result.caughtUp;
    if (warm?.afterScan && caughtUp?.fromRecord) await this.publisher.publishRecorded(warm.afterScan, this.publisher.mayHaveChanged(caughtUp.update));
    result.saveCache(); // after the recorded lists: nothing they say depends on it
    done();
    // The index is whole: requests are answered from it (as during a cold start's publishing).
    this.workspace.requestHold.release();
    const updates = this.workspace.updates;
    const settings = this.workspace.settings;
    const record: FileDiagnostics = [];
    const prepared = this.workspace.analysis;
    await prepareAnalysis(prepared); // in slices: requests are answered meanwhile
    if (prepared !== this.workspace.analysis) return; // a newer scan took over
    const stamps = result.stamps;
    const unchanged = (): boolean => this.workspace.updates === updates && this.workspace.settings === settings;
    const asRecorded = !!warm && settingsKey(settings) === warm.command && warm.state.changed.size === 0 && sameStamps(warm.state.current, stamps);
    // The recorded lists, all published, stand unless the index left the record's state: a
    // document edited during the scan, or an event or new settings since.
    const standing = asRecorded && !warm.afterScan && unchanged() && openDocumentsOnDisk(this.workspace, stamps ?? new Map()) && isEmptyUpdate(caughtUp?.update);
    if (standing) this.publisher.publishAsRecorded();
    else if (!(await this.publisher.publishAll(record))) return; // a newer scan took over
    // Recorded unless an event or new settings changed them while they were worked out, or they are the record.
    const key = persisted && stamps && unchanged() && !asRecorded ? diagnosticsKey(settings, [...stamps.values()]) : undefined;
    if (key) persisted?.put(key, record);
    this.status.indexed();
    // The first workload hover would build what explanations share, and the first edit what its
    // dependents read: done now, after what is queued.
    const analysis = this.workspace.analysis;
    setImmediate(() => {
      if (analysis !== this.workspace.analysis) return;
      analysis.prepareExplanations();
      prepareDependents(analysis.index);
    });
    const notRead = this.workspace.notRead.size;
    if (notRead > 0) {
      this.status.notice(
        'info',
        `k8s-netmap did not read ${notRead} file${notRead === 1 ? '' : 's'} (too large, binary or unreadable); the Problems panel says why. Other files are analysed as usual.`,
      );
    }
    const dirs = result.unreadableDirs;
    if (dirs.length > 0) {
      this.status.notice('warning', `k8s-netmap could not list ${dirs.length === 1 ? 'a folder' : `${dirs.length} folders`}: ${dirs.slice(0, 3).join(', ')}${dirs.length > 3 ? ', …' : ''}. Manifests in it are not analysed.`);
    }
    this.publisher.viewsChanged();
  }

  /**
   * When the persisted diagnostics were recorded under these settings and the files stand as
   * recorded (no open document's text differing from its file), publishes them at once; when a few
   * files changed since (MAX_CHANGED_SINCE_RECORD), keeps them for after the scan (`afterScan`),
   * which reads the files as recorded and catches up. Requests are held until the scan is done.
   * Returns how the files stand against the record; the diagnostics themselves are let go once sent.
   */
  private async startWarm(generation: number, files: readonly string[], persisted: PersistedDiagnostics): Promise<{ command: string; state: RecordedState; afterScan?: FileDiagnostics } | undefined> {
    const recorded = persisted.previous();
    const maxChanged = Math.max(MIN_CHANGED_SINCE_RECORD, Math.floor(files.length * MAX_CHANGED_SINCE_RECORD));
    const state = recorded && (await compareWithRecord(this.workspace, files, recorded, maxChanged, () => !this.workspace.isCurrent(generation)));
    if (!recorded || !state) return undefined;
    if (state.changed.size > 0) return { command: recorded.command, state, afterScan: recorded.findings };
    // The analysis starts once they are all written out: until the client has them, it would slow their delivery.
    await this.publisher.publishRecorded(recorded.findings);
    return { command: recorded.command, state };
  }

  // ---------- document and file events ----------

  private onOpen(doc: OpenDocument): void {
    this.opening = doc.uri;
    if (!this.workspace.ready) return; // the scan indexes open documents when it finishes
    if (this.workspace.isConfig(doc.uri)) return void this.reloadSettings();
    // A client may open thousands of documents at once: they are indexed and published together.
    if (this.opened.size === 0) setTimeout(() => this.indexOpened(), OPEN_BATCH_MS);
    this.opened.add(doc.uri);
  }

  /** Indexes the documents opened since the last batch, in one update. */
  private indexOpened(): void {
    const uris = [...this.opened];
    this.opened.clear();
    if (!this.workspace.ready) return; // a rebuild started: its scan reads open documents
    // A document closed since has been handled by its close event.
    const docs = uris.map((uri) => this.workspace.documents.get(uri)).filter((d): d is OpenDocument => d !== undefined);
    if (docs.length > 0) this.publisher.publishUpdate(this.workspace.documentsChanged(docs), new Set(docs.map((d) => d.uri)));
  }

  private onChange(doc: OpenDocument): void {
    const version = doc.version;
    const opened = this.opening === doc.uri;
    this.opening = undefined;
    this.edits.schedule(doc.uri, () => {
      const current = this.workspace.documents.get(doc.uri);
      if (!current || current.version !== version) return; // a newer change is pending
      if (opened && !this.workspace.ready) return; // opened, not edited: the scan reads it with the rest
      if (this.workspace.isConfig(doc.uri)) return void this.reloadSettings();
      if (!this.workspace.ready) {
        // The index is not whole yet: the document is read now (hovers see it) and gets the
        // findings it decides alone; the rest follow when the scan has read every file.
        this.workspace.documentEditedDuringScan(current);
        return this.publisher.publishFileAlone(doc.uri);
      }
      this.publisher.publishUpdate(this.workspace.documentsChanged([current]), new Set([doc.uri]));
    });
  }

  private onClose(uri: string): void {
    if (!this.workspace.ready) return;
    if (this.workspace.isConfig(uri)) return void this.reloadSettings();
    this.publisher.publishUpdate(this.workspace.documentClosed(uri), new Set());
  }

  private onWatchedFile(uri: string, type: FileChangeType): void {
    if (!this.workspace.ready) return;
    const fsPath = fsPathOf(uri);
    if (!fsPath) return;
    if (isConfigPath(this.workspace.folders, fsPath)) {
      if (!this.workspace.documents.get(uri)) void this.reloadSettings();
      return;
    }
    const update = this.workspace.fileChanged(uri, fsPath, type);
    if (update) this.publisher.publishUpdate(update, new Set());
  }
}

/** Whether an update changed nothing in the index (none: no catching up was done). */
function isEmptyUpdate(update: IndexUpdate | undefined): boolean {
  return !update || (update.dirty.size === 0 && update.changes.length === 0 && update.removed.size === 0 && update.reread.size === 0);
}

/** Whether the scan's stamps (by URI) are those the warm start took (`byPath`; the scan takes those it reads anew), every file stamped. */
function sameStamps(byPath: ReadonlyMap<string, InputStamp | undefined>, b: ReadonlyMap<string, InputStamp | undefined> | undefined): boolean {
  if (!b || byPath.size !== b.size) return false;
  for (const t of b.values()) {
    const s = t && byPath.get(t.path);
    if (!t || !s || (t !== s && !sameInputStamp(t, s))) return false;
  }
  return true;
}
