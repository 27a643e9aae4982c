// Representative peers (SPEC §3, "the workspace is not the whole cluster"): the pods a
// NetworkPolicy rule admits that the workspace may not define. Each rule peer with a pod or
// namespace selector stands for "any pod with these labels in any namespace with those labels";
// rules that admit every namespace (`namespaceSelector: {}` with no or an empty `podSelector`, or
// no `from`/`to` at all) are the entire cluster instead. Semantics and printed names follow
// netpol-analyzer's exposure analysis:
//   - one representative per distinct (namespace selector, pod selector), compared by meaning
//     (requirements in canonical form; `In` with one value equals `=`); a rule without a
//     namespaceSelector stands for its policy's namespace (`kubernetes.io/metadata.name=<ns>`);
//   - a rule peer matches a representative when its selectors are the representative's, an
//     empty selector matching any (so `namespaceSelector: {}` + `podSelector: {app: x}` matches
//     `[namespace with {…}]/[pod with {app=x}]` too);
//   - a representative built from matchLabels only, with both selectors non-empty, is dropped when
//     a real workspace pod matches it (the real pod already shows that connectivity);
//   - printed `ns/[pod with {k=v}]`, `[namespace with {k=v,{Key:…,Operator:…,Values:[…],}}]/[all pods]`,
//     `[all namespaces]/[pod with {…}]`.
// ANP/BANP rule peers give representatives the same way (adminRepresentatives): `namespaces`
// stands for every pod there, `pods` for those pods; a peer selecting every pod is the entire cluster.
// Pure: selectors in, plain data out.

import { atLength } from '../../model/fitArrays';
import type { AdminPolicy, AdminSelection, LabelSelector, NetworkPolicy, PolicyPeer, PolicyRule } from '../../model/types';
import { isEmptySelector, selectorMatches } from '../selectors';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A selector reduced to what representatives need: labels as a map, expressions as written. */
export interface RepSelector {
  labels: Record<string, string>;
  expressions: LabelSelector['matchExpressions'];
}

export interface RepresentativePeer {
  /** Canonical identity: namespace requirements and pod requirements. */
  key: string;
  nsKey: string;
  podKey: string;
  ns: RepSelector;
  /** Undefined or empty: every pod of the matching namespaces. */
  pod: RepSelector;
  /** As netpol-analyzer prints it: `ns/[pod with {app=x}]`, `[namespace with {…}]/[all pods]`. */
  name: string;
}

/** What a policy contributes to the open world, computed once per policy content. */
interface PolicyOpenWorld {
  reps: RepresentativePeer[];
  /** Per direction, per rule index: whether the rule admits the entire cluster. */
  entireCluster: { ingress: boolean[]; egress: boolean[] };
}

const policyCache = new WeakMap<NetworkPolicy, PolicyOpenWorld & { namespace: string }>();

/** The representatives and entire-cluster rules of a policy, in rule order (ingress, then egress). */
export function policyOpenWorld(p: NetworkPolicy): PolicyOpenWorld {
  // Checked against the namespace: the index may re-file an object under another namespace.
  let r = policyCache.get(p);
  if (r && r.namespace === p.namespace) return r;
  r = { namespace: p.namespace, reps: [], entireCluster: { ingress: [], egress: [] } };
  const dirs: Array<['ingress' | 'egress', PolicyRule[] | undefined]> = [
    ['ingress', p.policyTypes.includes('Ingress') ? p.ingress : undefined],
    ['egress', p.policyTypes.includes('Egress') ? p.egress : undefined],
  ];
  for (const [dir, rules] of dirs) {
    for (const rule of rules ?? []) {
      const whole = ruleAdmitsEntireCluster(rule);
      r.entireCluster[dir].push(whole);
      if (whole) continue; // netpol-analyzer takes no representative from such a rule
      for (const peer of rule.peers ?? []) {
        const rep = representativeOf(peer, p.namespace);
        if (rep) r.reps.push(rep);
      }
    }
  }
  // Kept as long as the policy.
  r.reps = atLength(r.reps);
  r.entireCluster = { ingress: atLength(r.entireCluster.ingress), egress: atLength(r.entireCluster.egress) };
  policyCache.set(p, r);
  return r;
}

