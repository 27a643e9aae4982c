// The persisted index (SPEC §8, `--cache DIR` and the server's workspace storage): each file's parsed
// model, kept between runs, so that a file whose size, mtime and content hash are unchanged is not
// parsed again. Node I/O; the WorkspaceIndex stays I/O-free and takes the models with `setParsed`.
//
// One file in DIR, `k8s-netmap-index.jsonl`:
//   line 1: {"k8sNetmap": VERSION, "format": CACHE_FORMAT}
//   then one line per file: <meta JSON> TAB <ParsedFile JSON>   (JSON never holds a raw tab)
//   last line: {"sha1": <hex of every byte between line 1 and the last line>}
// A cache of another version or format is ignored (and replaced on save). A cache whose checksum
// does not match, or that cannot be read as above, is corrupt: it is discarded with a note and
// never trusted. The file stays one buffer: an entry is decoded and parsed only when a file asks
// for it, and an entry left as it was is written back as the same bytes (memory and time of a warm
// run). The file is written in chunks, never as one string.
import { createHash, hash as digestOf } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedFile } from '../model/types';
import { parseFile, type ParseOptions } from '../yaml/parseFile';
import { VERSION } from '../buildInfo';

/** Bump when the shape of ParsedFile or what the reader puts in it changes. */
const CACHE_FORMAT = 1;
export const CACHE_FILE = 'k8s-netmap-index.jsonl';

interface EntryMeta {
  /** Absolute path of the file. */
  p: string;
  /** How the file was read (Helm role, default namespace): part of the key. */
  o: string;
  size: number;
  mtime: number;
  hash: string;
}

/** An entry of the file read, or one recorded in this run. */
type Entry = ReadEntry | FreshEntry;

interface ReadEntry {
  meta: EntryMeta;
  /** The ParsedFile as JSON (UTF-8), within the file read. */
  json: Buffer;
  /** Where the entry's whole line (newline included) stands in the file read: an entry left as it was is written back as those bytes. */
  line: { from: number; to: number };
}

interface FreshEntry {
  meta: EntryMeta;
  /** The ParsedFile as JSON (UTF-8), within `fresh`. */
  json: Buffer;
  /**
   * The entry's whole line as it is written. Bytes outside V8's heap: at L a first run's 93 MB of
   * them, kept as strings until saved, were marked again at every full collection.
   */
  fresh: Buffer;
}

/** What a file looks like on disk now; a cache entry is used only when all three match. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string;
}

/** SHA-1 of the file's UTF-8 bytes (a text is hashed as its UTF-8 encoding: the same digest). */
export function contentHash(content: string | Buffer): string {
  // The one-shot digest (Node 20.12 and later) spares a Hash object per file: a third of the
  // hashing's CPU on a warm run, which hashes every file.
  return typeof digestOf === 'function' ? digestOf('sha1', content, 'base64') : createHash('sha1').update(content).digest('base64');
}

interface ParseCacheOptions {
  /** The k8s-netmap version the cache belongs to (tests pass another to see it ignored). */
  version?: string;
  /** Where notes go (a corrupt cache, a cache that could not be written). */
  note?: (message: string) => void;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
  /** The body of the file read (between header and trailer), which entries read from it point into. */
  private body: Buffer | undefined;
  /** Keys used (hit or written) in this run. */
  private readonly used = new Set<string>();
  private dirty = false;
  readonly version: string;
  private readonly note: (message: string) => void;
  /** Figures of this run, for benchmarks and tests. */
  readonly stats = { hits: 0, misses: 0, discarded: false };

  private constructor(
    readonly dir: string,
    options: ParseCacheOptions,
  ) {
    this.version = options.version ?? VERSION;
    this.note = options.note ?? (() => undefined);
  }

  /**
   * Opens the cache in `dir` (created on save if absent). Never throws. The file is read at the
   * first question asked of it: a run answered from its results (resultCache.ts) never reads it.
   */
  static open(dir: string, options: ParseCacheOptions = {}): ParseCache {
    return new ParseCache(dir, options);
  }

