// Every NetworkPolicy's representatives by key, kept from one engine epoch to the next: a policy
// edit removes the old policy's occurrences and appends the new one's (the engine lists a policy
// that joins last), instead of reading every policy again. What it answers is what a pass over the
// policies in order gives: per key, the first occurrence's representative, suppressible only when
// every occurrence is (exposure.ts, candidatesOf).

import type { NetworkPolicy } from '../../model/types';
import type { CompiledPolicy } from './policies';
import { policyOpenWorld, suppressible, type RepresentativePeer } from './representative';

export interface RepCandidate {
  rep: RepresentativePeer;
  suppressible: boolean;
}

export class PolicyRepresentatives {
  /** The policies (with the namespace each was read in) in the order last seen. */
  private seen: Array<{ policy: NetworkPolicy; namespace: string; seq: number; reps: readonly RepresentativePeer[] }> = [];
  /** Per key, its occurrences in policy order (by seq). */
  private readonly occurrences = new Map<string, Array<{ seq: number; rep: RepresentativePeer }>>();
  private nextSeq = 0;

  /** The candidates, each key once in the order of its first occurrence; kept in step by `follow`. */
  private readonly out = new Map<string, RepCandidate>();
  /** Keys whose first occurrence moved later: the order of `out` is made again. */
  private reorder = false;
  /** Keys that policies appended (`append`) occur in, for `out` at the next `candidates`. */
  private appended = new Set<string>();
  /** What `out` held, before the last follow, for the keys it touched (undefined: nothing). */
  private readonly before = new Map<string, RepCandidate | undefined>();
  /**
   * Whether the last `candidates` call changed them: a key came or went, or a key's first
   * representative's name or whether it is suppressible changed (the order of `out` aside: the
   * representatives are sorted by name and key). A policy edit that keeps its peers changes nothing.
   */
  changed = true;

  /**
   * The candidates of `policies` (in order): each key once, in the order of its first occurrence.
   * The map is this object's own, brought up to date by the next call: read it, never change it.
   */
  candidates(policies: readonly CompiledPolicy[]): ReadonlyMap<string, Readonly<RepCandidate>> {
    const touched = this.follow(policies);
    for (const key of this.appended) touched.add(key);
    this.appended.clear();
    let changed = false;
    if (this.reorder) {
      const firsts = [...this.occurrences].map(([key, list]) => ({ key, seq: list[0]!.seq }));
      firsts.sort((a, b) => a.seq - b.seq);
      const entries = new Map(this.out);
      this.out.clear();
      for (const { key } of firsts) this.out.set(key, entries.get(key) ?? this.candidateOf(key)!);
      this.reorder = false;
    }
    for (const key of touched) {
      const c = this.candidateOf(key);
      if (!c) this.out.delete(key);
      else this.out.set(key, c); // a new key has the largest first seq: it goes last
      const was = this.before.get(key);
      if (!c || !was || c.rep.name !== was.rep.name || c.suppressible !== was.suppressible) changed ||= !!c || !!was;
    }
    this.before.clear();
    this.changed = changed;
    return this.out;
  }

  /**
   * Reads `policies` after those seen, without walking those again: a cold build reads the policies
   * ahead a portion at a time (OpenWorld.readPolicies), and handing `follow` each growing prefix
   * walked it every time (about 680k steps at L, 11,681 policies in portions of 100). The next
   * `candidates` call still checks every policy seen against its list.
   */
  append(policies: readonly CompiledPolicy[]): void {
    for (const cp of policies) this.seen.push(this.join(cp.policy, this.appended));
  }

  private candidateOf(key: string): RepCandidate | undefined {
    const list = this.occurrences.get(key);
    return list ? { rep: list[0]!.rep, suppressible: list.every((o) => suppressible(o.rep)) } : undefined;
  }

  /**
   * Brings the occurrences to `policies`: those matched in order with the ones seen stay, the rest
   * of what was seen leaves, and the rest of `policies` joins at the end (with new, larger seqs).
   */
  private follow(policies: readonly CompiledPolicy[]): Set<string> {
    const touched = new Set<string>();
    const kept: typeof this.seen = [];
    let j = 0;
    for (const s of this.seen) {
      const next = policies[j];
      if (next && next.policy === s.policy && next.policy.namespace === s.namespace) {
        kept.push(s);
        j++;
      } else this.drop(s, touched);
    }
    for (; j < policies.length; j++) kept.push(this.join(policies[j]!.policy, touched));
    this.seen = kept;
    return touched;
  }

  /** A policy's occurrences added after every other's (a new, larger seq). */
  private join(policy: NetworkPolicy, touched: Set<string>): (typeof this.seen)[number] {
    const s = { policy, namespace: policy.namespace, seq: this.nextSeq++, reps: policyOpenWorld(policy).reps };
    for (const rep of s.reps) {
      this.remember(rep.key);
      touched.add(rep.key);
      const list = this.occurrences.get(rep.key);
      if (list) list.push({ seq: s.seq, rep });
      else this.occurrences.set(rep.key, [{ seq: s.seq, rep }]);
    }
    return s;
  }

  private remember(key: string): void {
    if (!this.before.has(key)) this.before.set(key, this.out.get(key));
  }

  private drop(s: { seq: number; reps: readonly RepresentativePeer[] }, touched: Set<string>): void {
    for (const rep of s.reps) {
      const list = this.occurrences.get(rep.key);
      if (!list) continue;
      this.remember(rep.key);
      touched.add(rep.key);
      const at = list.findIndex((o) => o.seq === s.seq);
      if (at !== -1) list.splice(at, 1);
      if (list.length === 0) {
        this.occurrences.delete(rep.key);
        this.out.delete(rep.key); // should it come back, it comes after every key held
      } else if (at === 0) this.reorder = true; // its first occurrence is a later one now
    }
  }
}
