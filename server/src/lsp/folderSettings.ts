// Settings per workspace folder (`contributes.configuration` declares `scope: resource`): each
// folder's `workspace/configuration` answer applies to the files under it; files outside every
// folder (an unsaved document, a file opened from elsewhere) take the window's settings.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { CONFIG_FILE_NAMES, layerSettings, readConfigFile } from '../features/config';
import type { Finding } from '../features/rules';
import { DEFAULT_SETTINGS_IN_FORCE, excludeMatcher, needsReindex, normalizeSettings, type Settings } from '../features/settings';
import { computeLineStarts } from '../model/positions';
import type { AnalysisSettings } from '../model/types';

interface FolderSettings {
  /** The folder's path on disk. */
  path: string;
  settings: Settings;
}

/** A folder's k8s-netmap.yaml as last read: its problems are published on it. */
export interface ConfigFileState {
  uri: string;
  lineStarts: readonly number[];
  findings: Finding[];
}

/** The config file at a folder's root (the first of CONFIG_FILE_NAMES that exists or is open). */
function configFileOf(folder: string, openText: (uri: string) => string | undefined): { uri: string; text: string } | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(folder, name);
    const uri = URI.file(file).toString();
    const open = openText(uri);
    if (open !== undefined) return { uri, text: open };
    try {
      if (fs.statSync(file).size > 1_000_000) return { uri, text: '' };
      return { uri, text: fs.readFileSync(file, 'utf8') };
    } catch {
      // not there: try the next name
    }
  }
  return undefined;
}

/**
 * A folder's settings: `editor` (its `k8sNetmap` answer, as explicitly set) over its config file.
 * Never throws: an invalid file gives findings, and its valid rest applies.
 */
export function folderSettings(
  folder: string,
  editor: unknown,
  filesExclude: unknown,
  openText: (uri: string) => string | undefined,
): { settings: Settings; config: ConfigFileState | undefined } {
  const file = configFileOf(folder, openText);
  if (!file) return { settings: normalizeSettings(editor, filesExclude), config: undefined };
  const read = readConfigFile(file.uri, file.text);
  return {
    settings: normalizeSettings(layerSettings(read.values, editor), filesExclude),
    config: { uri: file.uri, lineStarts: computeLineStarts(file.text), findings: read.findings },
  };
}

/** True for k8s-netmap.yaml / .k8s-netmap.yaml at the root of one of `folders`. */
export function isConfigPath(folders: readonly string[], fsPath: string): boolean {
  return (CONFIG_FILE_NAMES as readonly string[]).includes(path.basename(fsPath)) && folders.includes(path.dirname(fsPath));
}

function isInside(folder: string, fsPath: string): boolean {
  return relativeInside(folder, fsPath) !== undefined;
}

/**
 * `fsPath` relative to `folder` when inside it ('' for the folder itself), else undefined. A listed
 * path below the folder starts with it (path.relative, which resolves both, cost a warm start at M
 * 80 ms over its files, and more for the exclusions); any other case, such as another drive
 * letter's case on Windows or a dot segment (a dot folder's files too), is left to path.relative.
 */
function relativeInside(folder: string, fsPath: string): string | undefined {
  // A `.` or `..` segment, an empty one or a trailing separator would be resolved by path.relative, not sliced off.
  if (fsPath.startsWith(folder) && !fsPath.endsWith(path.sep) && !fsPath.includes(`${path.sep}.`) && !fsPath.includes(`${path.sep}${path.sep}`)) {
    if (fsPath.length === folder.length) return '';
    if (folder.endsWith(path.sep)) return fsPath.slice(folder.length);
    if (fsPath[folder.length] === path.sep) return fsPath.slice(folder.length + 1);
  }
  const rel = path.relative(folder, fsPath);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
}

/** Asks the client's `workspace/configuration` for these items, in one request. */
export type ConfigurationAsk = (items: Array<{ section: string; scopeUri?: string }>) => Promise<unknown[]>;

