// The one update path: a change of the workspace (objects that left and joined) applied in time
// proportional to the change, and a new snapshot read as the change from the objects held
// (`diffInput`). A fresh engine is the empty one brought up to its input the same way.
// Just past 400 lines: every kind of change (classes, policies, routes, tiers) is applied here so
// that what one keeps across epochs is dropped in the same place as the others.

import { atLength } from '../../model/fitArrays';
import { mustGet } from '../../model/collections';
import { DEFAULT_SETTINGS, type AdminPolicy, type AnalysisSettings, type Ingress, type K8sObject, type NetworkPolicy, type ReferenceGrant, type Route } from '../../model/types';
import { AdminTiers } from './adminPolicies';
import { classFor, controllerClassFor, deleteClass, insertClass, joinPeer, nsLabelSet, refreshPeers, sortPeersIn } from './classes';
import { routesChanged } from './controller';
import { peerNameOf } from './peers';
import { addClasses, compiledFingerprint, compilePolicy, PeerMemo, policyFingerprint, removeClasses, seesNamespaceLabels, swapClasses, type AddMemo, type CompiledPolicy } from './policies';
import { appendTo, pushTo, removeItem, type EngineState, type PeerInfo, type PodClass, type ReachabilityInput, type UpdateStats } from './state';

const RELEVANT: ReadonlySet<K8sObject['type']> = new Set(['workload', 'networkpolicy', 'adminpolicy', 'service', 'ingress', 'route', 'referencegrant', 'namespace']);

const fingerprints = new WeakMap<NetworkPolicy, { namespace: string; fingerprint: string }>();

function fingerprintOf(p: NetworkPolicy): string {
  // The namespace is part of the fingerprint, and the index may re-file an object under another
  // namespace (a kustomization change), so the cache is checked against it.
  let f = fingerprints.get(p);
  if (f === undefined || f.namespace !== p.namespace) {
    f = { namespace: p.namespace, fingerprint: policyFingerprint(p) };
    fingerprints.set(p, f);
  }
  return f.fingerprint;
}

/** A change to apply: objects leaving, objects joining in order, and optionally new settings and namespace label map. */
export interface Change {
  /** Objects to drop (held ones only). */
  out: ReadonlySet<K8sObject>;
  /** Objects to add, in order (held ones among them leave first and join last). */
  inn: ReadonlySet<K8sObject>;
  settings?: Partial<AnalysisSettings>;
  /** Replaces the labels given as a map (`namespaceLabels`). */
  nsBase?: Map<string, Record<string, string>>;
}

/**
 * The net effect of `removed`, `added` and flipping `objects`: objects to drop, and objects to
 * add in order (a re-added object goes last).
 */
export function netChange(s: EngineState, removed: readonly K8sObject[], added: readonly K8sObject[], flips: readonly K8sObject[]): Change {
  const out = new Set<K8sObject>();
  const inn = new Set<K8sObject>();
  const present = (o: K8sObject): boolean => inn.has(o) || (s.held.has(o) && !out.has(o));
  const leave = (o: K8sObject): void => {
    if (inn.has(o)) inn.delete(o);
    else if (s.held.has(o) && !out.has(o)) out.add(o);
  };
  const join = (o: K8sObject): void => {
    if (!RELEVANT.has(o.type)) return;
    if (inn.has(o)) inn.delete(o);
    else if (s.held.has(o) && !out.has(o)) out.add(o);
    inn.add(o);
  };
  for (const o of removed) leave(o);
  for (const o of added) join(o);
  for (const o of flips) if (present(o)) leave(o);
  else join(o);
  return { out, inn };
}

/**
 * A new snapshot as a change from what is held. Per kind, the input's longest prefix that the
 * engine holds unchanged, in the order it holds them, stays; the rest of the input leaves (when
 * held) and joins in input order, so the engine's order ends up the input's. An object counts as
 * changed when the index re-filed it under another namespace since it joined.
 */
