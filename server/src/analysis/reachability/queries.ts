// Questions about peers: the connections between two, who may reach whom (allowedFrom/To,
// reachabilityOf), and why (explain per NetworkPolicy rule, tierDecisions per ANP/BANP tier).
// Answers read the state and fill caches (rows); they never change what the state describes.

import { compareByPath } from '../../model/identity';
import type { AdminPolicy, NetworkPolicy, Workload } from '../../model/types';
import type { TierDecision } from './adminPolicies';
import { ConnSet } from './connset';
import { containsIp } from './ip';
import { compareBytes, peerNameOf } from './peers';
import { resolvePorts } from './policies';
import { adminAdmits, classConn, decidersOf, externalPeers, row, rowConn, rowExt, sideExt } from './rows';
import { CONTROLLER_NAME, controllerClassOf, type Allowed, type Direction, type DirectionReport, type EngineState, type PeerInfo, type PodClass, type SideExplanation } from './state';

export function peerNamed(s: EngineState, name: string): PeerInfo | undefined {
  if (name === CONTROLLER_NAME) return s.controllerPeer;
  return s.peerByName.get(name) ?? externalPeers(s, 'ingress').find((p) => p.name === name) ?? externalPeers(s, 'egress').find((p) => p.name === name);
}

export function peerOf(s: EngineState, w: Workload): PeerInfo | undefined {
  return s.peerByName.get(peerNameOf(w));
}

/** The pod classes behind a peer (the controller's class for the controller, none for an address). */
function classesOf(s: EngineState, p: PeerInfo): PodClass[] {
  return p.kind === 'ingress-controller' ? [controllerClassOf(s)] : s.peerClasses.get(p) ?? [];
}

/** Connections between two peers with these classes behind them (the union over the classes). */
function connsWith(s: EngineState, src: PeerInfo, srcCls: readonly PodClass[], dst: PeerInfo, dstCls: readonly PodClass[]): ConnSet {
  if (dst.kind === 'ingress-controller') return ConnSet.EMPTY;
  if (src.kind === 'external' && dst.kind === 'external') return ConnSet.EMPTY;
  let r = ConnSet.EMPTY;
  if (src.kind === 'external') {
    for (const d of dstCls) r = r.union(sideExt(s, 'ingress', d, row(s, 'ingress', d), src.range[0]));
  } else if (dst.kind === 'external') {
    for (const a of srcCls) r = r.union(sideExt(s, 'egress', a, row(s, 'egress', a), dst.range[0]));
  } else {
    for (const a of srcCls) for (const d of dstCls) r = r.union(classConn(s, a, d));
  }
  return r;
}

/** Connections between two peers (the union over the pod classes behind each). */
export function conns(s: EngineState, src: PeerInfo, dst: PeerInfo): ConnSet {
  return connsWith(s, src, classesOf(s, src), dst, classesOf(s, dst));
}

/**
 * What the NetworkPolicies alone allow between two workload peers, as if no ANP or BANP existed
 * (the union over their pod classes). Compared with `conns`, tells where a cluster tier overrides them.
 */
export function networkPolicyConns(s: EngineState, src: PeerInfo, dst: PeerInfo): ConnSet {
  let r = ConnSet.EMPTY;
  for (const a of classesOf(s, src)) {
    for (const d of s.peerClasses.get(dst) ?? []) r = r.union(rowConn(row(s, 'egress', a), d, d).intersect(rowConn(row(s, 'ingress', d), a, d)));
  }
  return r;
}

/** Allowed sources of a peer whose pods are in these classes. */
function allowedFromClasses(s: EngineState, d: PeerInfo, dCls: readonly PodClass[]): Allowed[] {
  const candidates = namedBy(s, 'ingress', dCls);
  const out: Allowed[] = [];
  for (const src of [...externalPeers(s, 'ingress'), ...inPeerOrder(s, candidates), s.controllerPeer]) {
    if (src === d || (candidates && src.kind === 'workload' && !candidates.has(src))) continue;
    const c = connsWith(s, src, classesOf(s, src), d, dCls);
    if (!c.isEmpty) out.push({ peer: src, conns: c });
  }
  return out;
}

