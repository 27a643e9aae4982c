// Every allowed ordered pair of peers, in `reach` order, visiting only the candidates that
// isolated rows leave.

import { mustGet } from '../../model/collections';
import { ConnSet } from './connset';
import { compareBytes } from './peers';
import { conns } from './queries';
import { adminAdmits, externalPeers, row, side, sideExt } from './rows';
import { pushTo, type EngineState, type PairResult, type PeerInfo, type PodClass, type Row } from './state';

/**
 * Every allowed ordered pair (self-pairs and empty pairs left out), in the order of the `reach`
 * output: sorted by source, then destination, in byte order, `{ingress-controller}` last.
 */
export function* pairs(s: EngineState): Iterable<PairResult> {
  const ingressExt = externalPeers(s, 'ingress');
  const egressExt = externalPeers(s, 'egress');
  const byName = (a: PeerInfo, b: PeerInfo): number => compareBytes(a.name, b.name);
  const srcs = [...ingressExt, ...s.peerList, s.controllerPeer].sort(byName);
  const workloadDsts = [...s.peerList, ...egressExt].sort(byName);
  // Rows fetched once per peer.
  const rowsOf = new Map<PeerInfo, { cls: PodClass[]; ing: Row[]; eg: Row[] }>();
  const peersOfClass = new Map<number, PeerInfo[]>();
  for (const p of s.peerList) {
    const cls = s.peerClasses.get(p) ?? [];
    rowsOf.set(p, { cls, ing: cls.map((c) => row(s, 'ingress', c)), eg: cls.map((c) => row(s, 'egress', c)) });
    for (const c of cls) pushTo(peersOfClass, c.id, p);
  }
  // Candidate destinations without scanning every peer: a pod whose ingress is isolated admits only
  // the classes its rules name; a source whose egress is isolated reaches only the classes named.
  const rank = new Map<PeerInfo, number>(workloadDsts.map((p, i) => [p, i]));
  const openDsts: number[] = [];
  const admittedBy = new Map<number, number[]>();
  for (const d of s.classById.values()) {
    if (d.controller) continue;
    const r = row(s, 'ingress', d);
    if (!r.isolated || r.everyPeer.length) openDsts.push(d.id);
    else for (const sid of [...r.byClass.keys(), ...adminAdmits(s, 'ingress', d)]) pushTo(admittedBy, sid, d.id);
  }
  const candidates = (from: { cls: PodClass[]; eg: Row[] }): PeerInfo[] => {
    let viaIngress = openDsts.length;
    for (const c of from.cls) viaIngress += admittedBy.get(c.id)?.length ?? 0;
    const egressClosed = from.eg.every((r) => r.isolated && r.everyPeer.length === 0);
    let viaEgress = Infinity;
    const adminNamed = egressClosed ? from.cls.map((c) => adminAdmits(s, 'egress', c)) : [];
    if (egressClosed) {
      viaEgress = 0;
      from.eg.forEach((r, i) => (viaEgress += r.byClass.size + adminNamed[i].length));
    }
    if (Math.min(viaIngress, viaEgress) * 2 > workloadDsts.length) return workloadDsts;
    const found = new Set<PeerInfo>(egressExt);
    const addClass = (id: number): void => {
      for (const p of peersOfClass.get(id) ?? []) found.add(p);
    };
    if (viaEgress <= viaIngress) {
      for (const r of from.eg) for (const id of r.byClass.keys()) addClass(id);
      for (const ids of adminNamed) for (const id of ids) addClass(id);
    } else {
      for (const id of openDsts) addClass(id);
      for (const c of from.cls) for (const id of admittedBy.get(c.id) ?? []) addClass(id);
    }
    return [...found].sort((a, b) => mustGet(rank, a) - mustGet(rank, b));
  };
  for (const src of srcs) {
    if (src.kind !== 'workload') {
      for (const dst of s.peerList) {
        const c = conns(s, src, dst);
        if (!c.isEmpty) yield { src, dst, conns: c };
      }
      continue;
    }
    const from = mustGet(rowsOf, src);
    for (const dst of candidates(from)) {
      if (dst === src) continue;
      let found = ConnSet.EMPTY;
      if (dst.kind === 'external') {
        for (let a = 0; a < from.cls.length; a++) found = found.union(sideExt(s, 'egress', from.cls[a], from.eg[a], dst.range[0]));
      } else {
        const to = mustGet(rowsOf, dst);
        for (let a = 0; a < from.cls.length; a++) {
          for (let b = 0; b < to.cls.length; b++) {
            let c = side(s, 'ingress', to.cls[b], from.cls[a], to.ing[b], to.cls[b]);
            if (c.isEmpty) continue;
            c = c.intersect(side(s, 'egress', from.cls[a], to.cls[b], from.eg[a], to.cls[b]));
            found = found.union(c);
          }
        }
      }
      if (!found.isEmpty) yield { src, dst, conns: found };
    }
  }
}
