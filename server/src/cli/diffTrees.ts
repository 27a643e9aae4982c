// The two trees of `k8s-netmap diff`: two folders, a git revision and the working tree, or two
// revisions. Revisions are read from git's objects (index/gitTree.ts): no checkout, the working
// tree untouched.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import { loadPaths, type SkippedFile } from '../host/files';
import { GitError, gitToplevel, indexRevision, reuseFromIndex } from '../host/gitTree';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { AnalysisSettings, ParsedFile } from '../model/types';

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
    if (a === undefined || b === undefined) throw new TreeError('diff needs two paths (or --base REV)'); // the options check it first
    return [await loadFolder(a, cwd, spec.settings), await loadFolder(b, cwd, spec.settings)];
  }
  const target = path.resolve(cwd, spec.paths[0] ?? '.');
  if (!fs.existsSync(target)) throw new TreeError(`${spec.paths[0]}: not found`);
  const gitDir = fs.statSync(target).isDirectory() ? target : path.dirname(target);
  try {
    const top = await gitToplevel(gitDir);
    if (spec.head !== undefined) return [await loadRevision(top, spec.base, target, spec.settings), await loadRevision(top, spec.head, target, spec.settings)];
    // The working tree first: the revision's unchanged files share its parses.
    const now = await loadFolder(target, cwd, spec.settings, 'working tree');
    const reuse = reuseFromIndex(now.index, readBytes);
    return [await loadRevision(top, spec.base, target, spec.settings, reuse), now];
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
async function loadRevision(
  top: string,
  rev: string,
  target: string,
  settings: Partial<AnalysisSettings>,
  reuse?: (absPath: string, oid: string) => ParsedFile | undefined,
): Promise<LoadedTree> {
  const r = await indexRevision(top, rev, [target], settings, undefined, undefined, reuse);
  const skipped = r.skipped.map((s) => ({ uri: URI.file(s.absPath).toString(), reason: s.reason }));
  return { label: `${rev} (${r.commit.slice(0, 7)})`, index: r.index, skipped, fileCount: r.fileCount };
}

function readBytes(absPath: string): Buffer | undefined {
  try {
    return fs.readFileSync(absPath);
  } catch {
    return undefined;
  }
}