/** No `from`/`to`, or a peer with `namespaceSelector: {}` and no (or an empty) podSelector. */
export function ruleAdmitsEntireCluster(rule: PolicyRule): boolean {
  if (rule.peers === undefined) return true;
  return rule.peers.some((peer) => !peer.ipBlock && peerIsEntireCluster(peer));
}

function peerIsEntireCluster(peer: PolicyPeer): boolean {
  return !!peer.namespaceSelector && isEmptySelector(peer.namespaceSelector) && (!peer.podSelector || isEmptySelector(peer.podSelector));
}

export function representativeOf(peer: PolicyPeer, policyNs: string): RepresentativePeer | undefined {
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return undefined;
  const ns: RepSelector = peer.namespaceSelector ? repSelector(peer.namespaceSelector) : { labels: { [NAMESPACE_NAME_LABEL]: policyNs }, expressions: [] };
  const pod: RepSelector = peer.podSelector ? repSelector(peer.podSelector) : { labels: {}, expressions: [] };
  const nsKey = canonicalKey(ns);
  const podKey = canonicalKey(pod);
  return { key: `${nsKey}/${podKey}`, nsKey, podKey, ns, pod, name: `${namespaceText(ns)}/${podText(pod)}` };
}

/**
 * The representatives of an AdminNetworkPolicy or BaselineAdminNetworkPolicy's rule peers, in rule
 * order (ingress, then egress), cached per object. As netpol-analyzer takes them: `namespaces: {k=v}`
 * stands for every pod of those namespaces, `pods` for the pods with those labels in those
 * namespaces; a peer that selects every pod (`namespaces: {}`, or `pods` with both selectors
 * empty) is the entire cluster, not a representative; `networks` and `nodes` name no pods.
 */
export function adminRepresentatives(p: AdminPolicy): readonly RepresentativePeer[] {
  let reps = adminCache.get(p);
  if (reps) return reps;
  reps = [];
  for (const rule of [...p.ingress, ...p.egress]) {
    for (const peer of rule.peers) {
      const rep = adminRepresentativeOf(peer);
      if (rep) reps.push(rep);
    }
  }
  adminCache.set(p, reps);
  return reps;
}

const adminCache = new WeakMap<AdminPolicy, RepresentativePeer[]>();

function adminRepresentativeOf(peer: AdminSelection): RepresentativePeer | undefined {
  let ns: RepSelector;
  let pod: RepSelector = { labels: {}, expressions: [] };
  if (peer.namespaces) ns = repSelector(peer.namespaces);
  else if (peer.pods) {
    ns = repSelector(peer.pods.namespaceSelector);
    pod = repSelector(peer.pods.podSelector);
  } else return undefined;
  if (isEmptyRep(ns) && isEmptyRep(pod)) return undefined; // the entire cluster
  const nsKey = canonicalKey(ns);
  const podKey = canonicalKey(pod);
  return { key: `${nsKey}/${podKey}`, nsKey, podKey, ns, pod, name: `${namespaceText(ns)}/${podText(pod)}` };
}

export function repSelector(sel: LabelSelector): RepSelector {
  const labels: Record<string, string> = {};
  for (const e of sel.matchLabels) labels[e.key] = e.value;
  return { labels, expressions: sel.matchExpressions };
}

/**
 * The selector's requirements in a canonical text, sorted by key: `k=v` for a label or an `In`
 * with one value, `k in (a,b)`, `k notin (a,b)` with sorted values, `k` for Exists, `!k` for
 * DoesNotExist. Empty for the empty selector.
 */