export function diffInput(s: EngineState, input: ReachabilityInput): Change {
  const lists: Array<readonly K8sObject[]> = [
    input.workloads,
    input.networkPolicies,
    input.adminPolicies ?? [],
    input.namespaces ?? [],
    input.services ?? [],
    input.ingresses ?? [],
    input.routes ?? [],
    input.referenceGrants ?? [],
  ];
  // Position of each held object among the held objects of its kind.
  const heldPos = new Map<K8sObject, number>();
  const perKind = new Map<string, number>();
  for (const o of s.held) {
    const n = perKind.get(o.type) ?? 0;
    heldPos.set(o, n);
    perKind.set(o.type, n + 1);
  }
  const wanted = new Set<K8sObject>();
  const inn = new Set<K8sObject>();
  for (const list of lists) {
    let last = -1;
    let prefix = true;
    for (const o of list) {
      if (wanted.has(o)) continue; // the same object twice is one object
      wanted.add(o);
      const pos = heldPos.get(o);
      if (prefix && pos !== undefined && pos > last && !refiled(s, o)) {
        last = pos;
        continue;
      }
      prefix = false;
      if (RELEVANT.has(o.type)) inn.add(o);
    }
  }
  const out = new Set<K8sObject>();
  for (const o of s.held) if (!wanted.has(o) || inn.has(o)) out.add(o);
  const nsBase = new Map(input.namespaceLabels ?? []);
  for (const n of input.namespaces ?? []) nsBase.delete(n.name); // the objects' labels count, and must not outlive them
  return { out, inn, settings: input.settings ?? {}, nsBase };
}

/** Whether a held object now says something else than when it joined (the index re-files objects in place). */
function refiled(s: EngineState, o: K8sObject): boolean {
  switch (o.type) {
    case 'workload':
      return s.workloadClass.get(o)?.namespace !== o.namespace || s.workloadPeer.get(o)?.name !== peerNameOf(o);
    case 'networkpolicy': {
      const cp = s.compiledOf.get(o);
      return cp === undefined || compiledFingerprint(cp) !== fingerprintOf(o);
    }
    case 'service':
      return s.serviceKey.get(o) !== `${o.namespace}/${o.name}`;
    default:
      return false;
  }
}

/**
 * Applies a change. Costs: a workload that lands in an existing class costs its peer; a new or
 * vanished class costs one selector test per policy rule; a changed policy is compiled (a policy
 * whose content is unchanged is reused); new labels on a Namespace re-class that namespace's
 * workloads, and only the policies whose namespaceSelectors match its old or new labels test the
 * new classes (the others swap the class ids).
 */