/** Allowed destinations of a peer whose pods are in these classes. */
function allowedToClasses(s: EngineState, src: PeerInfo, sCls: readonly PodClass[]): Allowed[] {
  const candidates = namedBy(s, 'egress', sCls);
  const out: Allowed[] = [];
  const workloads = inPeerOrder(s, candidates);
  const dsts = src.kind === 'ingress-controller' ? workloads : [...workloads, ...externalPeers(s, 'egress')];
  for (const dst of dsts) {
    if (dst === src || (candidates && dst.kind === 'workload' && !candidates.has(dst))) continue;
    const c = connsWith(s, src, sCls, dst, classesOf(s, dst));
    if (!c.isEmpty) out.push({ peer: dst, conns: c });
  }
  return out;
}

export function allowedFrom(s: EngineState, dst: PeerInfo | string): Allowed[] {
  const d = typeof dst === 'string' ? peerNamed(s, dst) : dst;
  if (!d || d.kind !== 'workload') return [];
  return allowedFromClasses(s, d, classesOf(s, d));
}

export function allowedTo(s: EngineState, src: PeerInfo | string): Allowed[] {
  const p = typeof src === 'string' ? peerNamed(s, src) : src;
  if (!p || p.kind === 'external') return [];
  return allowedToClasses(s, p, classesOf(s, p));
}

/** The workload peers to visit, in peer order: the candidates alone when they are few. */
function inPeerOrder(s: EngineState, candidates: Set<PeerInfo> | undefined): readonly PeerInfo[] {
  if (!candidates) return s.peerList;
  if (candidates.size * 4 > s.peerList.length) return s.peerList.filter((p) => candidates.has(p));
  return [...candidates].sort((a, b) => compareBytes(a.name, b.name));
}

/**
 * The workload peers that the rows of these classes name, when that is all they can allow (every
 * row isolated, none with a rule open to every peer); undefined when any peer may be allowed.
 */
function namedBy(s: EngineState, dir: Direction, classes: readonly PodClass[]): Set<PeerInfo> | undefined {
  const out = new Set<PeerInfo>();
  for (const c of classes) {
    const r = row(s, dir, c);
    if (!r.isolated || r.everyPeer.length) return undefined;
    for (const id of r.byClass.keys()) for (const p of s.peersOfClass.get(id) ?? []) out.add(p);
    for (const id of adminAdmits(s, dir, c)) for (const p of s.peersOfClass.get(id) ?? []) out.add(p);
  }
  return out;
}

/** Why traffic from `src` to `dst` is allowed or not, per side (see ReachabilityEngine.explain). */
export function explain(s: EngineState, src: PeerInfo, dst: PeerInfo): { conns: ConnSet; ingress: SideExplanation; egress: SideExplanation } {
  const c = conns(s, src, dst);
  const ingress: SideExplanation = dst.kind === 'workload' ? explainSide(s, 'ingress', classesOf(s, dst), src) : { open: true, rules: [] };
  const egress: SideExplanation = src.kind === 'external' ? { open: true, rules: [] } : explainSide(s, 'egress', classesOf(s, src), dst);
  return { conns: c, ingress, egress };
}