export function canonicalKey(sel: RepSelector): string {
  const reqs: Array<[string, string]> = [];
  for (const k of Object.keys(sel.labels)) reqs.push([k, `${k}=${sel.labels[k]}`]);
  for (const x of sel.expressions) {
    const values = [...new Set(x.values)].sort();
    let text: string;
    if (x.operator === 'In' && values.length === 1) text = `${x.key}=${values[0]}`;
    else if (x.operator === 'In') text = `${x.key} in (${values.join(',')})`;
    else if (x.operator === 'NotIn') text = `${x.key} notin (${values.join(',')})`;
    else if (x.operator === 'Exists') text = x.key;
    else if (x.operator === 'DoesNotExist') text = `!${x.key}`;
    else text = `${x.key} ${x.operator} (${values.join(',')})`;
    reqs.push([x.key, text]);
  }
  reqs.sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
  return reqs.map((r) => r[1]).join('\u0000');
}

function isEmptyRep(sel: RepSelector): boolean {
  return Object.keys(sel.labels).length === 0 && sel.expressions.length === 0;
}

/**
 * Whether a real pod may make the representative redundant (netpol-analyzer's rule): both
 * selectors non-empty and made of matchLabels only.
 */
export function suppressible(rep: RepresentativePeer): boolean {
  return !isEmptyRep(rep.ns) && !isEmptyRep(rep.pod) && rep.ns.expressions.length === 0 && rep.pod.expressions.length === 0;
}

/** Whether a real pod (its labels and its namespace's labels) is one of the representative's pods. */
export function realPodMatches(rep: RepresentativePeer, labels: Record<string, string>, nsLabels: Record<string, string>): boolean {
  return repPodMatches(rep, labels) && repNamespaceMatches(rep, nsLabels);
}

/** The namespace selector of a representative, as a LabelSelector test on namespace labels. */
export function repNamespaceMatches(rep: RepresentativePeer, nsLabels: Record<string, string>): boolean {
  return selectorMatches(asSelector(rep.ns), nsLabels);
}

/** The namespace selector of a representative as a LabelSelector (for LabelIndex lookups). */
export function repNamespaceSelector(rep: RepresentativePeer): LabelSelector {
  return asSelector(rep.ns);
}

/** The pod selector of a representative, as a LabelSelector test on pod labels. */
export function repPodMatches(rep: RepresentativePeer, labels: Record<string, string>): boolean {
  return selectorMatches(asSelector(rep.pod), labels);
}

const NO_SPAN = { start: 0, end: 0 };
const asSelectors = new WeakMap<RepSelector, LabelSelector>();
function asSelector(sel: RepSelector): LabelSelector {
  let s = asSelectors.get(sel);
  if (!s) asSelectors.set(sel, (s = makeSelector(sel)));
  return s;
}

function makeSelector(sel: RepSelector): LabelSelector {
  return {
    matchLabels: Object.keys(sel.labels).map((key) => ({ key, value: sel.labels[key], keySpan: NO_SPAN, valueSpan: NO_SPAN, valueKind: 'string' as const })),
    matchExpressions: sel.expressions,
    span: NO_SPAN,
  };
}

// ---------------------------------------------------------------- printed names (netpol-analyzer's)

function namespaceText(ns: RepSelector): string {
  const keys = Object.keys(ns.labels);
  if (keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && ns.expressions.length === 0) return ns.labels[NAMESPACE_NAME_LABEL];
  return isEmptyRep(ns) ? '[all namespaces]' : `[namespace with {${selectorText(ns)}}]`;
}

function podText(pod: RepSelector): string {
  return isEmptyRep(pod) ? '[all pods]' : `[pod with {${selectorText(pod)}}]`;
}

/** `k1=v1,k2=v2` (sorted by key), then the expressions as Go prints them, sorted: `{Key:k,Operator:In,Values:[a b],}`. */
export function selectorText(sel: RepSelector): string {
  const parts: string[] = [];
  const labels = Object.keys(sel.labels)
    .sort(cmp)
    .map((k) => `${k}=${sel.labels[k]}`);
  if (labels.length) parts.push(labels.join(','));
  const exprs = sel.expressions.map((x) => `{Key:${x.key},Operator:${x.operator},Values:[${x.values.join(' ')}],}`).sort(cmp);
  if (exprs.length) parts.push(exprs.join(','));
  return parts.join(',');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
