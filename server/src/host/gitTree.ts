// Reading manifests of a git revision from git's objects, without a checkout and without touching
// the working tree or the index: `git rev-parse`, `git ls-tree`, `git cat-file --batch`, run as
// the `git` binary with argument arrays (no shell). Reading objects runs no workspace code (no
// hooks, filters or attributes apply to ls-tree/cat-file). Node only, like files.ts.

import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { AnalysisSettings, ParsedFile } from '../model/types';
import { WorkspaceIndex } from '../index/workspaceIndex';
import { DEFAULT_MAX_FILE_SIZE } from '../model/settings';
import { ALWAYS_SKIPPED_DIRS, MANIFEST_EXTENSIONS, isHelmTemplatePath, unreadableReason } from './files';

export class GitError extends Error {}

interface RunResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

async function runGit(args: string[], cwd: string, input?: string): Promise<RunResult> {
  // Loaded when git is first run: a command that runs none (check) does not pay for the module.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    let child;
    try {
      // No fsmonitor hook even if the repository configures one: these commands need none.
      child = spawn('git', ['-c', 'core.fsmonitor=false', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
    } catch (error) {
      reject(new GitError(`cannot run git: ${(error as Error).message}`));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(new GitError(error.code === 'ENOENT' ? 'git is not installed (no `git` on PATH)' : `cannot run git: ${error.message}`)),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').trim() }));
    child.stdin.on('error', () => undefined); // git may exit before reading all input; its exit code says why
    child.stdin.end(input ?? '');
  });
}

/** The top folder of the git working tree holding `dir`; a GitError outside a repository. */
export async function gitToplevel(dir: string): Promise<string> {
  const r = await runGit(['rev-parse', '--show-toplevel'], dir);
  if (r.code !== 0) throw new GitError(`${dir} is not inside a git repository`);
  return path.resolve(r.stdout.toString('utf8').trim());
}

/** The commit a revision names (`HEAD`, `origin/main`, a hash…); a GitError when it names none. */
async function resolveCommit(top: string, rev: string): Promise<string> {
  if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) throw new GitError(`'${rev.slice(0, 100)}' is not a revision`);
  const r = await runGit(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`], top);
  if (r.code !== 0) throw new GitError(`unknown revision '${rev.slice(0, 100)}'`);
  return r.stdout.toString('utf8').trim();
}

interface GitFile {
  /** Where the file is (or would be) in the working tree. */
  absPath: string;
  text: string;
}

interface GitTreeRead {
  files: GitFile[];
  skipped: Array<{ absPath: string; reason: string }>;
  /** Every path of the tree under the roots (manifests or not), absolute: for Chart.yaml checks. */
  allPaths: Set<string>;
  /** Manifests not read because `known` said the caller has their content already. */
  known: string[];
}

/** Git's object id of a blob with these bytes (SHA-1 repositories). */
function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/**
 * The manifest files (`.yaml`, `.yml`, `.json`) of `commit` under `roots` (absolute paths inside
 * `top`; a root that is a file selects that file). Skips `node_modules`/`.git` folders, symlinks,
 * submodules, files over `maxSize` and binary files, as the working-tree reader does.
 */
async function readGitTree(
  top: string,
  commit: string,
  roots: string[],
  maxSize = DEFAULT_MAX_FILE_SIZE,
  known: (absPath: string, oid: string, allPaths: ReadonlySet<string>) => boolean = () => false,
): Promise<GitTreeRead> {
  const rels = roots.map((r) => path.relative(top, path.resolve(r)).split(path.sep).join('/'));
  if (rels.some((r) => r.startsWith('..') || path.isAbsolute(r))) throw new GitError(`a path is outside the repository ${top}`);
  const ls = await runGit(['ls-tree', '-r', '-z', '-l', '--full-tree', commit], top);
  if (ls.code !== 0) throw new GitError(`git ls-tree failed: ${ls.stderr.slice(0, 200)}`);

  const wanted: Array<{ rel: string; oid: string }> = [];
  const skipped: GitTreeRead['skipped'] = [];
  const allPaths = new Set<string>();
  const candidates: Array<{ rel: string; oid: string; absPath: string }> = [];
  for (const entry of ls.stdout.toString('utf8').split('\0')) {
    if (!entry) continue;
    // <mode> SP <type> SP <object> SP+ <size> TAB <path>
    const tab = entry.indexOf('\t');
    const [mode, type, oid, size] = entry.slice(0, tab).split(/ +/);
    const rel = entry.slice(tab + 1);
    if (!rels.some((r) => r === '' || rel === r || rel.startsWith(`${r}/`))) continue;
    const absPath = path.join(top, ...rel.split('/'));
    allPaths.add(absPath);
    if (type !== 'blob' || mode === '120000') continue;
    const isRootFile = rels.includes(rel);
    if (!isRootFile && !MANIFEST_EXTENSIONS.test(rel)) continue;
    if (rel.split('/').slice(0, -1).some((d) => ALWAYS_SKIPPED_DIRS.has(d))) continue;
    const tooLarge = unreadableReason(Number(size), Buffer.alloc(0), maxSize);
    if (tooLarge) {
      skipped.push({ absPath, reason: tooLarge });
      continue;
    }
    candidates.push({ rel, oid, absPath });
  }
  const knownPaths: string[] = [];
  for (const c of candidates) {
    if (known(c.absPath, c.oid, allPaths)) knownPaths.push(c.absPath);
    else wanted.push(c);
  }

  const files: GitFile[] = [];
  if (wanted.length > 0) {
    const cat = await runGit(['cat-file', '--batch'], top, wanted.map((w) => w.oid).join('\n') + '\n');
    if (cat.code !== 0) throw new GitError(`git cat-file failed: ${cat.stderr.slice(0, 200)}`);
    let at = 0;
    for (const w of wanted) {
      const nl = cat.stdout.indexOf(10, at);
      const header = cat.stdout.subarray(at, nl).toString('utf8').split(' ');
      const len = Number(header[2]);
      if (nl < 0 || header[1] !== 'blob' || !Number.isFinite(len)) throw new GitError(`unexpected git cat-file output for ${w.rel}`);
      const bytes = cat.stdout.subarray(nl + 1, nl + 1 + len);
      at = nl + 1 + len + 1;
      const absPath = path.join(top, ...w.rel.split('/'));
      const reason = unreadableReason(bytes.length, bytes.subarray(0, 8192), maxSize);
      if (reason) skipped.push({ absPath, reason });
      else files.push({ absPath, text: bytes.toString('utf8') });
    }
  }
  files.sort((a, b) => (a.absPath < b.absPath ? -1 : a.absPath > b.absPath ? 1 : 0));
  return { files, skipped, allPaths, known: knownPaths };
}

interface RevisionIndex {
  commit: string;
  index: WorkspaceIndex;
  fileCount: number;
  skipped: GitTreeRead['skipped'];
}

/**
 * An index of the manifests of `rev` under `roots`, each file at the URI it has (or would have) in
 * the working tree, so that its objects line up with the working tree's. `isExcluded` drops paths
 * as the workspace scan does. `reuse` may hand back the working tree's parse of a file whose
 * content has that blob id: it is shared instead of read and parsed again (not done when the
 * revision has kustomizations, whose namespaces the index writes into the objects, nor for Helm
 * templates).
 */
export async function indexRevision(
  top: string,
  rev: string,
  roots: string[],
  settings: Partial<AnalysisSettings>,
  isExcluded: (absPath: string) => boolean = () => false,
  maxSize = DEFAULT_MAX_FILE_SIZE,
  reuse?: (absPath: string, oid: string) => ParsedFile | undefined,
): Promise<RevisionIndex> {
  const commit = await resolveCommit(top, rev);
  const reused = new Map<string, ParsedFile>();
  let kustomized: boolean | undefined;
  const known = (absPath: string, oid: string, allPaths: ReadonlySet<string>): boolean => {
    if (!reuse) return false;
    kustomized ??= [...allPaths].some((p) => /^(kustomization\.ya?ml|Kustomization)$/.test(path.basename(p)));
    if (kustomized || isHelmTemplatePath(absPath, (p) => allPaths.has(p))) return false;
    const parsed = reuse(absPath, oid);
    if (parsed) reused.set(absPath, parsed);
    return parsed !== undefined;
  };
  const read = await readGitTree(top, commit, roots, maxSize, known);
  const index = new WorkspaceIndex(settings);
  let fileCount = 0;
  index.bulk(() => {
    for (const [absPath, parsed] of reused) {
      if (isExcluded(absPath)) continue;
      index.setParsed(URI.file(absPath).toString(), parsed);
      fileCount++;
    }
    for (const f of read.files) {
      if (isExcluded(f.absPath)) continue;
      // Chart.yaml is looked up in the revision's tree, not on disk.
      const helmTemplate = isHelmTemplatePath(f.absPath, (p) => read.allPaths.has(p));
      index.setFile(URI.file(f.absPath).toString(), f.text, { helmTemplate });
      fileCount++;
    }
  });
  return { commit, index, fileCount, skipped: read.skipped };
}

/**
 * A `reuse` for indexRevision from a working-tree index: a file's parse when `contentOf` gives the
 * bytes it was parsed from and they have the blob id asked for. None when the index has
 * kustomizations (their namespaces are written into the shared objects) or for Helm templates.
 */
export function reuseFromIndex(index: WorkspaceIndex, contentOf: (absPath: string) => Buffer | undefined): ((absPath: string, oid: string) => ParsedFile | undefined) | undefined {
  for (const f of index.parsedFiles()) if (f.kustomization) return undefined;
  return (absPath, oid) => {
    const parsed = index.file(URI.file(absPath).toString());
    if (!parsed || isHelmTemplatePath(absPath)) return undefined;
    const bytes = contentOf(absPath);
    return bytes && gitBlobId(bytes) === oid ? parsed : undefined;
  };
}
