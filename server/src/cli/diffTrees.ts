// The two trees of `k8s-netmap diff`: two folders, a git revision and the working tree, or two
// revisions. Revisions are read from git's objects (index/gitTree.ts): no checkout, the working
// tree untouched.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { isHelmTemplatePath, loadPaths, type SkippedFile } from '../index/files';
import { GitError, gitToplevel, readGitTree, resolveCommit } from '../index/gitTree';
import { WorkspaceIndex } from '../index/workspaceIndex';
import type { AnalysisSettings } from '../model/types';

export class TreeError extends Error {}

export interface LoadedTree {
  /** How the tree is named in messages and the md table: a path, or `rev (abc1234)`. */
  label: string;
  index: WorkspaceIndex;
  skipped: SkippedFile[];
  fileCount: number;
}

export interface TreeSpec {
  base?: string;
  head?: string;
  paths: string[];
  settings: Partial<AnalysisSettings>;
}

export async function loadTrees(spec: TreeSpec, cwd: string): Promise<[LoadedTree, LoadedTree]> {
  if (spec.base === undefined) {
    const [a, b] = spec.paths;
    return [await loadFolder(a!, cwd, spec.settings), await loadFolder(b!, cwd, spec.settings)];
  }
  const target = path.resolve(cwd, spec.paths[0] ?? '.');
  if (!fs.existsSync(target)) throw new TreeError(`${spec.paths[0]}: not found`);
  const gitDir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  try {
    const top = await gitToplevel(gitDir);
    const old = await loadRevision(top, spec.base, target, spec.settings);
    const now = spec.head !== undefined ? await loadRevision(top, spec.head, target, spec.settings) : await loadFolder(target, cwd, spec.settings, 'working tree');
    return [old, now];
  } catch (error) {
    if (error instanceof GitError) throw new TreeError(error.message);
    throw error;
  }
}

async function loadFolder(p: string, cwd: string, settings: Partial<AnalysisSettings>, label?: string): Promise<LoadedTree> {
  if (!fs.existsSync(path.resolve(cwd, p))) throw new TreeError(`${p}: not found`);
  const { index, skipped, fileCount } = await loadPaths([p], cwd, settings);
  return { label: label ?? p, index, skipped, fileCount };
}

/** The manifests of `rev` under `target`, indexed at the paths they have in the working tree. */
export async function loadRevision(top: string, rev: string, target: string, settings: Partial<AnalysisSettings>): Promise<LoadedTree> {
  const commit = await resolveCommit(top, rev);
  const read = await readGitTree(top, commit, [target]);
  const index = new WorkspaceIndex(settings);
  index.bulk(() => {
    for (const f of read.files) {
      // Chart.yaml is looked up in the revision's tree, not on disk.
      const helmTemplate = isHelmTemplatePath(f.absPath, (p) => read.allPaths.has(p));
      index.setFile(URI.file(f.absPath).toString(), f.text, { helmTemplate });
    }
  });
  const skipped = read.skipped.map((s) => ({ uri: URI.file(s.absPath).toString(), reason: s.reason }));
  return { label: `${rev} (${commit.slice(0, 7)})`, index, skipped, fileCount: read.files.length };
}
