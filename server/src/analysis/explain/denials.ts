// Connections a cluster tier denies (issue 14): for a pair of peers, what an AdminNetworkPolicy or
// BaselineAdminNetworkPolicy Deny rule decides against, with those rules, and the part of it that
// the NetworkPolicies alone would have allowed (where the cluster tier wins over them). For the
// workload hover and the diagram's `tier-denied` edges. Pure: explain context in, plain data out.

import type { Workload } from '../../model/types';
import { selectionMatches, type AdminTiers } from '../reachability/adminPolicies';
import { ConnSet } from '../reachability/connset';
import type { PeerInfo, PodClass } from '../reachability';
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

/** Whether a Deny rule of an ANP/BANP applying to `own` in this direction names `other` (cheap, over-approximate: BANP rules count even where NetworkPolicies isolate). */
function denyRuleNames(tiers: AdminTiers, dir: 'ingress' | 'egress', own: readonly PodClass[], other: readonly PodClass[]): boolean {
  return own.some((c) => tiers.policiesFor(dir, c).some((p) => p[dir].some((r) => r.action === 'Deny' && r.peers.some((sel) => other.some((o) => selectionMatches(sel, o))))));
}

/** Why a pair is left out at once: a peer to itself, the ingress controller, or no Deny rule naming the other end (workloads). */
function surelyUndenied(ctx: ExplainContext, tiers: AdminTiers, src: PeerInfo, dst: PeerInfo): boolean {
  if (src === dst || src.kind === 'ingress-controller' || dst.kind === 'ingress-controller') return true;
  if (src.kind !== 'workload' || dst.kind !== 'workload') return false;
  // Cheap first: without a Deny rule naming the other end, nothing is explained.
  const sc = ctx.engine.classesOfPeer(src);
  const dc = ctx.engine.classesOfPeer(dst);
  return !denyRuleNames(tiers, 'egress', sc, dc) && !denyRuleNames(tiers, 'ingress', dc, sc);
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
  const applies = (p: PeerInfo, dir: 'ingress' | 'egress'): boolean => ctx.engine.classesOfPeer(p).some((c) => tiers.applies(dir, c));
  const srcs = new Set(workloads.filter((p) => applies(p, 'egress')));
  const dsts = new Set(workloads.filter((p) => applies(p, 'ingress')));
  const out: TierDenial[] = [];
  for (const src of workloads) {
    const srcRules = srcs.has(src);
    for (const dst of workloads) {
      if (src === dst || (!srcRules && !dsts.has(dst))) continue;
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
