// The editor side of `k8s-netmap diff`: the connectivity changes between a git revision and the
// workspace (CONNECTIVITY_CHANGES_REQUEST), and the code lens saying what an unsaved edit of a
// NetworkPolicy opens or closes compared with the saved file. The revision is read from git's
// objects (index/gitTree.ts: the `git` binary, no checkout; reading objects runs no workspace code).

import { createHash } from 'node:crypto';
import type { CodeLens } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { diffConnectivity, sideOf } from '../analysis/diff';
import { ChangeAttributor, type Cause } from '../analysis/diff/attribution';
import { Analysis } from '../analysis/workspaceAnalysis';
import { changesByWorkload, editEffect, editEffectTitle, editScope } from '../features/connectivityChanges';
import { isHelmTemplatePath } from '../index/files';
import { GitError, gitToplevel, indexRevision, reuseFromIndex } from '../index/gitTree';
import { WorkspaceIndex } from '../index/workspaceIndex';
import type { ChangeCauseLocation, ConnectivityChangesResult } from '../protocol';
import { toRange } from './convert';

export interface ChangesHost {
  index(): WorkspaceIndex;
  /** The bytes a file was last indexed from, when that is what is on disk (no unsaved edit); else undefined. */
  indexedDiskBytes(absPath: string): Buffer | undefined;
  analysis(): Analysis;
  folders(): string[];
  isExcluded(absPath: string): boolean;
  maxFileSize(): number;
}

/** A cause as a location: objects of the workspace where they are now, removed ones where they were. */
function causeLocation(c: Cause, live: WorkspaceIndex, base: WorkspaceIndex, ref: string): ChangeCauseLocation {
  const o = c.object;
  const index = c.tree === 'before' ? base : live;
  const label = `${o.kind} ${o.namespace}/${o.name} ${c.change}${c.change === 'removed' ? ` (was in ${ref})` : ''}: ${c.role}`;
  return { uri: o.uri, range: toRange(index, o.uri, o.kindSpan), label: label.slice(0, 300), removed: c.tree === 'before' };
}

export async function connectivityChanges(host: ChangesHost, ref = 'HEAD'): Promise<ConnectivityChangesResult> {
  const empty = { ref, counts: { added: 0, removed: 0, changed: 0 }, groups: [] };
  const folders = host.folders();
  if (folders.length === 0) return { ...empty, error: 'no workspace folder is open' };
  const live = host.index();
  const base = new WorkspaceIndex(live.settings);
  try {
    const byTop = new Map<string, string[]>();
    for (const f of folders) {
      const top = await gitToplevel(f);
      byTop.set(top, [...(byTop.get(top) ?? []), f]);
    }
    // Files unchanged since the revision share the workspace's parse.
    const reuse = reuseFromIndex(live, (p) => host.indexedDiskBytes(p));
    for (const [top, roots] of byTop) {
      const rev = await indexRevision(top, ref, roots, live.settings, (p) => host.isExcluded(p), host.maxFileSize(), reuse);
      base.bulk(() => {
        for (const file of rev.index.parsedFiles()) base.setParsed(file.uri, file);
      });
    }
  } catch (error) {
    if (error instanceof GitError) return { ...empty, error: error.message };
    throw error;
  }
  const baseEngine = new Analysis(base).reachability();
  const liveEngine = host.analysis().reachability();
  const diff = diffConnectivity(sideOf(baseEngine), sideOf(liveEngine));
  const attributor = new ChangeAttributor({ index: base, engine: baseEngine }, { index: live, engine: liveEngine });
  return {
    ref,
    counts: { added: diff.added.length, removed: diff.removed.length, changed: diff.changed.length },
    groups: changesByWorkload(diff, attributor).map((g) => ({
      workload: g.workload,
      changes: g.changes.map(({ row, causes }) => ({
        diffType: row.diffType,
        src: row.src,
        dst: row.dst,
        ref1: row.ref1,
        ref2: row.ref2,
        ...(row.workloadsDiffInfo ? { workloadsDiffInfo: row.workloadsDiffInfo } : {}),
        causes: causes.map((c) => causeLocation(c, live, base, ref)),
      })),
    })),
  };
}

/**
 * The "unsaved edit" lens. The saved state's engine is built once per edited file and saved text
 * (reusing every other file's parse) and kept until another file changes, so that keystrokes cost
 * only the pairs around the workloads of the edited policies' namespaces.
 */
export class UnsavedEditLens {
  private cached: { index: WorkspaceIndex; uri: string; savedHash: string; analysis: Analysis } | undefined;
  /** The live index whose changes drop the cache when they touch another file. */
  private watched: WorkspaceIndex | undefined;

  constructor(private readonly host: ChangesHost) {}

  lens(uri: string, savedText: string | undefined): CodeLens | undefined {
    const live = this.host.index();
    const file = live.file(uri);
    if (!file || savedText === undefined) return undefined;
    const policies = file.objects.filter((o) => o.type === 'networkpolicy');
    if (policies.length === 0 || file.kustomization) return undefined;
    const saved = this.savedAnalysis(live, uri, savedText);
    if (!saved) return undefined;
    const savedFile = saved.index.file(uri);
    // Sharing parsed files is only sound while the edit leaves kustomize namespaces alone.
    if (savedFile?.kustomization) return undefined;
    const namespaces = new Set([...policies, ...(savedFile?.objects ?? []).filter((o) => o.type === 'networkpolicy')].map((o) => o.namespace));
    const liveEngine = this.host.analysis().reachability();
    const savedEngine = saved.reachability();
    const scope = editScope([liveEngine, savedEngine], uri, namespaces);
    const title = editEffectTitle(editEffect(savedEngine, liveEngine, scope));
    return { range: toRange(live, uri, policies[0]!.kindSpan), command: { title, command: '' } };
  }

  private savedAnalysis(live: WorkspaceIndex, uri: string, savedText: string): Analysis | undefined {
    const savedHash = createHash('sha1').update(savedText).digest('base64');
    const c = this.cached;
    if (this.watched !== live) {
      this.watched = live;
      live.onDidChange((change) => {
        const cachedUri = this.cached?.uri;
        if (cachedUri !== undefined && [...change.uris].some((u) => u !== cachedUri)) this.cached = undefined;
      });
    }
    if (c && c.index === live && c.uri === uri && c.savedHash === savedHash) return c.analysis;
    const index = new WorkspaceIndex(live.settings);
    index.bulk(() => {
      for (const f of live.parsedFiles()) if (f.uri !== uri) index.setParsed(f.uri, f);
      index.setFile(uri, savedText, { helmTemplate: isHelmTemplatePath(uriPath(uri)) });
    });
    const analysis = new Analysis(index);
    this.cached = { index: live, uri, savedHash, analysis };
    return analysis;
  }
}

function uriPath(uri: string): string {
  try {
    return URI.parse(uri).fsPath;
  } catch {
    return uri;
  }
}
