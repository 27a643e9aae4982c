// Per-class policy rows (what one direction's deciding policies allow, shared by classes with the
// same deciders), one side of a connection through the ANP/BANP tiers, class-to-class connection
// sets, and the outside address ranges.

import { ConnSet } from './connset';
import { routedTo } from './controller';
import { containsIp, formatRange, ipBlockBoundaries, splitAddressSpace } from './ip';
import type { PortDecl } from './peers';
import { resolvePorts, type CompiledPolicy } from './policies';
import { policyOrder, type Direction, type EngineState, type ExternalPeer, type PodClass, type Row } from './state';

const NO_POLICIES: CompiledPolicy[] = [];
const NO_IDS: number[] = [];

function sameDeciders(row: Row, policies: CompiledPolicy[]): boolean {
  if (row.policies.length !== policies.length) return false;
  for (let i = 0; i < policies.length; i++) {
    if (row.policies[i] !== policies[i] || row.generations[i] !== policies[i].generation) return false;
  }
  return true;
}

/** The row of a class for a direction, rebuilt only when its deciding policies changed. */
export function row(s: EngineState, dir: Direction, c: PodClass): Row {
  const cached = s.rows[dir].get(c.id);
  const seen = s.rowEpochs[dir];
  if (cached && seen.get(c.id) === s.epoch) return cached;
  const policies = s.selecting[dir].get(c.id) ?? NO_POLICIES;
  seen.set(c.id, s.epoch);
  if (cached && sameDeciders(cached, policies)) return cached;
  // Classes decided by the same policies share one row (ingress rows also need the same own
  // ports, which named ports resolve against): a namespace-wide policy builds one row, not one per class.
  let key = dir === 'ingress' ? `i|${c.portsKey}|` : 'e|';
  for (const p of policies) key += `${p.uid}.${p.generation},`;
  const shared = s.sharedRows.get(key);
  if (shared && sameDeciders(shared, policies)) {
    s.rows[dir].set(c.id, shared);
    return shared;
  }
  const built: Row = {
    isolated: policies.length > 0,
    policies,
    generations: policies.map((p) => p.generation),
    byClass: new Map(),
    everyPeer: [],
    everyPeerCache: new Map(),
    ext: [],
  };
  s.sharedRows.set(key, built);
  for (const cp of policies) {
    for (const r of (dir === 'ingress' ? cp.ingress : cp.egress) ?? []) {
      if (dir === 'ingress') {
        // Ingress ports are the selected pod's own: resolve once.
        const conns = resolvePorts(r.ports, c);
        if (conns.isEmpty) continue;
        if (r.allPeers) built.everyPeer.push(r.ports);
        for (const id of r.classes) built.byClass.set(id, (built.byClass.get(id) ?? ConnSet.EMPTY).union(conns));
        if (r.ips.length) built.ext.push({ ips: r.ips, conns });
      } else {
        if (r.allPeers) built.everyPeer.push(r.ports);
        for (const id of r.classes) {
          const dst = s.classById.get(id);
          if (!dst || dst.controller) continue;
          const conns = resolvePorts(r.ports, dst);
          if (!conns.isEmpty) built.byClass.set(id, (built.byClass.get(id) ?? ConnSet.EMPTY).union(conns));
        }
        const conns = resolvePorts(r.ports, undefined);
        if (r.ips.length && !conns.isEmpty) built.ext.push({ ips: r.ips, conns });
      }
    }
  }
  s.rows[dir].set(c.id, built);
  return built;
}

/** The policies selecting a class for a direction (empty: not isolated). */
export function decidersOf(s: EngineState, dir: Direction, id: number): readonly CompiledPolicy[] {
  return s.selecting[dir].get(id) ?? NO_POLICIES;
}

