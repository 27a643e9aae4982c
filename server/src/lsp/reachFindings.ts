// The NetworkPolicy verdicts the publisher last computed, per file (publisher.ts reads them while
// the engine is brought up to date after an edit, and after a warm start computes them when read).
import type { ReachabilityChecks } from '../features/diagnostics';
import type { Finding } from '../features/rules';
import { getOrCreate } from '../model/collections';
import type { K8sObject } from '../model/types';

/**
 * NetworkPolicy verdicts per file. Computing them brings the reachability engine up to date,
 * which costs time proportional to the workspace; so right after an edit the link diagnostics
 * are published with the verdicts last computed (`cached`), and fresh ones (`freshPass`) follow a
 * moment later. After a warm start whose recorded lists stand (`computeWhenAsked`), none were
 * computed: a file's are computed when first read, unless a pass or an edit visited it since.
 */
export class ReachFindings {
  private readonly byFile = new Map<string, Map<string, Finding[]>>();
  /** From a warm start: the files whose verdicts a pass computed or an edit forgot (the others' are computed when read). */
  private visited: Set<string> | undefined;

  constructor(private readonly checks: ReachabilityChecks) {}

  private static key(obj: K8sObject): string {
    return `${obj.kind}/${obj.namespace}/${obj.name}`;
  }

  /** The verdicts last computed (from a warm start, those never computed are computed now). */
  readonly cached: ReachabilityChecks = {
    findingsFor: (obj) => {
      const key = ReachFindings.key(obj);
      const found = this.byFile.get(obj.uri)?.get(key);
      if (found || !this.visited || this.visited.has(obj.uri)) return found ?? [];
      const computed = this.checks.findingsFor(obj);
      // Kept even when none, so that it is computed once: few objects are read before a pass visits their file.
      getOrCreate(this.byFile, obj.uri, () => new Map()).set(key, computed);
      return computed;
    },
  };

  /**
   * None computed yet, and the lists published stand for them (a warm start's): each file's are
   * computed when first read rather than all at once (0.3 s at M), since most are never read
   * before a pass computes them again.
   */
  computeWhenAsked(): void {
    this.byFile.clear();
    this.visited = new Set();
  }

  /** Checks that compute verdicts afresh, each file's replacing what it had before this pass. */
  freshPass(): ReachabilityChecks {
    const fresh = new Set<string>();
    return {
      findingsFor: (obj) => {
        if (!fresh.has(obj.uri)) {
          this.byFile.delete(obj.uri); // computed before this pass: start the file over
          fresh.add(obj.uri);
          this.visited?.add(obj.uri);
        }
        const found = this.checks.findingsFor(obj);
        // Only files with verdicts keep a map: most Services are reachable.
        if (found.length > 0) getOrCreate(this.byFile, obj.uri, () => new Map()).set(ReachFindings.key(obj), found);
        return found;
      },
    };
  }

  /** Forgets a file's verdicts (its spans moved). */
  forget(uri: string): void {
    this.byFile.delete(uri);
    this.visited?.add(uri);
  }
}
