// Reads AdminNetworkPolicy and BaselineAdminNetworkPolicy (`policy.networking.k8s.io/v1alpha1`)
// into the model, with exact spans, and records what the API server's schema would reject
// (`issues`): an object with issues is not evaluated, as it could not exist in a cluster.
import type { Node } from 'yaml';
import type { AdminPolicy, AdminPort, AdminRule, AdminSelection, LabelSelector, ObjectBase, Protocol, Span } from '../model/types';
import { isSeq } from 'yaml';
import { asMap, asSeqItems, deref, get, getNumber, getString, mapPairs, scalarOf, scalarText, nodeSpan, spanOf, type NodeContext } from './nodes';

export const ADMIN_API_VERSION = 'policy.networking.k8s.io/v1alpha1';
const ANP_MIN_PRIORITY = 0;
const ANP_MAX_PRIORITY = 1000;

type SelectorReader = (ctx: NodeContext, node: unknown, plainMap: boolean) => LabelSelector | undefined;

export function readAdminPolicy(
  ctx: NodeContext,
  spec: Node | undefined,
  base: ObjectBase,
  kind: AdminPolicy['kind'],
  readSelector: SelectorReader,
): AdminPolicy {
  const issues: AdminPolicy['issues'] = [];
  const where = spanOf(ctx, spec) ?? base.kindSpan;
  const baseline = kind === 'BaselineAdminNetworkPolicy';
  let priority: AdminPolicy['priority'];
  if (!baseline) {
    const node = get(ctx, spec, 'priority');
    const value = getNumber(ctx, spec, 'priority');
    const span = spanOf(ctx, node) ?? where;
    if (value === undefined || !Number.isInteger(value)) issues.push({ message: 'spec.priority must be an integer from 0 to 1000', span });
    else {
      priority = { value, span };
      if (value < ANP_MIN_PRIORITY || value > ANP_MAX_PRIORITY) issues.push({ message: `priority ${value} is outside 0–1000`, span });
    }
  } else if (base.name !== 'default') {
    issues.push({ message: 'a BaselineAdminNetworkPolicy must be named "default" (there is one per cluster)', span: base.nameSpan });
  }
  const subjectNode = get(ctx, spec, 'subject');
  const subject = readSelection(ctx, subjectNode, readSelector, ['namespaces', 'pods'], 'subject', issues) ?? { span: where };
  if (!subjectNode) issues.push({ message: 'spec.subject is required', span: where });
  const rules = (dir: 'ingress' | 'egress'): AdminRule[] => {
    const node = get(ctx, spec, dir);
    if (node && !isSeq(deref(ctx, node))) issues.push({ message: `spec.${dir} must be a list of rules`, span: spanOf(ctx, node) ?? where });
    return asSeqItems(ctx, node).map((r) => readRule(ctx, r, dir, baseline, readSelector, issues));
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  // Completed in place, one field at a time, like the other kinds (see readObject in parseFile.ts).
  const policy = base as AdminPolicy;
  policy.type = 'adminpolicy';
  policy.kind = kind;
  if (priority) policy.priority = priority;
  policy.subject = subject;
  policy.ingress = ingress;
  policy.egress = egress;
  policy.issues = issues;
  return policy;
}

function readRule(
  ctx: NodeContext,
  node: Node,
  dir: 'ingress' | 'egress',
  baseline: boolean,
  readSelector: SelectorReader,
  issues: AdminPolicy['issues'],
): AdminRule {
  const span = nodeSpan(ctx, node);
  const actionNode = get(ctx, node, 'action');
  const action = getString(ctx, node, 'action') ?? '';
  const actionSpan = spanOf(ctx, actionNode) ?? span;
  const allowed = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  if (!allowed.includes(action)) {
    issues.push({ message: `action ${JSON.stringify(action.slice(0, 40))} is not one of ${allowed.join(', ')}`, span: actionSpan });
  }
  const peersKey = dir === 'ingress' ? 'from' : 'to';
  const fields = dir === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'networks', 'nodes'];
  const peerNodes = asSeqItems(ctx, get(ctx, node, peersKey));
  if (peerNodes.length === 0) issues.push({ message: `a rule needs at least one peer in "${peersKey}"`, span });
  const peers: AdminSelection[] = [];
  for (const p of peerNodes) {
    const sel = readSelection(ctx, p, readSelector, fields, `a "${peersKey}" peer`, issues);
    if (sel) peers.push(sel);
  }
  const portsNode = get(ctx, node, 'ports');
  const ports = portsNode ? asSeqItems(ctx, portsNode).map((p) => readPort(ctx, p, issues)).filter((p): p is AdminPort => !!p) : undefined;
  // Made one field at a time, in one order, like the NetworkPolicy rules (kindReaders.ts).
  const rule = {} as AdminRule;
  rule.name = getString(ctx, node, 'name') ?? '';
  rule.action = action;
  rule.actionSpan = actionSpan;
  rule.peers = peers;
  if (ports) rule.ports = ports;
  rule.span = span;
  return rule;
}

