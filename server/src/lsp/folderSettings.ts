// Settings per workspace folder (`contributes.configuration` declares `scope: resource`): each
// folder's `workspace/configuration` answer applies to the files under it; files outside every
// folder (an unsaved document, a file opened from elsewhere) take the window's settings.
import * as path from 'node:path';
import type { AnalysisSettings } from '../model/types';
import { excludeMatcher, needsReindex, type Settings } from '../features/settings';

export interface FolderSettings {
  /** The folder's path on disk. */
  path: string;
  settings: Settings;
}

function isInside(folder: string, fsPath: string): boolean {
  const rel = path.relative(folder, fsPath);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

export class WorkspaceSettings {
  private readonly excluders: Array<{ folder: string; excluded: (rel: string) => boolean }>;

  constructor(
    readonly folders: readonly FolderSettings[],
    /** The window's settings (no scope): for files outside every folder. */
    readonly window: Settings,
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

  isInFolders(fsPath: string): boolean {
    return this.folders.some((f) => isInside(f.path, fsPath));
  }

  /** Whether a folder holding `fsPath` excludes it (its globs are relative to that folder). */
  isExcluded(fsPath: string): boolean {
    for (const { folder, excluded } of this.excluders) {
      if (isInside(folder, fsPath) && excluded(path.relative(folder, fsPath).split(path.sep).join('/'))) return true;
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
