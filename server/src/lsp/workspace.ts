// The server's view of the workspace: its folders and settings, the open documents (which override
// disk), the workspace scan, and indexing of documents and files as they open, change, close, or
// change on disk. Every step returns an IndexUpdate saying what to re-diagnose and why; publishing
// is publisher.ts's job. A scan from a record (the warm start) takes its steps through warmStart.ts.
// About 420 lines: the scan and the events share one bookkeeping (indexed hashes, notes, generations).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType, TextDocuments } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { Analysis } from '../analysis/workspaceAnalysis';
import type { Finding } from '../features/rules';
import { DEFAULT_SETTINGS_IN_FORCE } from '../features/settings';
import { type FileStamp, type InputStamp, ParseCache, parseCached } from '../host/cache';
import { helmReadOptions, listManifestFiles, MANIFEST_EXTENSIONS, readManifestFile, readStampedManifest, tooLargeReason } from '../host/files';
import { type IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import { type ConfigurationAsk, fetchSettings, isConfigPath, WorkspaceSettings } from './folderSettings';
import { fsPathOf, hashText, IndexUpdate, type ScanProgress } from './indexUpdate';
import { keyStampOf, stampOfListed } from './persistedDiagnostics';
import { OPEN_DOCUMENTS, type OpenDocument, packDocuments } from './openDocuments';
import { openDocumentsOnDisk, type RecordIndexing, RecordedScan, type RecordedState, RequestHold } from './warmStart';

/** Files indexed per event-loop turn during a scan, so requests are answered while it runs. */
const SCAN_CHUNK = 100;
/** The scan also yields to other requests after reading this many bytes, whatever the file count. */
const SCAN_CHUNK_BYTES = 1_000_000;
/** …and after this long, on a slow or busy machine. */
const SCAN_SLICE_MS = 20;

/** What indexedHash records of a file: its text's hash and its Helm role (a Chart.yaml appearing changes the role, not the text). */
function indexedKey(textHash: string, role: object): string {
  return textHash + JSON.stringify(role);
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
   * Writes the persisted index (models parsed by the scan added, those of files gone dropped): left
   * to the caller, so that a warm start's recorded lists are not held back by it (at M about 0.2 s CPU).
   */
  saveCache(): void;
  /**
   * After a scan from a record (`RecordedState`): the update that brought the recorded state to
   * the files and documents as they are, and whether the index stood exactly as recorded before it
   * (every changed or removed file's recorded model was in the persisted index).
   */
  caughtUp?: { update: IndexUpdate; fromRecord: boolean };
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
  /** Requests wait on it while recorded diagnostics may be published before the index holds them (warmStart.ts). */
  readonly requestHold = new RequestHold();

  constructor(private readonly log: ServerLog) {}

  /** The index, replaced by each rebuild. */
  get index(): WorkspaceIndex {
    return this.currentIndex;
  }

  /** The analysis of the index, replaced with it. */
  get analysis(): Analysis {
    return this.currentAnalysis;
  }

  /** Whether `generation` is still the one to scan (no newer rebuild). */
  isCurrent(generation: number): boolean {
    return generation === this.scanGeneration;
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

  /** The window's settings and each folder's, over its k8s-netmap.yaml (folderSettings.ts's fetchSettings). */
  fetchSettings(ask: ConfigurationAsk | undefined): Promise<WorkspaceSettings> {
    return fetchSettings(this.folders, (uri) => this.documents.get(uri)?.getText(), ask);
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
    const record = cache && fromRecord && new RecordedScan(this.recordIndexing(stamps, cache), fromRecord, stamps);
    try {
      let bytesSinceYield = 0;
      let sliceStart = performance.now();
      for (const [i, file] of files.entries()) {
        if (generation !== this.scanGeneration) return undefined;
        const uri = URI.file(file).toString();
        if (!isConfigPath(this.folders, file)) {
          // An open document overrides the disk; a client that opens the whole workspace opens most files before the scan reaches them.
          const doc = record ? undefined : this.documents.get(uri);
          if (record) bytesSinceYield += record.indexListed(uri, file);
          else if (doc) {
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
      record?.indexGone();
      // Documents opened or changed since the loop read them, and unsaved ones outside the folders
      // (no yield: a document opened in between would be missed); closed ones count from disk again.
      // From a record, open documents are applied in catching up.
      for (const doc of record ? [] : this.documents.all()) {
        const seen = indexedOpen.get(doc.uri);
        if ((seen?.doc !== doc || seen.version !== doc.version) && !this.isConfig(doc.uri)) this.indexDocument(doc, undefined);
      }
      for (const uri of indexedOpen.keys()) {
        const fsPath = fsPathOf(uri);
        if (!this.documents.get(uri) && fsPath) this.readListed(uri, fsPath, stamps, undefined, cache);
      }
      this.packIndexed();
    } finally {
      if (generation === this.scanGeneration) this.index.endBulk();
    }
    if (generation !== this.scanGeneration) return undefined;
    const caughtUp = record?.catchUp();
    this.scanned = true;
    const saveCache = (): void => cache?.save();
    return { unreadableDirs, stamps: cache && openDocumentsOnDisk(this, stamps) ? stamps : undefined, saveCache, ...(caughtUp ? { caughtUp } : {}) };
  }

  /** The indexing steps a scan from a record takes (warmStart.ts), the stamps it reads into `stamps`. */
  private recordIndexing(stamps: Map<string, InputStamp | undefined>, cache: ParseCache): RecordIndexing {
    return {
      documents: this.documents,
      isConfig: (uri) => this.isConfig(uri),
      cache,
      defaultNamespace: this.index.settings.defaultNamespace,
      indexModel: (uri, textHash, role, model) => {
        this.notRead.delete(uri);
        this.indexedHash.set(uri, indexedKey(textHash, role));
        this.guardedIndexing(uri, () => this.index.setParsed(uri, model()));
      },
      readListed: (uri, file, update) => this.readListed(uri, file, stamps, update, cache),
      indexDocument: (doc, update) => this.indexDocument(doc, update),
      remove: (uri, update) => this.remove(uri, update),
      packIndexed: () => this.packIndexed(),
    };
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
