// Connectivity diff between two trees (`k8s-netmap diff`, the editor's connectivity changes).
//
// API
//   diffConnectivity(sideOf(engine1), sideOf(engine2))   → { changed, added, removed, unchanged }
//   formatDiffText / formatDiffJson / formatDiffMarkdown  → netpol-analyzer's text, JSON rows, a PR table
//   diffRows(diff)                                         → the rows in output order

import type { ReachabilityEngine } from '../reachability/engine';
import type { DiffSide } from './connectivityDiff';

export {
  diffConnectivity,
  mergedRuns,
  type ConnDiff,
  type ConnectivityDiff,
  type DiffPair,
  type DiffPeer,
  type DiffSide,
  type DiffType,
} from './connectivityDiff';
export { connString, diffRows, formatDiffJson, formatDiffMarkdown, formatDiffText, workloadsDiffInfo, type DiffRefNames, type DiffRow } from './format';

/** One tree's side of a diff: its allowed pairs and its workload peers. */
export function sideOf(engine: ReachabilityEngine): DiffSide {
  const workloads = new Set<string>();
  for (const p of engine.peers()) if (p.kind === 'workload') workloads.add(p.name);
  return { pairs: engine.pairs(), workloads };
}
