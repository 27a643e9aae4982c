// The host's file system (Node only): finding and reading manifest files, for the CLI and the
// language server. Outside the pure core, which never touches the disk. About 400 lines: listing,
// reading (plain or stamped for the persisted index) and loading share their limits and notes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { type SetFileOptions, WorkspaceIndex } from '../index/workspaceIndex';
import { DEFAULT_MAX_FILE_SIZE } from '../model/settings';
import { type AnalysisSettings, DEFAULT_SETTINGS, type ParsedFile } from '../model/types';
import { parseFile, type ParseOptions } from '../yaml/parseFile';
import { contentHash, type FileStamp, type InputStamp, type ParseCache, readKeyOf } from './cache';

export const MANIFEST_EXTENSIONS = /\.(?:ya?ml|json)$/i;
export const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Name used for manifests read from standard input. */
const STDIN_URI = 'untitled:%3Cstdin%3E';

export interface SkippedFile {
  uri: string;
  reason: string;
}

// Go template actions as Helm charts write them (`{{ .Values.x }}`, `{{- include "…" . }}`).
const HELM_ACTION = /\{\{-?\s*(?:\.Values|\.Release|\.Chart|include\s|template\s|toYaml\s|if\s|range\s|with\s|define\s)/;
const templatesDirCache = new Map<string, boolean>();

/** Whether a `templates/` folder holds Helm template actions in any of its files (cached per folder). */
function templatesDirHasActions(dir: string): boolean {
  let known = templatesDirCache.get(dir);
  if (known !== undefined) return known;
  known = false;
  try {
    for (const name of fs.readdirSync(dir)) {
      if (!/\.(?:ya?ml|tpl|txt)$/i.test(name)) continue;
      const file = path.join(dir, name);
      if (fs.statSync(file).size > 1_000_000) continue;
      if (HELM_ACTION.test(fs.readFileSync(file, 'utf8'))) {
        known = true;
        break;
      }
    }
  } catch {
    known = false;
  }
  templatesDirCache.set(dir, known);
  return known;
}

/**
 * A file under `templates/` (at any depth) of a folder that holds `Chart.yaml` is a Helm template;
 * so is a plain-looking file in a `templates/` folder whose other files hold Helm actions (a chart
 * copied without its `Chart.yaml`). `exists` is injected so that the server can answer it from its
 * own view of the disk.
 */
export function isHelmTemplatePath(fsPath: string, exists: (p: string) => boolean = fs.existsSync): boolean {
  return helmReadOptions(fsPath, exists).helmTemplate === true;
}

/**
 * How a file reads with respect to Helm charts (SPEC §2). A chart folder (one with `Chart.yaml`) is
 * a unit: every file under its `templates/` is a template, skipped without a note of its own, and
 * the chart's `Chart.yaml` carries the one `helm-template-skipped` note of the chart. A loose
 * template (a `templates/` folder with Helm actions but no `Chart.yaml`) keeps a note per file.
 */
export function helmReadOptions(fsPath: string, exists: (p: string) => boolean = fs.existsSync): SetFileOptions {
  // Most files are no chart's and under no `templates/` folder: their path is not taken apart.
  if (!fsPath.includes('templates') && !fsPath.endsWith('Chart.yaml')) return {};
  if (path.basename(fsPath) === 'Chart.yaml' && exists(path.join(path.dirname(fsPath), 'templates'))) return { helmChart: true };
  if (helmChartDirOf(fsPath, exists) !== undefined) return { helmTemplate: true, inHelmChart: true };
  const parent = path.dirname(fsPath);
  if (path.basename(parent) === 'templates' && templatesDirHasActions(parent)) return { helmTemplate: true };
  return {};
}

/** The chart folder (with `Chart.yaml`) whose `templates/` holds this file, at any depth. */
function helmChartDirOf(fsPath: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
  const parts = fsPath.split(/[\\/]/);
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] !== 'templates') continue;
    const chartDir = parts.slice(0, i).join(path.sep) || path.sep;
    if (exists(path.join(chartDir, 'Chart.yaml'))) return chartDir;
  }
  return undefined;
}

/**
 * Reasons not to read a file as text, from its bytes (all of them: a NUL after the first 8 KiB
 * makes a file binary too) and size.
 */
export function unreadableReason(size: number, bytes: Buffer, maxSize: number): string | undefined {
  if (size > maxSize) return tooLargeReason(size, maxSize);
  // UTF-16 with a byte order mark is text, not binary: say what it is.
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return 'not read: UTF-16 text (k8s-netmap reads UTF-8; save the file as UTF-8)';
  }
  if (bytes.includes(0)) return 'not read: binary file';
  return undefined;
}