/** What a row allows toward/from a peer class. `ownPorts` are the ports named ports resolve against. */
export function rowConn(row: Row, peer: PodClass, ownPorts: { ports: PortDecl[]; portsKey: string }): ConnSet {
  if (!row.isolated) return ConnSet.ALL;
  let r = row.byClass.get(peer.id) ?? ConnSet.EMPTY;
  if (row.everyPeer.length) {
    let e = row.everyPeerCache.get(ownPorts.portsKey);
    if (!e) {
      e = ConnSet.EMPTY;
      for (const p of row.everyPeer) e = e.union(resolvePorts(p, ownPorts));
      row.everyPeerCache.set(ownPorts.portsKey, e);
    }
    r = r.union(e);
  }
  return r;
}

export function rowExt(row: Row, addr: number): ConnSet {
  if (!row.isolated) return ConnSet.ALL;
  let r = ConnSet.EMPTY;
  for (const e of row.ext) if (containsIp(e.ips, addr)) r = r.union(e.conns);
  return r;
}

/** One direction of a connection between classes: the NetworkPolicy row, within the ANP/BANP tiers. */
export function side(s: EngineState, dir: Direction, own: PodClass, other: PodClass, r: Row, dstPorts: PodClass): ConnSet {
  const np = rowConn(r, other, dstPorts);
  return s.admin ? s.admin.decide(dir, own, { cls: other }, r.isolated ? np : undefined) : np;
}

/** One direction of a connection with an outside address. */
export function sideExt(s: EngineState, dir: Direction, own: PodClass, r: Row, addr: number): ConnSet {
  const np = rowExt(r, addr);
  return s.admin ? s.admin.decide(dir, own, { addr }, r.isolated ? np : undefined) : np;
}

/**
 * The classes an ANP Allow rule names for this class (beyond its NetworkPolicy row): pruning
 * must visit them. The controller class is among the candidates as a source only.
 */
export function adminAdmits(s: EngineState, dir: Direction, c: PodClass): number[] {
  if (!s.admin) return NO_IDS;
  return s.admin.allowRuleClasses(dir, c, () => s.classById.values(), s.epoch);
}

/** Whether an ANP rule may allow this class more than its NetworkPolicy row does (pruning must not skip it). */
export function adminMayAllow(s: EngineState, dir: Direction, c: PodClass): boolean {
  return s.admin !== undefined && s.admin.mayAllow(dir, c);
}

/** Connections from pods of class a to pods of class d: both ends' policies must allow them. */
export function classConn(s: EngineState, a: PodClass, d: PodClass): ConnSet {
  if (d.controller) return ConnSet.EMPTY;
  const ing = side(s, 'ingress', d, a, row(s, 'ingress', d), d);
  if (ing.isEmpty) return ing;
  const eg = side(s, 'egress', a, d, row(s, 'egress', a), d);
  if (a.controller) return ing.intersect(eg).intersect(routedTo(s, d));
  return ing.intersect(eg);
}

/** Disjoint external ranges: sources split at ingress ipBlocks, destinations at egress ipBlocks. */
export function externalPeers(s: EngineState, dir: Direction): ExternalPeer[] {
  const cached = s.partitionCache[dir];
  if (cached) return cached;
  const bounds: number[] = [];
  for (const cp of policyOrder(s)) {
    // Only rules in force: a direction missing from policyTypes ignores its rules.
    const rules = dir === 'ingress' ? (cp.ingress ? cp.policy.ingress : []) : cp.egress ? cp.policy.egress : [];
    for (const r of rules) for (const peer of r.peers ?? []) if (peer.ipBlock) bounds.push(...ipBlockBoundaries(peer.ipBlock));
  }
  if (dir === 'egress' && s.admin) bounds.push(...s.admin.egressBoundaries());
  const peers = splitAddressSpace(bounds).map(
    ([lo, hi]): ExternalPeer => ({ kind: 'external', name: `${formatRange(lo, hi)}[External]`, workloads: [], range: [lo, hi] }),
  );
  s.partitionCache[dir] = peers;
  return peers;
}
