// A seeded random number generator, shared by the benchmarks' workspace generators and the
// reachability oracle test (test/unit/reachabilityOracle.test.ts), so both draw the same workspaces.

/** mulberry32: small, seeded, deterministic (shared by the benchmarks and the oracle test). */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