export function applyChangeTo(s: EngineState, change: Change): void {
  const { out, inn } = change;
  s.epoch++;
  const stats: UpdateStats = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0, policiesRechecked: 0, routesStartedOver: false };
  const touchedClasses = new Set<PodClass>();
  const touchedPeers = new Set<PeerInfo>();
  const nsTouched = new Set<string>();
  const pool = new Map<string, CompiledPolicy[]>(); // removed compiled policies by fingerprint
  let policiesChanged = false;
  /** An Ingress, route or grant changed: the controller's routes start over. */
  let routingChanged = false;
  /** Namespaces whose Services changed: only the routes that end there are worked out again. */
  const serviceNamespaces = new Set<string>();
  const adminNext = new Set(s.adminSet);

  // 1. What leaves.
  for (const o of out) {
    s.held.delete(o);
    switch (o.type) {
      case 'workload': {
        const c = mustGet(s.workloadClass, o);
        removeItem(c.workloads, o);
        touchedClasses.add(c);
        s.workloadClass.delete(o);
        s.workloadSeq.delete(o);
        const peer = mustGet(s.workloadPeer, o);
        removeItem(peer.workloads, o);
        touchedPeers.add(peer);
        s.workloadPeer.delete(o);
        break;
      }
      case 'networkpolicy': {
        const cp = mustGet(s.compiledOf, o);
        s.compiledOf.delete(o);
        s.policyIndex.delete(cp);
        // Rows hold the selecting lists: replace them, never change them in place.
        for (const id of cp.selected) {
          for (const dir of ['ingress', 'egress'] as const) {
            const list = s.selecting[dir].get(id);
            if (list?.includes(cp)) s.selecting[dir].set(id, list.filter((x) => x !== cp));
          }
        }
        pushTo(pool, compiledFingerprint(cp), cp);
        policiesChanged = true;
        break;
      }
      case 'service': {
        const key = mustGet(s.serviceKey, o);
        s.serviceKey.delete(o);
        const list = mustGet(s.servicesByKey, key);
        removeItem(list, o);
        if (list.length === 0) s.servicesByKey.delete(key);
        serviceNamespaces.add(o.namespace);
        break;
      }
      case 'ingress':
      case 'route':
      case 'referencegrant':
        routingSetOf(s, o).delete(o);
        routingChanged = true;
        break;
      case 'adminpolicy':
        adminNext.delete(o);
        break;
      case 'namespace': {
        const list = s.nsObjects.get(o.name);
        if (list && list.includes(o)) {
          removeItem(list, o);
          if (list.length === 0) s.nsObjects.delete(o.name);
        } else s.nsBase.delete(o.name); // its labels came in the map
        nsTouched.add(o.name);
        break;
      }
    }
  }
  // Objects that do not depend on classes join now.
  for (const o of inn) {
    switch (o.type) {
      case 'service': {
        const key = `${o.namespace}/${o.name}`;
        s.serviceKey.set(o, key);
        pushTo(s.servicesByKey, key, o);
        serviceNamespaces.add(o.namespace);
        break;
      }
      case 'ingress':
      case 'route':
      case 'referencegrant':
        routingSetOf(s, o).add(o);
        routingChanged = true;
        break;
      case 'adminpolicy':
        adminNext.add(o);
        break;
      case 'namespace':
        pushTo(s.nsObjects, o.name, o);
        nsTouched.add(o.name);
        break;
    }
  }
  if (change.nsBase) {
    for (const ns of new Set([...s.nsBase.keys(), ...change.nsBase.keys()])) if (s.nsBase.get(ns) !== change.nsBase.get(ns)) nsTouched.add(ns);
    s.nsBase = change.nsBase;
  }

  // 2. Namespaces with new labels: their classes get new keys (each old class is renamed to one
  // new class, with the same pods). The controller follows its settings.
  const newClasses: PodClass[] = [];
  const gone: PodClass[] = [];
  const renamed = new Map<PodClass, PodClass>(); // new class → old class
  const relabelled: Array<{ namespace: string; before: Record<string, string>; after: Record<string, string> }> = [];
  for (const ns of nsTouched) {
    const before = s.nsLabelSets.get(ns);
    s.nsLabelSets.delete(ns);
    const after = nsLabelSet(s, ns);
    if (before && before.key === after.key) s.nsLabelSets.set(ns, before); // classes share the labels object
    if (!before || before.key === after.key) continue;
    relabelled.push({ namespace: ns, before: before.labels, after: after.labels });
    for (const c of [...(s.classesByNs.get(ns) ?? [])]) {
      if (c.controller || c.workloads.length === 0) continue;
      const created: PodClass[] = [];
      let target: PodClass | undefined;
      for (const w of c.workloads) {
        target = classFor(s, w, after, created);
        target.workloads.push(w);
        s.workloadClass.set(w, target);
        touchedPeers.add(mustGet(s.workloadPeer, w));
      }
      if (created.length === 1 && target === created[0]) renamed.set(target, c);
      newClasses.push(...created);
      if (target) touchedClasses.add(target); // always set: the class has workloads
      c.workloads = [];
      touchedClasses.add(c);
    }
  }
  if (change.settings) s.settings = { ...DEFAULT_SETTINGS, ...change.settings };
  const ctrl = controllerClassFor(s);
  if (ctrl !== s.controllerClass) {
    if (s.controllerClass) gone.push(s.controllerClass);
    insertClass(s, ctrl);
    newClasses.push(ctrl);
    s.controllerClass = ctrl;
  }

  // 3. Workloads join their classes and peers.
  const newPeers: PeerInfo[] = [];
  for (const o of inn) {
    if (o.type !== 'workload') continue;
    s.held.add(o);
    s.workloadSeq.set(o, s.nextSeq++);
    const c = classFor(s, o, nsLabelSet(s, o.namespace), newClasses);
    c.workloads.push(o);
    touchedClasses.add(c);
    s.workloadClass.set(o, c);
    touchedPeers.add(joinPeer(s, o, newPeers));
  }
  sortPeersIn(s, newPeers);
  // Most classes and peers hold a workload or two (about 20k lists at 50k objects).
  for (const c of touchedClasses) c.workloads = atLength(c.workloads);
  for (const p of touchedPeers) p.workloads = atLength(p.workloads);
  for (const o of inn) if (o.type !== 'workload' && o.type !== 'networkpolicy') s.held.add(o);

  // 4. Classes left without pods vanish (a renamed class's selecting lists pass to its successor).
  for (const c of touchedClasses) if (!c.controller && c.workloads.length === 0) gone.push(c);
  for (const [next, old] of renamed) {
    if (!gone.includes(old)) {
      renamed.delete(next); // it kept pods that joined
      continue;
    }
    for (const dir of ['ingress', 'egress'] as const) {
      const list = s.selecting[dir].get(old.id);
      if (list) s.selecting[dir].set(next.id, list);
    }
  }
  for (const c of gone) deleteClass(s, c);
  for (const c of touchedClasses) s.nsOrderDirty.add(c.namespace);
  stats.classesAdded = newClasses.length;
  stats.classesRemoved = gone.length;
  const goneIds = gone.map((c) => c.id);

  // 5. Policies in force learn of the class changes; new classes learn which policies select them.
  if (gone.length || newClasses.length) {
    const renamedOld = new Set([...renamed.values()].map((c) => c.id));
    const plainGoneIds = goneIds.filter((id) => !renamedOld.has(id));
    const plainNew = newClasses.filter((c) => !renamed.has(c));
    const renamedNew = [...renamed.keys()];
    const swaps = [...renamed].map(([next, old]): [number, number] => [old.id, next.id]);
    const swappedOut = swaps.map(([old]) => old);
    // Outside a relabelled namespace, only a namespaceSelector can name its classes.
    const relabelledNs = new Set(relabelled.map((r) => r.namespace));
    const plainMemo: AddMemo = new Map();
    const renamedMemo: AddMemo = new Map();
    // Only policies of the classes' namespaces, or whose namespaceSelectors match their labels, can name them.
    const seeing = s.policyIndex.seeing([...gone, ...newClasses], relabelled.flatMap((r) => [r.before, r.after]));
    for (const cp of seeing) {
      removeClasses(cp, plainGoneIds);
      if (plainNew.length) {
        addClasses(cp, plainNew, plainMemo);
        stats.policiesRechecked++;
      }
      if (swaps.length === 0) continue;
      if (seesNamespaceLabels(cp, relabelled)) {
        removeClasses(cp, swappedOut);
        addClasses(cp, renamedNew, renamedMemo);
        if (plainNew.length === 0) stats.policiesRechecked++;
      } else if (relabelledNs.has(cp.policy.namespace)) swapClasses(cp, swaps);
    }
    for (const c of plainNew) {
      // A policy selects classes of its own namespace only.
      for (const cp of s.policyIndex.inNamespace(c.namespace)) {
        if (!cp.selected.has(c.id)) continue;
        if (cp.ingress) appendTo(s.selecting.ingress, c.id, cp);
        if (cp.egress) appendTo(s.selecting.egress, c.id, cp);
      }
    }
  }

  // 6. Policies join last (in order): a removed one with the same content is reused. What
  // namespaceSelector peers select holds while the classes do not change (a policy edit).
  if (gone.length || newClasses.length) s.peerMemo = undefined;
  const memo = (s.peerMemo ??= new PeerMemo());
  for (const o of inn) {
    if (o.type !== 'networkpolicy') continue;
    s.held.add(o);
    // Only a removal in this change makes a compiled policy to reuse (a cold build has none).
    const reused = pool.size > 0 ? pool.get(fingerprintOf(o))?.shift() : undefined;
    let cp: CompiledPolicy;
    if (reused) {
      cp = reused;
      cp.policy = o;
      removeClasses(cp, goneIds);
      addClasses(cp, newClasses);
      cp.generation++; // its place among the deciding policies may have changed
    } else {
      cp = compilePolicy(o, s.classesByNs, memo);
      stats.policiesCompiled++;
    }
    s.compiledOf.set(o, cp);
    s.policyIndex.add(cp);
    for (const id of cp.selected) {
      if (cp.ingress) appendTo(s.selecting.ingress, id, cp);
      if (cp.egress) appendTo(s.selecting.egress, id, cp);
    }
    policiesChanged = true;
  }
  if (policiesChanged) s.policyList = undefined;

  // 7. Peers whose pods changed.
  refreshPeers(s, touchedPeers);

  // 8. Caches.
  if (setAdmin(s, adminNext)) policiesChanged = true;
  s.sharedRows = new Map();
  s.senders = new Map();
  routesChanged(s, routingChanged, serviceNamespaces, gone, newClasses);
  stats.routesStartedOver = routingChanged;
  if (policiesChanged) s.partitionCache = {}; // the ipBlocks split the outside, whatever the classes
  s.lastUpdate = stats;
}

/** Takes a new set of ANP/BANP objects; returns whether it differs from the one held. */
function setAdmin(s: EngineState, next: Set<AdminPolicy>): boolean {
  const held = [...s.adminSet];
  const same = next.size === held.length && [...next].every((p, i) => held[i] === p);
  s.adminSet = next;
  if (same) return false;
  s.admin = AdminTiers.of(next);
  return true;
}

/** The held set of a kind that only routing reads (the grants' list is rebuilt on use). */
function routingSetOf(s: EngineState, o: Ingress | Route | ReferenceGrant): Set<K8sObject> {
  if (o.type === 'ingress') return s.ingressSet as Set<K8sObject>;
  if (o.type === 'route') return s.routeSet as Set<K8sObject>;
  s.grantList = undefined;
  return s.grantSet as Set<K8sObject>;
}
