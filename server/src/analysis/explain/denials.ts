// Connections a cluster tier denies (issue 14): for a pair of peers, what an AdminNetworkPolicy or
// BaselineAdminNetworkPolicy Deny rule decides against, with those rules, and the part of it that
// the NetworkPolicies alone would have allowed (where the cluster tier wins over them). For the
// workload hover and the diagram's `tier-denied` edges. Pure: explain context in, plain data out.
// Costs: only the peers a Deny rule pairs with a class are visited (DenyNames, once per explain
// context); a hover explains its shown lines in full and only counts the rest (isTierDenied).

import type { AdminSelection, Workload } from '../../model/types';
import type { AdminTiers } from '../reachability/adminPolicies';
import { selectionMatches } from '../reachability/adminRules';
import { ConnSet } from '../reachability/connset';
import type { PeerInfo, PodClass, ReachabilityEngine } from '../reachability';
import { pushTo } from '../reachability/state';
import { sortFacts, type Endpoint, type Fact, type Piece } from './facts';
import type { ExplainContext } from './pairs';
import { tieredVerdict, tierPeerOf } from './tiers';

export interface TierDenial {
  src: PeerInfo;
  dst: PeerInfo;
  /** Every connection of the pair that an ANP/BANP Deny rule decides. */
  conns: ConnSet;
  /** The part of `conns` that the NetworkPolicies alone would allow: there the cluster tier wins. */
  overridden: ConnSet;
  /** The deciding Deny rules (AdminNetworkPolicy / BaselineAdminNetworkPolicy facts), sorted. */
  facts: Fact[];
}

function allowedOf(pieces: readonly Piece[]): ConnSet {
  let c = ConnSet.EMPTY;
  for (const p of pieces) if (p.allowed) c = c.union(p.conns);
  return c;
}

const isTierDeny = (f: Fact): boolean => f.admin?.action === 'Deny';

/**
 * The classes that Deny rules name, per class and direction: a tier denies a pair only where a
 * Deny rule applying to one end names the other (an over-approximation: BANP rules count even
 * where NetworkPolicies isolate). Each rule peer is tested against every class once, per explain
 * context (one engine epoch); then a pair costs a few set lookups.
 */
class DenyNames {
  private readonly bySelection = new Map<AdminSelection, Set<number>>();
  private readonly byClass = { ingress: new Map<number, Set<number>>(), egress: new Map<number, Set<number>>() };
  /** For partners, built on first use: the workload peers (order, by class), and the classes naming each class. */
  private peers?: { order: Map<PeerInfo, number>; byClass: Map<number, PeerInfo[]> };
  private readonly namingOf: { ingress?: Map<number, number[]>; egress?: Map<number, number[]> } = {};
  private readonly classes: readonly PodClass[];

  constructor(
    private readonly tiers: AdminTiers,
    private readonly engine: ReachabilityEngine,
  ) {
    this.classes = engine.podClasses();
  }

  /** Ids of the classes that a Deny rule applying to `own` in this direction names. */
  namedBy(dir: 'ingress' | 'egress', own: PodClass): Set<number> {
    let out = this.byClass[dir].get(own.id);
    if (out) return out;
    out = new Set();
    for (const p of this.tiers.policiesFor(dir, own)) {
      for (const r of p[dir]) if (r.action === 'Deny') for (const sel of r.peers) for (const id of this.selected(sel)) out.add(id);
    }
    this.byClass[dir].set(own.id, out);
    return out;
  }

  /** Whether a Deny rule applying to one end (egress of a source class, ingress of a destination class) names the other. */
  between(src: readonly PodClass[], dst: readonly PodClass[]): boolean {
    for (const a of src) {
      const named = this.namedBy('egress', a);
      if (named.size && dst.some((d) => named.has(d.id))) return true;
    }
    for (const d of dst) {
      const named = this.namedBy('ingress', d);
      if (named.size && src.some((a) => named.has(a.id))) return true;
    }
    return false;
  }

