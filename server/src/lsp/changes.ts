// The editor side of `k8s-netmap diff`: the connectivity changes between a git revision and the
// workspace (CONNECTIVITY_CHANGES_REQUEST), and the code lens saying what an unsaved edit of a
// NetworkPolicy opens or closes compared with the saved file. The revision is read from git's
// objects (index/gitTree.ts: the `git` binary, no checkout; reading objects runs no workspace code).

import type { CodeLens } from 'vscode-languageserver/node';
import { URI } from 'vscode-uri';
import { diffConnectivity, sideOf, type ConnectivityDiff } from '../analysis/diff';
import { changesOnGraph } from '../analysis/diff/onGraph';
import { workloadNodeId } from '../analysis/graph/builder';
import type { ReachabilityEngine } from '../analysis/reachability';
import { ChangeAttributor, type Cause } from '../analysis/diff/attribution';
import { Analysis } from '../analysis/workspaceAnalysis';
import { changesByWorkload, editEffect, editEffectTitle, editScope } from '../features/connectivityChanges';
import { isHelmTemplatePath } from '../host/files';
import { GitError, gitToplevel, indexRevision, reuseFromIndex } from '../host/gitTree';
import { WorkspaceIndex } from '../index/workspaceIndex';
import type { Graph } from '../model/graph';
import type { ChangeCauseLocation, ConnectivityChangesResult, GraphChangesResult } from '../protocol';
import { toRange } from './convert';
import { SavedBaseline, textHash } from './savedBaseline';

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

/** The revision's index and engine next to the workspace's, and their connectivity diff. */
interface Baseline {
  base: WorkspaceIndex;
  baseEngine: ReachabilityEngine;
  liveEngine: ReachabilityEngine;
  diff: ConnectivityDiff;
}

/** Reads the revision from git and diffs it with the workspace; a string says why it cannot. */
async function baseline(host: ChangesHost, ref: string): Promise<Baseline | string> {
  const folders = host.folders();
  if (folders.length === 0) return 'no workspace folder is open';
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
    if (error instanceof GitError) return error.message;
    throw error;
  }
  const baseEngine = new Analysis(base).reachability();
  const liveEngine = host.analysis().reachability();
  return { base, baseEngine, liveEngine, diff: diffConnectivity(sideOf(baseEngine), sideOf(liveEngine)) };
}

export async function connectivityChanges(host: ChangesHost, ref = 'HEAD'): Promise<ConnectivityChangesResult> {
  const b = await baseline(host, ref);
  if (typeof b === 'string') return { ref, counts: { added: 0, removed: 0, changed: 0 }, groups: [], error: b };
  const { base, baseEngine, liveEngine, diff } = b;
  const live = host.index();
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

/** Most change edges the diagram draws: a revision that changes everything would bury the picture. */
const MAX_GRAPH_CHANGES = 2000;

/** The diagram's Changes layer: the same diff, laid onto the current graph. */
export async function graphChanges(host: ChangesHost, graph: Graph, ref = 'HEAD'): Promise<GraphChangesResult> {
  const b = await baseline(host, ref);
  if (typeof b === 'string') return { ref, edges: [], nodes: [], error: b };
  const controller = host.analysis().detectedIngressController();
  const controllerId = controller ? workloadNodeId(controller) : undefined;
  return { ref, ...changesOnGraph(b.diff, graph, { maxEdges: MAX_GRAPH_CHANGES, ...(controllerId ? { controllerId } : {}) }) };
}

/**
 * The "unsaved edit" lens. The saved state is a mirror of the workspace with the edited file's
 * saved text, kept up to date incrementally (savedBaseline.ts) and built ahead of the first edit
 * (`prepare`), so that keystrokes cost only the pairs around the workloads of the edited
 * policies' namespaces.
 */
export class UnsavedEditLens {
  readonly baseline = new SavedBaseline();
  private warmTimer: NodeJS.Timeout | undefined;

  constructor(private readonly host: ChangesHost) {}

  lens(uri: string, savedText: string | undefined): CodeLens | undefined {
    const live = this.host.index();
    const file = live.file(uri);
    if (!file || savedText === undefined) return undefined;
    const isPolicy = (o: { type: string }): boolean => o.type === 'networkpolicy' || o.type === 'adminpolicy';
    const policies = file.objects.filter(isPolicy);
    if (policies.length === 0 || file.kustomization) return undefined;
    const saved = this.baseline.analysisFor(live, uri, savedText, { helmTemplate: isHelmTemplatePath(uriPath(uri)) });
    const savedFile = saved.index.file(uri);
    // Sharing parsed files is only sound while the edit leaves kustomize namespaces alone.
    if (savedFile?.kustomization) return undefined;
    const both = [...policies, ...(savedFile?.objects ?? []).filter(isPolicy)];
    // ANPs and BANPs are cluster-wide: every namespace is in scope.
    const namespaces = both.some((o) => o.type === 'adminpolicy') ? new Set(live.namespaceNames()) : new Set(both.map((o) => o.namespace));
    const liveEngine = this.host.analysis().reachability();
    const savedEngine = saved.reachability();
    const scope = editScope([liveEngine, savedEngine], uri, namespaces);
    const title = editEffectTitle(editEffect(savedEngine, liveEngine, scope));
    return { range: toRange(live, uri, policies[0].kindSpan), command: { title, command: '' } };
  }

  /**
   * Builds the saved state soon, in the background, when `uri` (open in the editor, its text
   * `savedText` the same as on disk) holds NetworkPolicies: the first edit's lens then finds it ready.
   */
  prepare(uri: string, savedText: string): void {
    const file = this.host.index().file(uri);
    if (!file || file.kustomization || !file.objects.some((o) => o.type === 'networkpolicy')) return;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    const saved = { uri, hash: textHash(savedText), parsed: file };
    this.warmTimer = setTimeout(() => {
      this.warmTimer = undefined;
      this.baseline.warm(this.host.index(), saved);
    }, WARM_DELAY_MS);
    this.warmTimer.unref?.();
  }
}

/** Lets the requests that come with opening a file (diagnostics, lenses, hover) be answered first. */
const WARM_DELAY_MS = 200;

function uriPath(uri: string): string {
  try {
    return URI.parse(uri).fsPath;
  } catch {
    return uri;
  }
}
