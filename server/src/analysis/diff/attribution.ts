// Which object changes cause a diffed pair (for SARIF results and the editor's "reveal"). Pure.
//
// Objects are matched across the trees by kind, namespace and name, and compared by content (every
// field the reader keeps, positions left out): added, removed or modified. For a pair
// src → dst the candidates, most specific first:
//   1. NetworkPolicies that decide dst's ingress or src's egress in either tree and changed
//      (a new or edited policy that admits the pair, a removed one whose isolation is gone, one
//      whose selector no longer selects the pod);
//   2. the src and dst workloads themselves, when added or modified (labels, ports);
//   3. the Namespaces of src and dst, when modified (labels seen by namespaceSelectors);
//   4. for pairs from the ingress controller: Ingresses, routes and Services of dst's namespace.
// A pair may have no candidate (e.g. a change in a namespace the trees do not define); callers say so.

import type { K8sObject, Workload } from '../../model/types';
import type { ReachabilityEngine } from '../reachability/engine';
import type { WorkspaceIndex } from '../../index/workspaceIndex';
import type { ConnDiff, DiffPeer } from './connectivityDiff';

export interface DiffTree {
  index: WorkspaceIndex;
  engine: ReachabilityEngine;
}

export type ObjectChangeKind = 'added' | 'removed' | 'modified';

export interface Cause {
  object: K8sObject;
  /** The tree the object is taken from: 'before' only for removed objects. */
  tree: 'before' | 'after';
  change: ObjectChangeKind;
  /** Why it is a candidate, e.g. `ingress policy of default/web[Deployment]`. */
  role: string;
}

export function objectKey(o: K8sObject): string {
  return `${o.kind}/${o.namespace}/${o.name}`;
}

/** The object's content without positions or ids: equal for the same object written elsewhere. */
export function objectFingerprint(o: K8sObject): string {
  return JSON.stringify(o, (key, value: unknown) => (key === 'id' || key === 'uri' || key === 'span' || key.endsWith('Span') ? undefined : value));
}

export class ChangeAttributor {
  private readonly changes = new Map<string, ObjectChangeKind>();
  private readonly beforeByKey = new Map<string, K8sObject>();
  private readonly afterByKey = new Map<string, K8sObject>();

  constructor(
    private readonly before: DiffTree,
    private readonly after: DiffTree,
  ) {
    for (const o of before.index.allObjects()) this.beforeByKey.set(objectKey(o), o);
    for (const o of after.index.allObjects()) this.afterByKey.set(objectKey(o), o);
    for (const [key, o] of this.afterByKey) {
      const old = this.beforeByKey.get(key);
      if (!old) this.changes.set(key, 'added');
      else if (objectFingerprint(old) !== objectFingerprint(o)) this.changes.set(key, 'modified');
    }
    for (const key of this.beforeByKey.keys()) if (!this.afterByKey.has(key)) this.changes.set(key, 'removed');
  }

  /** Every object change between the trees, by `kind/namespace/name`. */
  changedObjects(): ReadonlyMap<string, ObjectChangeKind> {
    return this.changes;
  }

  causes(e: ConnDiff): Cause[] {
    const out: Cause[] = [];
    const seen = new Set<string>();
    const add = (o: K8sObject, role: string): void => {
      const key = objectKey(o);
      const change = this.changes.get(key);
      if (!change || seen.has(key)) return;
      seen.add(key);
      // A removed object is shown where it was; any other from the second tree.
      if (change === 'removed') out.push({ object: this.beforeByKey.get(key) ?? o, tree: 'before', change, role });
      else out.push({ object: this.afterByKey.get(key) ?? o, tree: 'after', change, role });
    };
    const ends: Array<[DiffPeer, 'ingress' | 'egress']> = [
      [e.dst, 'ingress'],
      [e.src, 'egress'],
    ];
    for (const [peer, dir] of ends) {
      for (const t of [this.after, this.before]) {
        for (const w of workloadsOf(t, peer)) for (const p of t.engine.policiesDeciding(w, dir)) add(p, `${dir} policy of ${peer.name}`);
      }
    }
    for (const peer of [e.src, e.dst]) {
      for (const t of [this.after, this.before]) for (const w of workloadsOf(t, peer)) add(w, `workload ${peer.name}`);
    }
    for (const peer of [e.src, e.dst]) {
      const ns = peerNamespace(peer);
      if (ns === undefined) continue;
      for (const t of [this.after, this.before]) for (const o of t.index.namespaceObjects()) if (o.name === ns) add(o, `namespace ${ns}`);
    }
    if (e.src.kind === 'ingress-controller') {
      const ns = peerNamespace(e.dst);
      for (const t of [this.after, this.before]) {
        for (const o of [...t.index.ingresses(), ...t.index.routes(), ...t.index.services()]) {
          if (o.namespace === ns) add(o, `routing to ${e.dst.name}`);
        }
      }
    }
    return out;
  }
}

function workloadsOf(t: DiffTree, peer: DiffPeer): Workload[] {
  if (peer.kind !== 'workload') return [];
  return t.engine.peer(peer.name)?.workloads ?? [];
}

function peerNamespace(peer: DiffPeer): string | undefined {
  if (peer.kind !== 'workload') return undefined;
  const slash = peer.name.indexOf('/');
  return slash > 0 ? peer.name.slice(0, slash) : undefined;
}