/** The note for a file or an open document over `k8sNetmap.maxFileSize`. */
export function tooLargeReason(size: number, maxSize: number): string {
  return `not read: ${formatSize(size)} is over the ${formatSize(maxSize)} limit (setting k8sNetmap.maxFileSize)`;
}

/** `5.0 MB`, or bytes for sizes that would round to 0.1 MB or less. */
function formatSize(n: number): string {
  return n >= 150_000 ? `${(n / 1e6).toFixed(1)} MB` : `${n.toLocaleString('en-US')} bytes`;
}

/** Bytes of a manifest (a file or standard input) as text, or why they are not read. */
function decodeManifest(bytes: Buffer, maxSize = DEFAULT_MAX_FILE_SIZE): { text: string } | { skipped: string } {
  const reason = unreadableReason(bytes.length, bytes, maxSize);
  return reason ? { skipped: reason } : { text: bytes.toString('utf8') };
}

/**
 * Lists manifest files under `root` (a file or a folder), skipping node_modules and .git. Folders
 * that cannot be listed (no permission) are reported to `unreadable`, with the error code.
 */
export function listManifestFiles(
  root: string,
  isExcluded: (absPath: string) => boolean = () => false,
  unreadable: (absPath: string, reason: string) => void = () => undefined,
): string[] {
  const out: string[] = [];
  // Real paths of the folders walked: a symlink back to an ancestor would otherwise list every
  // file under it again at each level, until the path grows too long (ELOOP).
  const seenDirs = new Set<string>();
  // `known`: the entry's type from its folder's listing, which spares a stat per file; links and
  // other types are stat'ed (links followed), as is the root.
  // `knownReal`: the real path of a folder listed as a folder (not a link) in a folder whose real
  // path is known, which spares a realpath per folder (one system call per component of the path).
  const walk = (p: string, isRoot: boolean, known?: 'file' | 'dir', knownReal?: string): void => {
    let type = known;
    if (type === undefined) {
      try {
        const stat = fs.statSync(p);
        type = stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : undefined;
      } catch {
        return; // deleted while we looked: nothing to read
      }
    }
    if (type === 'dir') {
      if (!isRoot && (ALWAYS_SKIPPED_DIRS.has(path.basename(p)) || isExcluded(p))) return;
      let real: string;
      try {
        real = knownReal ?? fs.realpathSync.native(p); // one system call, where the JavaScript one lstats every component
      } catch {
        return;
      }
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(p, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') unreadable(p, `folder not read: ${code ?? String(error)}`); // ENOENT: deleted while we looked
        return;
      }
      // A listed name is one component (no separator, no `..`): appended, not joined (path.join
      // normalizes the whole path again, for every entry).
      const prefix = p.endsWith(path.sep) ? p : p + path.sep;
      const realPrefix = real.endsWith(path.sep) ? real : real + path.sep;
      for (const e of entries) {
        const dir = e.isDirectory();
        walk(prefix + e.name, false, dir ? 'dir' : e.isFile() ? 'file' : undefined, dir ? realPrefix + e.name : undefined);
      }
    } else if (type === 'file' && (isRoot || (MANIFEST_EXTENSIONS.test(p) && !isExcluded(p)))) {
      out.push(p);
    }
  };
  walk(path.resolve(root), true);
  return out;
}

