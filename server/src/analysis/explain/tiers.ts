// Explanations through the cluster tiers (SPEC §3–§4, issue 14): one direction of a pair, decided
// tier by tier as the engine decides it (AdminTiers.explain: ANPs by priority, then the
// NetworkPolicies or, when none isolates the pod, the BaselineAdminNetworkPolicy, then the
// default), with netpol-analyzer's sentences:
//   AdminNetworkPolicy 'name' allows|denies|passes connections by Ingress|Egress rule <rule name>
//   BaselineAdminNetworkPolicy 'default' allows|denies connections by Ingress|Egress rule <rule name>
// A connection an ANP passes carries the Pass fact beside the facts of the tier that decides it;
// passed and then left to the default, the Pass fact stands alone (netpol-analyzer prints no
// system default there).

import type { AdminPolicy, AdminRule, K8sObject } from '../../model/types';
import type { AdminTiers, TierDecision, TierPeer } from '../reachability/adminPolicies';
import { ConnSet } from '../reachability/connset';
import type { Direction } from '../reachability';
import { DEFAULT_FACT, mergePieces, onlyDefault, sortFacts, type Endpoint, type Fact, type Piece } from './facts';

const VERB: Record<string, string> = { Allow: 'allows', Deny: 'denies', Pass: 'passes' };

/** The fact of one ANP or BANP rule (its action as written: Allow, Deny or Pass). */
export function adminRuleFact(policy: AdminPolicy, rule: AdminRule, ruleIndex: number, dir: Direction): Fact {
  const Dir = dir === 'ingress' ? 'Ingress' : 'Egress';
  const action = rule.action as 'Allow' | 'Deny' | 'Pass';
  return {
    kind: policy.kind,
    text: `${policy.kind} '${policy.name}' ${VERB[action] ?? action} connections by ${Dir} rule ${rule.name}`,
    allows: action === 'Allow',
    object: policy as K8sObject,
    span: rule.span,
    admin: { direction: dir, ruleName: rule.name, ruleIndex, action, priority: policy.priority?.value },
  };
}

/** The other end as the tiers see it: a pod class, or an outside address. */
export function tierPeerOf(other: Endpoint): TierPeer | undefined {
  if (other.cls) return { cls: other.cls };
  if (other.peer.kind === 'external' && other.peer.range) return { addr: other.peer.range[0] };
  return undefined;
}

/**
 * One direction of a pair through the tiers, given the NetworkPolicy layer's pieces (`np`, as
 * networkPolicyVerdict returns them). The NetworkPolicy pieces unchanged when no ANP or BANP rule
 * applies to `own` in this direction.
 */
export function tieredVerdict(tiers: AdminTiers | undefined, dir: Direction, own: Endpoint, other: Endpoint, np: Piece[]): Piece[] {
  const cls = own.cls;
  if (!tiers || !cls || !tiers.applies(dir, cls)) return np;
  const peer = tierPeerOf(other);
  if (!peer) return np;
  const isolated = !onlyDefault(np);
  let npAllowed = ConnSet.EMPTY;
  for (const p of np) if (p.allowed) npAllowed = npAllowed.union(p.conns);
  const decisions = tiers.explain(dir, cls, peer, isolated ? npAllowed : undefined);
  const anpDecides = decisions.some((d) => d.tier === 'adminnetworkpolicy');
  return mergePieces(decisions.flatMap((d) => decisionPieces(d, dir, np, anpDecides)));
}

/** A decision's connections split by the ANP Pass rule that handed each part down (none for the rest). */
function byPass(d: TierDecision, dir: Direction): Array<{ conns: ConnSet; passed: Fact[] }> {
  const out: Array<{ conns: ConnSet; passed: Fact[] }> = [];
  let rest = d.conns;
  for (const r of d.passedBy ?? []) {
    out.push({ conns: r.conns, passed: [adminRuleFact(r.policy, r.rule, r.ruleIndex, dir)] });
    rest = rest.minus(r.conns);
  }
  if (!rest.isEmpty) out.push({ conns: rest, passed: [] });
  return out;
}

/**
 * netpol-analyzer prints no reason for connections that a policy without rules denies, once an
 * ANP rule has allowed or denied other connections of the same direction (and none passed them):
 * the side is left out of the explanation (exposure_test_with_anp_4). Kept for exactness.
 */
function withoutRulelessReason(facts: Fact[]): Fact[] {
  return facts.filter((f) => !(f.kind === 'NetworkPolicy' && !f.allows && f.text.endsWith(NO_RULES)));
}

const NO_RULES = ' rule (no rules defined)';

function decisionPieces(d: TierDecision, dir: Direction, np: Piece[], anpDecides: boolean): Piece[] {
  const out: Piece[] = [];
  for (const { conns, passed } of byPass(d, dir)) {
    switch (d.tier) {
      case 'adminnetworkpolicy':
      case 'baselineadminnetworkpolicy':
        out.push({ conns, allowed: d.allowed, facts: sortFacts([...passed, adminRuleFact(d.policy, d.rule, d.ruleIndex, dir)]) });
        break;
      case 'networkpolicy':
        for (const p of np) {
          const c = p.conns.intersect(conns);
          if (c.isEmpty || p.allowed !== d.allowed) continue;
          const facts = anpDecides && passed.length === 0 ? withoutRulelessReason(p.facts) : p.facts;
          out.push({ conns: c, allowed: p.allowed, facts: sortFacts([...passed, ...facts]) });
        }
        break;
      default:
        out.push({ conns, allowed: true, facts: passed.length ? [...passed, DEFAULT_FACT] : [DEFAULT_FACT] });
    }
  }
  return out;
}
