// A table keyed by NetworkPolicy that follows the index's added and removed policies, for the
// tables that answer a question about every policy after each edit (features/namespacePeers.ts,
// controllerGuess.ts's ControllerHints): rebuilding them per edit would cost a pass over thousands
// of policies at 50k objects, following the index costs the changed ones.
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { NetworkPolicy } from '../model/types';

/** What a table does with its policies; the entry `join` returns is what `leave` is given back. */
export interface PolicyTableHooks<E> {
  /** Files a policy; undefined when the table keeps nothing of it (it is then not held, and never leaves). */
  join(np: NetworkPolicy): E | undefined;
  /** Unfiles a held policy from where `join` put it (the object's namespace may have been reassigned in place since). */
  leave(np: NetworkPolicy, entry: E): void;
  /** Files every policy anew, the table emptied first; returns the entries of those it holds. */
  rebuild(policies: Iterable<NetworkPolicy>): Map<NetworkPolicy, E>;
}

export class PolicyTable<E> {
  private held = new Map<NetworkPolicy, E>();
  /** Rebuilt from the index on the next read: at first, and after a bulk load (whose objects are not recorded). */
  private stale = true;

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly hooks: PolicyTableHooks<E>,
  ) {
    index.onDidChange((change, bulk) => {
      if (bulk || this.stale) {
        this.stale = true;
        return;
      }
      // A change lists each removed and added object once: a held one leaves, any other joins.
      for (const o of change.objects) {
        if (o.type !== 'networkpolicy') continue;
        const entry = this.held.get(o);
        if (entry !== undefined) {
          this.held.delete(o);
          hooks.leave(o, entry);
          continue;
        }
        const joined = hooks.join(o);
        if (joined !== undefined) this.held.set(o, joined);
      }
    });
  }

  /** Brings the table up to date with the index before a read. */
  refresh(): void {
    if (!this.stale) return;
    this.held = this.hooks.rebuild(this.index.networkPoliciesUnordered());
    this.stale = false;
  }
}