/** Reads a file for indexing, or says why not. Never throws. */
export function readManifestFile(absPath: string, maxSize = DEFAULT_MAX_FILE_SIZE): { text: string } | { skipped: string } {
  let fd: number | undefined;
  try {
    // The size from the open file first, so that a huge file is never read; then one read of the bytes.
    fd = fs.openSync(absPath, 'r');
    const size = fs.fstatSync(fd).size;
    if (size > maxSize) return { skipped: tooLargeReason(size, maxSize) };
    // Read to the size just taken, as readFileSync would, without its second fstat (one per file);
    // a size of 0 may hide content (a special file): read to its end.
    return decodeManifest(size === 0 ? fs.readFileSync(fd) : readOpenFile(fd, size), maxSize);
  } catch (error) {
    return { skipped: `not read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** At most `size` bytes of an open file from its start (fewer when it shrank meanwhile), into `buffer` when given. */
function readOpenFile(fd: number, size: number, buffer: Buffer = Buffer.allocUnsafe(size)): Buffer {
  let length = 0;
  while (length < size) {
    const n = fs.readSync(fd, buffer, length, size - length, length);
    if (n === 0) break;
    length += n;
  }
  return buffer.subarray(0, length);
}

/**
 * Reads a file as `readManifestFile` does, with its stamp for the persisted index (size and mtime
 * from the open file, hash of the bytes read), from one open. Never throws.
 */
export function readStampedManifest(absPath: string, maxSize = DEFAULT_MAX_FILE_SIZE): { text: string; stamp: FileStamp } | { skipped: string; stamp?: FileStamp } {
  const read = readStampedBytes(absPath, maxSize);
  return 'bytes' in read ? { text: read.bytes.toString('utf8'), stamp: read.stamp } : read;
}

/**
 * One buffer that stamped reads reuse (files up to SCRATCH_MAX_BYTES): a warm run reads every file
 * only to hash it, and a buffer per file (30 MB at M, outside the heap) made V8 collect more often.
 */
let scratch: Buffer = Buffer.allocUnsafeSlow(0);
const SCRATCH_MAX_BYTES = 1 << 20;

function scratchFor(size: number): Buffer | undefined {
  if (size > SCRATCH_MAX_BYTES) return undefined;
  if (scratch.length < size) scratch = Buffer.allocUnsafeSlow(Math.min(SCRATCH_MAX_BYTES, Math.max(size, 2 * scratch.length, 64 * 1024)));
  return scratch;
}

/**
 * `readStampedManifest` without decoding the text (a run answered from the cache needs none). A
 * file not read for its size or content has a stamp too (a too-large one's hash is empty: its size
 * alone decides its note); one that could not be opened has none. The bytes are valid only until
 * the next call (they are read into a buffer shared by all calls): decode or copy them at once.
 */
export function readStampedBytes(absPath: string, maxSize: number): { bytes: Buffer; stamp: FileStamp } | { skipped: string; stamp?: FileStamp } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(absPath, 'r');
    const { size, mtimeMs } = fs.fstatSync(fd);
    if (size > maxSize) return { skipped: tooLargeReason(size, maxSize), stamp: { size, mtimeMs, hash: '' } };
    // The size just taken bounds the read (a file growing meanwhile is read to that size; its
    // stamp then differs on the next run).
    const bytes = readOpenFile(fd, size, scratchFor(size));
    const reason = unreadableReason(bytes.length, bytes, maxSize);
    const stamp = { size, mtimeMs, hash: contentHash(bytes) };
    return reason ? { skipped: reason, stamp } : { bytes, stamp };
  } catch (error) {
    return { skipped: `not read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface LoadResult {
  index: WorkspaceIndex;
  /** Files given or found that could not be read, with why. */
  skipped: SkippedFile[];
  /** Number of files read. */
  fileCount: number;
  /** Number of files found (read or not): 0 means no .yaml, .yml or .json file at all. */
  foundCount: number;
}

/** What the CLI says when nothing could be read: whether no manifest file was found at all. */
export function noInputMessage(result: Pick<LoadResult, 'fileCount' | 'foundCount'>): string {
  return result.foundCount === 0 ? 'no readable input: no .yaml, .yml or .json file found' : 'no readable input';
}

/** Parses files off the main thread (host/parsePool.ts); the index only needs this much of it. */
interface AsyncParser {
  parse(uri: string, text: string, options: ParseOptions): Promise<ParsedFile>;
  flush(): void;
}

export interface LoadOptions {
  /** Paths the settings exclude (`k8sNetmap.exclude`), and the size limit of a file. */
  isExcluded?: (absPath: string) => boolean;
  maxFileSize?: number;
  /** The persisted index (`--cache DIR`): unchanged files are not parsed again. */
  cache?: ParseCache;
  /**
   * Parse in worker threads; models are indexed in file order all the same. A function makes the
   * pool only once `POOL_AFTER_FILES` files were read (a small run never starts workers).
   */
  pool?: AsyncParser | (() => AsyncParser | undefined);
}

export const POOL_AFTER_FILES = 1000;

/** One input read by `readInputs`: its model (parsed, parsing, or waiting in the cache) and how it was read. */
interface ReadInput {
  uri: string;
  file: string | undefined;
  helm: SetFileOptions;
  /** The text of a chart's template (it may carry the chart's one note); '' otherwise. */
  text: string;
  /** A function when the model waits on the cache, or is recorded in it once indexed (`readInputs` with a cache). */
  model: ParsedFile | Promise<ParsedFile> | (() => ParsedFile | Promise<ParsedFile>);
}

/** What `readInputs` read: every input in order, with the persisted index's stamps when a cache is used. */
export interface ReadInputs {
  inputs: ReadInput[];
  skipped: SkippedFile[];
  foundCount: number;
  /** Whether standard input was among the inputs (its text has no stamp). */
  readStdin: boolean;
  /** Each file's cache stamp (read key, size, mtime, content hash) in input order, undefined for a file that could not be stat'ed; empty without a cache. */
  stamps: Array<InputStamp | undefined>;
  settings: Partial<AnalysisSettings>;
  /** Set when a file changed between its stamp and its indexing: the stamps do not describe the index. */
  changedWhileRead: boolean;
  /** Sends the parse jobs queued so far to the workers. */
  flush: () => void;
}

/** Loads files and folders (and `-` for standard input) into a new index. */
export async function loadPaths(
  paths: string[],
  cwd: string,
  settings: Partial<AnalysisSettings> = {},
  readStdin?: () => Promise<string | Buffer>,
  options: LoadOptions = {},
): Promise<LoadResult> {
  return indexInputs(await readInputs(paths, cwd, settings, readStdin, options));
}

/**
 * Finds and reads the inputs, parsing each file as it is read unless the cache holds its model
 * (decoded only when indexed: a caller with the run's results cached never decodes them).
 */
export async function readInputs(
  paths: string[],
  cwd: string,
  settings: Partial<AnalysisSettings> = {},
  readStdin?: () => Promise<string | Buffer>,
  { isExcluded, maxFileSize, cache, pool: poolOption }: LoadOptions = {},
): Promise<ReadInputs> {
  let pool = typeof poolOption === 'function' ? undefined : poolOption;
  let makePool = typeof poolOption === 'function' ? poolOption : undefined;
  const skipped: SkippedFile[] = [];
  const stamps: Array<InputStamp | undefined> = [];
  let foundCount = 0;
  const stdinInput = paths.includes('-') && readStdin ? await readStdin() : undefined;
  // Standard input is refused as binary or UTF-16 as a file is.
  const stdin = stdinInput === undefined ? undefined : decodeManifest(Buffer.isBuffer(stdinInput) ? stdinInput : Buffer.from(stdinInput, 'utf8'), Infinity);
  const defaultNamespace = { ...DEFAULT_SETTINGS, ...settings }.defaultNamespace; // as the index reads it
  // Every file's model in order (a promise while a worker parses it); without a pool each file is
  // parsed as soon as it is read, so that no text outlives its parse.
  const models: ReadInput[] = [];
  const result: ReadInputs = { inputs: models, skipped, foundCount: 0, readStdin: stdin !== undefined, stamps, settings, changedWhileRead: false, flush: () => pool?.flush() };
  let parses = 0;
  const parse = (uri: string, text: string, options: ParseOptions): ParsedFile | Promise<ParsedFile> => {
    if (makePool && parses++ >= POOL_AFTER_FILES) {
      pool = makePool(); // once, at the first file to parse past the threshold
      makePool = undefined;
    }
    return pool ? pool.parse(uri, text, options) : parseFile(uri, text, options);
  };
  const persisted = cache?.onDisk() ?? false;
  const modelOf = (file: string | undefined, uri: string, text: () => string, helm: SetFileOptions, fileStamp?: FileStamp): ReadInput['model'] => {
    // Nothing loaded here is open in an editor: the cold reader may read it (yaml/fastParse.ts).
    const options = { ...helm, defaultNamespace, fast: true };
    if (!cache || file === undefined) return parse(uri, text(), options);
    const readKey = readKeyOf(uri, options);
    const stamp: InputStamp | undefined = fileStamp && { path: file, readKey, ...fileStamp };
    stamps.push(stamp);
    if (!stamp) return parse(uri, text(), options);
    // The model, once parsed, recorded in the cache under the stamp of the text it was parsed from.
    const recorded = (model: ParsedFile | Promise<ParsedFile>, as: FileStamp): ParsedFile | Promise<ParsedFile> => {
      const store = (parsed: ParsedFile): ParsedFile => (cache.put(file, readKey, as, parsed), parsed);
      return model instanceof Promise ? model.then(store) : store(model);
    };
    // No persisted index to hold the file (a first run): it is parsed from the text just read, as
    // without a cache, not read again when indexed. It is recorded when indexed.
    if (!persisted) {
      const model = parse(uri, text(), options);
      return () => recorded(model, stamp);
    }
    // Otherwise the file is only stamped now and its text let go: its model is taken from the
    // cache (or the file read again and parsed) when indexed, so that a caller answered from its
    // persisted results (resultCache.ts) neither reads the index nor decodes nor parses anything.
    return () => {
      const hit = cache.get(file, readKey, stamp, () => parseFile(uri, fs.readFileSync(file, 'utf8'), options));
      if (hit) return hit.decode();
      const again = readStampedManifest(file, maxFileSize);
      // Changed since stamped: the run's stamps do not describe what was indexed.
      if (!('text' in again) || again.stamp.hash !== stamp.hash) result.changedWhileRead = true;
      return 'text' in again ? recorded(parse(uri, again.text, options), again.stamp) : parse(uri, '', options);
    };
  };
  for (const p of paths) {
    if (p === '-') {
      if (stdin === undefined) continue;
      foundCount++;
      if ('skipped' in stdin) skipped.push({ uri: STDIN_URI, reason: stdin.skipped });
      else models.push({ uri: STDIN_URI, file: undefined, helm: {}, text: '', model: modelOf(undefined, STDIN_URI, () => stdin.text, {}) });
      continue;
    }
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) {
      skipped.push({ uri: URI.file(abs).toString(), reason: 'not found' });
      continue;
    }
    for (const file of listManifestFiles(abs, isExcluded, (dir, reason) => skipped.push({ uri: URI.file(dir).toString(), reason }))) {
      foundCount++;
      const uri = URI.file(file).toString();
      // With a cache the text is decoded only where it is used now (a chart's template).
      const read = cache ? readStampedBytes(file, maxFileSize ?? DEFAULT_MAX_FILE_SIZE) : readManifestFile(file, maxFileSize);
      if ('skipped' in read) {
        skipped.push({ uri, reason: read.skipped });
        continue;
      }
      const helm = helmReadOptions(file);
      // With a cache the bytes are decoded only where the text is used now (a chart's template, a
      // file to parse); they are valid only until the next file is read.
      let text = 'text' in read ? read.text : undefined;
      const textOf = (): string => (text ??= 'text' in read ? read.text : read.bytes.toString('utf8'));
      const model = modelOf(file, uri, textOf, helm, 'stamp' in read ? read.stamp : undefined);
      // A chart's template keeps its text: it may carry the chart's one note (indexInputs).
      models.push({ uri, file, helm, text: helm.inHelmChart ? textOf() : '', model });
    }
  }
  pool?.flush();
  result.foundCount = foundCount;
  return result;
}

/** Builds the index of what `readInputs` read (waiting for the parse workers, decoding cached models). */
export async function indexInputs({ inputs: models, skipped, foundCount, settings, flush }: ReadInputs): Promise<LoadResult> {
  const index = new WorkspaceIndex(settings);
  const pending = models.map((m) => (typeof m.model === 'function' ? m.model() : m.model));
  flush();
  const parsed = await Promise.all(pending);
  // Charts whose templates were read without their Chart.yaml (paths naming templates only): the
  // chart's one note goes on its first template instead.
  const chartsRead = new Set<string>();
  const firstTemplate = new Map<string, { uri: string; text: string }>();
  index.bulk(() => {
    models.forEach(({ uri, file, helm, text }, i) => {
      index.setParsed(uri, parsed[i]);
      if (file === undefined) return;
      if (helm.helmChart) chartsRead.add(path.dirname(file));
      const chart = helm.inHelmChart ? helmChartDirOf(file) : undefined;
      const first = chart === undefined ? undefined : firstTemplate.get(chart);
      if (chart !== undefined && (!first || uri < first.uri)) firstTemplate.set(chart, { uri, text });
    });
    for (const [chart, t] of firstTemplate) if (!chartsRead.has(chart)) index.setFile(t.uri, t.text, { helmTemplate: true });
  });
  return { index, skipped, fileCount: models.length, foundCount };
}

/** A path for messages: relative to `cwd` for files, `<stdin>` for standard input. */
export function displayPath(uri: string, cwd: string): string {
  if (uri === STDIN_URI) return '<stdin>';
  try {
    const parsed = URI.parse(uri);
    if (parsed.scheme === 'file') return path.relative(cwd, parsed.fsPath) || path.basename(parsed.fsPath);
  } catch {
    // fall through
  }
  return uri;
}
