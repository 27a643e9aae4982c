// Connectivity diff between two trees (SPEC §4, `k8s-netmap diff`): which ordered pairs gained,
// lost or changed their allowed connections. Pure: the reach pair lists of the two trees in,
// plain data out.
//
// Semantics (netpol-analyzer's, kept for compatibility):
// - pairs of two named peers (workloads, the ingress controller) are matched by their printed names;
// - external ranges are split per tree at that tree's ipBlock boundaries, so the two trees' ranges
//   need not line up. The comparison is made address by address: for each direction and each
//   in-cluster peer, every address has a connection set in each tree (or none); maximal runs of
//   adjacent addresses with the same pair of sets become one range in the output. This equals
//   netpol-analyzer's "refine both lists to common disjoint blocks, then merge blocks with the same
//   peer and connections" and does not depend on how either tree split its ranges;
// - a pair allowed only in the second tree is `added`, only in the first `removed`, in both with
//   different sets `changed` (equal sets are `unchanged`, only counted);
// - on an added (removed) pair, a workload end that is not a workload of the first (second) tree is
//   flagged as new (lost): netpol-analyzer's `workloads-diff-info`. Addresses and the ingress
//   controller are never flagged.

import { ConnSet } from '../reachability/connset';
import type { PeerInfo } from '../reachability/engine';
import { formatRange } from '../reachability/ip';

export type DiffType = 'changed' | 'added' | 'removed';

/** One end of a diffed pair. External ends carry the merged range they print as. */
export interface DiffPeer {
  name: string;
  kind: PeerInfo['kind'];
  range?: [number, number];
}

export interface ConnDiff {
  type: DiffType;
  src: DiffPeer;
  dst: DiffPeer;
  /** Allowed in the first tree (EMPTY when the pair was not allowed there). */
  ref1: ConnSet;
  /** Allowed in the second tree (EMPTY when the pair is not allowed there). */
  ref2: ConnSet;
  /** Added/removed only: the source workload does not exist in the other tree. */
  srcNewOrLost: boolean;
  dstNewOrLost: boolean;
}

export interface ConnectivityDiff {
  changed: ConnDiff[];
  added: ConnDiff[];
  removed: ConnDiff[];
  /** Pairs allowed in both trees with the same connections. */
  unchanged: number;
}

/** What the diff needs of one pair (a reach `PairResult` fits). */
export interface DiffPair {
  src: DiffPeer;
  dst: DiffPeer;
  conns: ConnSet;
}

/** One tree: its allowed pairs and the names of its workload peers (allowed anything or not). */
export interface DiffSide {
  pairs: Iterable<DiffPair>;
  workloads: ReadonlySet<string>;
}

interface NamedSlot {
  src: DiffPeer;
  dst: DiffPeer;
  c1?: ConnSet;
  c2?: ConnSet;
}

/** Per (direction, in-cluster peer): the external ranges of each tree, [lo, hi, conns] triples. */
interface ExternalSlot {
  externalIsSrc: boolean;
  other: DiffPeer;
  segs1: Array<[number, number, ConnSet]>;
  segs2: Array<[number, number, ConnSet]>;
}

export function diffConnectivity(before: DiffSide, after: DiffSide): ConnectivityDiff {
  const named = new Map<string, NamedSlot>();
  const external = new Map<string, ExternalSlot>();
  collect(before.pairs, true, named, external);
  collect(after.pairs, false, named, external);

  const out: ConnectivityDiff = { changed: [], added: [], removed: [], unchanged: 0 };
  const emit = (src: DiffPeer, dst: DiffPeer, c1: ConnSet | undefined, c2: ConnSet | undefined): void => {
    if (c1 && c2) {
      if (c1 === c2) out.unchanged++;
      else out.changed.push({ type: 'changed', src, dst, ref1: c1, ref2: c2, srcNewOrLost: false, dstNewOrLost: false });
    } else if (c1) {
      out.removed.push({ type: 'removed', src, dst, ref1: c1, ref2: ConnSet.EMPTY, srcNewOrLost: missing(src, after), dstNewOrLost: missing(dst, after) });
    } else if (c2) {
      out.added.push({ type: 'added', src, dst, ref1: ConnSet.EMPTY, ref2: c2, srcNewOrLost: missing(src, before), dstNewOrLost: missing(dst, before) });
    }
  };

  for (const slot of named.values()) emit(slot.src, slot.dst, slot.c1, slot.c2);
  for (const slot of external.values()) {
    for (const [lo, hi, c1, c2] of mergedRuns(slot.segs1, slot.segs2)) {
      const ext: DiffPeer = { name: `${formatRange(lo, hi)}[External]`, kind: 'external', range: [lo, hi] };
      if (slot.externalIsSrc) emit(ext, slot.other, c1, c2);
      else emit(slot.other, ext, c1, c2);
    }
  }
  return out;
}

