// The warm start from a record of published diagnostics (persistedDiagnostics.ts): how the files
// stand against the record's stamps (compareWithRecord, each file read and hashed, not parsed);
// the scan that indexes them as recorded, by their models in the persisted index, and then catches
// up with what changed since as events would (RecordedScan); and requests held meanwhile, since
// recorded lists may be published before the index holds what they say (RequestHold).
import * as fs from 'node:fs';
import type { TextDocuments } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { type InputStamp, type ParseCache, readKeyOf } from '../host/cache';
import { helmReadOptions } from '../host/files';
import type { RecordedRun } from '../host/resultCache';
import type { ParsedFile } from '../model/types';
import { parseFile } from '../yaml/parseFile';
import { isConfigPath, type WorkspaceSettings } from './folderSettings';
import type { OpenDocument } from './openDocuments';
import { NOT_READ, sameInputStamp, settingsKey, stampOfListed } from './persistedDiagnostics';
import { fsPathOf, hashText, IndexUpdate } from './indexUpdate';

/** The comparison yields to other requests after this long, as the scan does (workspace.ts, SCAN_SLICE_MS). */
const COMPARE_SLICE_MS = 20;

/**
 * How the files stand against a record of published diagnostics (the warm start): the record's
 * stamps, the stamps now, and what differs.
 */
export interface RecordedState {
  /** The record's stamp of each file it covers, by path. */
  recorded: ReadonlyMap<string, InputStamp>;
  /** Each listed file's stamp now, by path (undefined: it could not be stamped). */
  current: ReadonlyMap<string, InputStamp | undefined>;
  /** Files changed, added or gone since the record, and open documents whose text is not their file's, by URI. */
  changed: ReadonlySet<string>;
}

/** What the comparison reads of the workspace. */
interface WorkspaceView {
  readonly settings: WorkspaceSettings;
  readonly folders: readonly string[];
  readonly documents: TextDocuments<OpenDocument>;
  isConfig(uri: string): boolean;
}

/**
 * How the files stand now against `recorded`, yielding as the scan does. Undefined when `superseded`
 * (a newer rebuild), when the settings are not the record's, or when more than `maxChanged` files (or
 * open documents) differ: reading the record's state first and catching up would then cost more
 * than a cold scan.
 */
export async function compareWithRecord(ws: WorkspaceView, files: readonly string[], recorded: RecordedRun<unknown>, maxChanged: number, superseded: () => boolean): Promise<RecordedState | undefined> {
  if (settingsKey(ws.settings) !== recorded.command) return undefined;
  // By path: only the files that differ are named by URI (URI.file for every file cost 0.1 s at M).
  const recordedByPath = new Map<string, InputStamp>();
  for (const [path, readKey, size, mtimeMs, hash] of recorded.stamps) recordedByPath.set(path, { path, readKey, size, mtimeMs, hash });
  const current = new Map<string, InputStamp | undefined>();
  const changed = new Set<string>();
  const differs = (uri: string): boolean => changed.add(uri).size > maxChanged;
  let sliceStart = performance.now();
  for (const file of files) {
    if (superseded()) return undefined;
    if (isConfigPath(ws.folders, file)) continue;
    const stamp = stampOfListed(file, ws.settings.forPath(file).maxFileSize);
    current.set(file, stamp);
    const was = recordedByPath.get(file);
    if ((!stamp || !was || !sameInputStamp(stamp, was)) && differs(URI.file(file).toString())) return undefined;
    if (performance.now() - sliceStart >= COMPARE_SLICE_MS) {
      await new Promise((r) => setImmediate(r));
      sliceStart = performance.now();
    }
  }
  if (superseded()) return undefined;
  for (const path of recordedByPath.keys()) if (!current.has(path) && differs(URI.file(path).toString())) return undefined;
  for (const doc of ws.documents.all()) {
    if (ws.isConfig(doc.uri)) continue;
    const fsPath = fsPathOf(doc.uri);
    const stamp = fsPath === undefined ? undefined : current.get(fsPath);
    if ((!stamp || stamp.hash !== hashText(doc.getText())) && differs(doc.uri)) return undefined;
  }
  return { recorded: recordedByPath, current, changed };
}

/**
 * Whether every open document's text is its file's on disk, as stamped (by URI). If not (or it has
 * no file listed), its diagnostics, and its dependents', are the editor's text's: never recorded.
 */
export function openDocumentsOnDisk(ws: Pick<WorkspaceView, 'documents' | 'isConfig'>, stamps: ReadonlyMap<string, InputStamp | undefined>): boolean {
  for (const doc of ws.documents.all()) {
    if (ws.isConfig(doc.uri)) continue;
    const stamp = stamps.get(doc.uri);
    if (!stamp || stamp.hash !== hashText(doc.getText())) return false;
  }
  return true;
}

