// Hover lines about the open world that belong to a policy or to the ingress controller: the
// pods outside the workspace a policy's rules admit, and where the controller identity in use
// comes from (configured, defined in the workspace, guessed with its grounds, or the default).
import type { Analysis } from '../analysis/workspaceAnalysis';
import { PortConns } from '../analysis/reachability/exposure';
import { compilePorts } from '../analysis/reachability/policies';
import { representativeOf, ruleAdmitsEntireCluster } from '../analysis/reachability/representative';
import type { NetworkPolicy, PolicyPeer, PolicyRule } from '../model/types';
import { isEmptySelector } from '../analysis/selectors';
import { representativeText } from './openWorld';
import { code, escapeMarkdown } from './text';

const MAX = 8;

function portsText(rule: PolicyRule): string {
  const p = compilePorts(rule.ports);
  return PortConns.of(p.fixed, p.named.map((n) => `${n.protocol} ${n.name}`)).toString();
}

/** `Admits from outside this workspace:` with each representative (or the entire cluster) and its ports. */
export function policyOutsideLines(analysis: Analysis, np: NetworkPolicy): string[] {
  const live = new Set(analysis.reachability().openWorld().representatives().map((r) => r.key));
  const out: string[] = [];
  for (const [dir, rules, title] of [
    ['Ingress', np.ingress, 'Admits from outside this workspace'],
    ['Egress', np.egress, 'Lets its pods reach, outside this workspace'],
  ] as const) {
    if (!np.policyTypes.includes(dir)) continue;
    const items: string[] = [];
    rules.forEach((rule, i) => {
      const ports = code(portsText(rule));
      if (ruleAdmitsEntireCluster(rule)) items.push(`${code('entire cluster')}: ${ports} (rule ${i + 1})`);
      else
        for (const peer of rule.peers ?? []) {
          const rep = representativeOf(peer, np.namespace);
          if (rep && live.has(rep.key)) items.push(`${code(representativeText(rep))}: ${ports} (rule ${i + 1})`);
        }
    });
    if (items.length === 0) continue;
    out.push('', `${title}:`, ...[...new Set(items)].slice(0, MAX).map((x) => `- ${x}`));
    if (items.length > MAX) out.push(`- … and ${items.length - MAX} more`);
  }
  return out;
}

/** Where the ingress controller identity in use comes from; a guess shows its grounds. */
export function controllerLines(analysis: Analysis): string[] {
  const info = analysis.ingressControllerInfo();
  const id = info.identity;
  const labels = Object.entries(id.podLabels).map(([k, v]) => `${k}=${v}`);
  const who = `namespace ${code(id.namespace)}${labels.length ? `, pod labels ${code(labels.join(','))}` : ', no pod labels'}`;
  switch (info.source) {
    case 'configured':
      return [`Ingress controller: ${who}, as configured in ${code('k8sNetmap.ingressController')}.`];
    case 'workspace':
      return [`Ingress controller: ${who}, defined in this workspace${info.workload ? ` (${escapeMarkdown(`${info.workload.kind} ${info.workload.namespace}/${info.workload.name}`)})` : ''}.`];
    case 'guess':
      return [
        `Ingress controller: **guessed** — ${who}; grounds: ${info.grounds.map(escapeMarkdown).join('; ')}. Set ${code('k8sNetmap.ingressController')} to be sure.`,
      ];
    default:
      return [`Ingress controller: assumed by default (a label-less pod in ${who}); set ${code('k8sNetmap.ingressController')} to your controller's identity.`];
  }
}

/** For a rule peer: the pods outside the workspace it stands for (a representative, or the entire cluster). */
export function peerOutsideLines(analysis: Analysis, np: NetworkPolicy, peer: PolicyPeer): string[] {
  if (peer.ipBlock) return [];
  if (peer.namespaceSelector && isEmptySelector(peer.namespaceSelector) && (!peer.podSelector || isEmptySelector(peer.podSelector))) {
    return ['', `Outside this workspace: ${code('entire cluster')} (every pod of every namespace).`];
  }
  const rep = representativeOf(peer, np.namespace);
  if (!rep) return [];
  const live = analysis.reachability().openWorld().representatives().some((r) => r.key === rep.key);
  return [
    '',
    live
      ? `Outside this workspace too: ${code(representativeText(rep))} (netpol-analyzer: ${code(rep.name)}).`
      : `Pods outside this workspace: none counted — a workload here matches these labels exactly.`,
  ];
}
