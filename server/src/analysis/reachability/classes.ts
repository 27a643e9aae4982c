// Pod equivalence classes and peers: workloads fall into classes by (namespace, pod labels,
// namespace labels, container ports); peers group a workload owner's pods by name. The one place
// that creates a class (classFor, and the controller's) and the one that creates a peer (joinPeer).

import { mustGet } from '../../model/collections';
import type { Workload } from '../../model/types';
import { labelsOf } from '../selectors';
import { compareBytes, labelsKeyOf, peerNameOf, portDeclsOf, portsKeyOf, type PortDecl } from './peers';
import { pushTo, removeItem, type EngineState, type NsLabelSet, type PeerInfo, type PodClass } from './state';

type WorkloadFacts = { labels: Record<string, string>; labelsKey: string; ports: PortDecl[]; portsKey: string };

/** What a workload contributes to its class key, computed once per (immutable) model object. */
const workloadFacts = new WeakMap<Workload, WorkloadFacts>();

function factsOf(w: Workload): WorkloadFacts {
  let facts = workloadFacts.get(w);
  if (!facts) {
    const labels = labelsOf(w.podLabels);
    const ports = portDeclsOf(w);
    facts = { labels, labelsKey: labelsKeyOf(labels), ports, portsKey: portsKeyOf(ports) };
    workloadFacts.set(w, facts);
  }
  return facts;
}

/** Labels of a namespace: its (last) Namespace object's, or those given as a map, with its name label. */
export function nsLabelSet(s: EngineState, ns: string): NsLabelSet {
  let set = s.nsLabelSets.get(ns);
  if (!set) {
    const objs = s.nsObjects.get(ns);
    const labels = objs?.length ? labelsOf(objs[objs.length - 1].labels) : { ...(s.nsBase.get(ns) ?? {}) };
    labels['kubernetes.io/metadata.name'] = ns;
    set = { labels, key: labelsKeyOf(labels) };
    s.nsLabelSets.set(ns, set);
  }
  return set;
}

/**
 * The class of a workload with these namespace labels, created (and recorded in `created`) when
 * there is none yet.
 */
export function classFor(s: EngineState, w: Workload, nsl: NsLabelSet, created: PodClass[]): PodClass {
  const facts = factsOf(w);
  const key = `${w.namespace}\0${facts.labelsKey}\0${nsl.key}\0${facts.portsKey}`;
  let c = s.classes.get(key);
  if (!c) {
    c = { id: s.nextClassId++, key, workloads: [], namespace: w.namespace, labels: facts.labels, nsLabels: nsl.labels, ports: facts.ports, portsKey: facts.portsKey, controller: false };
    insertClass(s, c);
    created.push(c);
  }
  return c;
}

/** The controller's class for the settings in force: the one held when its identity is unchanged. */
export function controllerClassFor(s: EngineState): PodClass {
  const ctrl = s.settings.ingressController;
  const nsLabels = { ...nsLabelSet(s, ctrl.namespace).labels, ...ctrl.namespaceLabels, 'kubernetes.io/metadata.name': ctrl.namespace };
  const key = `\u0001controller\0${ctrl.namespace}\0${labelsKeyOf(ctrl.podLabels)}\0${labelsKeyOf(nsLabels)}`;
  if (s.controllerClass?.key === key) return s.controllerClass;
  return { id: s.nextClassId++, key, workloads: [], namespace: ctrl.namespace, labels: { ...ctrl.podLabels }, nsLabels, ports: [], portsKey: '', controller: true };
}

export function insertClass(s: EngineState, c: PodClass): void {
  s.classes.set(c.key, c);
  s.classById.set(c.id, c);
  pushTo(s.classesByNs, c.namespace, c);
  s.nsOrderDirty.add(c.namespace);
}

export function deleteClass(s: EngineState, c: PodClass): void {
  s.classes.delete(c.key);
  s.classById.delete(c.id);
  const list = s.classesByNs.get(c.namespace);
  if (list) {
    removeItem(list, c);
    if (list.length === 0) s.classesByNs.delete(c.namespace);
  }
  for (const dir of ['ingress', 'egress'] as const) {
    s.rows[dir].delete(c.id);
    s.rowEpochs[dir].delete(c.id);
    s.selecting[dir].delete(c.id);
  }
  s.peersOfClass.delete(c.id);
}

/** The classes of a namespace in input order (by first pod; the controller last). */
export function classesIn(s: EngineState, ns: string): PodClass[] {
  const list = s.classesByNs.get(ns);
  if (!list) return [];
  if (s.nsOrderDirty.delete(ns)) list.sort((a, b) => firstSeq(s, a) - firstSeq(s, b));
  return list;
}

function firstSeq(s: EngineState, c: PodClass): number {
  return c.workloads.length ? mustGet(s.workloadSeq, c.workloads[0]) : Infinity;
}

/** Every class in input order (by first pod; the controller last). */
export function podClassesInOrder(s: EngineState): PodClass[] {
  return [...s.classById.values()].sort((a, b) => firstSeq(s, a) - firstSeq(s, b));
}

/** A joining workload's peer (created when its name is new; the peer list is sorted by `sortPeers`). */
export function joinPeer(s: EngineState, w: Workload, newPeers: PeerInfo[]): PeerInfo {
  const name = peerNameOf(w);
  let peer = s.peerByName.get(name);
  if (!peer) {
    peer = { kind: 'workload', name, namespace: w.namespace, workloads: [] };
    s.peerByName.set(name, peer);
    s.peerClasses.set(peer, []);
    newPeers.push(peer);
  }
  peer.workloads.push(w);
  s.workloadPeer.set(w, peer);
  return peer;
}

/** Puts new peers into the list sorted by name (byte order): one by one when few, else one sort. */
export function sortPeersIn(s: EngineState, newPeers: readonly PeerInfo[]): void {
  if (newPeers.length > 32) {
    s.peerList.push(...newPeers);
    s.peerList.sort((a, b) => compareBytes(a.name, b.name));
    return;
  }
  for (const peer of newPeers) s.peerList.splice(sortedIndex(s.peerList, peer), 0, peer);
}

/** Peers whose pods changed: their classes again, in pod order; a peer without pods is gone. */
export function refreshPeers(s: EngineState, peers: Iterable<PeerInfo>): void {
  for (const peer of peers) {
    for (const c of s.peerClasses.get(peer) ?? []) {
      const list = s.peersOfClass.get(c.id);
      if (list) removeItem(list, peer);
    }
    if (peer.workloads.length === 0) {
      s.peerByName.delete(peer.name);
      s.peerClasses.delete(peer);
      const i = sortedIndex(s.peerList, peer);
      if (s.peerList[i] === peer) s.peerList.splice(i, 1);
      continue;
    }
    const classes: PodClass[] = [];
    for (const w of peer.workloads) {
      const c = mustGet(s.workloadClass, w);
      if (!classes.includes(c)) {
        classes.push(c);
        pushTo(s.peersOfClass, c.id, peer);
      }
    }
    s.peerClasses.set(peer, classes);
  }
}

/** Where a peer goes in the list sorted by name (byte order). */
function sortedIndex(list: readonly PeerInfo[], peer: PeerInfo): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(list[mid].name, peer.name) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
