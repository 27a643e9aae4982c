// The editor's connectivity changes (SPEC §4 diff, issue 13), in core terms:
// - changesByWorkload: a diff grouped by workload for the "Connectivity Changes" tree, each change
//   with the object changes that cause it (analysis/diff/attribution.ts);
// - editEffect / editEffectTitle: what an unsaved edit opens or closes compared with the saved
//   file, for a code lens ("unsaved edit: +2 sources, −1 port"), computed only over the workloads
//   the edit can affect, so it stays cheap on a large workspace.

import { diffConnectivity, diffRows, type ConnDiff, type ConnectivityDiff, type DiffPair, type DiffRow } from '../analysis/diff';
import type { Cause, ChangeAttributor } from '../analysis/diff/attribution';
import type { ConnSet, ReachabilityEngine } from '../analysis/reachability';

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
  for (const row of diffRows(diff)) {
    const key = groupKey(row.entry);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push({ row, causes: attributor.causes(row.entry) });
  }
  return [...groups.keys()].sort().map((workload) => ({ workload, changes: groups.get(workload)! }));
}

export interface EditEffect {
  sourcesAdded: number;
  sourcesRemoved: number;
  destinationsAdded: number;
  destinationsRemoved: number;
  portsAdded: number;
  portsRemoved: number;
}

/** Every pair with one end among `peers` (peer names), as the diff model reads pairs. */
function pairsAround(engine: ReachabilityEngine, peers: ReadonlySet<string>): DiffPair[] {
  const out: DiffPair[] = [];
  for (const name of peers) {
    const self = engine.peer(name);
    if (!self) continue;
    for (const a of engine.allowedFrom(self)) if (a.peer !== self) out.push({ src: a.peer, dst: self, conns: a.conns });
    // a pair with both ends among the peers is listed once, as the destination's ingress
    for (const a of engine.allowedTo(self)) if (a.peer !== self && !peers.has(a.peer.name)) out.push({ src: self, dst: a.peer, conns: a.conns });
  }
  return out;
}

function portCount(c: ConnSet): number {
  let n = 0;
  for (const iv of [c.sctp, c.tcp, c.udp]) for (let i = 0; i + 1 < iv.length; i += 2) n += iv[i + 1]! - iv[i]! + 1;
  return n;
}

/**
 * What changes between two engines (saved, live) for the pairs that touch `peers`: sources and
 * destinations gained or lost (a pair added or removed counts once, as a source of its workload end,
 * or as a destination when only its source is among `peers`), and ports gained or lost on pairs allowed in both.
 */
export function editEffect(saved: ReachabilityEngine, live: ReachabilityEngine, peers: ReadonlySet<string>): EditEffect {
  const diff = diffConnectivity({ pairs: pairsAround(saved, peers), workloads: new Set() }, { pairs: pairsAround(live, peers), workloads: new Set() });
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