/** `namespaces` / `pods` (and `networks` / `nodes` for egress peers): exactly one must be set. */
function readSelection(
  ctx: NodeContext,
  node: unknown,
  readSelector: SelectorReader,
  fields: string[],
  what: string,
  issues: AdminPolicy['issues'],
): AdminSelection | undefined {
  const map = asMap(ctx, node);
  if (!map) {
    const at = spanOf(ctx, node as Node | undefined);
    if (at) issues.push({ message: `${what} must be a map setting one of ${fields.join(', ')}`, span: at });
    return undefined;
  }
  const span = nodeSpan(ctx, map);
  // A selector written as something else than a map (a list, a scalar) is refused by the schema.
  const notMap = (n: unknown, name: string): void => {
    if (n !== undefined && !asMap(ctx, n)) issues.push({ message: `${name} must be a label selector (a map)`, span: spanOf(ctx, n as Node) ?? span });
  };
  notMap(get(ctx, map, 'namespaces'), 'namespaces');
  notMap(get(ctx, map, 'nodes'), 'nodes');
  const present = mapPairs(ctx, map)
    .map((p) => scalarOf(ctx, p.key))
    .filter((k) => k !== undefined && fields.includes(scalarText(k)));
  if (present.length !== 1) issues.push({ message: `${what} must set exactly one of ${fields.join(', ')}`, span });
  const out: AdminSelection = { span };
  const namespaces = readSelector(ctx, get(ctx, map, 'namespaces'), false);
  if (namespaces) out.namespaces = namespaces;
  const podsNode = get(ctx, map, 'pods');
  if (podsNode) {
    const pspan = nodeSpan(ctx, podsNode);
    notMap(podsNode, 'pods');
    notMap(get(ctx, podsNode, 'namespaceSelector'), 'pods.namespaceSelector');
    notMap(get(ctx, podsNode, 'podSelector'), 'pods.podSelector');
    const empty = (s: Span): LabelSelector => ({ matchLabels: [], matchExpressions: [], span: s });
    const nsSel = readSelector(ctx, get(ctx, podsNode, 'namespaceSelector'), false);
    const podSel = readSelector(ctx, get(ctx, podsNode, 'podSelector'), false);
    // A missing selector reads as empty (every namespace, every pod), as netpol-analyzer reads it.
    out.pods = { namespaceSelector: nsSel ?? empty(pspan), podSelector: podSel ?? empty(pspan), span: pspan };
  }
  const networksNode = get(ctx, map, 'networks');
  if (networksNode) {
    out.networks = [];
    for (const n of asSeqItems(ctx, networksNode)) {
      const s = scalarOf(ctx, n);
      const nspan = nodeSpan(ctx, n);
      const value = s ? scalarText(s) : '';
      if (!isCidr(value)) issues.push({ message: `${JSON.stringify(value.slice(0, 60))} is not a CIDR`, span: nspan });
      out.networks.push({ value, span: nspan });
    }
    if (out.networks.length === 0) issues.push({ message: '"networks" needs at least one CIDR', span: spanOf(ctx, networksNode) ?? span });
  }
  const nodes = readSelector(ctx, get(ctx, map, 'nodes'), false);
  if (nodes) out.nodes = nodes;
  return out;
}

