// Finding and reading manifest files from disk (Node only). The WorkspaceIndex itself stays I/O-free.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { AnalysisSettings, ParsedFile } from '../model/types';
import { parseFile, type ParseOptions } from '../yaml/parseFile';
import { lookupCached, type ParseCache } from './cache';
import { WorkspaceIndex, type SetFileOptions } from './workspaceIndex';

export const MANIFEST_EXTENSIONS = /\.(?:ya?ml|json)$/i;
export const ALWAYS_SKIPPED_DIRS = new Set(['node_modules', '.git']);
export const DEFAULT_MAX_FILE_SIZE = 5_000_000;

/** Name used for manifests read from standard input. */
export const STDIN_URI = 'untitled:%3Cstdin%3E';

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
  if (path.basename(fsPath) === 'Chart.yaml' && exists(path.join(path.dirname(fsPath), 'templates'))) return { helmChart: true };
  if (helmChartDirOf(fsPath, exists) !== undefined) return { helmTemplate: true, inHelmChart: true };
  const parent = path.dirname(fsPath);
  if (path.basename(parent) === 'templates' && templatesDirHasActions(parent)) return { helmTemplate: true };
  return {};
}

/** The chart folder (with `Chart.yaml`) whose `templates/` holds this file, at any depth. */
export function helmChartDirOf(fsPath: string, exists: (p: string) => boolean = fs.existsSync): string | undefined {
  const parts = fsPath.split(/[\\/]/);
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] !== 'templates') continue;
    const chartDir = parts.slice(0, i).join(path.sep) || path.sep;
    if (exists(path.join(chartDir, 'Chart.yaml'))) return chartDir;
  }
  return undefined;
}

/** Reasons not to read a file as text, from its first bytes and size. */
export function unreadableReason(size: number, head: Buffer, maxSize: number): string | undefined {
  if (size > maxSize) {
    return `not read: ${(size / 1e6).toFixed(1)} MB is over the ${(maxSize / 1e6).toFixed(1)} MB limit (setting k8sNetmap.maxFileSize)`;
  }
  if (head.includes(0)) return 'not read: binary file';
  return undefined;
}

/** Lists manifest files under `root` (a file or a folder), skipping node_modules and .git. */
export function listManifestFiles(root: string, isExcluded: (absPath: string) => boolean = () => false): string[] {
  const out: string[] = [];
  // Real paths of the folders walked: a symlink back to an ancestor would otherwise list every
  // file under it again at each level, until the path grows too long (ELOOP).
  const seenDirs = new Set<string>();
  const walk = (p: string, isRoot: boolean): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      return; // deleted while we looked: nothing to read
    }
    if (stat.isDirectory()) {
      if (!isRoot && (ALWAYS_SKIPPED_DIRS.has(path.basename(p)) || isExcluded(p))) return;
      let real: string;
      try {
        real = fs.realpathSync(p);
      } catch {
        return;
      }
      if (seenDirs.has(real)) return;
      seenDirs.add(real);
      let entries: string[];
      try {
        entries = fs.readdirSync(p).sort();
      } catch {
        return;
      }
      for (const e of entries) walk(path.join(p, e), false);
    } else if (stat.isFile() && (isRoot || (MANIFEST_EXTENSIONS.test(p) && !isExcluded(p)))) {
      out.push(p);
    }
  };
  walk(path.resolve(root), true);
  return out;
}

/** Reads a file for indexing, or says why not. Never throws. */
export function readManifestFile(absPath: string, maxSize = DEFAULT_MAX_FILE_SIZE): { text: string } | { skipped: string } {
  try {
    // The size from stat first, so that a huge file is never read; then one read of the bytes.
    const size = fs.statSync(absPath).size;
    const tooLarge = unreadableReason(size, Buffer.alloc(0), maxSize);
    if (tooLarge) return { skipped: tooLarge };
    const bytes = fs.readFileSync(absPath);
    const reason = unreadableReason(bytes.length, bytes.subarray(0, 8192), maxSize);
    return reason ? { skipped: reason } : { text: bytes.toString('utf8') };
  } catch (error) {
    return { skipped: `not read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` };
  }
}

export interface LoadResult {
  index: WorkspaceIndex;
  /** Files given or found that could not be read, with why. */
  skipped: SkippedFile[];
  /** Number of files read. */
  fileCount: number;
}

