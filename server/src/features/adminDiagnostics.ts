// Diagnostics of AdminNetworkPolicies and BaselineAdminNetworkPolicies: what the API server would
// reject (such an object is not evaluated), ANPs sharing a priority, a second BANP, and subjects
// or peers that select no workload. Pure: findings out through `add`.
import { workloadsSelectedBy } from '../analysis/reachability/adminWorkspace';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { AdminPolicy, AdminSelection, Severity, Span } from '../model/types';
import type { RelatedLocation, RuleCode } from './rules';
import { quote } from './text';

export type AddFinding = (code: RuleCode, span: Span, message: string, related?: RelatedLocation[], severity?: Severity) => void;

/** A name from a manifest, cut for a message. */
function short(s: string): string {
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}

function adminKindLabel(p: AdminPolicy): string {
  return p.kind === 'AdminNetworkPolicy' ? `AdminNetworkPolicy ${quote(short(p.name))}` : `BaselineAdminNetworkPolicy ${quote(short(p.name))}`;
}

/** What the API server would reject in the policy itself (the file decides it alone). */
export function issuesOfAdminPolicy(add: AddFinding, p: AdminPolicy): void {
  for (const issue of p.issues) {
    add('adminnetworkpolicy-invalid', issue.span, `${issue.message}: the API server rejects this ${p.kind}, so it is not evaluated.`);
  }
}

/** What other policies and the workloads decide: shared priorities, a second BANP, selections of nothing. */
export function checkAdminPolicy(index: WorkspaceIndex, add: AddFinding, p: AdminPolicy): void {
  const all = index.adminPolicies();
  if (p.kind === 'AdminNetworkPolicy' && p.priority && p.issues.length === 0) {
    const workloads = index.workloads();
    const nsl = index.namespaceLabels();
    let mine: Set<unknown> | undefined;
    for (const other of all) {
      if (other === p || other.kind !== 'AdminNetworkPolicy' || other.issues.length || other.priority?.value !== p.priority.value) continue;
      const own = (mine ??= new Set(workloadsSelectedBy(p.subject, workloads, nsl).workloads));
      const shared = workloadsSelectedBy(other.subject, workloads, nsl).workloads.filter((w) => own.has(w));
      const overlap = shared.length
        ? `both select ${quote(short(`${shared[0].namespace}/${shared[0].name}`))}${shared.length > 1 ? ` and ${shared.length - 1} more` : ''}, where their order is undefined`
        : 'where their subjects overlap in a cluster, their order is undefined';
      add(
        'adminnetworkpolicy-priority-conflict',
        p.priority.span,
        `${adminKindLabel(other)} has the same priority ${p.priority.value}: ${overlap} (netpol-analyzer rejects such input; k8s-netmap evaluates them by name).`,
        [{ uri: other.uri, span: other.priority?.span ?? other.nameSpan, message: 'the other AdminNetworkPolicy' }],
        shared.length ? 'warning' : 'info',
      );
    }
  }
  if (p.kind === 'BaselineAdminNetworkPolicy' && p.issues.length === 0) {
    const first = all.find((o) => o.kind === 'BaselineAdminNetworkPolicy' && o.issues.length === 0);
    if (first && first !== p) {
      add(
        'baselineadminnetworkpolicy-duplicate',
        p.nameSpan,
        'A cluster has one BaselineAdminNetworkPolicy (named "default"); another one is defined, and only the first is evaluated.',
        [{ uri: first.uri, span: first.nameSpan, message: 'the BaselineAdminNetworkPolicy evaluated' }],
      );
    }
  }
  checkSelection(index, add, p.subject, 'subject', `this ${p.kind} applies to no pod`);
  for (const rule of [...p.ingress, ...p.egress]) {
    for (const peer of rule.peers) checkSelection(index, add, peer, 'peer', `rule ${quote(short(rule.name))} matches no pod through it`);
  }
}

function checkSelection(index: WorkspaceIndex, add: AddFinding, sel: AdminSelection, what: string, consequence: string): void {
  const namespaceSelector = sel.namespaces ?? sel.pods?.namespaceSelector;
  if (!namespaceSelector) return; // networks, nodes, or invalid (reported above)
  const found = workloadsSelectedBy(sel, index.workloads(), index.namespaceLabels());
  if (found.workloads.length) return;
  if (found.namespaces.length === 0) {
    add(
      'adminnetworkpolicy-selects-nothing',
      namespaceSelector.span,
      `This ${what} matches no namespace defined in this workspace (it may match namespaces defined elsewhere in the cluster).`,
      [],
      'info',
    );
    return;
  }
  add(
    'adminnetworkpolicy-selects-nothing',
    sel.pods?.podSelector.span ?? sel.span,
    `This ${what} selects no workload in the matching namespaces (${found.namespaces.slice(0, 5).map((n) => quote(short(n))).join(', ')}${found.namespaces.length > 5 ? ', …' : ''}): ${consequence}.`,
  );
}
