// The NetworkPolicy peers with a namespaceSelector, grouped by that selector and kept up to date
// with the index: after an edit, the dependents ask which policies' peers may select a workload or
// a relabelled namespace, and a workspace has thousands of policies but a few dozen distinct
// namespaceSelectors. One selector test per group then decides for all of its policies.
import { selectorFingerprint } from '../analysis/selectors';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { LabelSelector, NetworkPolicy, PolicyPeer } from '../model/types';

export interface NamespacePeerGroup {
  /** The namespaceSelector the group's peers share (by content). */
  selector: LabelSelector;
  /** Per policy, its peers with this namespaceSelector. */
  peers: Map<NetworkPolicy, PolicyPeer[]>;
}

const tables = new WeakMap<WorkspaceIndex, NamespacePeerTable>();

export class NamespacePeerTable {
  private readonly groups = new Map<string, NamespacePeerGroup>();
  /** The groups each policy is in. */
  private readonly keysOf = new Map<NetworkPolicy, string[]>();
  /** Built from the index on the next read (at first, and after a bulk load, whose objects are not recorded). */
  private stale = true;

  private constructor(private readonly index: WorkspaceIndex) {
    index.onDidChange((change, bulk) => {
      if (bulk || this.stale) {
        this.stale = true;
        return;
      }
      // Each object of a change flips: it leaves when held, and joins otherwise.
      for (const o of change.objects) {
        if (o.type !== 'networkpolicy') continue;
        if (this.keysOf.has(o)) this.remove(o);
        else this.add(o);
      }
    });
  }

  /** The index's table, made on first use. */
  static of(index: WorkspaceIndex): NamespacePeerTable {
    let table = tables.get(index);
    if (!table) tables.set(index, (table = new NamespacePeerTable(index)));
    return table;
  }

  /** Every group: the policies' namespaceSelector peers by selector. */
  all(): Iterable<NamespacePeerGroup> {
    if (this.stale) {
      this.groups.clear();
      this.keysOf.clear();
      for (const np of this.index.networkPolicies()) this.add(np);
      this.stale = false;
    }
    return this.groups.values();
  }

  private add(np: NetworkPolicy): void {
    const keys: string[] = [];
    for (const rule of [...np.ingress, ...np.egress]) {
      for (const peer of rule.peers ?? []) {
        if (!peer.namespaceSelector) continue;
        const key = selectorFingerprint(peer.namespaceSelector);
        let group = this.groups.get(key);
        if (!group) this.groups.set(key, (group = { selector: peer.namespaceSelector, peers: new Map() }));
        const list = group.peers.get(np);
        if (list) list.push(peer);
        else {
          group.peers.set(np, [peer]);
          keys.push(key);
        }
      }
    }
    this.keysOf.set(np, keys);
  }

  private remove(np: NetworkPolicy): void {
    for (const key of this.keysOf.get(np) ?? []) {
      const group = this.groups.get(key);
      group?.peers.delete(np);
      if (group?.peers.size === 0) this.groups.delete(key);
    }
    this.keysOf.delete(np);
  }
}
