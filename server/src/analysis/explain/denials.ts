// Connections a cluster tier denies (issue 14): for a pair of peers, what an AdminNetworkPolicy or
// BaselineAdminNetworkPolicy Deny rule decides against, with those rules, and the part of it that
// the NetworkPolicies alone would have allowed (where the cluster tier wins over them). For the
// workload hover and the diagram's `tier-denied` edges. Pure: explain context in, plain data out.

import type { Workload } from '../../model/types';
import type { AdminTiers } from '../reachability/adminPolicies';
import { selectionMatches } from '../reachability/adminRules';
import { ConnSet } from '../reachability/connset';
import type { PeerInfo, PodClass } from '../reachability';
import { sortFacts, type Endpoint, type Fact, type Piece } from './facts';
import { explainPair, type ExplainContext } from './pairs';

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

/** What the cluster tiers deny from `src` to `dst` (`w`: the workload that stands for its peer); undefined when they deny nothing. */
export function tierDenial(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo, w?: Workload): TierDenial | undefined {
  const tiers = ctx.engine.adminTiers;
  if (!tiers || src === dst || src.kind === 'ingress-controller' || dst.kind === 'ingress-controller') return undefined;
  if (src.kind === 'workload' && dst.kind === 'workload') {
    // Cheap first: without a Deny rule naming the other end, nothing is explained.
    const sc = ctx.engine.classesOfPeer(src);
    const dc = ctx.engine.classesOfPeer(dst);
    if (!denyRuleNames(tiers, 'egress', sc, dc) && !denyRuleNames(tiers, 'ingress', dc, sc)) return undefined;
  }
  const e = explainPair(ctx, src, dst, w);
  let conns = ConnSet.EMPTY;
  const facts: Fact[] = [];
  for (const p of e.pieces) {
    if (p.allowed) continue;
    const deny = [...(p.egress.allowed === false ? p.egress.facts : []), ...(p.ingress.allowed === false ? p.ingress.facts : [])].filter(isTierDeny);
    if (deny.length === 0) continue;
    conns = conns.union(p.conns);
    facts.push(...deny);
  }
  if (conns.isEmpty) return undefined;
  return { src, dst, conns, overridden: conns.intersect(networkPoliciesAlone(ctx, src, dst, w)), facts: sortFacts(facts) };
}

/** What the NetworkPolicies alone (no ANP, no BANP) allow from `src` to `dst`. */
function networkPoliciesAlone(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo, w?: Workload): ConnSet {
  const s: Endpoint = ctx.endpoint(src, w);
  const d: Endpoint = ctx.endpoint(dst, w);
  return allowedOf(ctx.networkPolicySide('egress', s, d)).intersect(allowedOf(ctx.networkPolicySide('ingress', d, s)));
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
