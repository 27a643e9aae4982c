// The engine (classes, compiled policies, cached rows, candidate pruning, incremental updates)
// checked against a direct reading of the Kubernetes NetworkPolicy rules on random small
// workspaces. The oracle below is written for clarity, pod pair by pod pair and port by port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReachabilityEngine, formatText, selectorMatches, toLines, type ReachabilityInput } from '../../server/src/analysis/reachability';
import { parseCidr } from '../../server/src/analysis/reachability/ip';
import { ConnSet } from '../../server/src/analysis/reachability/connset';
import { reachViewText } from '../../server/src/analysis/reachability/exposureText';
import { prng } from '../../bench/prng';
import type {
  AdminPolicy,
  AdminRule,
  AdminSelection,
  Backend,
  IngressControllerIdentity,
  Ingress,
  K8sObject,
  LabelSelector,
  Namespace,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Protocol,
  ReferenceGrant,
  Route,
  Service,
  Span,
  Workload,
} from '../../server/src/model/types';

const SP: Span = { start: 0, end: 0 };
const PROTOS: Protocol[] = ['TCP', 'UDP', 'SCTP'];
const SAMPLE_PORTS = [1, 52, 53, 54, 79, 80, 81, 443, 5000, 8080, 8081, 65535];
const SAMPLE_ADDRS = ['0.0.0.0', '9.255.255.255', '10.0.0.0', '10.1.2.3', '10.1.255.255', '10.2.0.0', '172.16.0.1', '192.168.0.1', '255.255.255.255'];

interface Gen {
  rnd: () => number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

function gen(seed: number): Gen {
  const rnd = prng(seed);
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)], chance: (p) => rnd() < p };
}

const KEYS = ['app', 'tier', 'team'];
const VALUES = ['x', 'y', 'z'];
const NAMESPACES = ['default', 'blue', 'green'];

function randomLabels(g: Gen): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEYS) if (g.chance(0.6)) out[k] = g.pick(VALUES);
  return out;
}

function selector(g: Gen): LabelSelector {
  const matchLabels = KEYS.filter(() => g.chance(0.3)).map((key) => ({ key, value: g.pick(VALUES), keySpan: SP, valueSpan: SP, valueKind: 'string' as const }));
  const matchExpressions = KEYS.filter(() => g.chance(0.2)).map((key) => {
    const operator = g.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    const values = operator === 'In' || operator === 'NotIn' ? VALUES.filter(() => g.chance(0.5)).concat(g.pick(VALUES)) : [];
    return { key, operator, values, keySpan: SP, operatorSpan: SP, valueSpans: [], span: SP };
  });
  return { matchLabels, matchExpressions, span: SP };
}

function base(kind: string, name: string, namespace: string) {
  return { id: `${kind}/${namespace}/${name}`, uri: 'mem:///x.yaml', apiVersion: 'v1', kind, name, namespace, labels: [], span: SP, kindSpan: SP, nameSpan: SP };
}

function workload(g: Gen, i: number): Workload {
  const ports = [
    { name: 'http', containerPort: g.pick([80, 8080]), protocol: 'TCP' as Protocol },
    { name: 'dns', containerPort: 53, protocol: g.pick(['UDP', 'TCP'] as Protocol[]) },
    { name: undefined, containerPort: 443, protocol: 'TCP' as Protocol },
  ].filter(() => g.chance(0.5));
  const labels = randomLabels(g);
  return {
    ...base('Deployment', `w${i}`, g.pick(NAMESPACES)),
    type: 'workload',
    kind: 'Deployment',
    podLabels: Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' })),
    podLabelsSpan: SP,
    containers: [{ name: 'c', init: false, ports: ports.map((p) => ({ ...p, portSpan: SP, span: SP })) }],
    ownerReferences: [],
  };
}

function peer(g: Gen): PolicyPeer {
  const shape = g.pick(['pod', 'ns', 'both', 'ip', 'ip']);
  if (shape === 'ip') {
    const cidr = g.pick(['10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/0', '192.168.0.0/16', '10.1.2.3/32', '2001:db8::/32']);
    const except = g.chance(0.5) ? [g.pick(['10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/24'])] : [];
    return { ipBlock: { cidr, except, span: SP }, span: SP };
  }
  return {
    podSelector: shape !== 'ns' ? selector(g) : undefined,
    namespaceSelector: shape !== 'pod' ? selector(g) : undefined,
    span: SP,
  };
}

function port(g: Gen): PolicyPort {
  const protocol = g.pick(PROTOS.concat('TCP', 'TCP'));
  const kind = g.pick(['num', 'num', 'range', 'named', 'all']);
  if (kind === 'all') return { protocol, span: SP };
  if (kind === 'named') return { protocol, port: g.pick(['http', 'dns', 'nope']), span: SP };
  const p = g.pick([53, 80, 443, 8080]);
  return { protocol, port: p, endPort: kind === 'range' ? p + g.pick([0, 1, 100, -5]) : undefined, span: SP };
}

function rule(g: Gen): PolicyRule {
  return {
    peers: g.chance(0.25) ? undefined : Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => peer(g)),
    ports: g.chance(0.3) ? undefined : Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => port(g)),
    span: SP,
  };
}

function netpol(g: Gen, i: number): NetworkPolicy {
  const types = g.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']] as Array<Array<'Ingress' | 'Egress'>>);
  const rules = (): PolicyRule[] => Array.from({ length: Math.floor(g.rnd() * 3) }, () => rule(g));
  return {
    ...base('NetworkPolicy', `np${i}`, g.pick(NAMESPACES)),
    type: 'networkpolicy',
    podSelector: selector(g),
    policyTypes: types,
    ingress: rules(),
    egress: rules(),
  };
}

// AdminNetworkPolicies and a BaselineAdminNetworkPolicy (sometimes invalid: then not evaluated).
function adminSelection(g: Gen, egress: boolean): AdminSelection {
  const shape = g.pick(egress ? ['ns', 'pods', 'pods', 'net'] : ['ns', 'pods', 'pods']);
  if (shape === 'net') {
    return { networks: [g.pick(['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/16', '10.1.2.3/32', '0.0.0.0/0', '2001:db8::/32'])].map((value) => ({ value, span: SP })), span: SP };
  }
  if (shape === 'ns') return { namespaces: selector(g), span: SP };
  return { pods: { namespaceSelector: selector(g), podSelector: selector(g), span: SP }, span: SP };
}

