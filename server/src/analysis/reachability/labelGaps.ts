// Owners whose pods carry different labels, where a policy selector looks at a label that
// differs: netpol-analyzer refuses such input; the engine merges the pods into one peer (the union
// of what each pod may do), and these findings say so. Data only: the CLI words them.

import type { NetworkPolicy } from '../../model/types';
import { selectorKeys } from '../selectors';
import { policyOrder, type EngineState, type PeerInfo } from './state';

export interface LabelGapFinding {
  /** The merged peer. */
  peer: PeerInfo;
  /** The label its pods differ in. */
  label: string;
  /** The policy whose selectors look at that label. */
  policy: NetworkPolicy;
}

export function labelGapFindings(s: EngineState): LabelGapFinding[] {
  const out: LabelGapFinding[] = [];
  for (const peer of s.peerList) {
    const classes = s.peerClasses.get(peer) ?? [];
    // Only replicas of one owner (Pods with ownerReferences); same-named manifests in several
    // overlays are not pods of one workload.
    if (classes.length < 2 || !peer.workloads.every((w) => w.kind === 'Pod' && w.ownerReferences.length > 0)) continue;
    const gap = new Set<string>();
    const keys = new Set(classes.flatMap((c) => Object.keys(c.labels)));
    for (const k of keys) {
      const values = new Set(classes.map((c) => c.labels[k] ?? '\u0000absent'));
      if (values.size > 1) gap.add(k);
    }
    if (gap.size === 0) continue;
    for (const cp of policyOrder(s)) {
      // Selectors that can see this peer's pods: the policy's own (same namespace), and rule peers'
      // pod selectors (a podSelector alone only looks in the policy's namespace).
      const local = cp.policy.namespace === peer.namespace;
      const sels = [
        ...(local ? [cp.policy.podSelector] : []),
        ...[...cp.policy.ingress, ...cp.policy.egress].flatMap((r) => (r.peers ?? []).filter((p) => p.namespaceSelector || local).map((p) => p.podSelector)),
      ];
      const hit = sels.flatMap((sel) => (sel ? selectorKeys(sel) : [])).find((k) => gap.has(k));
      if (hit) out.push({ peer, label: hit, policy: cp.policy });
    }
  }
  return out;
}
