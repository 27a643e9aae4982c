// The server's view of the workspace: its folders and settings, the open documents (which override
// disk), the workspace scan, and indexing of documents and files as they open, change, close, or
// change on disk. Every step returns an IndexUpdate saying what to re-diagnose and why; publishing
// is publisher.ts's job. About 600 lines: the scan, the warm start's check of every file against
// the recorded stamps (and its catching up with what changed since), and the events share one
// bookkeeping (indexed hashes, notes, generations).
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType, TextDocuments } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { Analysis } from '../analysis/workspaceAnalysis';
import type { Finding } from '../features/rules';
import { DEFAULT_SETTINGS_IN_FORCE, normalizeSettings } from '../features/settings';
import { type FileStamp, type InputStamp, ParseCache, parseCached, readKeyOf } from '../host/cache';
import { parseFile } from '../yaml/parseFile';
import { type RecordedRun, type RecordedStamp, recordedStamp } from '../host/resultCache';
import { helmReadOptions, listManifestFiles, MANIFEST_EXTENSIONS, readManifestFile, readStampedManifest, tooLargeReason } from '../host/files';
import { type IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import { type ConfigFileState, folderSettings, isConfigPath, WorkspaceSettings } from './folderSettings';
import { keyStampOf, NOT_READ, sameStamp, settingsKey, stampOfListed } from './persistedDiagnostics';
import { OPEN_DOCUMENTS, type OpenDocument, packDocuments } from './openDocuments';

/** Files indexed per event-loop turn during a scan, so requests are answered while it runs. */
const SCAN_CHUNK = 100;
/** The scan also yields to other requests after reading this many bytes, whatever the file count. */
const SCAN_CHUNK_BYTES = 1_000_000;
/** …and after this long, on a slow or busy machine. */
const SCAN_SLICE_MS = 20;

export function hashText(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

/** What indexedHash records of a file: its text's hash and its Helm role (a Chart.yaml appearing changes the role, not the text). */
function indexedKey(textHash: string, role: object): string {
  return textHash + JSON.stringify(role);
}

export function fsPathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** What one indexing step did: every removal and every edit lands here the same way. */
export class IndexUpdate {
  /** Files indexed, noted or removed: to re-diagnose, with the dependents of `changes` (the publisher works those out). */
  readonly dirty = new Set<string>();
  /** The index changes behind them, for the NetworkPolicy follow-up. */
  readonly changes: IndexChange[] = [];
  /** Files whose text was indexed again: verdicts cached for them point at old spans. */
  readonly reread = new Set<string>();
  /** Files gone from the workspace: their diagnostics are cleared. */
  readonly removed = new Set<string>();

  /** Records an index change. */
  record(change: IndexChange): void {
    this.changes.push(change);
  }
}

/** How a scan reports its progress (status.ts). */
export interface ScanProgress {
  /** The file at `index` (0-based) of `total` has been read. */
  report(index: number, total: number): void;
}

/** Where the workspace writes its notes (the client's log). */
interface ServerLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The manifest files of the folders, listed once for a scan (and the warm start before it). */
export interface ListedFiles {
  files: string[];
  /** Folders that could not be listed, with the reason. */
  unreadableDirs: string[];
}

/** What a finished scan found besides manifests. */
interface ScanResult {
  /** Folders that could not be listed, with the reason. */
  unreadableDirs: string[];
  /** With a persisted index, each listed file's stamp by URI, unless the diagnostics may not be recorded (an open document differs from disk). */
  stamps: ReadonlyMap<string, InputStamp | undefined> | undefined;
  /**
   * After a scan from a record (`RecordedState`): the update that brought the recorded state to
   * the files and documents as they are, and whether the index stood exactly as recorded before it
   * (every changed or removed file's recorded model was in the persisted index).
   */
  caughtUp?: { update: IndexUpdate; fromRecord: boolean };
}

/**
 * How the files stand against a record of published diagnostics (the warm start): the record's
 * stamps, the stamps now, and what differs.
 */
export interface RecordedState {
  /** The record's stamp of each file it covers, by URI. */
  recorded: ReadonlyMap<string, InputStamp>;
  /** Each listed file's stamp now, by URI (undefined: it could not be stamped). */
  current: ReadonlyMap<string, InputStamp | undefined>;
  /** Files changed, added or gone since the record, and open documents whose text is not their file's. */
  changed: ReadonlySet<string>;
}

function inputStampOf([path, readKey, size, mtimeMs, hash]: RecordedStamp): InputStamp {
  return { path, readKey, size, mtimeMs, hash };
}

export class Workspace {
  readonly documents = new TextDocuments(OPEN_DOCUMENTS);
  /** Each workspace folder's settings, for the files under it. */
  settings = new WorkspaceSettings([], DEFAULT_SETTINGS_IN_FORCE);
  folders: string[] = [];
  /** The persisted index's folder (the extension's workspace storage), if the client gave one. */
  cacheDir: string | undefined;
  private currentIndex = new WorkspaceIndex();
  private currentAnalysis = new Analysis(this.currentIndex);
  private scanned = false;
  /** Files with a not-read note (too large, binary). */
  readonly notRead = new Map<string, Finding>();
  /** Hash of the text each file was last indexed from, to skip re-parsing identical text. */
  private readonly indexedHash = new Map<string, string>();
  private scanGeneration = 0;
  /** Counts the index updates made after a scan (events): diagnostics published meanwhile are not recorded. */
  updates = 0;
  /** Documents indexed and not yet deflated (packIndexed). */
  private toPack: OpenDocument[] = [];

  constructor(private readonly log: ServerLog) {}

  /** The index, replaced by each rebuild. */
  get index(): WorkspaceIndex {
    return this.currentIndex;
  }

  /** The analysis of the index, replaced with it. */
  get analysis(): Analysis {
    return this.currentAnalysis;
  }

  /**
   * Set from a start with a persisted index until it is known that no recorded diagnostics are
   * published, or else until the scan has read every file: the index is partial and requests wait
   * (`indexComplete`); the analysis they read is then worked out from the whole index.
   */
  private holding: { done: Promise<void>; release: () => void } | undefined;

  /** Resolves once requests may read the index (at once, but after a warm start until the scan has read every file). */
  indexComplete(): Promise<void> {
    return this.holding?.done ?? Promise.resolve();
  }

  /**
   * With a persisted index, requests wait from now until `releaseRequests` (recorded diagnostics
   * may be published before the index holds them); without one there is no record to wait for.
   */
  holdRequests(): void {
    if (this.holding || this.cacheDir === undefined) return;
    let release: () => void = () => undefined;
    const done = new Promise<void>((r) => (release = r));
    this.holding = { done, release };
  }

  /** The scan has read every file (or failed): waiting requests are answered. */
  releaseRequests(): void {
    this.holding?.release();
    this.holding = undefined;
  }

  /** False while a scan runs: events wait for it (the scan reads open documents when it finishes). */
  get ready(): boolean {
    return this.scanned;
  }

  /** Whether `uri` is a folder's k8s-netmap.yaml (read as settings, never as manifests). */
  isConfig(uri: string): boolean {
    const fsPath = fsPathOf(uri);
    return fsPath !== undefined && isConfigPath(this.folders, fsPath);
  }

  /** Whether `k8sNetmap.exclude` or `files.exclude` excludes a path (globs are relative to its workspace folder). */
  isExcluded(absPath: string): boolean {
    return this.settings.isExcluded(absPath);
  }

  /** The one way files are read from disk: within the size limit of the file's folder. */
  readDisk(fsPath: string): ReturnType<typeof readManifestFile> {
    return readManifestFile(fsPath, this.settings.forPath(fsPath).maxFileSize);
  }

  /** The bytes a file was last indexed from, when that is what is on disk (no open document); else undefined. */
  indexedDiskBytes(fsPath: string): Buffer | undefined {
    const uri = URI.file(fsPath).toString();
    if (this.documents.get(uri)) return undefined; // an open document may differ from disk
    try {
      const bytes = fs.readFileSync(fsPath);
      return this.indexedHash.get(uri) === hashText(bytes.toString('utf8')) ? bytes : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The window's settings and each folder's (asked with the folder as `scopeUri`, in one request),
   * each over the folder's k8s-netmap.yaml (its open text, else the disk). `ask` is undefined when
   * the client cannot answer `workspace/configuration`.
   */
  async fetchSettings(ask: ((items: Array<{ section: string; scopeUri?: string }>) => Promise<unknown[]>) | undefined): Promise<WorkspaceSettings> {
    const scopes: Array<string | undefined> = [undefined, ...this.folders.map((f) => URI.file(f).toString())];
    let answers: unknown[] = [];
    if (ask) {
      const items = scopes.flatMap((scopeUri) => [
        { section: 'k8sNetmap', ...(scopeUri ? { scopeUri } : {}) },
        { section: 'files.exclude', ...(scopeUri ? { scopeUri } : {}) },
      ]);
      answers = await ask(items).catch(() => []);
    }
    const openText = (uri: string) => this.documents.get(uri)?.getText();
    const configs = new Map<string, ConfigFileState>();
    const folders = this.folders.map((folder, i) => {
      const { settings, config } = folderSettings(folder, answers[2 * i + 2], answers[2 * i + 3], openText);
      if (config) configs.set(config.uri, config);
      return { path: folder, settings };
    });
    const window = ask ? normalizeSettings(answers[0], answers[1]) : DEFAULT_SETTINGS_IN_FORCE;
    return new WorkspaceSettings(folders, window, configs);
  }

  /** Starts over with an empty index under the current settings; returns the generation to scan. */
  rebuild(): number {
    const settings = this.settings;
    this.currentIndex = new WorkspaceIndex(settings.analysis(), (uri) => settings.forPath(fsPathOf(uri)).analysis.defaultNamespace);
    this.currentAnalysis = new Analysis(this.currentIndex);
    this.indexedHash.clear();
    this.notRead.clear();
    this.scanned = false;
    return ++this.scanGeneration;
  }

  /** Lists the manifest files of the folders (folders that cannot be listed are logged). */
  listFiles(): ListedFiles {
    const files: string[] = [];
    const unreadableDirs: string[] = [];
    for (const folder of this.folders) {
      files.push(...listManifestFiles(folder, (abs) => this.isExcluded(abs), (dir, reason) => unreadableDirs.push(`${dir} (${reason})`)));
    }
    for (const d of unreadableDirs) this.log.warn(`k8s-netmap: ${d}`);
    return { files, unreadableDirs };
  }

  /**
   * How the files stand now against `recorded` (each stamped: read and hashed, not parsed), yielding
   * as the scan does. Undefined when superseded, when the settings are not the record's, or when more
   * than `maxChanged` files (or open documents) differ: reading the record's state first and catching
   * up would then cost more than a cold scan.
   */
  async compareWithRecord(generation: number, files: readonly string[], recorded: RecordedRun<unknown>, maxChanged: number): Promise<RecordedState | undefined> {
    if (settingsKey(this.settings) !== recorded.command) return undefined;
    const recordedByUri = new Map(recorded.stamps.map((r) => [URI.file(r[0]).toString(), inputStampOf(r)]));
    const current = new Map<string, InputStamp | undefined>();
    const changed = new Set<string>();
    const differs = (uri: string): boolean => changed.add(uri).size > maxChanged;
    let sliceStart = performance.now();
    for (const file of files) {
      if (generation !== this.scanGeneration) return undefined;
      if (isConfigPath(this.folders, file)) continue;
      const uri = URI.file(file).toString();
      const stamp = stampOfListed(file, this.settings.forPath(file).maxFileSize);
      current.set(uri, stamp);
      const was = recordedByUri.get(uri);
      if ((!stamp || !was || !sameStamp(stamp, recordedStamp(was))) && differs(uri)) return undefined;
      if (performance.now() - sliceStart >= SCAN_SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    if (generation !== this.scanGeneration) return undefined;
    for (const uri of recordedByUri.keys()) if (!current.has(uri) && differs(uri)) return undefined;
    for (const doc of this.documents.all()) {
      if (this.isConfig(doc.uri)) continue;
      const stamp = current.get(doc.uri);
      if ((!stamp || stamp.hash !== hashText(doc.getText())) && differs(doc.uri)) return undefined;
    }
    return { recorded: recordedByUri, current, changed };
  }

  /**
   * Whether every open document's text is its file's on disk, as stamped (by URI). If not (or it has
   * no file listed), its diagnostics, and its dependents', are the editor's text's: never recorded.
   */
  private openDocumentsOnDisk(stamps: ReadonlyMap<string, InputStamp | undefined>): boolean {
    for (const doc of this.documents.all()) {
      if (this.isConfig(doc.uri)) continue;
      const stamp = stamps.get(doc.uri);
      if (!stamp || stamp.hash !== hashText(doc.getText())) return false;
    }
    return true;
  }

  /**
   * Reads every manifest of the folders (`listed`), then the open documents, into the index.
   * Undefined when a newer rebuild superseded this one. From a record (`fromRecord`, the warm
   * start): the files are first indexed as recorded, by their models in the persisted index (no
   * parse), and then what changed since is applied as events would apply it (`caughtUp`).
   */
  async scan(generation: number, progress: ScanProgress | undefined, listed: ListedFiles = this.listFiles(), fromRecord?: RecordedState): Promise<ScanResult | undefined> {
    const { files, unreadableDirs } = listed;
    this.index.beginBulk();
    const cache = this.cacheDir === undefined ? undefined : ParseCache.open(this.cacheDir, { note: (m) => this.log.info(m) });
    // Each open document indexed below, at its version then, so that the pass at the end skips it.
    const indexedOpen = new Map<string, { doc: OpenDocument; version: number }>();
    // With a persisted index, each file's stamp as its key records it (persistedDiagnostics.ts).
    const stamps = new Map<string, InputStamp | undefined>();
    const record = cache && fromRecord;
    let asRecorded = true;
    try {
      let bytesSinceYield = 0;
      let sliceStart = performance.now();
      for (const [i, file] of files.entries()) {
        if (generation !== this.scanGeneration) return undefined;
        const uri = URI.file(file).toString();
        if (!isConfigPath(this.folders, file)) {
          // An open document overrides the disk; a client that opens the whole workspace opens most files before the scan reaches them.
          const doc = this.documents.get(uri);
          const was = record?.recorded.get(uri);
          if (record) {
            // The recorded state first: a file added since is read in catching up.
            if (was && this.indexFromStamp(uri, file, was, cache)) {
              if (!record.changed.has(uri)) stamps.set(uri, record.current.get(uri));
            } else if (was) {
              // Not in the persisted index after all: read as it is now (for a changed file, what it was is lost).
              if (record.changed.has(uri)) asRecorded = false;
              bytesSinceYield += this.readListed(uri, file, stamps, undefined, cache);
            }
          } else if (doc) {
            if (cache) stamps.set(uri, stampOfListed(file, this.settings.forPath(file).maxFileSize));
            indexedOpen.set(uri, { doc, version: doc.version });
            bytesSinceYield += doc.getText().length;
            this.indexDocument(doc, undefined);
          } else {
            bytesSinceYield += this.readListed(uri, file, stamps, undefined, cache);
          }
        }
        if (i % SCAN_CHUNK === SCAN_CHUNK - 1 || bytesSinceYield >= SCAN_CHUNK_BYTES || performance.now() - sliceStart >= SCAN_SLICE_MS) {
          bytesSinceYield = 0;
          this.packIndexed();
          progress?.report(i, files.length);
          await new Promise((r) => setImmediate(r));
          sliceStart = performance.now();
        }
      }
      if (record) {
        // Files gone since the record: as recorded, until catching up takes them out.
        for (const [uri, was] of record.recorded) {
          if (!record.current.has(uri) && !this.indexFromStamp(uri, was.path, was, cache)) asRecorded = false;
        }
      }
      // Documents opened or changed since the loop read them, and unsaved ones outside the folders
      // (no yield: a document opened in between would be missed); closed ones count from disk again.
      // From a record, open documents are applied in catching up.
      for (const doc of record ? [] : this.documents.all()) {
        const seen = indexedOpen.get(doc.uri);
        if ((seen?.doc !== doc || seen.version !== doc.version) && !this.isConfig(doc.uri)) this.indexDocument(doc, undefined);
      }
      for (const uri of indexedOpen.keys()) {
        const fsPath = fsPathOf(uri);
        if (this.documents.get(uri) || !fsPath) continue;
        const read = cache ? readStampedManifest(fsPath, this.settings.forPath(fsPath).maxFileSize) : this.readDisk(fsPath);
        if (cache) stamps.set(uri, keyStampOf(fsPath, read));
        this.indexOrNote(uri, read, undefined, cache);
      }
      this.packIndexed();
    } finally {
      if (generation === this.scanGeneration) this.index.endBulk();
    }
    if (generation !== this.scanGeneration) return undefined;
    const caughtUp = record && { update: this.catchUp(record, stamps, cache), fromRecord: asRecorded };
    this.scanned = true;
    cache?.save();
    return { unreadableDirs, stamps: cache && this.openDocumentsOnDisk(stamps) ? stamps : undefined, ...(caughtUp ? { caughtUp } : {}) };
  }

  /**
   * Reads a listed file into the index, its stamp (with a persisted index) taken as it is read:
   * one open, its bytes hashed. Returns the characters read.
   */
  private readListed(uri: string, file: string, stamps: Map<string, InputStamp | undefined>, update: IndexUpdate | undefined, cache: ParseCache | undefined): number {
    const read = cache ? readStampedManifest(file, this.settings.forPath(file).maxFileSize) : this.readDisk(file);
    if (cache) stamps.set(uri, keyStampOf(file, read));
    this.indexOrNote(uri, read, update, cache);
    return 'text' in read ? read.text.length : 0;
  }

  /**
   * Brings the index from the recorded state to the files and documents as they are: each changed
   * or new file read, each gone one removed, each open document applied (those opened during the
   * scan too: an unchanged one is not parsed again); one update, as events make.
   */
  private catchUp(record: RecordedState, stamps: Map<string, InputStamp | undefined>, cache: ParseCache): IndexUpdate {
    const update = new IndexUpdate();
    const open = [...this.documents.all()].filter((doc) => !this.isConfig(doc.uri)).map((doc) => doc.uri);
    for (const uri of new Set([...record.changed, ...open])) {
      const doc = this.documents.get(uri);
      const fsPath = fsPathOf(uri);
      if (doc) {
        if (record.current.has(uri)) stamps.set(uri, record.current.get(uri));
        this.indexDocument(doc, update);
      } else if (!record.current.has(uri) || !fsPath) this.remove(uri, update);
      else this.readListed(uri, fsPath, stamps, update, cache);
    }
    this.packIndexed();
    return update;
  }

  // ---------- events (after the scan) ----------

  /** Documents opened or their text changed: they override the files on disk. */
  documentsChanged(docs: Iterable<OpenDocument>): IndexUpdate {
    this.updates++;
    const update = new IndexUpdate();
    for (const doc of docs) this.indexDocument(doc, update);
    this.packIndexed();
    return update;
  }

  /**
   * A document edited while the scan runs: indexed now, so requests read its text (the scan's end
   * finds it indexed at this text and leaves it); nothing is re-diagnosed until the scan is done.
   */
  documentEditedDuringScan(doc: OpenDocument): void {
    this.indexDocument(doc, undefined);
    this.packIndexed();
  }

  /** A document closed: the editor's unsaved text no longer counts; what is on disk does, if anything. */
  documentClosed(uri: string): IndexUpdate {
    this.updates++;
    const update = new IndexUpdate();
    const fsPath = fsPathOf(uri);
    if (fsPath && fs.existsSync(fsPath) && this.isWatched(fsPath)) this.indexFromDisk(uri, fsPath, update);
    else this.remove(uri, update);
    return update;
  }

  /**
   * A file or folder changed on disk (not a config file: the caller reloads settings for those).
   * Undefined when the change is not the index's business (an open document, a file not read).
   */
  fileChanged(uri: string, fsPath: string, type: FileChangeType): IndexUpdate | undefined {
    this.updates++;
    const update = new IndexUpdate();
    if (type === FileChangeType.Deleted) {
      // A deleted folder arrives as one event: drop every file below it too (open documents stay).
      const prefix = uri.endsWith('/') ? uri : uri + '/';
      for (const known of new Set([...this.index.fileUris(), ...this.notRead.keys()])) {
        if ((known === uri || known.startsWith(prefix)) && !this.documents.get(known)) this.remove(known, update);
      }
    } else {
      if (this.documents.get(uri) || !this.isWatched(fsPath)) return undefined;
      this.indexFromDisk(uri, fsPath, update);
    }
    this.rereadChart(fsPath, update);
    this.packIndexed();
    return update;
  }

  /** Whether a path is read as a manifest: a manifest extension, inside a folder, not excluded. */
  private isWatched(fsPath: string): boolean {
    return MANIFEST_EXTENSIONS.test(fsPath) && !this.isExcluded(fsPath) && this.settings.isInFolders(fsPath);
  }

  /**
   * A Chart.yaml or a chart's templates/ came or went: the chart's files change role (SPEC §2), so
   * its Chart.yaml and every indexed file under its templates/ are read again (unchanged ones are not).
   */
  private rereadChart(fsPath: string, update: IndexUpdate): void {
    const parts = fsPath.split(/[\\/]/);
    const at = path.basename(fsPath) === 'Chart.yaml' ? parts.length - 1 : parts.lastIndexOf('templates');
    if (at <= 0) return;
    const chartDir = parts.slice(0, at).join(path.sep) || path.sep;
    const chartUri = URI.file(path.join(chartDir, 'Chart.yaml')).toString();
    const prefix = URI.file(path.join(chartDir, 'templates')).toString() + '/';
    for (const known of [...this.index.fileUris()]) {
      if (known !== chartUri && !known.startsWith(prefix)) continue;
      const open = this.documents.get(known);
      const knownPath = fsPathOf(known);
      if (open) this.indexDocument(open, update);
      else if (knownPath) this.indexFromDisk(known, knownPath, update);
    }
  }

  // ---------- indexing ----------

  /** Takes a file out of the workspace, through the same dependents path as an edit. */
  private remove(uri: string, update: IndexUpdate): void {
    if (this.index.hasFile(uri)) update.record(this.index.removeFile(uri));
    this.indexedHash.delete(uri);
    this.notRead.delete(uri);
    update.removed.add(uri);
  }

  /** Reads one file from disk into the index, or records why it was not read. */
  private indexFromDisk(uri: string, fsPath: string, update: IndexUpdate): void {
    this.indexOrNote(uri, this.readDisk(fsPath), update);
  }

  /**
   * An open document, within the same `k8sNetmap.maxFileSize` as files on disk: a larger one gets
   * the same note and is not read (its text in the editor is left as it is).
   */
  private indexDocument(doc: OpenDocument, update: IndexUpdate | undefined): void {
    const maxFileSize = this.settings.forPath(fsPathOf(doc.uri)).maxFileSize;
    const text = doc.getText();
    // UTF-16 length is a lower bound of the UTF-8 size, and cheap; measure bytes only near the limit.
    const size = text.length > maxFileSize / 3 ? Buffer.byteLength(text, 'utf8') : text.length;
    this.indexOrNote(doc.uri, size > maxFileSize ? { skipped: tooLargeReason(size, maxFileSize) } : { text }, update);
    // Indexed: the model holds what the server reads of it, so the text is kept deflated until it is edited (packIndexed).
    this.toPack.push(doc);
  }

  /** Keeps the documents indexed since the last call deflated (openDocuments.ts), those still open. */
  private packIndexed(): void {
    packDocuments(this.toPack.filter((doc) => this.documents.get(doc.uri) === doc));
    this.toPack = [];
  }

  /**
   * Indexes text, or records why a file or document was not read. `update` collects what changed;
   * the scan passes none (it re-diagnoses everything when done, so dependents are not worked out).
   */
  private indexOrNote(uri: string, read: { text: string; stamp?: FileStamp } | { skipped: string }, update: IndexUpdate | undefined, cache?: ParseCache): void {
    update?.dirty.add(uri);
    if ('skipped' in read) {
      if (this.index.hasFile(uri)) {
        const change = this.index.removeFile(uri);
        update?.record(change);
      }
      this.indexedHash.delete(uri);
      if (read.skipped.startsWith('not read: ENOENT')) this.notRead.delete(uri);
      else this.notRead.set(uri, { uri, span: { start: 0, end: 0 }, severity: 'info', code: 'file-not-read', message: `k8s-netmap: ${read.skipped}.`, related: [] });
      return;
    }
    this.notRead.delete(uri);
    this.indexText(uri, read.text, update, cache, read.stamp);
  }

  /**
   * Indexes a file by its model in the persisted index, its stamp taken just before (no second read);
   * false when there is no stamp, or the file was not read for its size or content, or the persisted
   * index holds no model with that stamp (then the file is read).
   */
  private indexFromStamp(uri: string, fsPath: string, stamp: InputStamp | undefined, cache: ParseCache): boolean {
    if (!stamp || stamp.readKey.startsWith(NOT_READ)) return false;
    const role = helmReadOptions(fsPath);
    const options = { ...role, fast: true, defaultNamespace: this.index.settings.defaultNamespace };
    // Should the entry not decode, the file is parsed from the text on disk now.
    const hit = cache.get(fsPath, readKeyOf(uri, options), stamp, () => parseFile(uri, fs.readFileSync(fsPath, 'utf8'), options));
    if (!hit) return false;
    this.notRead.delete(uri);
    // The stamp's hash is the text's (hashText of the same UTF-8), as indexText records it.
    this.indexedHash.set(uri, indexedKey(stamp.hash, role));
    this.guardedIndexing(uri, () => this.index.setParsed(uri, hit.decode()));
    return true;
  }

  /** Indexes a file through `set`; a reader that throws is logged, and the server and every other file go on. */
  private guardedIndexing(uri: string, set: () => IndexChange): IndexChange | undefined {
    try {
      return set();
    } catch (error) {
      // The reader never throws by design; if it does, keep the server and every other file alive.
      this.log.error(`k8s-netmap: could not read ${uri}: ${String(error)}`);
      return undefined;
    }
  }

  /** Indexes text unless identical text is already indexed. */
  private indexText(uri: string, text: string, update: IndexUpdate | undefined, cache: ParseCache | undefined, stamp?: FileStamp): void {
    const fsPath = fsPathOf(uri);
    const role = fsPath ? helmReadOptions(fsPath) : {};
    // Open documents take the cold reader too: it gives `yaml`'s model wherever it accepts a file
    // (test/unit/fastParse.test.ts), hands the rest to `yaml`, and nothing reads `yaml`'s documents
    // after the model is built (quick fixes and completion work on the model and the text).
    const helm = { ...role, fast: true };
    // The Helm role is part of what was indexed (a Chart.yaml appearing changes it, not the text);
    // where the text came from is not, so a file opened with the text read from disk is not parsed again.
    const hash = indexedKey(hashText(text), role);
    if (this.indexedHash.get(uri) === hash && this.index.hasFile(uri)) return;
    update?.reread.add(uri);
    this.indexedHash.set(uri, hash);
    const change = this.guardedIndexing(uri, () =>
      cache && fsPath
        ? this.index.setParsed(uri, parseCached(cache, fsPath, uri, text, { ...helm, defaultNamespace: this.index.settings.defaultNamespace }, stamp))
        : this.index.setFile(uri, text, helm),
    );
    if (change) update?.record(change);
  }
}
