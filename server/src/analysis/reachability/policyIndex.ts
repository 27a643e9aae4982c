// Which compiled policies may name a pod class: a class is only ever added to the sets of the
// policies of its own namespace (their podSelector and podSelector-only peers) and of those with a
// namespaceSelector peer matching its namespace labels (policies.ts addClasses, compilePolicy). An
// update that adds or removes classes visits those policies, not every policy of the workspace.

import type { LabelSelector } from '../../model/types';
import { selectorFingerprint, selectorMatches } from '../selectors';
import type { ClassView, CompiledPolicy } from './policies';

export class PolicyIndex {
  /** Policies by the namespace they were compiled in, in the order they joined (the engine's policy order). */
  private readonly byNamespace = new Map<string, Set<CompiledPolicy>>();
  /** Policies with a namespaceSelector peer, by that selector's content. */
  private readonly bySelector = new Map<string, { selector: LabelSelector; policies: Set<CompiledPolicy> }>();

  // Where a policy is filed is read again from the compiled policy when it leaves: its `namespace`
  // is the one it was compiled in (the policy object may be re-filed in place before the engine
  // hears of it), and its rules, a reused one's included, keep the content they were compiled from.
  add(cp: CompiledPolicy): void {
    let inNs = this.byNamespace.get(cp.namespace);
    if (!inNs) this.byNamespace.set(cp.namespace, (inNs = new Set()));
    inNs.add(cp);
    for (const selector of namespaceSelectorsOf(cp)) {
      const key = selectorFingerprint(selector);
      let entry = this.bySelector.get(key);
      if (!entry) this.bySelector.set(key, (entry = { selector, policies: new Set() }));
      entry.policies.add(cp);
    }
  }

  delete(cp: CompiledPolicy): void {
    const inNs = this.byNamespace.get(cp.namespace);
    if (!inNs?.delete(cp)) return;
    if (inNs.size === 0) this.byNamespace.delete(cp.namespace);
    for (const selector of namespaceSelectorsOf(cp)) {
      const key = selectorFingerprint(selector);
      const entry = this.bySelector.get(key);
      entry?.policies.delete(cp);
      if (entry?.policies.size === 0) this.bySelector.delete(key);
    }
  }

  /** The policies of a namespace, in policy order. */
  inNamespace(namespace: string): Iterable<CompiledPolicy> {
    return this.byNamespace.get(namespace) ?? [];
  }

  /**
   * Every policy whose sets may hold one of `classes` or come to hold it: those of their
   * namespaces, and those with a namespaceSelector matching their namespace labels or one of
   * `labelSets` (a relabelled namespace's old and new labels).
   */
  seeing(classes: readonly ClassView[], labelSets: ReadonlyArray<Record<string, string>> = []): Set<CompiledPolicy> {
    const out = new Set<CompiledPolicy>();
    const namespaces = new Set<string>();
    const sets = new Set<Record<string, string>>(labelSets);
    for (const c of classes) {
      namespaces.add(c.namespace);
      sets.add(c.nsLabels);
    }
    for (const ns of namespaces) for (const cp of this.inNamespace(ns)) out.add(cp);
    for (const { selector, policies } of this.bySelector.values()) {
      for (const labels of sets) {
        if (!selectorMatches(selector, labels)) continue;
        for (const cp of policies) out.add(cp);
        break;
      }
    }
    return out;
  }
}

/** The namespaceSelectors of a compiled policy's peers, in rule order. */
function* namespaceSelectorsOf(cp: CompiledPolicy): Iterable<LabelSelector> {
  for (const rules of [cp.ingress, cp.egress]) {
    for (const rule of rules ?? []) {
      for (const peer of rule.rule.peers ?? []) if (peer.namespaceSelector) yield peer.namespaceSelector;
    }
  }
}
