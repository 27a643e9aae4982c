// The editor's connectivity changes (SPEC §4 diff, issue 13), in core terms:
// - changesByWorkload: a diff grouped by workload for the "Connectivity Changes" tree, each change
//   with the object changes that cause it (analysis/diff/attribution.ts);
// - editEffect / editEffectTitle: what an unsaved edit opens or closes compared with the saved
//   file, for a code lens ("unsaved edit: +2 sources, −1 port"), computed only over the sides the
//   edit can affect (editScope: the ingress and egress of the workloads its policies select, before
//   or after), so it stays cheap on a large workspace.

import { diffConnectivity, diffRows, type ConnDiff, type ConnectivityDiff, type DiffPair, type DiffRow } from '../analysis/diff';
import type { Cause, ChangeAttributor } from '../analysis/diff/attribution';
import type { ConnSet, ReachabilityEngine } from '../analysis/reachability';
import { getOrCreate } from '../model/collections';

export interface ChangeEntry {
  row: DiffRow;
  causes: Cause[];
}

export interface WorkloadChanges {
  /** The workload the changes are listed under: the destination, or the source when the destination is not a workload. */
  workload: string;
  changes: ChangeEntry[];
}

function groupKey(e: ConnDiff): string {
  if (e.dst.kind === 'workload') return e.dst.name;
  return e.src.name;
}

export function changesByWorkload(diff: ConnectivityDiff, attributor: ChangeAttributor): WorkloadChanges[] {
  const groups = new Map<string, ChangeEntry[]>();
  for (const row of diffRows(diff)) getOrCreate(groups, groupKey(row.entry), () => []).push({ row, causes: attributor.causes(row.entry) });
  return [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([workload, changes]) => ({ workload, changes }));
}

export interface EditEffect {
  sourcesAdded: number;
  sourcesRemoved: number;
  destinationsAdded: number;
  destinationsRemoved: number;
  portsAdded: number;
  portsRemoved: number;
}

/** The peers whose side of a connection an edit may change: their ingress, their egress. */
export interface EditScope {
  ingress: ReadonlySet<string>;
  egress: ReadonlySet<string>;
}

/** The pairs into `scope.ingress` peers and out of `scope.egress` peers (each pair once). */
function pairsAround(engine: ReachabilityEngine, scope: EditScope): DiffPair[] {
  const out: DiffPair[] = [];
  for (const name of scope.ingress) {
    const self = engine.peer(name);
    if (self) for (const a of engine.allowedFrom(self)) if (a.peer !== self) out.push({ src: a.peer, dst: self, conns: a.conns });
  }
  for (const name of scope.egress) {
    const self = engine.peer(name);
    // a pair whose destination is in the ingress scope is listed already
    if (self) for (const a of engine.allowedTo(self)) if (a.peer !== self && !scope.ingress.has(a.peer.name)) out.push({ src: self, dst: a.peer, conns: a.conns });
  }
  return out;
}

function portCount(c: ConnSet): number {
  let n = 0;
  for (const iv of [c.sctp, c.tcp, c.udp]) for (let i = 0; i + 1 < iv.length; i += 2) n += iv[i + 1] - iv[i] + 1;
  return n;
}

/**
 * What changes between two engines (saved, live) for the pairs into `scope.ingress` and out of
 * `scope.egress`: sources and destinations gained or lost (a pair added or removed counts once: as
 * a source when its destination is in the ingress scope, else as a destination), and ports gained
 * or lost on pairs allowed in both.
 */
export function editEffect(saved: ReachabilityEngine, live: ReachabilityEngine, scope: EditScope): EditEffect {
  const diff = diffConnectivity({ pairs: pairsAround(saved, scope), workloads: new Set() }, { pairs: pairsAround(live, scope), workloads: new Set() });
  const peers = scope.ingress;
  const effect: EditEffect = { sourcesAdded: 0, sourcesRemoved: 0, destinationsAdded: 0, destinationsRemoved: 0, portsAdded: 0, portsRemoved: 0 };
  for (const e of diff.added) {
    if (peers.has(e.dst.name)) effect.sourcesAdded++;
    else effect.destinationsAdded++;
  }
  for (const e of diff.removed) {
    if (peers.has(e.dst.name)) effect.sourcesRemoved++;
    else effect.destinationsRemoved++;
  }
  for (const e of diff.changed) {
    const both = portCount(e.ref1.union(e.ref2));
    effect.portsAdded += both - portCount(e.ref1);
    effect.portsRemoved += both - portCount(e.ref2);
  }
  return effect;
}

function count(n: number, sign: '+' | '−', word: string): string | undefined {
  return n > 0 ? `${sign}${n} ${word}${n === 1 ? '' : 's'}` : undefined;
}

export function editEffectTitle(e: EditEffect): string {
  const parts = [
    count(e.sourcesAdded, '+', 'source'),
    count(e.sourcesRemoved, '−', 'source'),
    count(e.destinationsAdded, '+', 'destination'),
    count(e.destinationsRemoved, '−', 'destination'),
    count(e.portsAdded, '+', 'port'),
    count(e.portsRemoved, '−', 'port'),
  ].filter((p): p is string => p !== undefined);
  return parts.length ? `unsaved edit: ${parts.join(', ')} (vs saved)` : 'unsaved edit: no change in connectivity (vs saved)';
}

/**
 * The sides an edit of the policies of one file can change: the ingress (egress) of every
 * workload that one of those policies selects for ingress (egress), in either engine (an ANP or
 * BANP: whose subject it selects, where it has rules for that direction).
 */
export function editScope(engines: ReachabilityEngine[], uri: string, namespaces: ReadonlySet<string>): EditScope {
  const ingress = new Set<string>();
  const egress = new Set<string>();
  for (const engine of engines) {
    for (const p of engine.peers()) {
      if (p.kind !== 'workload' || p.namespace === undefined || !namespaces.has(p.namespace)) continue;
      for (const w of p.workloads) {
        const fromFile = (dir: 'ingress' | 'egress'): boolean =>
          engine.policiesDeciding(w, dir).some((np) => np.uri === uri) || engine.adminPoliciesDeciding(w, dir).some((ap) => ap.uri === uri);
        if (fromFile('ingress')) ingress.add(p.name);
        if (fromFile('egress')) egress.add(p.name);
      }
    }
  }
  return { ingress, egress };
}
