// A cold build of the engine cut into portions of work, so that a server can answer requests in
// between (issue 11: no multi-second block after the scan). The portions are the one-piece build's
// change (`diffInput` against the empty engine) split by what it does in order: the objects that
// do not depend on pod classes with the settings and namespace labels, then the workloads, then
// the NetworkPolicies, a slice of each at a time. Workloads all join before any policy, as in one
// change, so every policy is compiled against the same classes: the engine ends as the one-piece
// build leaves it. The open world's per-policy representatives (the first verdict's big lazy
// piece) are read last, in slices too.
import { applyChangeTo, diffInput, type Change } from './changes';
import { policyOpenWorld } from './representative';
import type { EngineState, ReachabilityInput } from './state';
import { openWorld } from './verdicts';
import type { K8sObject } from '../../model/types';

/** How much work one portion holds: workloads that join, NetworkPolicies compiled, policies whose representatives are read. */
export interface PortionSizes {
  workloads: number;
  policies: number;
  policyReads: number;
}

/** A few milliseconds of work each at L (a slice of the server's event loop holds several). */
export const DEFAULT_PORTIONS: PortionSizes = { workloads: 250, policies: 50, policyReads: 200 };

/**
 * Builds the empty engine state `s` up to `input`, one portion per step of the generator. Nothing
 * may read `s` before the generator is done: half-built, it answers for part of the input.
 */
export function* buildInPortions(s: EngineState, input: ReachabilityInput, sizes: PortionSizes = DEFAULT_PORTIONS): Generator<void, void, void> {
  if (s.held.size > 0 || s.epoch > 0) throw new Error('buildInPortions needs an empty engine');
  const whole = diffInput(s, input);
  const workloads: K8sObject[] = [];
  const policies: K8sObject[] = [];
  const rest = new Set<K8sObject>();
  for (const o of whole.inn) {
    if (o.type === 'workload') workloads.push(o);
    else if (o.type === 'networkpolicy') policies.push(o);
    else rest.add(o);
  }
  const none: ReadonlySet<K8sObject> = new Set();
  const first: Change = { out: none, inn: rest, ...(whole.settings ? { settings: whole.settings } : {}), ...(whole.nsBase ? { nsBase: whole.nsBase } : {}) };
  applyChangeTo(s, first);
  for (let i = 0; i < workloads.length; i += sizes.workloads) {
    yield;
    applyChangeTo(s, { out: none, inn: new Set(workloads.slice(i, i + sizes.workloads)) });
  }
  for (let i = 0; i < policies.length; i += sizes.policies) {
    yield;
    applyChangeTo(s, { out: none, inn: new Set(policies.slice(i, i + sizes.policies)) });
  }
  s.routedCache = undefined; // as update() leaves it
  for (let i = 0; i < input.networkPolicies.length; i += sizes.policyReads) {
    yield;
    for (const p of input.networkPolicies.slice(i, i + sizes.policyReads)) policyOpenWorld(p);
  }
  yield;
  openWorld(s).representatives();
}