/**
 * The window's settings and each folder's (asked with the folder as `scopeUri`, in one request),
 * each over the folder's k8s-netmap.yaml (its open text, else the disk). `ask` is undefined when
 * the client cannot answer `workspace/configuration`.
 */
export async function fetchSettings(folders: readonly string[], openText: (uri: string) => string | undefined, ask: ConfigurationAsk | undefined): Promise<WorkspaceSettings> {
  const scopes: Array<string | undefined> = [undefined, ...folders.map((f) => URI.file(f).toString())];
  let answers: unknown[] = [];
  if (ask) {
    const items = scopes.flatMap((scopeUri) => [
      { section: 'k8sNetmap', ...(scopeUri ? { scopeUri } : {}) },
      { section: 'files.exclude', ...(scopeUri ? { scopeUri } : {}) },
    ]);
    answers = await ask(items).catch(() => []);
  }
  const configs = new Map<string, ConfigFileState>();
  const inFolders = folders.map((folder, i) => {
    const { settings, config } = folderSettings(folder, answers[2 * i + 2], answers[2 * i + 3], openText);
    if (config) configs.set(config.uri, config);
    return { path: folder, settings };
  });
  const window = ask ? normalizeSettings(answers[0], answers[1]) : DEFAULT_SETTINGS_IN_FORCE;
  return new WorkspaceSettings(inFolders, window, configs);
}

export class WorkspaceSettings {
  private readonly excluders: Array<{ folder: string; excluded: (rel: string) => boolean }>;

  constructor(
    readonly folders: readonly FolderSettings[],
    /** The window's settings (no scope): for files outside every folder. */
    readonly window: Settings,
    /** The folders' config files, by URI. */
    readonly configs: ReadonlyMap<string, ConfigFileState> = new Map(),
  ) {
    this.excluders = folders.map((f) => ({ folder: f.path, excluded: excludeMatcher(f.settings.exclude) }));
  }

  /** The innermost folder holding `fsPath`. */
  folderOf(fsPath: string): FolderSettings | undefined {
    let best: FolderSettings | undefined;
    for (const f of this.folders) if (isInside(f.path, fsPath) && (!best || f.path.length > best.path.length)) best = f;
    return best;
  }

  /** The settings in force for a file (`undefined`: a document without a path). */
  forPath(fsPath: string | undefined): Settings {
    return (fsPath !== undefined && this.folderOf(fsPath)?.settings) || this.window;
  }

  /** The largest size limit of any folder: a git revision spans folders, and reads what any of them would. */
  largestMaxFileSize(): number {
    return Math.max(this.window.maxFileSize, ...this.folders.map((f) => f.settings.maxFileSize));
  }

  isInFolders(fsPath: string): boolean {
    return this.folders.some((f) => isInside(f.path, fsPath));
  }

  /** Whether a folder holding `fsPath` excludes it (its globs are relative to that folder). */
  isExcluded(fsPath: string): boolean {
    for (const { folder, excluded } of this.excluders) {
      const rel = relativeInside(folder, fsPath);
      if (rel !== undefined && excluded(path.sep === '/' ? rel : rel.split(path.sep).join('/'))) return true;
    }
    return false;
  }

  /**
   * The settings of the one analysis that spans every folder. Namespaces default per file
   * (`forPath`); the ingress controller is one per cluster, so the first folder that configures
   * it decides (the window's setting when none does).
   */
  analysis(): AnalysisSettings {
    const configured = this.folders.find((f) => f.settings.analysis.ingressControllerConfigured);
    return (configured ?? { settings: this.window }).settings.analysis;
  }
}

/** True when the two differ in what shapes the index (namespaces, controller, exclusions, size limit). */
export function workspaceNeedsReindex(a: WorkspaceSettings, b: WorkspaceSettings): boolean {
  if (a.folders.length !== b.folders.length || needsReindex(a.window, b.window)) return true;
  if (needsReindex({ ...a.window, analysis: a.analysis() }, { ...b.window, analysis: b.analysis() })) return true;
  return a.folders.some((f, i) => {
    const g = b.folders[i];
    return !g || g.path !== f.path || needsReindex(f.settings, g.settings);
  });
}
