// Hovers of AdminNetworkPolicies and BaselineAdminNetworkPolicies (what a subject or rule peer
// selects, cluster-wide, and the policy's place among the tiers), and the tier lines of a
// workload's reachability hover. Every string from a manifest goes through `code()`.
import { workloadsSelectedBy } from '../analysis/reachability/adminWorkspace';
import type { PeerInfo } from '../analysis/reachability';
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { AdminPolicy, AdminRule, AdminSelection, Workload } from '../model/types';
import { selectorText } from './diagnostics';
import { code } from './text';

type Link = (obj: { uri: string; nameSpan: { start: number; end: number } }, label: string) => string;
type List = (items: string[], empty: string) => string;

const cut = (s: string): string => (s.length > 100 ? `${s.slice(0, 99)}…` : s);

/** `AdminNetworkPolicy name (priority 5)` or `BaselineAdminNetworkPolicy default`. */
export function adminTitle(p: AdminPolicy): string {
  return p.kind === 'AdminNetworkPolicy' ? `AdminNetworkPolicy ${cut(p.name)} (priority ${p.priority?.value ?? '?'})` : `BaselineAdminNetworkPolicy ${cut(p.name)}`;
}

function selectionText(sel: AdminSelection): string {
  if (sel.namespaces) return `all pods in namespaces matching ${code(selectorText(sel.namespaces).slice(1, -1) || '{}')}`;
  if (sel.pods) {
    return `pods ${code(selectorText(sel.pods.podSelector).slice(1, -1) || '{}')} in namespaces matching ${code(selectorText(sel.pods.namespaceSelector).slice(1, -1) || '{}')}`;
  }
  if (sel.networks) return `addresses ${sel.networks.map((n) => code(n.value)).join(', ')}`;
  if (sel.nodes) return 'nodes (not evaluated: netpol-analyzer does not analyse node peers either)';
  return 'nothing (invalid)';
}

function ruleText(rule: AdminRule): string {
  return `rule ${code(rule.name || '(unnamed)')}: ${code(rule.action)}`;
}

export function adminPolicyHover(analysis: Analysis, link: Link, list: List, ap: AdminPolicy): string {
  const found = workloadsSelectedBy(ap.subject, analysis.index.workloads(), analysis.index.namespaceLabels());
  const tier =
    ap.kind === 'AdminNetworkPolicy'
      ? 'Evaluated before NetworkPolicies, by priority (lower first); its first matching rule decides (Pass hands the connection to NetworkPolicies).'
      : 'Evaluated after NetworkPolicies, only for pods that no NetworkPolicy isolates in that direction.';
  const lines = [`**${code(adminTitle(ap))}**`, '', tier, ''];
  if (ap.issues.length) lines.push(`**Not evaluated:** the API server would reject it (${code(ap.issues[0].message)}).`, '');
  lines.push(`Subject: ${selectionText(ap.subject)}`, list(found.workloads.map((w) => link(w, `${w.kind} ${w.namespace}/${w.name}`)), 'no workload in this workspace'));
  const rules = [...ap.ingress.map((r) => `ingress ${ruleText(r)}`), ...ap.egress.map((r) => `egress ${ruleText(r)}`)];
  lines.push('', 'Rules, in order:', list(rules, 'none'));
  return lines.join('\n');
}

export function adminSelectionHover(analysis: Analysis, link: Link, list: List, ap: AdminPolicy, sel: AdminSelection, rule?: AdminRule, direction?: 'ingress' | 'egress'): string {
  const head = rule
    ? `**${direction === 'ingress' ? 'From' : 'To'}** ${selectionText(sel)} — ${ruleText(rule)} of ${code(adminTitle(ap))}`
    : `**Subject** of ${code(adminTitle(ap))}: ${selectionText(sel)}`;
  if (sel.networks || sel.nodes) return head;
  const found = workloadsSelectedBy(sel, analysis.index.workloads(), analysis.index.namespaceLabels());
  return [
    head,
    '',
    `Namespaces (cluster-wide, as far as this workspace defines them): ${found.namespaces.length ? found.namespaces.slice(0, 20).map(code).join(', ') : '_none defined in this workspace_'}`,
    '',
    'Workloads:',
    list(found.workloads.map((w) => link(w, `${w.kind} ${w.namespace}/${w.name}`)), 'none in this workspace'),
  ].join('\n');
}

/**
 * The cluster-wide tiers with rules for a workload in a direction, and for each allowed peer the
 * tiers that allowed it (` — by AdminNetworkPolicy x rule r`); undefined when no ANP/BANP applies.
 */
export function adminTierLines(analysis: Analysis, link: Link, w: Workload, dir: 'ingress' | 'egress'): { lines: string[]; why: (peer: PeerInfo) => string } | undefined {
  const engine = analysis.reachability();
  const ps = engine.adminPoliciesDeciding(w, dir);
  const self = engine.peerOf(w);
  if (ps.length === 0 || !self) return undefined;
  const why = (other: PeerInfo): string => {
    const t = dir === 'ingress' ? engine.tierDecisions(other, self) : engine.tierDecisions(self, other);
    const labels: string[] = [];
    for (const d of t?.[dir] ?? []) {
      if (!d.allowed) continue;
      const label =
        d.tier === 'networkpolicy' ? 'NetworkPolicies' : d.tier === 'default' || !d.policy ? 'default (no policy decides)' : `${adminTitle(d.policy)} rule ${d.rule?.name || `#${(d.ruleIndex ?? 0) + 1}`}`;
      if (!labels.includes(label)) labels.push(label);
    }
    return labels.length ? ` — allowed by ${labels.map(code).join(', ')}` : '';
  };
  return { lines: [`Cluster tiers (${dir}), in order: ${ps.map((p) => link(p, adminTitle(p))).join(' → ')}; the list above already applies them.`], why };
}
