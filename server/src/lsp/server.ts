// The language server: wires LSP messages to the pure features. It owns the workspace scan, the
// open documents (which override disk), debounced re-analysis and publishing of diagnostics.
// Past 400 lines: its split into handlers by concern (workspace, publisher, status; issue 10) is
// deferred until the engine and server changes in flight have landed.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CodeAction,
  type CodeLens,
  CompletionItemKind,
  type CompletionItem,
  type Connection,
  DidChangeConfigurationNotification,
  FileChangeType,
  type InitializeParams,
  type InitializeResult,
  MarkupKind,
  MessageType,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { Analysis } from '../analysis/workspaceAnalysis';
import { VERSION } from '../buildInfo';
import { codeLenses } from '../features/codeLens';
import { complete } from '../features/completion';
import { createDiagnosticContext } from '../features/context';
import { diagnoseFile, type DiagnosticContext, type ReachabilityChecks } from '../features/diagnostics';
import { reachabilityChecks } from '../features/reachabilityFindings';
import { hover } from '../features/hover';
import { definition, references } from '../features/navigation';
import type { Finding } from '../features/rules';
import type { K8sObject } from '../model/types';
import { helmReadOptions, listManifestFiles, MANIFEST_EXTENSIONS, readManifestFile, tooLargeReason } from '../host/files';
import { ParseCache, parseCached } from '../host/cache';
import { type IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import { offsetAt } from '../model/positions';
import { command, Commands, ConnectivityChangesRequest, type ConnectivityChangesParams, GraphChangesRequest, PathRulesRequest, type PathRulesParams, GraphChangedNotification, GraphRequest, type StatusParams, StatusNotification } from '../protocol';
import { graphOf } from './graph';
import { pathRules } from './pathRules';
import { connectivityChanges, graphChanges, UnsavedEditLens, type ChangesHost } from './changes';
import { type LineSource, quickFixes, toDiagnostic, toLocation, toRange } from './convert';
import { changedObjects, dependentFiles, reachSensitiveFiles } from '../features/dependents';
import { type ConfigFileState, folderSettings, isConfigPath, WorkspaceSettings, workspaceNeedsReindex } from './folderSettings';
import { DEFAULT_SETTINGS_IN_FORCE, normalizeSettings } from '../features/settings';

/** Wait after the last keystroke before re-analysing a document (SPEC §9: at most 100 ms). */
export const EDIT_DEBOUNCE_MS = 30;
/** Files indexed per event-loop turn during a scan, so requests are answered while it runs. */
const SCAN_CHUNK = 100;
/** The scan also yields to other requests after reading this many bytes, whatever the file count. */
const SCAN_CHUNK_BYTES = 1_000_000;

function hashText(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

function fsPathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** Wait without edits before re-checking every Service and route against the NetworkPolicies. */
const IDLE_SWEEP_MS = 1500;
const SWEEP_CHUNK = 200;

/**
 * NetworkPolicy verdicts per file. Computing them brings the reachability engine up to date,
 * which costs time proportional to the workspace; so right after an edit the link diagnostics
 * are published with the verdicts last computed, and the verdicts follow a moment later.
 */
class ReachFindings implements ReachabilityChecks {
  live = true;
  private readonly byFile = new Map<string, Map<string, Finding[]>>();
  private fresh = new Set<string>();

  constructor(private readonly checks: ReachabilityChecks) {}

  private static key(obj: K8sObject): string {
    return `${obj.kind}/${obj.namespace}/${obj.name}`;
  }

  findingsFor(obj: K8sObject): Finding[] {
    if (this.live) {
      if (!this.fresh.has(obj.uri)) {
        this.byFile.delete(obj.uri); // computed before this pass: start the file over
        this.fresh.add(obj.uri);
      }
      const found = this.checks.findingsFor(obj);
      // Only files with verdicts keep a map: most Services are reachable.
      if (found.length > 0) {
        let map = this.byFile.get(obj.uri);
        if (!map) this.byFile.set(obj.uri, (map = new Map()));
        map.set(ReachFindings.key(obj), found);
      }
      return found;
    }
    return this.byFile.get(obj.uri)?.get(ReachFindings.key(obj)) ?? [];
  }

  /** Starts a live pass: every file's verdicts are recomputed from scratch when next diagnosed. */
  beginLive(): void {
    this.live = true;
    this.fresh = new Set();
  }

  endLive(): void {
    this.live = false;
  }

  /** Forgets a file's verdicts (its spans moved). */
  forget(uri: string): void {
    this.byFile.delete(uri);
  }
}

export class NetmapServer {
  private readonly documents = new TextDocuments(TextDocument);
  /** Each workspace folder's settings, for the files under it. */
  private settings = new WorkspaceSettings([], DEFAULT_SETTINGS_IN_FORCE);
  private settingsGeneration = 0;
  /** Line tables for diagnostics: the folders' config files, then the index. */
  private readonly lines: LineSource = { file: (uri) => this.settings.configs.get(uri) ?? this.index.file(uri) };
  private index = new WorkspaceIndex();
  private analysis = new Analysis(this.index);
  private reach = new ReachFindings(reachabilityChecks(this.analysis));
  private diagnosticContext: DiagnosticContext = createDiagnosticContext(this.analysis, {}, this.reach);
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepGeneration = 0;
  /** Set when a change may affect NetworkPolicy verdicts beyond the files re-checked right after it. */
  private sweepNeeded = false;
  private folders: string[] = [];
  private canConfigure = false;
  /** Hash of the text each file was last indexed from, to skip re-parsing identical text. */
  private readonly indexedHash = new Map<string, string>();
  /** Diagnostics last published per file (a hash of them, and their error count), to avoid re-sending unchanged lists. */
  private readonly published = new Map<string, { hash: string; errors: number }>();
  /** Files with a not-read note (too large, binary). */
  private readonly notRead = new Map<string, Finding>();
  private readonly editTimers = new Map<string, NodeJS.Timeout>();
  private scanGeneration = 0;
  /** The persisted index's folder (the extension's workspace storage), if the client gave one. */
  private cacheDir: string | undefined;
  /** The persisted index while a scan reads files from disk. */
  private scanCache: ParseCache | undefined;
  private ready = false;
  private graphTimer: NodeJS.Timeout | undefined;
  private statusTimer: NodeJS.Timeout | undefined;
  /** The last index change, for the reachability follow-up of an edit. */
  private lastChange: IndexChange | undefined;
  /** Characters of the file indexFromDisk last read (0 when not read). */
  private lastReadBytes = 0;
  private errorCount = 0;
  private readonly changesHost: ChangesHost = {
    index: () => this.index,
    indexedDiskBytes: (p) => {
      const uri = URI.file(p).toString();
      if (this.documents.get(uri)) return undefined; // an open document may differ from disk
      try {
        const bytes = fs.readFileSync(p);
        return this.indexedHash.get(uri) === hashText(bytes.toString('utf8')) ? bytes : undefined;
      } catch {
        return undefined;
      }
    },
    analysis: () => this.analysis,
    folders: () => this.folders,
    isExcluded: (p) => this.isExcluded(p),
    maxFileSize: () => this.settings.largestMaxFileSize(),
  };
  private readonly unsavedLens = new UnsavedEditLens(this.changesHost);

  constructor(private readonly connection: Connection) {}

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => void this.initialized());
    c.onDidChangeConfiguration(() => void this.reloadSettings());
    c.onDidChangeWatchedFiles((p) => {
      for (const change of p.changes) this.onWatchedFile(change.uri, change.type);
    });
    this.documents.onDidOpen((e) => this.onOpen(e.document));
    this.documents.onDidChangeContent((e) => this.scheduleEdit(e.document));
    this.documents.onDidClose((e) => this.onClose(e.document.uri));
    c.onHover((p) => this.guard(() => {
      const at = this.at(p);
      if (!at) return null;
      const h = hover(this.analysis, at.uri, at.offset);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(this.index, at.uri, h.span) } : null;
    }, null));
    c.onDefinition((p) => this.guard(() => {
      const at = this.at(p);
      if (!at) return [];
      return definition(this.analysis, at.uri, at.offset).map((l) => toLocation(this.index, l.uri, l.span));
    }, []));
    c.onReferences((p) => this.guard(() => {
      const at = this.at(p);
      if (!at) return [];
      return references(this.analysis, at.uri, at.offset, !!p.context?.includeDeclaration).map((l) => toLocation(this.index, l.uri, l.span));
    }, []));
    c.onCodeLens(async (p) => {
      const uri: unknown = p?.textDocument?.uri;
      if (typeof uri !== 'string') return [];
      await this.editSettled(uri); // lenses describe the text as typed, not as last indexed
      return this.guard(() => this.lenses(uri), []);
    });
    c.onCompletion((p) => this.guard(() => (this.at(p) ? this.completions(p.textDocument.uri, p.position) : []), []));
    c.onCodeAction((p) => this.guard(() => {
      const out: CodeAction[] = [];
      const diagnostics: unknown = p?.context?.diagnostics;
      for (const d of Array.isArray(diagnostics) ? (diagnostics as Parameters<typeof quickFixes>[1][]) : []) {
        if (d?.source !== 'k8s-netmap') continue;
        try {
          out.push(...quickFixes(this.index, d));
        } catch {
          // fixes we did not make (a client's garbage in `data`): none offered
        }
      }
      return out;
    }, []));
    c.onRequest(GraphRequest, () => this.guard(() => graphOf(this.analysis), { nodes: [], edges: [] }));
    c.onRequest(ConnectivityChangesRequest, (p) =>
      connectivityChanges(this.changesHost, p?.ref || 'HEAD').catch((error: unknown) => {
        this.connection.console.error(`k8s-netmap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return { ref: p?.ref || 'HEAD', error: 'internal error (see the k8s-netmap output)', counts: { added: 0, removed: 0, changed: 0 }, groups: [] };
      }),
    );
    c.onRequest(GraphChangesRequest, (p: ConnectivityChangesParams | undefined) =>
      graphChanges(this.changesHost, graphOf(this.analysis), p?.ref || 'HEAD').catch((error: unknown) => {
        this.connection.console.error(`k8s-netmap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        return { ref: p?.ref || 'HEAD', error: 'internal error (see the k8s-netmap output)', edges: [], nodes: [] };
      }),
    );
    c.onRequest(PathRulesRequest, (p: PathRulesParams | undefined) => this.guard(() => pathRules(this.analysis, p), { hops: [] }));
    this.documents.listen(c);
    c.listen();
  }

  /** Runs a request handler; a bug in a feature answers `fallback` instead of killing the server. */
  private guard<T>(run: () => T, fallback: T): T {
    try {
      return run();
    } catch (error) {
      this.connection.console.error(`k8s-netmap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fallback;
    }
  }

  /**
   * The document and offset a position request names, or undefined when the request is malformed
   * (`position: null`, no `textDocument`, a line or character that is not a whole number) or names
   * a file that is not indexed. Requests come from clients we do not control.
   */
  private at(p: { textDocument?: { uri?: unknown } | null; position?: unknown } | null | undefined): { uri: string; offset: number } | undefined {
    const uri = p?.textDocument?.uri;
    const pos = p?.position as { line?: unknown; character?: unknown } | null | undefined;
    if (typeof uri !== 'string' || !pos || !Number.isSafeInteger(pos.line) || !Number.isSafeInteger(pos.character)) return undefined;
    const file = this.index.file(uri);
    if (!file) return undefined;
    // Negative numbers clamp to the start; the open text, when there is one, lets the offset clamp
    // exactly as the editor's does.
    const position = { line: Math.max(0, pos.line as number), character: Math.max(0, pos.character as number) };
    return { uri, offset: offsetAt(file.lineStarts, position, this.documents.get(uri)?.getText()) };
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.canConfigure = !!params.capabilities.workspace?.configuration;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = folders.map(fsPathOf).filter((p): p is string => !!p);
    const storage = (params.initializationOptions as { storagePath?: unknown } | undefined)?.storagePath;
    this.cacheDir = typeof storage === 'string' && storage !== '' ? storage : undefined;
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
    this.settings = await this.fetchSettings();
    this.rebuildIndex();
  }

  /**
   * The window's settings and each folder's (asked with the folder as `scopeUri`, in one request),
   * each over the folder's k8s-netmap.yaml (its open text, else the disk).
   */
  private async fetchSettings(): Promise<WorkspaceSettings> {
    const scopes: Array<string | undefined> = [undefined, ...this.folders.map((f) => URI.file(f).toString())];
    let answers: unknown[] = [];
    if (this.canConfigure) {
      const items = scopes.flatMap((scopeUri) => [
        { section: 'k8sNetmap', ...(scopeUri ? { scopeUri } : {}) },
        { section: 'files.exclude', ...(scopeUri ? { scopeUri } : {}) },
      ]);
      answers = await this.connection.workspace.getConfiguration(items).catch(() => []);
    }
    const openText = (uri: string) => this.documents.get(uri)?.getText();
    const configs = new Map<string, ConfigFileState>();
    const folders = this.folders.map((folder, i) => {
      const { settings, config } = folderSettings(folder, answers[2 * i + 2], answers[2 * i + 3], openText);
      if (config) configs.set(config.uri, config);
      return { path: folder, settings };
    });
    const window = this.canConfigure ? normalizeSettings(answers[0], answers[1]) : DEFAULT_SETTINGS_IN_FORCE;
    return new WorkspaceSettings(folders, window, configs);
  }

  /** Settings changed, or a k8s-netmap.yaml did: re-read them; re-index or re-publish as needed. */
  private async reloadSettings(): Promise<void> {
    const generation = ++this.settingsGeneration;
    const next = await this.fetchSettings();
    if (generation !== this.settingsGeneration) return; // a newer reload is under way
    const prev = this.settings;
    this.settings = next;
    if (workspaceNeedsReindex(prev, next)) this.rebuildIndex();
    else if (this.ready) this.publishAll();
  }

  /** The diagnostic context of a file: the one analysis, with the rule severities of the file's folder. */
  private contextFor(uri: string): DiagnosticContext {
    return { ...this.diagnosticContext, rules: this.settings.forPath(fsPathOf(uri)).rules };
  }

  // ---------- indexing ----------

  private rebuildIndex(): void {
    const settings = this.settings;
    this.index = new WorkspaceIndex(settings.analysis(), (uri) => settings.forPath(fsPathOf(uri)).analysis.defaultNamespace);
    this.analysis = new Analysis(this.index);
    this.reach = new ReachFindings(reachabilityChecks(this.analysis));
    this.diagnosticContext = createDiagnosticContext(this.analysis, {}, this.reach);
    this.indexedHash.clear();
    this.notRead.clear();
    this.ready = false;
    const generation = ++this.scanGeneration;
    void this.scan(generation).catch((error: unknown) => {
      this.connection.console.error(`k8s-netmap: workspace scan failed: ${String(error)}`);
    });
  }

  /** Whether `k8sNetmap.exclude` or `files.exclude` excludes a path (globs are relative to its workspace folder). */
  private isExcluded(absPath: string): boolean {
    return this.settings.isExcluded(absPath);
  }

  private async scan(generation: number): Promise<void> {
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('k8s-netmap: indexing manifests', 0, undefined, false);
    this.sendStatus(true);
    const files: string[] = [];
    const unreadableDirs: string[] = [];
    for (const folder of this.folders) {
      files.push(...listManifestFiles(folder, (abs) => this.isExcluded(abs), (dir, reason) => unreadableDirs.push(`${dir} (${reason})`)));
    }
    for (const d of unreadableDirs) this.connection.console.warn(`k8s-netmap: ${d}`);
    this.index.beginBulk();
    const note = (m: string): void => this.connection.console.info(m);
    const cache = this.cacheDir === undefined ? undefined : ParseCache.open(this.cacheDir, { note });
    try {
      let bytesSinceYield = 0;
      this.scanCache = cache;
      for (let i = 0; i < files.length; i++) {
        if (generation !== this.scanGeneration) return;
        const file = files[i]!;
        const uri = URI.file(file).toString();
        if (!this.documents.get(uri) && !isConfigPath(this.folders, file)) {
          this.indexFromDisk(uri, file, false);
          bytesSinceYield += this.lastReadBytes;
        }
        if (i % SCAN_CHUNK === SCAN_CHUNK - 1 || bytesSinceYield >= SCAN_CHUNK_BYTES) {
          bytesSinceYield = 0;
          progress?.report(Math.round((i / files.length) * 100), `${i + 1}/${files.length} files`);
          await new Promise((r) => setImmediate(r));
        }
      }
      this.scanCache = undefined;
      // Open documents override disk, including unsaved ones outside the folders.
      for (const doc of this.documents.all()) if (!this.isConfig(doc.uri)) this.indexDocument(doc, false);
    } finally {
      this.scanCache = undefined;
      if (generation === this.scanGeneration) this.index.endBulk();
    }
    if (generation !== this.scanGeneration) return;
    progress?.done();
    this.ready = true;
    this.publishAll();
    cache?.save();
    if (this.notRead.size > 0) {
      this.notice(
        'info',
        `k8s-netmap did not read ${this.notRead.size} file${this.notRead.size === 1 ? '' : 's'} (too large, binary or unreadable); the Problems panel says why. Other files are analysed as usual.`,
      );
    }
    if (unreadableDirs.length > 0) {
      this.notice('warning', `k8s-netmap could not list ${unreadableDirs.length === 1 ? 'a folder' : `${unreadableDirs.length} folders`}: ${unreadableDirs.slice(0, 3).join(', ')}${unreadableDirs.length > 3 ? ', …' : ''}. Manifests in it are not analysed.`);
    }
    this.scheduleGraphChanged();
  }

  /** Reads one file from disk into the index, or records why it was not read. Returns the files to re-diagnose. */
  private indexFromDisk(uri: string, fsPath: string, withDependents = true): Set<string> {
    const read = readManifestFile(fsPath, this.settings.forPath(fsPath).maxFileSize);
    this.lastReadBytes = 'text' in read ? read.text.length : 0;
    return this.indexOrNote(uri, read, withDependents);
  }

  /**
   * An open document, within the same `k8sNetmap.maxFileSize` as files on disk: a larger one gets
   * the same note and is not read (its text in the editor is left as it is).
   */
  private indexDocument(doc: TextDocument, withDependents = true): Set<string> {
    const maxFileSize = this.settings.forPath(fsPathOf(doc.uri)).maxFileSize;
    const length = doc.getText().length;
    // UTF-16 length is a lower bound of the UTF-8 size, and cheap; measure bytes only near the limit.
    const size = length > maxFileSize / 3 ? Buffer.byteLength(doc.getText(), 'utf8') : length;
    if (size > maxFileSize) return this.indexOrNote(doc.uri, { skipped: tooLargeReason(size, maxFileSize) }, withDependents);
    return this.indexOrNote(doc.uri, { text: doc.getText() }, withDependents);
  }

  /** Indexes text, or records why a file or document was not read. Returns the files to re-diagnose. */
  private indexOrNote(uri: string, read: { text: string } | { skipped: string }, withDependents: boolean): Set<string> {
    if ('skipped' in read) {
      const dirty = this.index.hasFile(uri) ? dependentFiles(this.index, this.index.removeFile(uri)) : new Set<string>();
      this.indexedHash.delete(uri);
      if (read.skipped.startsWith('not read: ENOENT')) this.notRead.delete(uri);
      else this.notRead.set(uri, { uri, span: { start: 0, end: 0 }, severity: 'info', code: 'file-not-read', message: `k8s-netmap: ${read.skipped}.`, related: [] });
      dirty.add(uri);
      return dirty;
    }
    this.notRead.delete(uri);
    const dirty = this.indexText(uri, read.text, withDependents);
    dirty.add(uri);
    return dirty;
  }

  /** Indexes text unless identical text is already indexed. Returns the dependents to re-diagnose. */
  private indexText(uri: string, text: string, withDependents = true): Set<string> {
    const fsPath = fsPathOf(uri);
    const helm = { ...(fsPath ? helmReadOptions(fsPath) : {}), fast: !this.documents.get(uri) }; // open documents are read by `yaml`
    // The Helm role is part of what was indexed: a Chart.yaml appearing changes it, not the text.
    const hash = hashText(text) + JSON.stringify(helm);
    if (this.indexedHash.get(uri) === hash && this.index.hasFile(uri)) return new Set();
    this.reach.forget(uri);
    this.indexedHash.set(uri, hash);
    let change;
    try {
      const cache = this.scanCache;
      change =
        cache && fsPath
          ? this.index.setParsed(uri, parseCached(cache, fsPath, uri, text, { ...helm, defaultNamespace: this.index.settings.defaultNamespace }))
          : this.index.setFile(uri, text, helm);
    } catch (error) {
      // The reader never throws by design; if it does, keep the server and every other file alive.
      this.connection.console.error(`k8s-netmap: could not read ${uri}: ${String(error)}`);
      return new Set([uri]);
    }
    if (!withDependents) return new Set([uri]);
    this.lastChange = change;
    return dependentFiles(this.index, change);
  }

  // ---------- documents and files ----------

  /** Whether `uri` is a folder's k8s-netmap.yaml (read as settings, never as manifests). */
  private isConfig(uri: string): boolean {
    const fsPath = fsPathOf(uri);
    return fsPath !== undefined && isConfigPath(this.folders, fsPath);
  }

  private onOpen(doc: TextDocument): void {
    if (!this.ready) return; // the scan indexes open documents when it finishes
    if (this.isConfig(doc.uri)) return void this.reloadSettings();
    this.lastChange = undefined;
    const dirty = this.indexDocument(doc);
    dirty.add(doc.uri);
    this.publishEdit(dirty, new Set([doc.uri]));
  }

  private scheduleEdit(doc: TextDocument): void {
    const existing = this.editTimers.get(doc.uri);
    if (existing) clearTimeout(existing);
    const version = doc.version;
    this.editTimers.set(
      doc.uri,
      setTimeout(() => {
        this.editTimers.delete(doc.uri);
        const current = this.documents.get(doc.uri);
        if (!current || current.version !== version || !this.ready) return; // a newer change is pending
        if (this.isConfig(doc.uri)) return void this.reloadSettings();
        this.lastChange = undefined;
        const dirty = this.indexDocument(current);
        this.publishEdit(dirty, new Set([doc.uri]));
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private onClose(uri: string): void {
    // The editor's unsaved text no longer counts: go back to what is on disk.
    if (!this.ready) return;
    if (this.isConfig(uri)) return void this.reloadSettings();
    const fsPath = fsPathOf(uri);
    let dirty: Set<string>;
    if (fsPath && fs.existsSync(fsPath) && MANIFEST_EXTENSIONS.test(fsPath) && !this.isExcluded(fsPath) && this.isInFolders(fsPath)) {
      dirty = this.indexFromDisk(uri, fsPath);
    } else {
      dirty = dependentFiles(this.index, this.index.removeFile(uri));
      this.indexedHash.delete(uri);
      this.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.published.delete(uri);
      dirty.delete(uri);
    }
    this.publishEdit(dirty, new Set());
  }

  private isInFolders(fsPath: string): boolean {
    return this.settings.isInFolders(fsPath);
  }

  private onWatchedFile(uri: string, type: FileChangeType): void {
    if (!this.ready) return;
    const fsPath = fsPathOf(uri);
    if (!fsPath) return;
    if (isConfigPath(this.folders, fsPath)) {
      if (!this.documents.get(uri)) void this.reloadSettings();
      return;
    }
    const dirty = new Set<string>();
    if (type === FileChangeType.Deleted) {
      // A deleted folder arrives as one event: drop every indexed file below it too.
      const prefix = uri.endsWith('/') ? uri : uri + '/';
      for (const known of [...this.index.fileUris()]) {
        if ((known === uri || known.startsWith(prefix)) && !this.documents.get(known)) {
          for (const d of dependentFiles(this.index, this.index.removeFile(known))) dirty.add(d);
          this.indexedHash.delete(known);
          this.notRead.delete(known);
          this.connection.sendDiagnostics({ uri: known, diagnostics: [] });
          this.published.delete(known);
          dirty.delete(known);
        }
      }
    } else {
      if (this.documents.get(uri) || !MANIFEST_EXTENSIONS.test(fsPath) || this.isExcluded(fsPath) || !this.isInFolders(fsPath)) return;
      for (const d of this.indexFromDisk(uri, fsPath)) dirty.add(d);
    }
    for (const d of this.rereadChart(fsPath)) dirty.add(d);
    this.publishEdit(dirty, new Set());
  }

  /**
   * A Chart.yaml or a chart's templates/ came or went: the chart's files change role (SPEC §2), so
   * its Chart.yaml and every indexed file under its templates/ are read again (unchanged ones are not).
   */
  private rereadChart(fsPath: string): Set<string> {
    const dirty = new Set<string>();
    const parts = fsPath.split(/[\\/]/);
    const at = path.basename(fsPath) === 'Chart.yaml' ? parts.length - 1 : parts.lastIndexOf('templates');
    if (at <= 0) return dirty;
    const chartDir = parts.slice(0, at).join(path.sep) || path.sep;
    const chartUri = URI.file(path.join(chartDir, 'Chart.yaml')).toString();
    const prefix = URI.file(path.join(chartDir, 'templates')).toString() + '/';
    for (const known of [...this.index.fileUris()]) {
      if (known !== chartUri && !known.startsWith(prefix)) continue;
      const open = this.documents.get(known);
      const knownPath = fsPathOf(known);
      if (open) for (const d of this.indexDocument(open)) dirty.add(d);
      else if (knownPath) for (const d of this.indexFromDisk(known, knownPath)) dirty.add(d);
    }
    return dirty;
  }

  // ---------- diagnostics ----------

  private diagnose(uri: string): Finding[] {
    const note = this.notRead.get(uri);
    const ctx = this.contextFor(uri);
    const config = this.settings.configs.get(uri);
    if (config) {
      const severity = ctx.rules['config-invalid'];
      if (severity === 'off') return [];
      return severity ? config.findings.map((f) => ({ ...f, severity })) : config.findings;
    }
    if (note) return ctx.rules['file-not-read'] === 'off' ? [] : [note];
    try {
      return diagnoseFile(ctx, uri);
    } catch (error) {
      this.connection.console.error(`k8s-netmap: diagnostics of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  }

  /** Publishes diagnostics of `uris`; `always` are sent even when unchanged (clients wait for them). */
  private publish(uris: Set<string>, always: Set<string>): void {
    for (const uri of new Set([...always, ...uris])) {
      const diagnostics = this.diagnose(uri).map((f) => toDiagnostic(this.lines, f));
      const hash = diagnostics.length ? hashText(JSON.stringify(diagnostics)) : '';
      if (!always.has(uri) && (this.published.get(uri)?.hash ?? '') === hash) continue;
      if (diagnostics.length) this.published.set(uri, { hash, errors: diagnostics.filter((d) => d.severity === 1).length });
      else this.published.delete(uri);
      // The document version tells clients which edit these diagnostics answer.
      const version = this.documents.get(uri)?.version;
      this.connection.sendDiagnostics(version === undefined ? { uri, diagnostics } : { uri, version, diagnostics });
    }
    this.sendStatus(false);
  }

  private publishAll(): void {
    const uris = new Set<string>([...this.index.fileUris(), ...this.notRead.keys(), ...this.published.keys(), ...this.settings.configs.keys()]);
    const open = new Set(this.documents.keys());
    this.reach.beginLive();
    this.publish(uris, open);
  }

  /**
   * After an edit: first the link diagnostics of the files that depend on it (with the verdicts
   * last computed), then, on the next turn, fresh NetworkPolicy verdicts where they may have
   * changed; after a pause in typing, every Service and route is re-checked.
   */
  private publishEdit(dirty: Set<string>, always: Set<string>): void {
    this.reach.endLive();
    this.publish(dirty, always);
    const change = this.lastChange;
    this.lastChange = undefined;
    const sensitive = change ? reachSensitiveFiles(this.index, change) : new Set<string>();
    // Only policy and namespace changes can reach past what reachSensitiveFiles follows.
    if (change && changedObjects(change).some((o) => o.type === 'networkpolicy' || o.type === 'namespace')) this.sweepNeeded = true;
    for (const uri of always) sensitive.add(uri);
    for (const uri of change?.uris ?? []) sensitive.add(uri);
    const generation = ++this.sweepGeneration;
    // The edited documents first, then the rest in chunks, yielding so that a new keystroke or a
    // hover is answered in between (a newer edit cancels what is left).
    const first = [...sensitive].filter((u) => always.has(u));
    const rest = [...sensitive].filter((u) => !always.has(u));
    void this.recheckReachability([...first, ...rest], generation);
    this.scheduleGraphChanged();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => void this.idleSweep(generation), IDLE_SWEEP_MS);
  }

  /** Re-checks files against the NetworkPolicies in chunks; false when a newer edit cut it short. */
  private async recheckReachability(uris: string[], generation: number): Promise<boolean> {
    for (let i = 0; i < uris.length; i += SWEEP_CHUNK) {
      await new Promise((r) => setImmediate(r));
      if (generation !== this.sweepGeneration) return false;
      this.reach.beginLive();
      this.publish(new Set(uris.slice(i, i + SWEEP_CHUNK)), new Set());
      this.reach.endLive();
    }
    return true;
  }

  /** Re-checks every file with Services or routes against the NetworkPolicies, in chunks; stops when an edit comes. */
  private async idleSweep(generation: number): Promise<void> {
    if (generation !== this.sweepGeneration || !this.sweepNeeded) return;
    const uris = new Set<string>();
    for (const o of [...this.index.services(), ...this.index.ingresses(), ...this.index.routes()]) uris.add(o.uri);
    if (await this.recheckReachability([...uris], generation)) this.sweepNeeded = false;
  }

  /** Status for the status bar, at most a few times a second (it walks every file). */
  private sendStatus(indexing: boolean): void {
    if (indexing) return this.sendStatusNow(true);
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      this.sendStatusNow(false);
    }, 250);
  }

  private sendStatusNow(indexing: boolean): void {
    let errors = 0;
    for (const p of this.published.values()) errors += p.errors;
    this.errorCount = errors;
    let objects = 0;
    let unreadable = this.notRead.size;
    for (const f of this.index.parsedFiles()) {
      objects += f.objects.length;
      if (f.problems.some((p) => p.code === 'yaml-syntax')) unreadable++;
    }
    const status: StatusParams = { indexing, files: this.index.fileCount, objects, errors: this.errorCount, unreadable };
    void this.connection.sendNotification(StatusNotification, status);
  }

  private scheduleGraphChanged(): void {
    if (this.graphTimer) clearTimeout(this.graphTimer);
    this.graphTimer = setTimeout(() => void this.connection.sendNotification(GraphChangedNotification), 150);
  }

  /** Shows a message once in the editor (LSP's `window/showMessage`). */
  private notice(level: 'info' | 'warning', message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type: level === 'warning' ? MessageType.Warning : MessageType.Info, message });
  }

  // ---------- lenses and completion ----------

  private lenses(uri: string): CodeLens[] {
    const unsaved = this.guard(() => this.unsavedEditLens(uri), undefined);
    const lenses: CodeLens[] = codeLenses(this.analysis, uri).map((l) => {
      const range = toRange(this.index, uri, l.span);
      if (l.locations) {
        return {
          range,
          command: command(l.title, Commands.showLocations, uri, range.start, l.locations.map((x) => toLocation(this.index, x.uri, x.span))),
        };
      }
      const at = toRange(this.index, uri, { start: l.hoverAt ?? l.span.start, end: l.hoverAt ?? l.span.start }).start;
      return { range, command: command(l.title, Commands.showHoverAt, uri, at) };
    });
    return unsaved ? [unsaved, ...lenses] : lenses;
  }

  /** Resolves once a pending (debounced) edit of `uri` has been indexed, or after a few debounce periods. */
  private async editSettled(uri: string): Promise<void> {
    for (let i = 0; i < 10 && this.editTimers.has(uri); i++) await new Promise((r) => setTimeout(r, EDIT_DEBOUNCE_MS));
  }

  /** What the unsaved text of an open NetworkPolicy file opens or closes versus the file on disk. */
  private unsavedEditLens(uri: string): CodeLens | undefined {
    const doc = this.documents.get(uri);
    const fsPath = fsPathOf(uri);
    if (!doc || !fsPath || !fs.existsSync(fsPath)) return undefined;
    const read = readManifestFile(fsPath, this.settings.forPath(fsPath).maxFileSize);
    if (!('text' in read)) return undefined;
    if (read.text === doc.getText()) {
      // No edit yet: have the saved state ready for the first one (the index holds this text unless an edit is pending).
      if (!this.editTimers.has(uri)) this.unsavedLens.prepare(uri, read.text);
      return undefined;
    }
    return this.unsavedLens.lens(uri, read.text);
  }

  private completions(uri: string, position: { line: number; character: number }): CompletionItem[] {
    const doc = this.documents.get(uri);
    if (!doc) return [];
    const kinds = { service: CompletionItemKind.Reference, port: CompletionItemKind.Value, 'label-key': CompletionItemKind.Property, 'label-value': CompletionItemKind.Value } as const;
    return complete(this.analysis, uri, doc.getText(), doc.offsetAt(position)).map((c) => ({ label: c.label, kind: kinds[c.kind], ...(c.detail ? { detail: c.detail } : {}) }));
  }
}
