// `diff --fail-on`: which diffs fail a CI job.
//   added           a pair allowed now and not before, or a changed pair allowed more than before
//   exposure-added  the same, restricted to sources outside the cluster's named workloads: external
//                   addresses, the ingress controller (traffic from an Ingress), and the
//                   representative peer `entire-cluster` (when the engine reports it)

import type { ConnDiff, ConnectivityDiff } from './connectivityDiff';

export type FailOn = 'added' | 'exposure-added';

/** A pair that allows something it did not: added, or changed with ports the first tree lacked. */
export function opensConnections(e: ConnDiff): boolean {
  return e.type === 'added' || (e.type === 'changed' && e.ref1.union(e.ref2) !== e.ref1);
}

export function isExposureSource(e: ConnDiff): boolean {
  return e.src.kind === 'external' || e.src.kind === 'ingress-controller' || e.src.name === 'entire-cluster';
}

export function failOnMatches(diff: ConnectivityDiff, failOn: FailOn): boolean {
  const opened = [...diff.added, ...diff.changed].filter(opensConnections);
  return failOn === 'added' ? opened.length > 0 : opened.some(isExposureSource);
}