  /**
   * The workload peers a Deny rule pairs with `own`'s classes, in peer order: as the source
   * (`between(own, theirs)` holds) or as the destination (`between(theirs, own)`). Found from the
   * class ids named and naming, rather than by testing each pair.
   */
  partners(own: readonly PodClass[], as: 'source' | 'destination'): PeerInfo[] {
    const w = this.workloads();
    const [named, namingDir]: ['ingress' | 'egress', 'ingress' | 'egress'] = as === 'source' ? ['egress', 'ingress'] : ['ingress', 'egress'];
    const found = new Set<PeerInfo>();
    for (const c of own) {
      for (const id of this.namedBy(named, c)) for (const p of w.byClass.get(id) ?? []) found.add(p);
      for (const id of this.naming(namingDir).get(c.id) ?? []) for (const p of w.byClass.get(id) ?? []) found.add(p);
    }
    return [...found].sort((x, y) => (w.order.get(x) ?? 0) - (w.order.get(y) ?? 0));
  }

  private workloads(): { order: Map<PeerInfo, number>; byClass: Map<number, PeerInfo[]> } {
    if (!this.peers) {
      const order = new Map<PeerInfo, number>();
      const byClass = new Map<number, PeerInfo[]>();
      for (const p of this.engine.peers()) {
        if (p.kind !== 'workload') continue;
        order.set(p, order.size);
        for (const c of this.engine.classesOfPeer(p)) pushTo(byClass, c.id, p);
      }
      this.peers = { order, byClass };
    }
    return this.peers;
  }

  /** For each class id, the classes whose Deny rules in this direction name it. */
  private naming(dir: 'ingress' | 'egress'): Map<number, number[]> {
    let m = this.namingOf[dir];
    if (!m) {
      m = new Map();
      for (const c of this.classes) for (const id of this.namedBy(dir, c)) pushTo(m, id, c.id);
      this.namingOf[dir] = m;
    }
    return m;
  }

  private selected(sel: AdminSelection): Set<number> {
    let ids = this.bySelection.get(sel);
    if (!ids) this.bySelection.set(sel, (ids = new Set(this.classes.filter((c) => selectionMatches(sel, c)).map((c) => c.id))));
    return ids;
  }
}

const denyNames = new WeakMap<ExplainContext, DenyNames>();

function denyNamesOf(ctx: ExplainContext, tiers: AdminTiers): DenyNames {
  let d = denyNames.get(ctx);
  if (!d) denyNames.set(ctx, (d = new DenyNames(tiers, ctx.engine)));
  return d;
}

/** Why a pair is left out at once: a peer to itself, the ingress controller, or no Deny rule naming the other end (workloads). */
function surelyUndenied(ctx: ExplainContext, tiers: AdminTiers, src: PeerInfo, dst: PeerInfo): boolean {
  if (src === dst || src.kind === 'ingress-controller' || dst.kind === 'ingress-controller') return true;
  if (src.kind !== 'workload' || dst.kind !== 'workload') return false;
  // Cheap first: without a Deny rule naming the other end, nothing is explained.
  return !denyNamesOf(ctx, tiers).between(ctx.engine.classesOfPeer(src), ctx.engine.classesOfPeer(dst));
}

/**
 * The workload peers that a tier may deny from (`ingress`) or to (`egress`) the peer `self`, in
 * peer order: those a Deny rule pairs with it. tierDenial is undefined for every other peer.
 */
export function tierDenialCandidates(ctx: ExplainContext, self: PeerInfo, dir: 'ingress' | 'egress'): PeerInfo[] {
  const tiers = ctx.engine.adminTiers;
  if (!tiers) return [];
  return denyNamesOf(ctx, tiers).partners(ctx.engine.classesOfPeer(self), dir === 'egress' ? 'source' : 'destination');
}

