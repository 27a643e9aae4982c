// The ANP/BANP rules as the tiers evaluate them, independent of the engine's classes and memos:
// which objects take part and in what order, each rule compiled once (ports, named ports,
// address intervals), and what a subject or peer selects (a pod class, a representative peer).
import type { AdminAction, AdminPolicy, AdminPort, AdminRule, AdminSelection, LabelSelector } from '../../model/types';
import { ConnSet } from './connset';
import { parseCidr, type IpIntervals } from './ip';
import { canonicalKey, repSelector, type RepresentativePeer } from './representative';
import { isEmptySelector, selectorMatches } from '../selectors';

/**
 * Whether a subject or peer selects a representative peer, read as netpol-analyzer reads it: an
 * empty selector stands for any, otherwise the selectors must mean the same.
 */
export function selectionMatchesRep(sel: AdminSelection, rep: RepresentativePeer): boolean {
  const nsOk = (s: LabelSelector): boolean => isEmptySelector(s) || canonicalKey(repSelector(s)) === rep.nsKey;
  if (sel.namespaces) return nsOk(sel.namespaces);
  if (sel.pods) return nsOk(sel.pods.namespaceSelector) && (isEmptySelector(sel.pods.podSelector) || canonicalKey(repSelector(sel.pods.podSelector)) === rep.podKey);
  return false;
}

export interface CompiledAdminRule {
  uid: number;
  policy: AdminPolicy;
  rule: AdminRule;
  index: number;
  action: AdminAction;
  /** Ports that do not depend on the destination pod. */
  fixed: ConnSet;
  named: string[];
  ips: IpIntervals;
  memo: Map<number, boolean>;
  /** Named ports resolved per destination ports key. */
  namedCache: Map<string, ConnSet>;
  /** The classes its peers select among the engine's classes at `token` (for pruning). */
  matched?: { token: number; ids: number[] };
}

let nextRuleUid = 0;

/** Whether a subject or rule peer (`namespaces` / `pods`) selects pods of a class. */
export function selectionMatches(sel: AdminSelection, c: { labels: Record<string, string>; nsLabels: Record<string, string> }): boolean {
  if (sel.namespaces) return selectorMatches(sel.namespaces, c.nsLabels);
  if (sel.pods) return selectorMatches(sel.pods.namespaceSelector, c.nsLabels) && selectorMatches(sel.pods.podSelector, c.labels);
  return false;
}

/** Address intervals of the `networks` of an egress peer (IPv4; IPv6 is not analysed). */
function networksOf(peers: AdminSelection[]): IpIntervals {
  const pairs: Array<[number, number]> = [];
  for (const p of peers) for (const n of p.networks ?? []) {
    const c = parseCidr(n.value);
    if (c) pairs.push(c);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function compileRule(policy: AdminPolicy, rule: AdminRule, index: number): CompiledAdminRule {
  let fixed = rule.ports === undefined ? ConnSet.ALL : ConnSet.EMPTY;
  const named: string[] = [];
  for (const p of rule.ports ?? []) {
    if (p.form === 'named') named.push(p.name);
    else fixed = fixed.union(portConns(p));
  }
  return {
    uid: nextRuleUid++,
    policy,
    rule,
    index,
    action: rule.action as AdminAction,
    fixed,
    named,
    ips: networksOf(rule.peers),
    memo: new Map(),
    namedCache: new Map(),
  };
}

function portConns(p: Exclude<AdminPort, { form: 'named' }>): ConnSet {
  return ConnSet.range(p.protocol, p.port, p.form === 'range' ? p.endPort : p.port);
}

/** Whether an object takes part in the evaluation: one the API server accepts (a BANP named `default` included). */
export function isEvaluated(p: AdminPolicy): boolean {
  return p.issues.length === 0;
}

/** ANPs in evaluation order: priority, then name, then position. */
export function sortAdminPolicies(list: readonly AdminPolicy[]): AdminPolicy[] {
  return list
    .map((p, i) => ({ p, i }))
    .sort((a, b) => priorityOf(a.p) - priorityOf(b.p) || (a.p.name < b.p.name ? -1 : a.p.name > b.p.name ? 1 : a.i - b.i))
    .map((x) => x.p);
}

export function selectsEveryPod(sel: AdminSelection): boolean {
  const empty = (x: { matchLabels: unknown[]; matchExpressions: unknown[] }): boolean => x.matchLabels.length === 0 && x.matchExpressions.length === 0;
  return sel.namespaces ? empty(sel.namespaces) : !!sel.pods && empty(sel.pods.namespaceSelector) && empty(sel.pods.podSelector);
}

export function containsAddr(iv: IpIntervals, addr: number): boolean {
  for (let i = 0; i < iv.length; i += 2) if (addr >= iv[i] && addr <= iv[i + 1]) return true;
  return false;
}

/** An ANP's priority; an evaluated ANP always has one (without, it has an issue), so the fallback is never used in evaluation. */
export function priorityOf(p: AdminPolicy): number {
  return p.priority?.value ?? Number.MAX_SAFE_INTEGER;
}
