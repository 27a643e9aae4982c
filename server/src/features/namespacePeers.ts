// The NetworkPolicy peers with a namespaceSelector, grouped by that selector and kept up to date
// with the index: after an edit, the dependents ask which policies' peers may select a workload or
// a relabelled namespace, and a workspace has thousands of policies but a few dozen distinct
// namespaceSelectors. One selector test per group then decides for all of its policies.
import { PolicyTable } from '../analysis/policyTable';
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
  /** Per policy with such peers, the keys of its groups. */
  private readonly followed: PolicyTable<string[]>;

  private constructor(index: WorkspaceIndex) {
    this.followed = new PolicyTable(index, {
      join: (np) => this.add(np),
      leave: (np, keys) => this.remove(np, keys),
      rebuild: (policies) => {
        this.groups.clear();
        const held = new Map<NetworkPolicy, string[]>();
        for (const np of policies) {
          const keys = this.add(np);
          if (keys) held.set(np, keys);
        }
        return held;
      },
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
    this.followed.refresh();
    return this.groups.values();
  }

  /** Files a policy's namespaceSelector peers; the keys of its groups, undefined when it has none. */
  private add(np: NetworkPolicy): string[] | undefined {
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
    return keys.length > 0 ? keys : undefined;
  }

  private remove(np: NetworkPolicy, keys: readonly string[]): void {
    for (const key of keys) {
      const group = this.groups.get(key);
      group?.peers.delete(np);
      if (group?.peers.size === 0) this.groups.delete(key);
    }
  }
}