/** Whether a workload end is absent from a tree's workloads (addresses and the controller never are). */
function missing(peer: DiffPeer, side: DiffSide): boolean {
  return peer.kind === 'workload' && !side.workloads.has(peer.name);
}

function collect(pairs: Iterable<DiffPair>, first: boolean, named: Map<string, NamedSlot>, external: Map<string, ExternalSlot>): void {
  for (const p of pairs) {
    if (p.conns.isEmpty) continue;
    const srcRange = p.src.kind === 'external' ? p.src.range : undefined;
    const range = srcRange ?? (p.dst.kind === 'external' ? p.dst.range : undefined);
    if (range !== undefined) {
      const extSrc = srcRange !== undefined;
      const other = extSrc ? p.dst : p.src;
      const key = `${extSrc ? 's' : 'd'}\n${other.name}`;
      let slot = external.get(key);
      if (!slot) external.set(key, (slot = { externalIsSrc: extSrc, other: peerOnly(other), segs1: [], segs2: [] }));
      (first ? slot.segs1 : slot.segs2).push([range[0], range[1], p.conns]);
      continue;
    }
    const key = `${p.src.name}\n${p.dst.name}`;
    let slot = named.get(key);
    if (!slot) named.set(key, (slot = { src: peerOnly(p.src), dst: peerOnly(p.dst) }));
    if (first) slot.c1 = p.conns;
    else slot.c2 = p.conns;
  }
}

/** The fields of a peer the diff keeps (not the engine's manifests, so a diff holds no tree alive). */
function peerOnly(p: DiffPeer): DiffPeer {
  return p.range ? { name: p.name, kind: p.kind, range: p.range } : { name: p.name, kind: p.kind };
}

/**
 * Sweeps the address space over both trees' ranges and yields maximal runs [lo, hi, c1, c2] of
 * adjacent addresses whose pair of sets is the same, skipping addresses allowed in neither tree.
 * Each tree's ranges are disjoint (one peer per address per direction).
 */
export function* mergedRuns(
  segs1: Array<[number, number, ConnSet]>,
  segs2: Array<[number, number, ConnSet]>,
): Iterable<[number, number, ConnSet | undefined, ConnSet | undefined]> {
  segs1.sort((a, b) => a[0] - b[0]);
  segs2.sort((a, b) => a[0] - b[0]);
  const cuts = new Set<number>();
  for (const segs of [segs1, segs2]) {
    for (const [lo, hi] of segs) {
      cuts.add(lo);
      cuts.add(hi + 1);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  let i1 = 0;
  let i2 = 0;
  let run: [number, number, ConnSet | undefined, ConnSet | undefined] | undefined;
  for (let k = 0; k + 1 < points.length; k++) {
    const lo = points[k];
    const hi = points[k + 1] - 1;
    while (i1 < segs1.length && segs1[i1][1] < lo) i1++;
    while (i2 < segs2.length && segs2[i2][1] < lo) i2++;
    const c1 = i1 < segs1.length && segs1[i1][0] <= lo ? segs1[i1][2] : undefined;
    const c2 = i2 < segs2.length && segs2[i2][0] <= lo ? segs2[i2][2] : undefined;
    if (run && run[1] + 1 === lo && run[2] === c1 && run[3] === c2) {
      run[1] = hi;
      continue;
    }
    if (run && (run[2] || run[3])) yield run;
    run = [lo, hi, c1, c2];
  }
  if (run && (run[2] || run[3])) yield run;
}
