// Whole-matrix work for the benchmarks, over an engine's rows through its narrow accessor
// (rowAccess): every class-to-class connection set without printing, and the rows one policy
// decides. Benchmark-only: the product never computes the whole matrix.

import { rowAccess, type PodClass, type ReachabilityEngine } from '../server/src/analysis/reachability/engine';

/** Computes every class-to-class connection set. Returns the number of allowed class pairs. */
export function computeClassMatrix(engine: ReachabilityEngine): { classes: number; allowedPairs: number; distinctConnSets: number } {
  const a = rowAccess(engine);
  const cls = a.classes();
  for (const c of cls) a.row('egress', c);
  const externals = { ingress: engine.externalPeers('ingress'), egress: engine.externalPeers('egress') };
  let allowed = 0;
  const distinct = new Set<number>();
  for (const d of cls) {
    if (d.controller) continue;
    const ing = a.row('ingress', d);
    const routed = a.routedTo(d);
    const visit = (s: PodClass): void => {
      let c = a.side('ingress', d, s, d);
      if (c.isEmpty) return;
      c = c.intersect(a.side('egress', s, d, d));
      if (s.controller) c = c.intersect(routed);
      if (c.isEmpty) return;
      allowed++;
      distinct.add(c.id);
    };
    if (ing.isolated && ing.everyPeer.length === 0 && !a.adminMayAllow('ingress', d)) {
      // Only the classes its rules name can reach an isolated pod: visit those alone.
      for (const id of ing.byClass.keys()) {
        const s = a.classById(id);
        if (s) visit(s);
      }
    } else {
      for (const s of cls) visit(s);
    }
    for (const ext of externals.ingress) a.sideExt('ingress', d, ext.range![0]);
  }
  for (const s of cls) for (const ext of externals.egress) a.sideExt('egress', s, ext.range![0]);
  return { classes: cls.length, allowedPairs: allowed, distinctConnSets: distinct.size };
}

/** Rebuilds the rows a policy decides (what a hover or the matrix would need after an edit). */
export function refreshRowsOf(engine: ReachabilityEngine, policyId: string): number {
  const a = rowAccess(engine);
  const sel = a.selectedBy(policyId);
  if (!sel) return 0;
  for (const c of sel.classes) {
    if (sel.ingress) a.row('ingress', c);
    if (sel.egress) a.row('egress', c);
  }
  return sel.classes.length;
}