function adminRule(g: Gen, egress: boolean, baseline: boolean): AdminRule {
  const ports = g.chance(0.4)
    ? undefined
    : Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => {
        const form = g.pick(['number', 'number', 'named', 'range'] as const);
        const protocol = g.pick(PROTOS.concat('TCP'));
        if (form === 'named') return { form, protocol: 'TCP' as Protocol, name: g.pick(['http', 'dns', 'nope']), span: SP };
        const port = g.pick([53, 80, 443, 8080]);
        return form === 'range' ? { form, protocol, port, endPort: port + g.pick([0, 1, 100]), span: SP } : { form, protocol, port, span: SP };
      });
  return {
    name: `r${Math.floor(g.rnd() * 100)}`,
    action: g.pick(baseline ? ['Allow', 'Deny', 'Deny'] : ['Allow', 'Deny', 'Pass']),
    actionSpan: SP,
    peers: Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => adminSelection(g, egress)),
    ...(ports ? { ports } : {}),
    span: SP,
  };
}

function adminPolicy(g: Gen, i: number, baseline: boolean): AdminPolicy {
  const rules = (egress: boolean): AdminRule[] => Array.from({ length: Math.floor(g.rnd() * 3) }, () => adminRule(g, egress, baseline));
  return {
    ...base(baseline ? 'BaselineAdminNetworkPolicy' : 'AdminNetworkPolicy', baseline ? 'default' : `anp${i}`, 'default'),
    type: 'adminpolicy',
    kind: baseline ? 'BaselineAdminNetworkPolicy' : 'AdminNetworkPolicy',
    ...(baseline ? {} : { priority: { value: g.pick([1, 2, 3, 3, 10]), span: SP } }),
    subject: g.chance(0.3) ? { namespaces: selector(g), span: SP } : { pods: { namespaceSelector: selector(g), podSelector: selector(g), span: SP }, span: SP },
    ingress: rules(false),
    egress: rules(true),
    issues: g.chance(0.1) ? [{ message: 'invalid', span: SP }] : [],
  };
}

function adminPolicies(g: Gen): AdminPolicy[] {
  if (g.chance(0.3)) return [];
  const out = Array.from({ length: Math.floor(g.rnd() * 4) }, (_, i) => adminPolicy(g, i, false));
  if (g.chance(0.5)) out.push(adminPolicy(g, 0, true));
  return out;
}

function nsLabels(g: Gen): Map<string, Record<string, string>> {
  return new Map(NAMESPACES.map((ns) => [ns, { ...randomLabels(g), 'kubernetes.io/metadata.name': ns }]));
}

function randomInput(seed: number): ReachabilityInput {
  const g = gen(seed);
  return {
    workloads: Array.from({ length: 3 + Math.floor(g.rnd() * 6) }, (_, i) => workload(g, i)),
    networkPolicies: Array.from({ length: Math.floor(g.rnd() * 5) }, (_, i) => netpol(g, i)),
    namespaceLabels: nsLabels(g),
    adminPolicies: adminPolicies(g),
  };
}

// ------------------------------------------------------------------ the oracle

const labelsOf = (w: Workload): Record<string, string> => Object.fromEntries(w.podLabels.map((e) => [e.key, e.value]));