/** Parses files off the main thread (host/parsePool.ts); the index only needs this much of it. */
export interface AsyncParser {
  parse(uri: string, text: string, options: ParseOptions): Promise<ParsedFile>;
  flush(): void;
}

export interface LoadOptions {
  /** The persisted index (`--cache DIR`): unchanged files are not parsed again. */
  cache?: ParseCache;
  /**
   * Parse in worker threads; models are indexed in file order all the same. A function makes the
   * pool only once `POOL_AFTER_FILES` files were read (a small run never starts workers).
   */
  pool?: AsyncParser | (() => AsyncParser | undefined);
}

export const POOL_AFTER_FILES = 1000;

/** Loads files and folders (and `-` for standard input) into a new index. */
export async function loadPaths(
  paths: string[],
  cwd: string,
  settings: Partial<AnalysisSettings> = {},
  readStdin?: () => Promise<string>,
  { cache, pool: poolOption }: LoadOptions = {},
): Promise<LoadResult> {
  let pool = typeof poolOption === 'function' ? undefined : poolOption;
  let makePool = typeof poolOption === 'function' ? poolOption : undefined;
  const index = new WorkspaceIndex(settings);
  const skipped: SkippedFile[] = [];
  const stdinText = paths.includes('-') && readStdin ? await readStdin() : undefined;
  const defaultNamespace = index.settings.defaultNamespace;
  // Every file's model in order (a promise while a worker parses it); without a pool each file is
  // parsed as soon as it is read, so that no text outlives its parse.
  const models: Array<{ uri: string; file: string | undefined; helm: SetFileOptions; text: string; model: ParsedFile | Promise<ParsedFile> }> = [];
  const modelOf = (file: string | undefined, uri: string, text: string, helm: SetFileOptions): ParsedFile | Promise<ParsedFile> => {
    const options = { ...helm, defaultNamespace };
    const cached = cache && file !== undefined ? lookupCached(cache, file, uri, text, options) : undefined;
    if (cached?.hit) return cached.hit;
    if (makePool && models.length >= POOL_AFTER_FILES) {
      pool = makePool(); // once, at the first file to parse past the threshold
      makePool = undefined;
    }
    const store = (parsed: ParsedFile): ParsedFile => (cached?.store(parsed), parsed);
    return pool ? pool.parse(uri, text, options).then(store) : store(parseFile(uri, text, options));
  };
  for (const p of paths) {
    if (p === '-') {
      if (stdinText !== undefined) models.push({ uri: STDIN_URI, file: undefined, helm: {}, text: '', model: modelOf(undefined, STDIN_URI, stdinText, {}) });
      continue;
    }
    const abs = path.resolve(cwd, p);
    if (!fs.existsSync(abs)) {
      skipped.push({ uri: URI.file(abs).toString(), reason: 'not found' });
      continue;
    }
    for (const file of listManifestFiles(abs)) {
      const uri = URI.file(file).toString();
      const read = readManifestFile(file);
      if ('skipped' in read) {
        skipped.push({ uri, reason: read.skipped });
        continue;
      }
      const helm = helmReadOptions(file);
      // A chart's template keeps its text: it may carry the chart's one note (below).
      models.push({ uri, file, helm, text: helm.inHelmChart ? read.text : '', model: modelOf(file, uri, read.text, helm) });
    }
  }
  pool?.flush();
  const parsed = await Promise.all(models.map((m) => m.model));
  // Charts whose templates were read without their Chart.yaml (paths naming templates only): the
  // chart's one note goes on its first template instead.
  const chartsRead = new Set<string>();
  const firstTemplate = new Map<string, { uri: string; text: string }>();
  index.bulk(() => {
    models.forEach(({ uri, file, helm, text }, i) => {
      index.setParsed(uri, parsed[i]!);
      if (file === undefined) return;
      if (helm.helmChart) chartsRead.add(path.dirname(file));
      const chart = helm.inHelmChart ? helmChartDirOf(file) : undefined;
      const first = chart === undefined ? undefined : firstTemplate.get(chart);
      if (chart !== undefined && (!first || uri < first.uri)) firstTemplate.set(chart, { uri, text });
    });
    for (const [chart, t] of firstTemplate) if (!chartsRead.has(chart)) index.setFile(t.uri, t.text, { helmTemplate: true });
  });
  return { index, skipped, fileCount: models.length };
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
