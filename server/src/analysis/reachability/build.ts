// A cold build of the engine cut into portions of work, so that a server can answer requests in
// between (issue 11: no multi-second block after the scan). The portions are the one-piece build's
// change (what `diffInput` gives against the empty engine: every object of the input once, in
// input order) split by what `applyChangeTo` does in order: the settings, namespace labels,
// Namespaces and ANP/BANPs first, then the objects that only routing reads (Services, Ingresses,
// routes, ReferenceGrants), then the workloads, then the NetworkPolicies, a slice of each at a
// time. Workloads all join before any policy, as in one change, so every policy is compiled
// against the same classes: the engine ends as the one-piece build leaves it. The open world's
// per-policy representatives (the first verdict's big lazy piece) are read last, in slices too.
import type { K8sObject } from '../../model/types';
import { applyChangeTo } from './changes';
import type { EngineState, ReachabilityInput } from './state';
import { openWorld } from './verdicts';

/** How much work one portion holds: objects that join, NetworkPolicies compiled, policies whose representatives are read. */
export interface PortionSizes {
  /** Services, Ingresses, routes and ReferenceGrants that join in one portion. */
  routing?: number;
  workloads: number;
  policies: number;
  policyReads: number;
}

/** A few milliseconds of work each at L (a slice of the server's event loop holds several). */
export const DEFAULT_PORTIONS: Required<PortionSizes> = { routing: 1000, workloads: 100, policies: 25, policyReads: 100 };

/**
 * Builds the empty engine state `s` up to `input`, one portion per step of the generator. Nothing
 * may read `s` before the generator is done: half-built, it answers for part of the input.
 */
export function* buildInPortions(s: EngineState, input: ReachabilityInput, given: PortionSizes = DEFAULT_PORTIONS): Generator<void, void, void> {
  const sizes = { ...DEFAULT_PORTIONS, ...given };
  if (s.held.size > 0 || s.epoch > 0) throw new Error('buildInPortions needs an empty engine');
  const none: ReadonlySet<K8sObject> = new Set();
  const seen = new Set<K8sObject>(); // the same object twice is one object, as in diffInput
  const once = (objects: readonly K8sObject[]): Set<K8sObject> => {
    const out = new Set<K8sObject>();
    for (const o of objects) {
      if (seen.has(o)) continue;
      seen.add(o);
      out.add(o);
    }
    return out;
  };
  const nsBase = new Map(input.namespaceLabels ?? []);
  for (const n of input.namespaces ?? []) nsBase.delete(n.name); // the objects' labels count (diffInput)
  applyChangeTo(s, { out: none, inn: once([...(input.adminPolicies ?? []), ...(input.namespaces ?? [])]), settings: input.settings ?? {}, nsBase });
  const inPortions = function* (objects: readonly K8sObject[], size: number): Generator<void, void, void> {
    for (let i = 0; i < objects.length; i += size) {
      yield;
      applyChangeTo(s, { out: none, inn: once(objects.slice(i, i + size)) });
    }
  };
  yield* inPortions([...(input.services ?? []), ...(input.ingresses ?? []), ...(input.routes ?? []), ...(input.referenceGrants ?? [])], sizes.routing);
  yield* inPortions(input.workloads, sizes.workloads);
  yield* inPortions(input.networkPolicies, sizes.policies);
  s.routedCache = undefined; // as update() leaves it
  // The engine is whole: its open world (of this last epoch) reads the policies' representatives.
  const world = openWorld(s);
  for (let read = sizes.policyReads; read < input.networkPolicies.length + sizes.policyReads; read += sizes.policyReads) {
    yield;
    world.readPolicies(read);
  }
  yield;
  world.representatives();
}