function matches(sel: LabelSelector, labels: Record<string, string>): boolean {
  return (
    sel.matchLabels.every((e) => labels[e.key] === e.value) &&
    sel.matchExpressions.every((x) => {
      const has = x.key in labels;
      if (x.operator === 'In') return x.values.length > 0 && has && x.values.includes(labels[x.key]);
      if (x.operator === 'NotIn') return x.values.length > 0 && !(has && x.values.includes(labels[x.key]));
      if (x.operator === 'Exists') return has;
      if (x.operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

function ipToNum(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inBlock(peer: PolicyPeer, addr: number): boolean {
  const b = peer.ipBlock!;
  const c = parseCidr(b.cidr);
  if (!c || addr < c[0] || addr > c[1]) return false;
  return !b.except.some((e) => {
    const x = parseCidr(e);
    return x !== undefined && addr >= x[0] && addr <= x[1];
  });
}

/**
 * A pod, an outside address, a representative peer (pods the workspace may not define), or any
 * pod of the cluster (not in the workspace, labels unknown: only `namespaceSelector: {}` surely admits it).
 */
type End = { pod: Workload } | { addr: number } | { rep: Rep } | { entire: true };

function portAllowed(pp: PolicyPort, proto: Protocol, port: number, dst: End): boolean {
  if (pp.protocol !== proto) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === 'number') {
    const end = pp.endPort !== undefined && pp.endPort >= pp.port ? pp.endPort : pp.port;
    return port >= pp.port && port <= end;
  }
  if (!('pod' in dst)) return false;
  return dst.pod.containers.some((c) => c.ports.some((cp) => cp.name === pp.port && cp.protocol === proto && cp.containerPort === port));
}

function peerAllows(p: PolicyPeer, policyNs: string, other: End, nsl: Map<string, Record<string, string>>): boolean {
  if ('addr' in other) return p.ipBlock !== undefined && inBlock(p, other.addr);
  if (!p.podSelector && !p.namespaceSelector) return false;
  if ('entire' in other) return wholeCluster(p);
  if ('rep' in other) {
    // netpol-analyzer's reading: the peer's selectors are the representative's (an empty one stands for any).
    const nsOk = p.namespaceSelector ? isEmpty(p.namespaceSelector) || sameMeaning(p.namespaceSelector, other.rep.ns) : sameMeaning(nameSelector(policyNs), other.rep.ns);
    const podOk = !p.podSelector || isEmpty(p.podSelector) || (other.rep.pod !== undefined && sameMeaning(p.podSelector, other.rep.pod));
    return nsOk && podOk;
  }
  const w = other.pod;
  if (p.namespaceSelector ? !matches(p.namespaceSelector, nsl.get(w.namespace) ?? {}) : w.namespace !== policyNs) return false;
  return !p.podSelector || matches(p.podSelector, labelsOf(w));
}

/** Whether an ANP/BANP subject or peer selects a pod (`namespaces`, `pods`) or an address (`networks`). */
function adminSelects(sel: AdminSelection, end: End, nsl: Map<string, Record<string, string>>): boolean {
  if ('addr' in end) {
    return (sel.networks ?? []).some((n) => {
      const c = parseCidr(n.value);
      return c !== undefined && end.addr >= c[0] && end.addr <= c[1];
    });
  }
  // Any pod elsewhere in the cluster: only selectors that match every pod surely select it.
  if ('entire' in end) return sel.namespaces ? isEmpty(sel.namespaces) : !!sel.pods && isEmpty(sel.pods.namespaceSelector) && isEmpty(sel.pods.podSelector);
  // A representative peer, read as netpol-analyzer reads it: an empty selector stands for any, else the same meaning.
  if ('rep' in end) {
    const nsOk = (x: LabelSelector) => isEmpty(x) || sameMeaning(x, end.rep.ns);
    if (sel.namespaces) return nsOk(sel.namespaces);
    return !!sel.pods && nsOk(sel.pods.namespaceSelector) && (isEmpty(sel.pods.podSelector) || (end.rep.pod !== undefined && sameMeaning(sel.pods.podSelector, end.rep.pod)));
  }
  const nsLabels = nsl.get(end.pod.namespace) ?? {};
  if (sel.namespaces) return matches(sel.namespaces, nsLabels);
  if (sel.pods) return matches(sel.pods.namespaceSelector, nsLabels) && matches(sel.pods.podSelector, labelsOf(end.pod));
  return false;
}

/** Whether an ANP/BANP rule's ports hold proto/port toward `dst` (a named port: dst's container port of that name). */
function adminPortMatches(r: AdminRule, proto: Protocol, port: number, dst: End): boolean {
  if (r.ports === undefined) return true;
  return r.ports.some((p) => {
    if (p.form === 'named') return 'pod' in dst && dst.pod.containers.some((c) => c.ports.some((cp) => cp.name === p.name && cp.protocol === proto && cp.containerPort === port));
    return p.protocol === proto && port >= p.port && port <= (p.form === 'range' ? p.endPort : p.port);
  });
}

/**
 * Whether `self` allows traffic with `other` in a direction, on proto/port toward `dst`: the first
 * matching rule of the ANPs selecting self (by priority, then name) decides; a Pass, or no match,
 * leaves it to the NetworkPolicies if they isolate self, else to the BANP's first matching rule,
 * else it is allowed.
 */
function sideAllows(
  input: ReachabilityInput, self: Workload, dir: 'Ingress' | 'Egress', other: End, proto: Protocol, port: number, dst: End): boolean {
  const nsl = new Map(input.namespaceLabels!);
  const key = dir === 'Ingress' ? 'ingress' : 'egress';
  const valid = (input.adminPolicies ?? []).filter((p) => p.issues.length === 0);
  const anps = valid
    .filter((p) => p.kind === 'AdminNetworkPolicy')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.priority!.value - b.p.priority!.value || a.p.name.localeCompare(b.p.name) || a.i - b.i)
    .map((x) => x.p);
  const ruleHits = (r: AdminRule): boolean => r.peers.some((x) => adminSelects(x, other, nsl)) && adminPortMatches(r, proto, port, dst);
  anpLoop: for (const anp of anps) {
    if (!adminSelects(anp.subject, { pod: self }, nsl)) continue;
    for (const r of anp[key]) {
      if (!ruleHits(r)) continue;
      if (r.action === 'Allow') return true;
      if (r.action === 'Deny') return false;
      break anpLoop; // Pass
    }
  }
  const np = npAllows(input, self, dir, other, proto, port, dst);
  if (np !== undefined) return np;
  const banp = valid.find((p) => p.kind === 'BaselineAdminNetworkPolicy');
  if (banp && adminSelects(banp.subject, { pod: self }, nsl)) {
    for (const r of banp[key]) if (ruleHits(r)) return r.action === 'Allow';
  }
  return true;
}

/** What the NetworkPolicies say; undefined when none isolates `self` in that direction. */
function npAllows(
  input: ReachabilityInput, self: Workload, dir: 'Ingress' | 'Egress', other: End, proto: Protocol, port: number, dst: End): boolean | undefined {
  const nsl = new Map(input.namespaceLabels!);
  const deciding = input.networkPolicies.filter((p) => p.namespace === self.namespace && p.policyTypes.includes(dir) && matches(p.podSelector, labelsOf(self)));
  if (deciding.length === 0) return undefined;
  return deciding.some((p) =>
    (dir === 'Ingress' ? p.ingress : p.egress).some(
      (r) =>
        (r.peers === undefined || r.peers.some((x) => peerAllows(x, p.namespace, other, nsl))) &&
        (r.ports === undefined || r.ports.some((pp) => portAllowed(pp, proto, port, dst))),
    ),
  );
}

/**
 * A representative's own side of a connection with a pod: ANPs and the BANP whose subject selects
 * the representative (as netpol-analyzer reads it: an empty selector stands for any, else the same
 * meaning) decide as for a pod; NetworkPolicies never select one. Named ports toward the
 * representative (its ingress) resolve on no pod.
 */
function repSideAllows(input: ReachabilityInput, rep: Rep, dir: 'Ingress' | 'Egress', other: { pod: Workload }, proto: Protocol, port: number): boolean {
  const nsl = new Map(input.namespaceLabels!);
  const key = dir === 'Ingress' ? 'ingress' : 'egress';
  const dst: End = dir === 'Ingress' ? { rep } : other;
  const valid = (input.adminPolicies ?? []).filter((p) => p.issues.length === 0);
  const anps = valid
    .filter((p) => p.kind === 'AdminNetworkPolicy')
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.priority!.value - b.p.priority!.value || a.p.name.localeCompare(b.p.name) || a.i - b.i)
    .map((x) => x.p);
  const ruleHits = (r: AdminRule): boolean => r.peers.some((x) => adminSelects(x, other, nsl)) && adminPortMatches(r, proto, port, dst);
  anpLoop: for (const anp of anps) {
    if (!adminSelects(anp.subject, { rep }, nsl)) continue;
    for (const r of anp[key]) {
      if (!ruleHits(r)) continue;
      if (r.action === 'Allow') return true;
      if (r.action === 'Deny') return false;
      break anpLoop; // Pass: no NetworkPolicy selects a representative, so on to the BANP
    }
  }
  const banp = valid.find((p) => p.kind === 'BaselineAdminNetworkPolicy');
  if (banp && adminSelects(banp.subject, { rep }, nsl)) {
    for (const r of banp[key]) if (ruleHits(r)) return r.action === 'Allow';
  }
  return true;
}

/** Whether an ANP or the BANP (evaluated) selects the pod and has rules in that direction. */
function adminProtects(input: ReachabilityInput, w: Workload, dir: 'Ingress' | 'Egress'): boolean {
  const nsl = new Map(input.namespaceLabels!);
  const key = dir === 'Ingress' ? 'ingress' : 'egress';
  return (input.adminPolicies ?? []).some((p) => p.issues.length === 0 && p[key].length > 0 && adminSelects(p.subject, { pod: w }, nsl));
}

// ------------------------------------------------------------------ the open world (SPEC §3)

/** A representative peer: any pod matching `pod` (every pod when undefined) in any namespace matching `ns`. */
interface Rep {
  ns: LabelSelector;
  pod?: LabelSelector;
}

const toSel = (r: { labels: Record<string, string>; expressions: LabelSelector['matchExpressions'] }): LabelSelector => ({
  matchLabels: Object.entries(r.labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' as const })),
  matchExpressions: r.expressions,
  span: SP,
});
const isEmpty = (sel: LabelSelector): boolean => sel.matchLabels.length === 0 && sel.matchExpressions.length === 0;
const nameSelector = (ns: string): LabelSelector => ({ matchLabels: [{ key: 'kubernetes.io/metadata.name', value: ns, keySpan: SP, valueSpan: SP, valueKind: 'string' }], matchExpressions: [], span: SP });
const wholeCluster = (p: PolicyPeer): boolean => !p.ipBlock && !!p.namespaceSelector && isEmpty(p.namespaceSelector) && (!p.podSelector || isEmpty(p.podSelector));

/** The selector's requirements as a sorted list (`In` with one value is `=`). */
function meaning(sel: LabelSelector): string[] {
  const out = sel.matchLabels.map((e) => `${e.key}=${e.value}`);
  for (const x of sel.matchExpressions) {
    const vs = [...new Set(x.values)].sort();
    out.push(x.operator === 'In' && vs.length === 1 ? `${x.key}=${vs[0]}` : `${x.key} ${x.operator} ${vs.join(',')}`);
  }
  return out.sort((a, b) => (a.split(/[= ]/)[0] < b.split(/[= ]/)[0] ? -1 : a.split(/[= ]/)[0] > b.split(/[= ]/)[0] ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

function sameMeaning(a: LabelSelector, b: LabelSelector): boolean {
  return JSON.stringify(meaning(a)) === JSON.stringify(meaning(b));
}

/** Representatives of every rule that does not admit the whole cluster, less those a real pod stands for. */
function representatives(input: ReachabilityInput): Rep[] {
  const nsl = new Map(input.namespaceLabels!);
  const reps: Rep[] = [];
  for (const p of input.networkPolicies) {
    const rules = [...(p.policyTypes.includes('Ingress') ? p.ingress : []), ...(p.policyTypes.includes('Egress') ? p.egress : [])];
    for (const r of rules) {
      if (r.peers === undefined || r.peers.some(wholeCluster)) continue;
      for (const x of r.peers) if (!x.ipBlock && (x.podSelector || x.namespaceSelector)) reps.push({ ns: x.namespaceSelector ?? nameSelector(p.namespace), pod: x.podSelector });
    }
  }
  // ANP/BANP peers (of objects that are evaluated): `namespaces` stands for every pod there, `pods`
  // for those pods; a peer that selects every pod is the entire cluster; `networks` names no pod.
  const valid = (input.adminPolicies ?? []).filter((x) => x.issues.length === 0);
  const banp = valid.find((x) => x.kind === 'BaselineAdminNetworkPolicy'); // a second one cannot exist in a cluster
  for (const p of valid) {
    if (p.kind === 'BaselineAdminNetworkPolicy' && p !== banp) continue;
    for (const r of [...p.ingress, ...p.egress]) {
      for (const x of r.peers) {
        if (x.namespaces && !isEmpty(x.namespaces)) reps.push({ ns: x.namespaces });
        else if (x.pods && !(isEmpty(x.pods.namespaceSelector) && isEmpty(x.pods.podSelector))) reps.push({ ns: x.pods.namespaceSelector, pod: x.pods.podSelector });
      }
    }
  }
  // Dropped when a real pod matches it, and every rule that names it uses matchLabels only (both selectors non-empty).
  const labelsOnly = (rep: Rep): boolean => !isEmpty(rep.ns) && rep.ns.matchExpressions.length === 0 && rep.pod !== undefined && !isEmpty(rep.pod) && rep.pod.matchExpressions.length === 0;
  const key = (rep: Rep): string => JSON.stringify([meaning(rep.ns), rep.pod ? meaning(rep.pod) : []]);
  const notLabelsOnly = new Set(reps.filter((r) => !labelsOnly(r)).map(key));
  return reps.filter(
    (rep) =>
      notLabelsOnly.has(key(rep)) || !input.workloads.some((w) => matches(rep.pod!, labelsOf(w)) && matches(rep.ns, nsl.get(w.namespace) ?? {})),
  );
}

// ------------------------------------------------------------------ the comparison

/** A Service selecting exactly the pods with d's labels (undefined when d has none: `{}` selects nothing). */
function serviceFor(d: Workload): Service | undefined {
  if (d.podLabels.length === 0) return undefined;
  return {
    ...base('Service', `s-${d.name}`, d.namespace),
    type: 'service',
    serviceType: 'ClusterIP',
    headless: false,
    selector: { matchLabels: d.podLabels.map((e) => ({ ...e })), matchExpressions: [], span: SP },
    ports: [],
  };
}

function compare(input: ReachabilityInput, engine: ReachabilityEngine, seed: number): void {
  const peerOf = (w: Workload) => engine.peerOf(w)!;
  const sample = (dstPorts: number[]): number[] => [...new Set([...SAMPLE_PORTS, ...dstPorts])];
  for (const s of input.workloads) {
    for (const d of input.workloads) {
      if (s === d) continue;
      const conns = engine.conns(peerOf(s), peerOf(d));
      // The tier decisions (for explanations) cover what is allowed: ingress allowed ∩ egress allowed.
      const tiers = engine.tierDecisions(peerOf(s), peerOf(d));
      if (tiers && engine.peerOf(s)!.workloads.length === 1 && engine.peerOf(d)!.workloads.length === 1) {
        const allowed = (ds: typeof tiers.ingress) => ds.filter((x) => x.allowed).reduce((a, x) => a.union(x.conns), ConnSet.EMPTY);
        assert.equal(allowed(tiers.ingress).intersect(allowed(tiers.egress)).toString(), conns.toString(), `seed ${seed}: tiers ${s.name} → ${d.name}`);
      }
      const dPorts = d.containers.flatMap((c) => c.ports.map((p) => p.containerPort));
      for (const proto of PROTOS) {
        for (const port of sample(dPorts)) {
          const expected =
            sideAllows(input, s, 'Egress', { pod: d }, proto, port, { pod: d }) && sideAllows(input, d, 'Ingress', { pod: s }, proto, port, { pod: d });
          assert.equal(conns.has(proto, port), expected, `seed ${seed}: ${s.name} → ${d.name} ${proto}/${port}`);
        }
      }
    }
    for (const a of SAMPLE_ADDRS) {
      const addr = ipToNum(a);
      const out = engine.externalPeers('egress').find((p) => p.range![0] <= addr && addr <= p.range![1])!;
      const inn = engine.externalPeers('ingress').find((p) => p.range![0] <= addr && addr <= p.range![1])!;
      const toExt = engine.conns(peerOf(s), out);
      const fromExt = engine.conns(inn, peerOf(s));
      for (const proto of PROTOS) {
        for (const port of SAMPLE_PORTS) {
          assert.equal(toExt.has(proto, port), sideAllows(input, s, 'Egress', { addr }, proto, port, { addr }), `seed ${seed}: ${s.name} → ${a} ${proto}/${port}`);
          assert.equal(fromExt.has(proto, port), sideAllows(input, s, 'Ingress', { addr }, proto, port, { pod: s }), `seed ${seed}: ${a} → ${s.name} ${proto}/${port}`);
        }
      }
    }
  }
  // servicePortReachability (summarised per ingress row and port) against the rules: some pod
  // (the target's own replicas included), a representative peer (its egress decided by the ANPs and
  // BANP whose subject selects it, as in the exposure) or any pod elsewhere in the cluster (no
  // policy is known to select them: their egress is open) or an outside address may open that port on the target.
  const sources: End[] = [
    ...input.workloads.map((pod) => ({ pod })),
    ...engine.externalPeers('ingress').map((p) => ({ addr: p.range![0] })),
    ...representatives(input).map((rep) => ({ rep })),
    { entire: true as const },
  ];
  for (const d of input.workloads) {
    const svc = serviceFor(d);
    if (!svc) continue;
    for (const proto of PROTOS) {
      for (const p of [53, 80, 443, 8080, 'http', 'dns'] as Array<number | string>) {
        const sp = { port: 1, portSpan: SP, targetPort: p, protocol: proto, span: SP };
        const got = engine.servicePortReachability(svc, sp);
        for (const t of got.targets) {
          const expected =
            t.port !== undefined &&
            sources.some(
              (src) =>
                (!('pod' in src) || sideAllows(input, src.pod, 'Egress', { pod: t.workload }, proto, t.port!, { pod: t.workload })) &&
                (!('rep' in src) || repSideAllows(input, src.rep, 'Egress', { pod: t.workload }, proto, t.port!)) &&
                sideAllows(input, t.workload, 'Ingress', src, proto, t.port!, { pod: t.workload }),
            );
          assert.equal(t.reachable, expected, `seed ${seed}: service port ${proto}/${p} → ${t.workload.name}`);
        }
        assert.equal(got.reachable, got.targets.some((t) => t.reachable));
      }
    }
  }
  // Exposure: per workload and direction, what each representative (and the entire cluster) is
  // allowed, port by port, through the tiers (ANP, NetworkPolicy, BANP); a representative's
  // connection is also what its own side allows (an ANP/BANP subject may select it); a
  // representative without a line of its own gets what the entire cluster gets. Named ports toward
  // representatives stay names (not compared).
  const world = engine.openWorld();
  const reps = representatives(input);
  const repText = (ns: LabelSelector, pod: LabelSelector | undefined): string => JSON.stringify([meaning(ns), pod ? meaning(pod) : []]);
  assert.deepEqual(
    world.representatives().map((r) => repText(toSel(r.ns), toSel(r.pod))).sort(),
    [...new Set(reps.map((r) => repText(r.ns, r.pod)))].sort(),
    `seed ${seed}: representatives`,
  );
  for (const w of input.workloads) {
    const peer = peerOf(w);
    if (peer.workloads.length !== 1) continue; // replicas of one owner with other labels: a union, checked elsewhere
    const c = engine.classesOfPeer(peer)[0]!;
    for (const dir of ['Ingress', 'Egress'] as const) {
      const x = world.exposure(c, dir === 'Ingress' ? 'ingress' : 'egress');
      const isolated = input.networkPolicies.some((p) => p.namespace === w.namespace && p.policyTypes.includes(dir) && matches(p.podSelector, labelsOf(w)));
      const prot = isolated || adminProtects(input, w, dir);
      assert.equal(x.protected, prot, `seed ${seed}: ${w.name} ${dir} protected`);
      if (!prot) continue;
      const otherDir = dir === 'Ingress' ? 'Egress' : 'Ingress';
      for (const rep of reps) {
        const line = x.representatives.find((l) => repText(toSel(l.rep!.ns), toSel(l.rep!.pod)) === repText(rep.ns, rep.pod));
        const got = line ? line.conns : x.entireCluster;
        for (const proto of PROTOS) {
          for (const port of SAMPLE_PORTS) {
            const dst: End = dir === 'Ingress' ? { pod: w } : { rep };
            const expected = sideAllows(input, w, dir, { rep }, proto, port, dst) && repSideAllows(input, rep, otherDir, { pod: w }, proto, port);
            if (dir === 'Egress' && !expected && got.names.length) continue;
            assert.equal(got.has(proto, port), expected, `seed ${seed}: ${w.name} ${dir} rep ${JSON.stringify(meaning(rep.ns))}/${JSON.stringify(rep.pod && meaning(rep.pod))} ${proto}/${port}`);
          }
        }
      }
      for (const proto of PROTOS) {
        for (const port of SAMPLE_PORTS) {
          const expected = sideAllows(input, w, dir, { entire: true }, proto, port, dir === 'Ingress' ? { pod: w } : { entire: true });
          assert.equal(x.entireCluster.has(proto, port), expected, `seed ${seed}: ${w.name} ${dir} entire cluster ${proto}/${port}`);
        }
      }
    }
  }
  // allowedFrom/allowedTo (pruned by the rows' named classes) agree with conns() too.
  for (const p of engine.peers()) {
    const from = engine.allowedFrom(p).map((a) => `${a.peer.name} ${a.conns}`);
    const to = engine.allowedTo(p).map((a) => `${a.peer.name} ${a.conns}`);
    const all = [...engine.externalPeers('ingress'), ...engine.peers(), engine.peer('{ingress-controller}')!];
    const expFrom = all.filter((x) => x !== p && !engine.conns(x, p).isEmpty).map((x) => `${x.name} ${engine.conns(x, p)}`);
    const expTo = [...engine.peers(), ...engine.externalPeers('egress')].filter((x) => x !== p && !engine.conns(p, x).isEmpty).map((x) => `${x.name} ${engine.conns(p, x)}`);
    assert.deepEqual(from, expFrom, `seed ${seed}: allowedFrom ${p.name}`);
    assert.deepEqual(to, expTo, `seed ${seed}: allowedTo ${p.name}`);
  }
  // pairs() (with its candidate pruning) agrees with conns() pair by pair.
  const fromPairs = new Map<string, string>();
  for (const p of engine.pairs()) fromPairs.set(`${p.src.name} ${p.dst.name}`, p.conns.toString());
  for (const s of engine.peers()) {
    for (const d of engine.peers()) {
      if (s === d) continue;
      const c = engine.conns(s, d);
      assert.equal(fromPairs.get(`${s.name} ${d.name}`), c.isEmpty ? undefined : c.toString(), `seed ${seed}: pairs() ${s.name} → ${d.name}`);
    }
  }
}

describe('reachability engine against a direct reading of the rules', () => {
  it('agrees on 300 random workspaces (pods, addresses, protocols, ports)', () => {
    // Reason: every optimisation (classes, compiled policies, rows, pruning) must keep the semantics.
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomInput(seed);
      compare(input, new ReachabilityEngine(input), seed);
    }
  });

  it('an engine updated edit by edit answers like a fresh one', () => {
    // Reason: incremental updates (patched policies, revalidated rows) must not leave stale answers.
    for (let seed = 1; seed <= 100; seed++) {
      const g = gen(seed * 7919);
      let input = randomInput(seed);
      const engine = new ReachabilityEngine(input);
      formatText(toLines(engine.pairs())); // warm every cache before editing
      for (let step = 0; step < 5; step++) {
        const policies = input.networkPolicies.slice();
        const workloads = input.workloads.slice();
        const what = g.pick(['policy', 'policy', 'add-policy', 'drop-policy', 'workload', 'drop-workload', 'namespace', 'admin']);
        if (what === 'policy' && policies.length) policies[Math.floor(g.rnd() * policies.length)] = { ...netpol(g, 90 + step), id: policies[0].id };
        else if (what === 'add-policy' || what === 'policy') policies.push(netpol(g, 100 + step));
        else if (what === 'drop-policy' && policies.length) policies.splice(Math.floor(g.rnd() * policies.length), 1);
        else if (what === 'workload') workloads.push(workload(g, 100 + step));
        else if (what === 'drop-workload' && workloads.length > 1) workloads.splice(Math.floor(g.rnd() * workloads.length), 1);
        input = {
          ...input,
          workloads,
          networkPolicies: policies,
          namespaceLabels: what === 'namespace' ? nsLabels(g) : input.namespaceLabels,
          adminPolicies: what === 'admin' ? adminPolicies(g) : input.adminPolicies,
        };
        engine.update(input);
        const fresh = new ReachabilityEngine(input);
        assert.equal(formatText(toLines(engine.pairs())), formatText(toLines(fresh.pairs())), `seed ${seed} step ${step} (${what})`);
        compare(input, engine, seed);
      }
    }
  });
});

// ------------------------------------------------------------------ applyChange against a fresh engine

/** A workspace as the index lists it: objects in order; an object that joins goes last. */
type Obj = K8sObject;

function namespaceObject(g: Gen, name: string, i: number): Namespace {
  const labels = randomLabels(g);
  return {
    ...base('Namespace', name, 'default'),
    id: `ns-${name}-${i}`,
    type: 'namespace',
    labels: Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' as const })),
  };
}

function randomService(g: Gen, i: number): Service {
  return {
    ...base('Service', `svc${i}`, g.chance(0.6) ? 'default' : g.pick(NAMESPACES)),
    type: 'service',
    serviceType: 'ClusterIP',
    headless: false,
    selector: g.chance(0.9) ? { matchLabels: [{ key: 'app', value: g.pick(VALUES), keySpan: SP, valueSpan: SP, valueKind: 'string' }], matchExpressions: [], span: SP } : undefined,
    ports: [
      { name: 'web', port: 80, portSpan: SP, targetPort: g.pick([80, 8080, 'http'] as Array<number | string>), protocol: 'TCP', span: SP },
      { name: 'dns', port: 53, portSpan: SP, targetPort: g.pick([53, 'dns'] as Array<number | string>), protocol: g.pick(['UDP', 'TCP'] as Protocol[]), span: SP },
    ],
  };
}

function backend(g: Gen, svcName: string): Backend {
  return { targetKind: 'Service', serviceName: svcName, serviceNameSpan: SP, port: g.pick([80, 'web', 53, 'dns'] as Array<number | string>), portSpan: SP, isDefault: false, span: SP };
}

function randomIngress(g: Gen, i: number): Ingress {
  return {
    ...base('Ingress', `ing${i}`, g.chance(0.6) ? 'default' : g.pick(NAMESPACES)),
    type: 'ingress',
    backends: [backend(g, `svc${Math.floor(g.rnd() * 4)}`)],
    hosts: [],
    tlsHosts: [],
  };
}

function randomRoute(g: Gen, i: number): Route {
  const b = backend(g, `svc${Math.floor(g.rnd() * 4)}`);
  if (g.chance(0.5)) b.explicitNamespace = { value: g.pick(NAMESPACES), span: SP };
  return { ...base('HTTPRoute', `route${i}`, g.chance(0.6) ? 'default' : g.pick(NAMESPACES)), type: 'route', kind: 'HTTPRoute', hostnames: [], backends: [b] };
}

function randomGrant(g: Gen, i: number): ReferenceGrant {
  return {
    ...base('ReferenceGrant', `grant${i}`, g.pick(NAMESPACES)),
    type: 'referencegrant',
    from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: g.pick(NAMESPACES) }],
    to: [{ group: '', kind: 'Service' }],
  };
}

function randomObject(g: Gen, i: number): Obj {
  const what = g.pick(['workload', 'workload', 'policy', 'policy', 'namespace', 'service', 'ingress', 'route', 'grant']);
  if (what === 'workload') return workload(g, i);
  if (what === 'policy') return g.chance(0.3) ? adminPolicy(g, i, g.chance(0.3)) : netpol(g, i);
  if (what === 'namespace') return namespaceObject(g, g.pick(NAMESPACES), i);
  if (what === 'service') return randomService(g, i % 4);
  if (what === 'ingress') return randomIngress(g, i);
  if (what === 'route') return randomRoute(g, i);
  return randomGrant(g, i);
}

/** An edited version of an object: new labels, rules or ports, as a re-parsed file would give. */
function edited(g: Gen, o: Obj, i: number): Obj {
  if (o.type === 'workload') {
    const w = workload(g, i);
    return { ...w, name: g.chance(0.7) ? o.name : w.name, namespace: g.chance(0.8) ? o.namespace : w.namespace };
  }
  if (o.type === 'networkpolicy') return g.chance(0.3) ? { ...o } : { ...netpol(g, i), name: o.name, namespace: o.namespace };
  if (o.type === 'namespace') return namespaceObject(g, o.name, i);
  if (o.type === 'adminpolicy') return { ...adminPolicy(g, i, o.kind === 'BaselineAdminNetworkPolicy'), name: o.name };
  return randomObject(g, i);
}

function inputOf(objects: readonly Obj[], settings?: ReachabilityInput['settings']): ReachabilityInput {
  const of = <T extends Obj>(type: T['type']): T[] => objects.filter((o): o is T => o.type === type);
  const namespaces = of<Namespace>('namespace');
  // As the index gives them: every named namespace, then the Namespace objects' labels (the last wins).
  const namespaceLabels = new Map<string, Record<string, string>>();
  for (const o of objects) if (o.type !== 'namespace') namespaceLabels.set(o.namespace, { 'kubernetes.io/metadata.name': o.namespace });
  for (const n of namespaces) namespaceLabels.set(n.name, { ...Object.fromEntries(n.labels.map((l) => [l.key, l.value])), 'kubernetes.io/metadata.name': n.name });
  return {
    workloads: of<Workload>('workload'),
    networkPolicies: of<NetworkPolicy>('networkpolicy'),
    adminPolicies: of<AdminPolicy>('adminpolicy'),
    namespaceLabels,
    namespaces,
    services: of<Service>('service'),
    ingresses: of<Ingress>('ingress'),
    routes: of<Route>('route'),
    referenceGrants: of<ReferenceGrant>('referencegrant'),
    settings,
  };
}

/** Everything the engine answers, as text: equal texts, equal engines. */
function answers(engine: ReachabilityEngine, input: ReachabilityInput): string {
  const out: string[] = [formatText(toLines(engine.pairs()))];
  const wname = (w: Workload) => `${w.namespace}/${w.name}#${w.id}`;
  out.push(engine.peers().map((p) => `${p.name}: ${p.workloads.map(wname).join(' ')}`).join('\n'));
  out.push(engine.externalPeers('ingress').map((p) => p.name).join(' '), engine.externalPeers('egress').map((p) => p.name).join(' '));
  out.push(engine.podClasses().map((c) => `${c.namespace} ${JSON.stringify(c.labels)} ${JSON.stringify(c.nsLabels)} ${c.portsKey} ${c.workloads.map(wname)}`).join('\n'));
  for (const w of input.workloads) {
    const r = engine.reachabilityOf(w);
    for (const dir of ['ingress', 'egress'] as const) {
      out.push(
        `${wname(w)} ${dir} ${r[dir].isolated} [${r[dir].policies.map((p) => p.id)}] ${r[dir].allowed.map((a) => `${a.peer.name} ${a.conns}`).join('; ')}`,
        `deciding ${engine.policiesDeciding(w, dir).map((p) => p.id)}`,
      );
    }
  }
  const peers = engine.peers();
  for (const s of peers.slice(0, 4)) {
    for (const d of peers) {
      const e = engine.explain(s, d);
      out.push(`explain ${s.name} ${d.name} ${e.conns} ${e.ingress.open} ${e.egress.open} ${[...e.ingress.rules, ...e.egress.rules].map((x) => `${x.policy.id}/${x.direction}/${x.index}/${x.conns}`)}`);
      const t = engine.tierDecisions(s, d);
      if (t) out.push(`tiers ${[...t.ingress, ...t.egress].map((x) => `${x.tier}/${x.allowed}/${x.policy?.id}/${x.ruleIndex}/${x.conns}`)}`);
    }
  }
  for (const svc of input.services ?? []) {
    for (const sp of svc.ports) {
      const r = engine.servicePortReachability(svc, sp);
      out.push(`svc ${svc.id} ${sp.name} ${r.reachable} ${r.targets.map((t) => `${wname(t.workload)}:${t.port}:${t.protocol}:${t.reachable}`)}`);
    }
  }
  for (const owner of [...(input.ingresses ?? []), ...(input.routes ?? [])]) {
    for (const b of owner.backends) {
      const r = engine.backendReachability(owner, b);
      out.push(`backend ${owner.id} ${r.service?.id} ${r.servicePort?.name} ${r.reachable} ${r.targets.map((t) => `${wname(t.workload)}:${t.port}:${t.reachable}`)}`);
    }
  }
  out.push(engine.labelGapFindings().map((f) => `${f.peer.name} ${f.label} ${f.policy.id}`).join('\n'));
  out.push(reachViewText(engine, { exposure: true }));
  return out.join('\n');
}

describe('an engine built in portions (ReachabilityEngine.inPortions)', () => {
  it('answers like the engine built in one piece, whatever the portion sizes (random workspaces, namespace labels, settings)', () => {
    // Reason: the server builds the engine a portion at a time after the scan (build.ts): the
    // workloads join in several changes before any policy is compiled; any difference from the
    // one-piece build (classes, peers, policy selections, routes, representatives) shows here.
    const controllers: Array<IngressControllerIdentity | undefined> = [undefined, { namespace: 'blue', namespaceLabels: {}, podLabels: { app: 'x' } }];
    for (let seed = 1; seed <= 150; seed++) {
      const g = gen(seed * 7919);
      const objects: Obj[] = [
        ...Array.from({ length: 3 + Math.floor(g.rnd() * 8) }, (_, i) => ({ ...workload(g, i), namespace: g.chance(0.5) ? 'default' : g.pick(NAMESPACES) })),
        ...Array.from({ length: 4 + Math.floor(g.rnd() * 12) }, (_, i) => randomObject(g, 20 + i)),
      ];
      const controller = g.pick(controllers);
      const input = inputOf(objects, controller ? { ingressController: controller } : undefined);
      const sizes = { routing: 1 + Math.floor(g.rnd() * 3), workloads: 1 + Math.floor(g.rnd() * 3), policies: 1 + Math.floor(g.rnd() * 3), policyReads: 1 + Math.floor(g.rnd() * 3) };
      const build = ReachabilityEngine.inPortions(input, sizes);
      let steps = 1;
      while (build.step()) steps++;
      assert.ok(steps > 2, `seed ${seed}: built in ${steps} portions`);
      assert.equal(answers(build.engine, input), answers(new ReachabilityEngine(input), input), `seed ${seed}, portions ${JSON.stringify(sizes)}`);
    }
  });
});

describe('applyChange against a fresh engine', () => {
  it('random edit sequences (objects leaving, joining, edited, re-filed; namespace labels; settings) answer like a fresh engine', () => {
    // Reason: the incremental path patches classes, policies, selections, peers and caches in place;
    // any of them left stale would show here as a difference from an engine built from scratch.
    const controllers: Array<IngressControllerIdentity | undefined> = [undefined, { namespace: 'blue', namespaceLabels: {}, podLabels: { app: 'x' } }, { namespace: 'ingress-nginx', namespaceLabels: { team: 'y' }, podLabels: {} }];
    for (let seed = 1; seed <= 150; seed++) {
      const g = gen(seed * 104729);
      let objects: Obj[] = [
        ...Array.from({ length: 3 + Math.floor(g.rnd() * 6) }, (_, i) => ({ ...workload(g, i), namespace: g.chance(0.5) ? 'default' : g.pick(NAMESPACES) })),
        ...Array.from({ length: 4 + Math.floor(g.rnd() * 10) }, (_, i) => randomObject(g, 20 + i)),
      ];
      let settings: ReachabilityInput['settings'] = undefined;
      const engine = new ReachabilityEngine(inputOf(objects, settings));
      answers(engine, inputOf(objects, settings)); // warm every cache before editing
      for (let step = 0; step < 8; step++) {
        const removed: Obj[] = [];
        const added: Obj[] = [];
        const what = g.pick(['edit', 'edit', 'edit', 'add', 'drop', 'refile', 'file', 'settings']);
        const at = Math.floor(g.rnd() * objects.length);
        const n = 100 + step * 10;
        if (what === 'edit' && objects.length) {
          removed.push(objects[at]);
          added.push(edited(g, objects[at], n));
        } else if (what === 'add') added.push(randomObject(g, n));
        else if (what === 'drop' && objects.length) removed.push(objects[at]);
        else if (what === 'refile' && objects.length) {
          // A kustomization moved the file: the same object leaves and joins under another namespace.
          const o = objects[at];
          removed.push(o);
          o.namespace = g.pick(NAMESPACES);
          added.push(o);
        } else if (what === 'file') {
          // A multi-document file re-read: several old objects leave, their new versions join.
          for (let k = 0; k < 3 && objects.length; k++) {
            const o = objects[Math.floor(g.rnd() * objects.length)];
            if (removed.includes(o)) continue;
            removed.push(o);
            if (g.chance(0.8)) added.push(edited(g, o, n + k));
          }
          if (g.chance(0.5)) added.push(randomObject(g, n + 5));
        }
        const gone = new Set(removed);
        objects = [...objects.filter((o) => !gone.has(o)), ...added];
        const controller = g.pick(controllers);
        const newSettings = what === 'settings' ? (controller ? { ingressController: controller } : {}) : undefined;
        if (newSettings) settings = newSettings;
        const path = g.rnd();
        if (path < 0.1) engine.update(inputOf(objects, settings)); // the full path now and then, then on incrementally
        else if (path < 0.4) engine.applyChange({ objects: [...removed, ...added] }, newSettings);
        else engine.applyChange({ removed, added }, newSettings);
        const input = inputOf(objects, settings);
        const fresh = new ReachabilityEngine(input);
        assert.equal(answers(engine, input), answers(fresh, input), `seed ${seed} step ${step} (${what})`);
        if (step % 4 === 3) compare(input, engine, seed);
      }
    }
  });

  it('Namespace label edits answer like a fresh engine and re-check only the policies whose namespaceSelectors match the old or new labels', () => {
    // Reason: issue 11: a Namespace edit re-classes its workloads; a policy whose namespaceSelectors
    // match neither label set only swaps class ids, and any mistake in that shortcut shows here
    // as a difference from an engine built from scratch.
    const labelsOfNs = (n: Namespace): Record<string, string> => ({ ...Object.fromEntries(n.labels.map((l) => [l.key, l.value])), 'kubernetes.io/metadata.name': n.name });
    let spared = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const g = gen(seed * 7919 + 3);
      let objects: Obj[] = [
        ...NAMESPACES.map((ns, i) => namespaceObject(g, ns, i)),
        ...Array.from({ length: 4 + Math.floor(g.rnd() * 8) }, (_, i) => workload(g, i)),
        ...Array.from({ length: 4 + Math.floor(g.rnd() * 8) }, (_, i) => netpol(g, 100 + i)),
        ...Array.from({ length: Math.floor(g.rnd() * 3) }, (_, i) => randomService(g, i)),
      ];
      const engine = new ReachabilityEngine(inputOf(objects));
      answers(engine, inputOf(objects)); // warm every cache before editing
      for (let step = 0; step < 6; step++) {
        const namespaces = objects.filter((o): o is Namespace => o.type === 'namespace');
        const old = g.pick(namespaces);
        const next = namespaceObject(g, old.name, 1000 + step);
        objects = [...objects.filter((o) => o !== old), next];
        const path = g.rnd();
        if (path < 0.15) engine.update(inputOf(objects));
        else if (path < 0.5) engine.applyChange({ objects: [old, next] });
        else engine.applyChange({ removed: [old], added: [next] });
        const input = inputOf(objects);
        assert.equal(answers(engine, input), answers(new ReachabilityEngine(input), input), `seed ${seed} step ${step}`);
        const policies = objects.filter((o): o is NetworkPolicy => o.type === 'networkpolicy');
        const looking = policies.filter((p) =>
          [...p.ingress, ...p.egress].some((r) => (r.peers ?? []).some((x) => x.namespaceSelector && [labelsOfNs(old), labelsOfNs(next)].some((l) => selectorMatches(x.namespaceSelector!, l)))),
        );
        assert.ok(engine.lastUpdate.policiesRechecked <= looking.length, `seed ${seed} step ${step}: ${engine.lastUpdate.policiesRechecked} re-checked, ${looking.length} look at the labels`);
        if (looking.length < policies.length && engine.lastUpdate.classesAdded > 0) spared++;
      }
    }
    assert.ok(spared > 20, `edits where some policies were spared a re-check: ${spared}`);
  });

  it('workload edits under fixed Ingresses and Services: the controller routes kept per namespace answer like a fresh engine', () => {
    // Reason: issue 11: when only classes come and go, the controller's routes are worked out again
    // for their namespaces only; a class whose routes were not would show here as a backend or a
    // controller connection that differs from an engine built from scratch.
    let differing = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const g = gen(seed * 104729 + 11);
      let objects: Obj[] = [
        ...Array.from({ length: 4 }, (_, i) => randomService(g, i)),
        ...Array.from({ length: 6 }, (_, i) => randomIngress(g, i)),
        ...Array.from({ length: 3 + Math.floor(g.rnd() * 5) }, (_, i) => workload(g, i)),
        ...Array.from({ length: Math.floor(g.rnd() * 4) }, (_, i) => netpol(g, 100 + i)),
      ];
      const engine = new ReachabilityEngine(inputOf(objects));
      let before = answers(engine, inputOf(objects)); // warm every cache (the routes among them) before editing
      for (let step = 0; step < 6; step++) {
        const workloads = objects.filter((o): o is Workload => o.type === 'workload');
        const old = g.pick(workloads);
        const next = g.chance(0.8) ? edited(g, old, 200 + step) : undefined;
        objects = [...objects.filter((o) => o !== old), ...(next ? [next] : [])];
        if (g.chance(0.5)) engine.applyChange({ removed: [old], added: next ? [next] : [] });
        else engine.applyChange({ objects: next ? [old, next] : [old] });
        const input = inputOf(objects);
        const now = answers(engine, input);
        assert.equal(now, answers(new ReachabilityEngine(input), input), `seed ${seed} step ${step}`);
        if (now !== before) differing++;
        before = now;
      }
    }
    assert.ok(differing > 100, `edits that changed some answer: ${differing}`);
  });

  it('an edit that keeps a Deployment in its class compiles nothing and adds no class', () => {
    const g = gen(7);
    const objects: Obj[] = [...Array.from({ length: 6 }, (_, i) => workload(g, i)), ...Array.from({ length: 4 }, (_, i) => netpol(g, i))];
    const engine = new ReachabilityEngine(inputOf(objects));
    const w = objects[0] as Workload;
    engine.applyChange({ removed: [w], added: [{ ...w }] });
    assert.deepEqual(engine.lastUpdate, { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0, policiesRechecked: 0, routesStartedOver: false });
    const p = objects[6] as NetworkPolicy;
    engine.applyChange({ removed: [p], added: [{ ...p }] });
    assert.equal(engine.lastUpdate.policiesCompiled, 0, 'same content: the compiled form is reused');
  });

  it('objects of other kinds, and objects it does not hold, are ignored', () => {
    const g = gen(11);
    const objects: Obj[] = [workload(g, 1), workload(g, 2), netpol(g, 1)];
    const engine = new ReachabilityEngine(inputOf(objects));
    const before = answers(engine, inputOf(objects));
    const other = { ...base('ConfigMap', 'cm', 'default'), type: 'other' as const };
    engine.applyChange({ removed: [workload(g, 9), other], added: [other] });
    assert.equal(answers(engine, inputOf(objects)), before);
  });
});
