// The path query's per-hop rules (PATH_RULES_REQUEST): the explain facts of each hop, for the
// diagram to name and reveal. The logic is analysis/explain/hop.ts.

import { hopRules, peerOfNode } from '../analysis/explain/hop';
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { PathRulesParams, PathRulesResult } from '../protocol';

/** A path is a few hops; more is not a path query. */
const MAX_HOPS = 32;

export function pathRules(analysis: Analysis, params: PathRulesParams | undefined): PathRulesResult {
  const hops = Array.isArray(params?.hops) ? params.hops.slice(0, MAX_HOPS) : [];
  const ctx = analysis.explainContext();
  const workloads = analysis.index.workloads();
  return {
    hops: hops.map((h) => {
      if (!h || typeof h.from !== 'string' || typeof h.to !== 'string') return [];
      const src = peerOfNode(ctx, workloads, h.from, 'src');
      const dst = peerOfNode(ctx, workloads, h.to, 'dst');
      return src && dst ? hopRules(ctx, src, dst) : [];
    }),
  };
}