function explainSide(s: EngineState, dir: Direction, own: PodClass[], other: PeerInfo): SideExplanation {
  const rules: SideExplanation['rules'] = [];
  let open = false;
  const otherClasses = other.kind === 'external' ? [] : classesOf(s, other);
  for (const c of own) {
    const policies = decidersOf(s, dir, c.id);
    if (policies.length === 0) open = true;
    for (const cp of policies) {
      const list = (dir === 'ingress' ? cp.ingress : cp.egress) ?? [];
      for (const r of list) {
        let granted = ConnSet.EMPTY;
        if (other.kind === 'external') {
          if (containsIp(r.ips, other.range[0])) granted = resolvePorts(r.ports, dir === 'ingress' ? c : undefined);
        } else {
          for (const o of otherClasses) {
            if (!r.allPeers && !r.classes.has(o.id)) continue;
            granted = granted.union(resolvePorts(r.ports, dir === 'ingress' ? c : o));
          }
        }
        if (!granted.isEmpty) rules.push({ policy: cp.policy, direction: dir, index: r.index, conns: granted });
      }
    }
  }
  return { open, rules };
}

/** The ANPs (in evaluation order) and the BANP with rules for the workload's pods in a direction. */
export function adminPoliciesDeciding(s: EngineState, w: Workload, dir: Direction): AdminPolicy[] {
  const c = s.workloadClass.get(w);
  return c && s.admin ? s.admin.policiesFor(dir, c) : [];
}

/** The policies that select the workload's pods for a direction; empty: not isolated. */
export function policiesDeciding(s: EngineState, w: Workload, dir: Direction): NetworkPolicy[] {
  const c = s.workloadClass.get(w);
  if (!c) return [];
  // In path order: the order policies joined the engine follows the order files were read.
  return decidersOf(s, dir, c.id)
    .map((cp) => cp.policy)
    .sort(compareByPath);
}

/** Sources and destinations of one workload's pods (its class alone, not its peer's others), with ports, and who decides. */
export function reachabilityOf(s: EngineState, w: Workload): { peer?: PeerInfo; ingress: DirectionReport; egress: DirectionReport } {
  const c = s.workloadClass.get(w);
  const self = peerOf(s, w);
  if (!c || !self) {
    const none = { isolated: false, policies: [], allowed: [] };
    return { peer: self, ingress: none, egress: none };
  }
  const only: PeerInfo = { ...self, workloads: [w] };
  const ingress = allowedFromClasses(s, only, [c]).filter((a) => a.peer !== self);
  const egress = allowedToClasses(s, only, [c]).filter((a) => a.peer !== self);
  return {
    peer: self,
    ingress: { isolated: row(s, 'ingress', c).isolated, policies: policiesDeciding(s, w, 'ingress'), allowed: ingress },
    egress: { isolated: row(s, 'egress', c).isolated, policies: policiesDeciding(s, w, 'egress'), allowed: egress },
  };
}

/** Which tier, policy and rule decided each part of the connections (see ReachabilityEngine.tierDecisions). */
export function tierDecisions(s: EngineState, src: PeerInfo, dst: PeerInfo): { ingress: TierDecision[]; egress: TierDecision[] } | undefined {
  const admin = s.admin;
  if (!admin || dst.kind === 'ingress-controller') return undefined;
  const ingress: TierDecision[] = [];
  const egress: TierDecision[] = [];
  const dstClasses = dst.kind === 'workload' ? classesOf(s, dst) : [];
  const srcClasses = src.kind === 'external' ? [] : classesOf(s, src);
  for (const d of dstClasses) {
    const r = row(s, 'ingress', d);
    if (src.kind === 'external') ingress.push(...admin.explain('ingress', d, { addr: src.range[0] }, r.isolated ? rowExt(r, src.range[0]) : undefined));
    for (const a of srcClasses) ingress.push(...admin.explain('ingress', d, { cls: a }, r.isolated ? rowConn(r, a, d) : undefined));
  }
  for (const a of srcClasses) {
    const r = row(s, 'egress', a);
    if (dst.kind === 'external') egress.push(...admin.explain('egress', a, { addr: dst.range[0] }, r.isolated ? rowExt(r, dst.range[0]) : undefined));
    for (const d of dstClasses) egress.push(...admin.explain('egress', a, { cls: d }, r.isolated ? rowConn(r, d, d) : undefined));
  }
  return { ingress, egress };
}
