// The analysis is built ahead after the scan, in slices, before the first diagnostics are worked out
// (issue 11): requests and edits are answered between the slices instead of waiting seconds.
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { PortionSizes } from '../analysis/reachability';

/** Work between two turns of the event loop, as the publisher's slices (publisher.ts). */
const PREPARE_SLICE_MS = 15;

/**
 * `K8S_NETMAP_ENGINE_PORTION=N` (tests): portions of N objects, one per slice, so that a small
 * workspace's build takes many turns of the event loop.
 */
function portionOverride(): { sliceMs: number; portions: PortionSizes } | undefined {
  const n = Number(process.env.K8S_NETMAP_ENGINE_PORTION);
  if (!Number.isInteger(n) || n < 1) return undefined;
  return { sliceMs: 0, portions: { routing: n, workloads: n, policies: n, policyReads: n } };
}

/** Builds what the first diagnostics would build at once (the reachability engine), yielding between slices. */
export function prepareAnalysis(analysis: Analysis): Promise<void> {
  const o = portionOverride();
  return o ? analysis.prepare(o.sliceMs, o.portions) : analysis.prepare(PREPARE_SLICE_MS);
}
