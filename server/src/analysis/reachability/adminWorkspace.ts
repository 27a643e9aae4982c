// What the editor and the CLI read of the ANP/BANP objects outside the reachability engine: the
// workloads a selection picks in the workspace, and the warnings of `reach`.
import type { AdminPolicy, AdminSelection, Workload } from '../../model/types';
import { isEvaluated, priorityOf } from './adminRules';
import { getOrCreate } from '../../model/collections';
import { labelsOf, selectorMatches } from '../selectors';


/**
 * The workloads a subject or rule peer selects, cluster-wide (the workspace's part of it), and
 * whether its namespace part matches any namespace the workspace knows. For hovers, lenses and
 * diagnostics.
 */
export function workloadsSelectedBy(
  sel: AdminSelection,
  workloads: readonly Workload[],
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
): { workloads: Workload[]; namespaces: string[] } {
  const nsSel = sel.namespaces ?? sel.pods?.namespaceSelector;
  if (!nsSel) return { workloads: [], namespaces: [] };
  const namespaces = [...namespaceLabels].filter(([, l]) => selectorMatches(nsSel, l)).map(([ns]) => ns);
  const inNs = new Set(namespaces);
  const out: Workload[] = [];
  for (const w of workloads) {
    if (!inNs.has(w.namespace)) continue;
    if (sel.pods && !selectorMatches(sel.pods.podSelector, labelsOf(w.podLabels))) continue;
    out.push(w);
  }
  return { workloads: out, namespaces };
}

/** Warnings for `reach` (stderr): ANP/BANP objects left out as invalid, and ANPs evaluated by name for a shared priority. */
export function adminWarnings(policies: readonly AdminPolicy[]): string[] {
  const out: string[] = [];
  const cut = (s: string): string => (s.length > 100 ? `${s.slice(0, 99)}…` : s);
  for (const p of policies) if (p.issues.length) out.push(`${p.kind} '${cut(p.name)}' is not evaluated: ${p.issues[0].message}`);
  const byPriority = new Map<number, string[]>();
  for (const p of policies) if (p.kind === 'AdminNetworkPolicy' && isEvaluated(p)) getOrCreate(byPriority, priorityOf(p), () => []).push(cut(p.name));
  for (const [prio, names] of byPriority) {
    if (names.length > 1) out.push(`AdminNetworkPolicies ${names.map((n) => `'${n}'`).join(', ')} share priority ${prio}: evaluated by name (their order in a cluster is undefined)`);
  }
  return out;
}