/** The workspace's indexing steps that the record's scan takes (workspace.ts hands them over for one scan). */
export interface RecordIndexing {
  readonly documents: TextDocuments<OpenDocument>;
  isConfig(uri: string): boolean;
  /** The persisted index the scan reads models from, and the namespace its models were read under. */
  readonly cache: ParseCache;
  readonly defaultNamespace: string | undefined;
  /** Indexes a file by a model, as indexed from text of hash `textHash` in its Helm `role`. */
  indexModel(uri: string, textHash: string, role: object, model: () => ParsedFile): void;
  /** Reads a listed file as it is now into the index, its stamp into the scan's; returns the characters read. */
  readListed(uri: string, file: string, update: IndexUpdate | undefined): number;
  indexDocument(doc: OpenDocument, update: IndexUpdate): void;
  remove(uri: string, update: IndexUpdate): void;
  packIndexed(): void;
}

/**
 * A scan from a record: every file indexed as recorded (no parse), then brought to the files and
 * documents as they are (`catchUp`). `stamps` collects each file's stamp as the scan's key records it.
 */
export class RecordedScan {
  /** Whether the index stood exactly as recorded before catching up (every changed or gone file's recorded model was persisted). */
  private asRecorded = true;

  constructor(
    private readonly ws: RecordIndexing,
    private readonly state: RecordedState,
    private readonly stamps: Map<string, InputStamp | undefined>,
  ) {}

  /** A listed file as recorded (one added since is read in catching up); returns the characters read. */
  indexListed(uri: string, file: string): number {
    const was = this.state.recorded.get(file);
    if (!was) return 0;
    if (this.indexFromStamp(uri, file, was)) {
      if (!this.state.changed.has(uri)) this.stamps.set(uri, this.state.current.get(file));
      return 0;
    }
    // Not in the persisted index after all: read as it is now (for a changed file, what it was is lost).
    if (this.state.changed.has(uri)) this.asRecorded = false;
    return this.ws.readListed(uri, file, undefined);
  }

  /** Files gone since the record: as recorded, until catching up takes them out. */
  indexGone(): void {
    for (const [path, was] of this.state.recorded) {
      if (!this.state.current.has(path) && !this.indexFromStamp(URI.file(path).toString(), path, was)) this.asRecorded = false;
    }
  }

  /**
   * Indexes a file by its model in the persisted index, its stamp taken by the comparison (no second
   * read); false when the file was not read for its size or content, or the persisted index holds
   * no model with that stamp (then the file is read).
   */
  private indexFromStamp(uri: string, fsPath: string, stamp: InputStamp): boolean {
    if (stamp.readKey.startsWith(NOT_READ)) return false;
    const role = helmReadOptions(fsPath);
    const options = { ...role, fast: true, defaultNamespace: this.ws.defaultNamespace };
    // Should the entry not decode, the file is parsed from the text on disk now.
    const hit = this.ws.cache.get(fsPath, readKeyOf(uri, options), stamp, () => parseFile(uri, fs.readFileSync(fsPath, 'utf8'), options));
    if (!hit) return false;
    // The stamp's hash is the text's (hashText of the same UTF-8), as the workspace records indexed text.
    this.ws.indexModel(uri, stamp.hash, role, () => hit.decode());
    return true;
  }

  /**
   * Brings the index from the recorded state to the files and documents as they are: each changed
   * or new file read, each gone one removed, each open document applied (those opened during the
   * scan too: an unchanged one is not parsed again); one update, as events make, and whether the
   * index stood exactly as recorded before it.
   */
  catchUp(): { update: IndexUpdate; fromRecord: boolean } {
    const { ws, state } = this;
    const update = new IndexUpdate();
    const open = [...ws.documents.all()].filter((doc) => !ws.isConfig(doc.uri)).map((doc) => doc.uri);
    for (const uri of new Set([...state.changed, ...open])) {
      const doc = ws.documents.get(uri);
      const fsPath = fsPathOf(uri);
      const listed = fsPath !== undefined && state.current.has(fsPath);
      if (doc) {
        if (listed) this.stamps.set(uri, state.current.get(fsPath));
        ws.indexDocument(doc, update);
      } else if (!listed) ws.remove(uri, update);
      else ws.readListed(uri, fsPath, update);
    }
    ws.packIndexed();
    return { update, fromRecord: this.asRecorded };
  }
}

/**
 * Requests held from a start with a persisted index until it is known that no recorded diagnostics
 * are published, or else until the scan has read every file: the index is partial meanwhile, and
 * the analysis requests read is then worked out from the whole index.
 */
export class RequestHold {
  private holding: { done: Promise<void>; release: () => void } | undefined;

  /** Resolves once requests may read the index (at once, but after a warm start until the scan has read every file). */
  done(): Promise<void> {
    return this.holding?.done ?? Promise.resolve();
  }

  /** Requests wait from now until `release`. */
  hold(): void {
    if (this.holding) return;
    let release: () => void = () => undefined;
    const done = new Promise<void>((r) => (release = r));
    this.holding = { done, release };
  }

  /** The scan has read every file (or failed): waiting requests are answered. */
  release(): void {
    this.holding?.release();
    this.holding = undefined;
  }
}