function readPort(ctx: NodeContext, node: Node, issues: AdminPolicy['issues']): AdminPort | undefined {
  const span = nodeSpan(ctx, node);
  const num = get(ctx, node, 'portNumber');
  const named = getString(ctx, node, 'namedPort');
  const range = get(ctx, node, 'portRange');
  if ([num, get(ctx, node, 'namedPort'), range].filter(Boolean).length !== 1) {
    issues.push({ message: 'a port must set exactly one of portNumber, namedPort, portRange', span });
  }
  const protocolOf = (n: Node | undefined): Protocol => {
    const p = getString(ctx, n, 'protocol');
    if (p !== undefined && p !== 'TCP' && p !== 'UDP' && p !== 'SCTP') {
      issues.push({ message: `protocol ${JSON.stringify(p.slice(0, 20))} is not TCP, UDP or SCTP`, span: spanOf(ctx, get(ctx, n, 'protocol')) ?? span });
    }
    return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
  };
  const portIn = (n: Node | undefined, key: string): number | undefined => {
    const v = getNumber(ctx, n, key);
    if (v === undefined || !Number.isInteger(v) || v < 1 || v > 65535) {
      issues.push({ message: `${key} must be a port number from 1 to 65535`, span: spanOf(ctx, get(ctx, n, key)) ?? spanOf(ctx, n) ?? span });
      return undefined;
    }
    return v;
  };
  if (num) {
    const port = portIn(num, 'port');
    return port === undefined ? undefined : { form: 'number', protocol: protocolOf(num), port, span };
  }
  if (named !== undefined) return { form: 'named', protocol: 'TCP', name: named, span };
  if (range) {
    const start = portIn(range, 'start');
    const end = portIn(range, 'end');
    if (start === undefined || end === undefined) return undefined;
    if (start > end) {
      issues.push({ message: `portRange start ${start} is above its end ${end}`, span: spanOf(ctx, range) ?? span });
      return undefined;
    }
    return { form: 'range', protocol: protocolOf(range), port: start, endPort: end, span };
  }
  return undefined;
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** An IPv4 or IPv6 CIDR as the API accepts it (IPv6 is read loosely: netpol-analyzer skips it). */
function isCidr(s: string): boolean {
  const m = IPV4_CIDR.exec(s);
  if (m) return m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
  const slash = s.indexOf('/');
  return slash > 0 && s.slice(0, slash).includes(':') && /^[0-9a-fA-F:.]+$/.test(s.slice(0, slash)) && /^\d{1,3}$/.test(s.slice(slash + 1)) && Number(s.slice(slash + 1)) <= 128;
}

/**
 * Policy kinds that also govern traffic but that we do not evaluate (CRDs of network plugins and
 * the newer ClusterNetworkPolicy): `reach` may overstate connectivity where they are in force.
 */
export function unevaluatedPolicyKind(apiVersion: string, kind: string): string | undefined {
  const group = apiVersion.split('/')[0];
  if ((kind === 'CiliumNetworkPolicy' || kind === 'CiliumClusterwideNetworkPolicy') && group === 'cilium.io') return kind;
  if ((kind === 'NetworkPolicy' || kind === 'GlobalNetworkPolicy') && (group === 'projectcalico.org' || group === 'crd.projectcalico.org')) {
    return `Calico ${kind}`;
  }
  if (kind === 'MultiNetworkPolicy' && group === 'k8s.cni.cncf.io') return kind;
  if (kind === 'ClusterNetworkPolicy' && group === 'policy.networking.k8s.io') return kind;
  return undefined;
}
