// The persisted index (SPEC §8, `--cache DIR` and the server's workspace storage): each file's parsed
// model, kept between runs, so that a file whose size, mtime and content hash are unchanged is not
// parsed again. Node I/O; the WorkspaceIndex stays I/O-free and takes the models with `setParsed`.
//
// One file in DIR, `k8s-netmap-index.jsonl`:
//   line 1: {"k8sNetmap": VERSION, "format": CACHE_FORMAT, "sha1": <hex of every byte after line 1>}
//   then one line per file: <meta JSON> TAB <ParsedFile JSON>   (JSON never holds a raw tab)
// A cache of another version or format is ignored (and replaced on save). A cache whose checksum
// does not match, or that cannot be read as above, is corrupt: it is discarded with a note and
// never trusted. Entries are parsed lazily, only when a file asks for one.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ParsedFile } from '../model/types';
import { parseFile, type ParseOptions } from '../yaml/parseFile';
import { VERSION } from '../version';

/** Bump when the shape of ParsedFile or what the reader puts in it changes. */
export const CACHE_FORMAT = 1;
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

interface Entry {
  meta: EntryMeta;
  /** The ParsedFile as JSON, as read or written. */
  json: string;
}

/** What a file looks like on disk now; a cache entry is used only when all three match. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
  hash: string;
}

export function contentHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

export interface ParseCacheOptions {
  /** The k8s-netmap version the cache belongs to (tests pass another to see it ignored). */
  version?: string;
  /** Where notes go (a corrupt cache, a cache that could not be written). */
  note?: (message: string) => void;
}

export class ParseCache {
  private readonly entries = new Map<string, Entry>();
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

  /** Opens the cache in `dir` (created on save if absent). Never throws. */
  static open(dir: string, options: ParseCacheOptions = {}): ParseCache {
    const cache = new ParseCache(dir, options);
    cache.read();
    return cache;
  }

  get file(): string {
    return path.join(this.dir, CACHE_FILE);
  }

  get size(): number {
    return this.entries.size;
  }

  private read(): void {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      return; // no cache yet
    }
    const discard = (why: string): void => {
      this.entries.clear();
      this.stats.discarded = true;
      this.dirty = true; // rewrite it
      this.note(`k8s-netmap: cache ${this.file} discarded (${why}); files are read again`);
    };
    const eol = raw.indexOf('\n');
    let header: { k8sNetmap?: unknown; format?: unknown; sha1?: unknown };
    try {
      header = JSON.parse(eol === -1 ? raw : raw.slice(0, eol)) as typeof header;
    } catch {
      return discard('unreadable header');
    }
    if (typeof header !== 'object' || header === null) return discard('unreadable header');
    if (header.k8sNetmap !== this.version || header.format !== CACHE_FORMAT) {
      this.dirty = true; // another version's cache: ignored, replaced on save
      return;
    }
    const body = eol === -1 ? '' : raw.slice(eol + 1);
    if (typeof header.sha1 !== 'string' || createHash('sha1').update(body).digest('hex') !== header.sha1) return discard('checksum mismatch');
    for (const line of body.split('\n')) {
      if (line === '') continue;
      const tab = line.indexOf('\t');
      let meta: EntryMeta;
      try {
        meta = JSON.parse(line.slice(0, tab)) as EntryMeta;
      } catch {
        return discard('unreadable entry');
      }
      if (tab === -1 || typeof meta?.p !== 'string' || typeof meta.o !== 'string' || typeof meta.hash !== 'string') return discard('unreadable entry');
      this.entries.set(keyOf(meta.p, meta.o), { meta, json: line.slice(tab + 1) });
    }
  }

  /** The cached model of a file read with `readKey`, if the file is unchanged; else undefined. */
  get(absPath: string, readKey: string, stamp: FileStamp): ParsedFile | undefined {
    const key = keyOf(absPath, readKey);
    const e = this.entries.get(key);
    if (!e || e.meta.size !== stamp.size || e.meta.mtime !== stamp.mtimeMs || e.meta.hash !== stamp.hash) {
      this.stats.misses++;
      return undefined;
    }
    let parsed: ParsedFile;
    try {
      parsed = fromJson(e.json);
    } catch {
      // The checksum held, so we wrote this; still never trust it.
      this.entries.delete(key);
      this.dirty = true;
      this.stats.misses++;
      return undefined;
    }
    this.used.add(key);
    this.stats.hits++;
    return parsed;
  }

  /** Records a freshly parsed model (call it before the index touches the objects). */
  put(absPath: string, readKey: string, stamp: FileStamp, parsed: ParsedFile): void {
    const key = keyOf(absPath, readKey);
    const meta: EntryMeta = { p: absPath, o: readKey, size: stamp.size, mtime: stamp.mtimeMs, hash: stamp.hash };
    this.entries.set(key, { meta, json: toJson(parsed) });
    this.used.add(key);
    this.dirty = true;
  }

  /**
   * Writes the cache back (atomically: a temporary file renamed over it) when anything changed.
   * Entries not used in this run are kept if their file still exists (another run may read other
   * paths), and dropped otherwise. Never throws: a cache that cannot be written is a note.
   */
  save(): void {
    for (const [key, e] of this.entries) {
      if (this.used.has(key)) continue;
      if (!fs.existsSync(e.meta.p)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const lines: string[] = [];
    for (const e of this.entries.values()) lines.push(`${JSON.stringify(e.meta)}\t${e.json}\n`);
    const body = lines.join('');
    const header = JSON.stringify({ k8sNetmap: this.version, format: CACHE_FORMAT, sha1: createHash('sha1').update(body).digest('hex') });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, `${header}\n${body}`);
      fs.renameSync(tmp, this.file);
      this.dirty = false;
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      this.note(`k8s-netmap: cache not written to ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
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

/**
 * The cached model of a file read from disk at `absPath` (its text already read), if its size, mtime
 * and content hash are those recorded; else `store` records the model once it is parsed.
 */
export function lookupCached(
  cache: ParseCache,
  absPath: string,
  uri: string,
  text: string,
  options: ParseOptions,
): { hit: ParsedFile | undefined; store: (parsed: ParsedFile) => void } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(absPath);
  } catch {
    return { hit: undefined, store: () => undefined };
  }
  const readKey = readKeyOf(uri, options);
  const stamp: FileStamp = { size: stat.size, mtimeMs: stat.mtimeMs, hash: contentHash(text) };
  return { hit: cache.get(absPath, readKey, stamp), store: (parsed) => cache.put(absPath, readKey, stamp, parsed) };
}

/** The model of a file read from disk: from the cache when unchanged, else parsed (and recorded). */
export function parseCached(cache: ParseCache, absPath: string, uri: string, text: string, options: ParseOptions): ParsedFile {
  const { hit, store } = lookupCached(cache, absPath, uri, text, options);
  if (hit) return hit;
  const parsed = parseFile(uri, text, options);
  store(parsed);
  return parsed;
}

/** How a file is read, as part of its cache key: its URI and every option that changes its model. */
export function readKeyOf(uri: string, options: ParseOptions): string {
  return JSON.stringify([uri, options.helmTemplate ?? false, options.inHelmChart ?? false, options.helmChart ?? false, options.defaultNamespace ?? '']);
}
