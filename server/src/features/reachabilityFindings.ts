// service-unreachable and ingress-blocked (SPEC §5): what the NetworkPolicies mean for a Service's
// target port and for the pods an Ingress or route sends traffic to.
import { atLength } from '../model/fitArrays';
import type { AdminPolicy, K8sObject } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { ReachabilityChecks } from './diagnostics';
import type { Finding, RelatedLocation } from './rules';
import { onHostNetwork } from './hostNetwork';
import { describeWorkload, quote } from './text';
import { outsideOf, outsideReaches } from './openWorld';

function policyLinks(policies: Iterable<{ uri: string; nameSpan: { start: number; end: number }; namespace: string; name: string }>): RelatedLocation[] {
  const out: RelatedLocation[] = [];
  const seen = new Set<string>();
  for (const p of policies) {
    const key = `${p.namespace}/${p.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ uri: p.uri, span: p.nameSpan, message: `NetworkPolicy ${key} decides ingress here` });
    if (out.length >= 8) break;
  }
  return atLength(out); // the language server keeps each verdict's findings
}

/** The ANPs and the BANP with ingress rules for the pods (cluster-scoped: named without a namespace). */
function adminLinks(policies: readonly AdminPolicy[]): RelatedLocation[] {
  return [...new Set(policies)].slice(0, 8).map((p) => ({ uri: p.uri, span: p.nameSpan, message: `${p.kind} ${p.name} decides ingress here` }));
}

function hasNetworkPolicies(analysis: Analysis, namespace: string): boolean {
  return [...analysis.index.objectsIn(namespace)].some((o) => o.type === 'networkpolicy');
}

export function reachabilityChecks(analysis: Analysis): ReachabilityChecks {
  return {
    findingsFor(obj: K8sObject): Finding[] {
      if (obj.type === 'service') return serviceFindings(analysis, obj);
      if (obj.type === 'ingress' || obj.type === 'route') return backendFindings(analysis, obj);
      return [];
    },
  };
}

function serviceFindings(analysis: Analysis, svc: Extract<K8sObject, { type: 'service' }>): Finding[] {
  if (!svc.selector || svc.ports.length === 0) return [];
  if (analysis.links.servicePods(svc).length === 0) return []; // service-selects-nothing says it already
  // Without NetworkPolicies in the namespace every address may connect (an ANP/BANP ingress rule
  // names pods and namespaces only, never addresses): nothing to warn about, skip the engine.
  if (!hasNetworkPolicies(analysis, svc.namespace)) return [];
  const engine = analysis.reachability();
  const out: Finding[] = [];
  for (const sp of svc.ports) {
    const r = engine.servicePortReachability(svc, sp);
    if (r.targets.length === 0 || r.reachable || r.targets.every((t) => t.port === undefined)) continue;
    // Host-network pods may well be reachable whatever the policies say: no certain verdict.
    if (r.targets.some((t) => onHostNetwork(t.workload))) continue;
    const policies = r.targets.flatMap((t) => engine.policiesDeciding(t.workload, 'ingress'));
    out.push({
      uri: svc.uri,
      span: sp.targetPortSpan ?? sp.portSpan,
      severity: 'warning',
      code: 'service-unreachable',
      message: `NetworkPolicies let nothing reach port ${r.targets[0].port}/${sp.protocol} on the selected pods (${r.targets
        .slice(0, 3)
        .map((t) => describeWorkload(t.workload))
        .join(', ')}): no pod (here or elsewhere in the cluster), address or ingress controller may connect to this Service's port ${sp.port}.`,
      related: policyLinks(policies),
    });
  }
  return out;
}

function backendFindings(analysis: Analysis, owner: Extract<K8sObject, { type: 'ingress' | 'route' }>): Finding[] {
  const out: Finding[] = [];
  let engineOnce: ReturnType<Analysis['reachability']> | undefined; // built on the first backend behind a policy
  for (const b of owner.backends) {
    if (b.targetKind !== 'Service') continue;
    const link = analysis.links.resolveBackend(owner, b);
    if (!link.service || !link.servicePort || link.targets.length === 0) continue;
    // The controller is a pod: an ANP/BANP Deny may keep it out where no NetworkPolicy isolates.
    if (!hasNetworkPolicies(analysis, link.service.namespace) && analysis.index.adminPolicies().length === 0) continue;
    const engine = (engineOnce ??= analysis.reachability());
    const r = engine.backendReachability(owner, b);
    const resolved = r.targets.flatMap((t) => (t.port === undefined ? [] : [{ ...t, port: t.port }]));
    if (resolved.length === 0 || r.reachable || resolved.some((t) => onHostNetwork(t.workload))) continue;
    const known = analysis.ingressControllerKnown();
    // The controller lives outside the workspace: unless its identity is certain, pods outside that
    // the policies admit on that port may be the controller itself (SPEC §3, §5).
    if (!known && resolved.some((t) => outsideReaches(outsideOf(analysis, t.workload, 'ingress'), 'TCP', t.port))) continue;
    const ic = engine.ingressController;
    const tiers = resolved.flatMap((t) => engine.adminPoliciesDeciding(t.workload, 'ingress'));
    const guessed = analysis.ingressControllerInfo().source === 'guess';
    const who = known
      ? `the ingress controller (namespace ${quote(ic.namespace)})`
      : guessed
        ? `the ingress controller as guessed (namespace ${quote(ic.namespace)}; set k8sNetmap.ingressController to be sure)`
        : `the ingress controller as assumed by default (a label-less pod in namespace ${quote(ic.namespace)}; set k8sNetmap.ingressController to your controller's identity)`;
    out.push({
      uri: owner.uri,
      span: b.serviceNameSpan,
      severity: known ? 'warning' : 'info',
      code: 'ingress-blocked',
      message: `${tiers.length ? 'NetworkPolicies and the cluster tiers (ANP/BANP)' : 'NetworkPolicies'} do not let ${who} reach ${resolved
        .slice(0, 3)
        .map((t) => `${describeWorkload(t.workload)} on port ${t.port}`)
        .join(', ')}: requests routed here fail.`,
      related: [
        { uri: link.service.uri, span: link.service.nameSpan, message: `Service ${link.service.namespace}/${link.service.name}` },
        ...adminLinks(tiers),
        ...policyLinks(resolved.flatMap((t) => engine.policiesDeciding(t.workload, 'ingress'))),
      ],
    });
  }
  return out;
}