/** What the cluster tiers deny from `src` to `dst` (`w`: the workload that stands for its peer); undefined when they deny nothing. */
export function tierDenial(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo, w?: Workload): TierDenial | undefined {
  const tiers = ctx.engine.adminTiers;
  if (!tiers || surelyUndenied(ctx, tiers, src, dst)) return undefined;
  const s = ctx.endpoint(src, w);
  const d = ctx.endpoint(dst, w);
  // Each side's NetworkPolicy verdict is read once: through the tiers, then alone.
  const npEgress = ctx.networkPolicySide('egress', s, d);
  const npIngress = ctx.networkPolicySide('ingress', d, s);
  const egress = tieredVerdict(tiers, 'egress', s, d, npEgress);
  const ingress = tieredVerdict(tiers, 'ingress', d, s, npIngress);
  let conns = ConnSet.EMPTY;
  const facts: Fact[] = [];
  // The pair's pieces as explainPair crosses them (egress outer), the denied ones only.
  for (const e of egress) {
    for (const i of ingress) {
      if (e.allowed && i.allowed) continue;
      const c = e.conns.intersect(i.conns);
      if (c.isEmpty) continue;
      const deny = [...(e.allowed ? [] : e.facts), ...(i.allowed ? [] : i.facts)].filter(isTierDeny);
      if (deny.length === 0) continue;
      conns = conns.union(c);
      facts.push(...deny);
    }
  }
  if (conns.isEmpty) return undefined;
  const alone = allowedOf(npEgress).intersect(allowedOf(npIngress));
  return { src, dst, conns, overridden: conns.intersect(alone), facts: sortFacts(facts) };
}

/**
 * Whether tierDenial(ctx, src, dst, w) is defined, without its facts: whether a tier decides a
 * Deny on either side. Every side's pieces cover every connection, so a side's denied piece is
 * always part of a denied piece of the pair. Much cheaper: no NetworkPolicy rule is read, only
 * whether one isolates the pods (which decides whether the BaselineAdminNetworkPolicy applies).
 */
export function isTierDenied(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo, w?: Workload): boolean {
  const tiers = ctx.engine.adminTiers;
  if (!tiers || surelyUndenied(ctx, tiers, src, dst)) return false;
  const s = ctx.endpoint(src, w);
  const d = ctx.endpoint(dst, w);
  return sideDenied(ctx, tiers, 'egress', s, d) || sideDenied(ctx, tiers, 'ingress', d, s);
}

function sideDenied(ctx: ExplainContext, tiers: AdminTiers, dir: 'ingress' | 'egress', own: Endpoint, other: Endpoint): boolean {
  const cls = own.cls;
  const peer = tierPeerOf(other);
  if (!cls || !peer || !tiers.applies(dir, cls)) return false;
  // As tieredVerdict asks: the NetworkPolicies' allowed part only splits what they decide, never a Deny of a tier.
  const decisions = tiers.explain(dir, cls, peer, ctx.isolates(dir, own) ? ConnSet.EMPTY : undefined);
  return decisions.some((x) => !x.allowed && (x.tier === 'adminnetworkpolicy' || x.tier === 'baselineadminnetworkpolicy'));
}

/**
 * Every workload pair where a cluster tier denies what the NetworkPolicies alone would allow, in
 * peer order, at most `limit`. Only pairs where a Deny rule applying to one end names the other
 * are explained (see tierDenial): the scan stays cheap where guardrails are narrow.
 */
export function overriddenByTiers(ctx: ExplainContext, limit: number): TierDenial[] {
  const tiers = ctx.engine.adminTiers;
  if (!tiers) return [];
  const workloads = ctx.engine.peers().filter((p) => p.kind === 'workload');
  const names = denyNamesOf(ctx, tiers);
  const out: TierDenial[] = [];
  for (const src of workloads) {
    // Only the destinations a Deny rule pairs with the source: no pass over every pair.
    const dsts = names.partners(ctx.engine.classesOfPeer(src), 'source');
    for (const dst of dsts) {
      if (src === dst) continue;
      // What the NetworkPolicies alone allow and the tiers do not is exactly what a tier Deny
      // overrides (a Pass or an Allow never takes away): most pairs stop at this cheap check.
      if (ctx.engine.networkPolicyConns(src, dst).minus(ctx.engine.conns(src, dst)).isEmpty) continue;
      const d = tierDenial(ctx, src, dst);
      if (d && !d.overridden.isEmpty) {
        out.push(d);
        if (out.length >= limit) return out;
      }
    }
  }
  return out;
}