  private loaded = false;

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    this.read();
  }

  get file(): string {
    return path.join(this.dir, CACHE_FILE);
  }

  /** Whether a persisted index is there to be read (of any version, readable or not), without reading it. */
  onDisk(): boolean {
    return this.loaded ? this.body !== undefined : fs.existsSync(this.file);
  }

  get size(): number {
    this.load();
    return this.entries.size;
  }

  private read(): void {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(this.file);
    } catch {
      return; // no cache yet
    }
    const discard = (why: string): void => {
      this.entries.clear();
      this.stats.discarded = true;
      this.dirty = true; // rewrite it
      this.note(`k8s-netmap: cache ${this.file} discarded (${why}); files are read again`);
    };
    const NL = 0x0a;
    const eol = raw.indexOf(NL);
    const header = parseJson(raw.toString('utf8', 0, eol === -1 ? raw.length : eol)) as { k8sNetmap?: unknown; format?: unknown } | undefined;
    if (typeof header !== 'object' || header === null) return discard('unreadable header');
    if (header.k8sNetmap !== this.version || header.format !== CACHE_FORMAT) {
      this.dirty = true; // another version's cache: ignored, replaced on save
      return;
    }
    // The trailer is the last line (the file ends with a newline).
    const end = raw.length > 0 && raw[raw.length - 1] === NL ? raw.length - 1 : raw.length;
    const trailerAt = raw.lastIndexOf(NL, end - 1) + 1;
    const trailer = trailerAt > eol + 1 ? (parseJson(raw.toString('utf8', trailerAt, end)) as { sha1?: unknown } | undefined) : undefined;
    if (typeof trailer?.sha1 !== 'string') return discard('no checksum');
    const body = raw.subarray(eol + 1, trailerAt);
    if (createHash('sha1').update(body).digest('hex') !== trailer.sha1) return discard('checksum mismatch');
    for (let at = 0; at < body.length; ) {
      const next = body.indexOf(NL, at);
      const lineEnd = next === -1 ? body.length : next;
      const tab = body.indexOf(0x09, at);
      if (tab === -1 || tab > lineEnd) return discard('unreadable entry');
      const meta = parseJson(body.toString('utf8', at, tab)) as EntryMeta | undefined;
      if (typeof meta?.p !== 'string' || typeof meta.o !== 'string' || typeof meta.hash !== 'string') return discard('unreadable entry');
      this.entries.set(keyOf(meta.p, meta.o), { meta, json: body.subarray(tab + 1, lineEnd), line: { from: at, to: lineEnd + 1 } });
      at = lineEnd + 1;
    }
    this.body = body;
  }

  /**
   * The cached model of a file read with `readKey`, if the file is unchanged; else undefined. The
   * model is decoded when asked for (`CachedModel.decode`), so a run that needs none decodes none.
   */
  get(absPath: string, readKey: string, stamp: FileStamp, reparse: () => ParsedFile): CachedModel | undefined {
    this.load();
    const key = keyOf(absPath, readKey);
    const e = this.entries.get(key);
    if (!e || e.meta.size !== stamp.size || e.meta.mtime !== stamp.mtimeMs || e.meta.hash !== stamp.hash) {
      this.stats.misses++;
      return undefined;
    }
    this.used.add(key);
    this.stats.hits++;
    return new CachedModel(() => this.decode(key, e) ?? reparse());
  }

  private decode(key: string, e: Entry): ParsedFile | undefined {
    try {
      return fromJson(e.json.toString('utf8'));
    } catch {
      // The checksum held, so we wrote this; still never trust it.
      this.entries.delete(key);
      this.dirty = true;
      this.stats.hits--;
      this.stats.misses++;
      return undefined;
    }
  }

  /** Records a freshly parsed model (call it before the index touches the objects). */
  put(absPath: string, readKey: string, stamp: FileStamp, parsed: ParsedFile): void {
    this.load();
    const key = keyOf(absPath, readKey);
    const meta: EntryMeta = { p: absPath, o: readKey, size: stamp.size, mtime: stamp.mtimeMs, hash: stamp.hash };
    const head = `${JSON.stringify(meta)}\t`;
    const fresh = Buffer.from(`${head}${toJson(parsed)}\n`);
    this.entries.set(key, { meta, json: fresh.subarray(Buffer.byteLength(head), fresh.length - 1), fresh });
    this.used.add(key);
    this.dirty = true;
  }

  /**
   * Writes the cache back (atomically: a temporary file renamed over it) when anything changed.
   * Entries not used in this run are kept if their file still exists (another run may read other
   * paths), and dropped otherwise. Never throws: a cache that cannot be written is a note.
   */
  save(): void {
    if (!this.loaded) return; // never asked: nothing to write
    for (const [key, e] of this.entries) {
      if (this.used.has(key)) continue;
      if (!fs.existsSync(e.meta.p)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    let fd: number | undefined;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const out = fs.openSync(tmp, 'w');
      fd = out;
      fs.writeSync(out, `${JSON.stringify({ k8sNetmap: this.version, format: CACHE_FORMAT })}\n`);
      const sha1 = createHash('sha1');
      const write = (bytes: Buffer): void => {
        sha1.update(bytes);
        fs.writeSync(out, bytes);
      };
      for (const part of this.bodyParts()) write(part);
      fs.writeSync(fd, `${JSON.stringify({ sha1: sha1.digest('hex') })}\n`);
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch (error) {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      this.note(`k8s-netmap: cache not written to ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }

  /**
   * The body to write, in order, in pieces of about CHUNK_BYTES or more: lines of entries left as
   * they were go as the bytes read, a run of them that stood together in the file as one piece of
   * it (no copy: after a few files changed, a save writes the file read in a few pieces); entries
   * written in this run are encoded in runs.
   */
  private *bodyParts(): Generator<Buffer> {
    const body = this.body;
    let kept: { from: number; to: number } | undefined;
    let fresh: Buffer[] = [];
    let freshBytes = 0;
    const flushKept = function* (): Generator<Buffer> {
      if (kept && body) yield body.subarray(kept.from, kept.to);
      kept = undefined;
    };
    const flushFresh = function* (): Generator<Buffer> {
      if (fresh.length > 0) yield Buffer.concat(fresh, freshBytes);
      fresh = [];
      freshBytes = 0;
    };
    for (const e of this.entries.values()) {
      if ('line' in e) {
        yield* flushFresh();
        if (kept && kept.to === e.line.from) kept.to = e.line.to;
        else {
          yield* flushKept();
          kept = { ...e.line };
        }
        continue;
      }
      yield* flushKept();
      fresh.push(e.fresh);
      freshBytes += e.fresh.length;
      if (freshBytes >= CHUNK_BYTES) yield* flushFresh();
    }
    yield* flushKept();
    yield* flushFresh();
  }
}

const CHUNK_BYTES = 1 << 20;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function keyOf(absPath: string, readKey: string): string {
  return `${readKey}\u0000${absPath}`;
}

// ParsedFile is plain data except `suppressions`, a Map (line → codes).
function toJson(parsed: ParsedFile): string {
  return JSON.stringify({ ...parsed, suppressions: [...parsed.suppressions] });
}

function fromJson(json: string): ParsedFile {
  const o = JSON.parse(json) as Omit<ParsedFile, 'suppressions'> & { suppressions: Array<[number, string[]]> };
  if (typeof o !== 'object' || o === null || !Array.isArray(o.objects) || !Array.isArray(o.suppressions)) throw new Error('not a parsed file');
  return { ...o, suppressions: new Map(o.suppressions) };
}

/** A model found in the cache, decoded on demand (parsed again should its entry not decode). */
export class CachedModel {
  constructor(readonly decode: () => ParsedFile) {}
}

/** What identifies one read of a file in the cache: how it was read and its size, mtime and content hash. */
export interface InputStamp extends FileStamp {
  path: string;
  readKey: string;
}

/** The stamp of a file read from disk at `absPath` (its text already read); undefined when it cannot be stat'ed. */
function stampOf(absPath: string, uri: string, text: string, options: ParseOptions): InputStamp | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absPath);
  } catch {
    return undefined;
  }
  return { path: absPath, readKey: readKeyOf(uri, options), size: stat.size, mtimeMs: stat.mtimeMs, hash: contentHash(text) };
}

/**
 * The cached model of a file read from disk at `absPath` (its text already read), if its size, mtime
 * and content hash are those recorded (`fileStamp` when taken as the file was read); else `store`
 * records the model once it is parsed. `stamp` is undefined when the file could not be stat'ed
 * (then nothing is cached).
 */
function lookupCached(
  cache: ParseCache,
  absPath: string,
  uri: string,
  text: string,
  options: ParseOptions,
  fileStamp?: FileStamp,
): { hit: CachedModel | undefined; store: (parsed: ParsedFile) => void; stamp: InputStamp | undefined } {
  const stamp = fileStamp ? { path: absPath, readKey: readKeyOf(uri, options), ...fileStamp } : stampOf(absPath, uri, text, options);
  if (stamp === undefined) return { hit: undefined, store: () => undefined, stamp };
  // Should a cached entry not decode, the file is parsed from the text on disk now.
  const reparse = (): ParsedFile => parseFile(uri, fs.readFileSync(absPath, 'utf8'), options);
  return { hit: cache.get(absPath, stamp.readKey, stamp, reparse), store: (parsed) => cache.put(absPath, stamp.readKey, stamp, parsed), stamp };
}

/**
 * The model of a file read from disk: from the cache when unchanged, else parsed (and recorded).
 * `fileStamp`: the file's stamp when taken as it was read (`readStampedManifest`), else it is taken now.
 */
export function parseCached(cache: ParseCache, absPath: string, uri: string, text: string, options: ParseOptions, fileStamp?: FileStamp): ParsedFile {
  const { hit, store } = lookupCached(cache, absPath, uri, text, options, fileStamp);
  if (hit) return hit.decode();
  const parsed = parseFile(uri, text, options);
  store(parsed);
  return parsed;
}

/** How a file is read, as part of its cache key: its URI and every option that changes its model. */
export function readKeyOf(uri: string, options: ParseOptions): string {
  return JSON.stringify([uri, options.helmTemplate ?? false, options.inHelmChart ?? false, options.helmChart ?? false, options.defaultNamespace ?? '']);
}

/** Whether a file is read as a Helm chart's (a template, a file in a chart, or the chart itself). */
export function isHelmRead(options: { helmTemplate?: unknown; inHelmChart?: unknown; helmChart?: unknown }): boolean {
  return options.helmTemplate === true || options.inHelmChart === true || options.helmChart === true;
}

/** What a read key (readKeyOf) says of the read: the file's URI, and whether it was read as a Helm chart's file. */
export function readKeyFacts(readKey: string): { uri: string; helm: boolean } | undefined {
  try {
    const [uri, helmTemplate, inHelmChart, helmChart] = JSON.parse(readKey) as [unknown, unknown, unknown, unknown];
    return typeof uri === 'string' ? { uri, helm: isHelmRead({ helmTemplate, inHelmChart, helmChart }) } : undefined;
  } catch {
    return undefined;
  }
}
