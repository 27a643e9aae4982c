// Which files need their diagnostics again after an index change, by namespace and by label (the
// rules' own notion of "may select": diagnostics.ts's nearlyMatches for the near-miss hints).
//   dependentFiles: link diagnostics (selectors, Service names, ports, policy selectors) — exact.
//   reachSensitiveFiles: Services and routes whose NetworkPolicy verdicts may have changed. A policy
//   can admit pods of other namespaces, so this follows namespaceSelector peers that match the
//   changed workloads; effects further away (an egress rule that closes the only source of a
//   Service elsewhere) are the server's idle sweep's: verdictFilesBeyond.
import { podLabelsOf } from '../analysis/links';
import { keyOf } from '../analysis/reachability/exposure';
import { policyOpenWorld, repNamespaceMatches, suppressible, type RepresentativePeer } from '../analysis/reachability/representative';
import { isEmptySelector, selectorMatches } from '../analysis/selectors';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { nearlyMatches, similar } from './diagnostics';
import type { IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import { getOrCreate } from '../model/collections';
import type { K8sObject, LabelSelector, NetworkPolicy, PolicyPeer, Workload } from '../model/types';
import { NamespacePeerTable } from './namespacePeers';

function peersOf(np: NetworkPolicy): PolicyPeer[] {
  const out: PolicyPeer[] = [];
  for (const r of np.ingress) for (const p of r.peers ?? []) out.push(p);
  for (const r of np.egress) for (const p of r.peers ?? []) out.push(p);
  return out;
}

function namespaceLabelsOf(index: WorkspaceIndex, ns: string): Record<string, string> {
  return index.namespaceLabels().get(ns) ?? { 'kubernetes.io/metadata.name': ns };
}

/** Whether a peer may select this workload (namespace and pod labels). */
function peerMayMatch(index: WorkspaceIndex, np: NetworkPolicy, peer: PolicyPeer, w: Workload): boolean {
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, namespaceLabelsOf(index, w.namespace))) return false;
  } else if (np.namespace !== w.namespace) return false;
  return !peer.podSelector || selectorMatches(peer.podSelector, podLabelsOf(w));
}

/** A Service selector that the workload matches, or nearly matches (the near-miss hints of service-selects-nothing). */
function serviceMayDependOn(svc: Extract<K8sObject, { type: 'service' }>, w: Workload): boolean {
  if (!svc.selector || isEmptySelector(svc.selector)) return false;
  const labels = podLabelsOf(w);
  return selectorMatches(svc.selector, labels) || nearlyMatches(svc.selector, labels);
}

/** Peers that networkpolicy-peer-selects-nothing judges by their pods: those with a non-empty podSelector. */
function judgedPeer(p: PolicyPeer): boolean {
  return !!p.podSelector && !isEmptySelector(p.podSelector);
}

/**
 * What an object means to other files: everything but where it stands in its file. The file counts:
 * other files' findings point to the copy in use, which may move to another file with the same content.
 */
export function fingerprint(o: K8sObject): string {
  return JSON.stringify(o, (key, value) => (key === 'id' || key === 'span' || /Spans?$/.test(key) ? undefined : value));
}

/**
 * The objects of a change that really changed: re-reading a file removes and re-adds all of its
 * objects, but one whose content is the same (only moved in the file, or untouched) affects no
 * other file.
 */
export function changedObjects(change: IndexChange): K8sObject[] {
  const changed = change.objects.length < 2 ? change.objects : withoutReturns(change.objects);
  if (change.moved.length === 0) return changed;
  // Objects a kustomization moved: as they were, and as they are (which the above drops, seen twice).
  const out = new Set(changed);
  for (const [was, now] of change.moved) if (was.namespace !== now.namespace) out.add(was).add(now);
  return [...out];
}

/**
 * The objects that did not leave and come back the same (the same `print`; by default everything
 * but where they stand in their file).
 */
export function withoutReturns(objects: readonly K8sObject[], print: (o: K8sObject) => string = fingerprint): K8sObject[] {
  const counts = new Map<string, number>();
  const prints = objects.map(print);
  for (const p of prints) counts.set(p, (counts.get(p) ?? 0) + 1);
  // An identical print seen an even number of times left and came back unchanged.
  return objects.filter((_, i) => ((counts.get(prints[i]) ?? 0) & 1) === 1);
}

/**
 * Label sets, before and after a change, of the namespaces whose labels or existence it may have
 * changed: a namespaceSelector selects other namespaces after it only if it matches one of them.
 * Undefined when the change does not say (objects are not kept in a bulk run): every selector may.
 */
function changedNamespaceLabels(index: WorkspaceIndex, change: IndexChange, changed: K8sObject[]): Array<Record<string, string>> | undefined {
  if (change.objects.length === 0) return undefined;
  const names = new Set(change.namespaces);
  const sets: Array<Record<string, string>> = [];
  for (const o of changed) {
    if (o.type !== 'namespace') continue;
    names.add(o.name);
    const labels: Record<string, string> = {};
    for (const l of o.labels) labels[l.key] = l.value;
    sets.push({ ...labels, 'kubernetes.io/metadata.name': o.name });
  }
  const now = index.namespaceLabels();
  for (const ns of names) {
    // A namespace without its Namespace object (before it was added or after it was removed).
    sets.push({ 'kubernetes.io/metadata.name': ns });
    const labels = now.get(ns);
    if (labels) sets.push(labels);
  }
  return sets;
}

/** Whether a namespaceSelector may select other namespaces after the change (`sets` from changedNamespaceLabels). */
function namespaceSelectionMayChange(selector: LabelSelector, sets: Array<Record<string, string>> | undefined): boolean {
  return !sets || sets.some((labels) => selectorMatches(selector, labels));
}

/**
 * Calls `found` with each policy that has a namespaceSelector peer which may select other
 * namespaces after the change (when `relabelled`), or which may select one of `workloads` (among
 * the peers `counts` accepts). One selector test per distinct namespaceSelector decides for the
 * policies sharing it.
 */
function forPoliciesSeeing(
  index: WorkspaceIndex,
  change: IndexChange,
  changed: K8sObject[],
  relabelled: boolean,
  workloads: readonly Workload[],
  counts: (p: PolicyPeer) => boolean,
  found: (np: NetworkPolicy) => void,
): void {
  const nsSets = relabelled ? changedNamespaceLabels(index, change, changed) : [];
  for (const { selector, peers } of NamespacePeerTable.of(index).all()) {
    const selectionMayChange = relabelled && namespaceSelectionMayChange(selector, nsSets);
    const selected = workloads.filter((w) => selectorMatches(selector, namespaceLabelsOf(index, w.namespace)));
    if (!selectionMayChange && selected.length === 0) continue;
    for (const [np, list] of peers) {
      // `selected` passed the group's namespaceSelector (every peer here has it): only the pod selector is left.
      if (selectionMayChange || list.some((p) => counts(p) && !p.ipBlock && selected.some((w) => !p.podSelector || selectorMatches(p.podSelector, podLabelsOf(w))))) found(np);
    }
  }
}

/**
 * Builds ahead what the first edit's dependents read (the policies' namespaceSelector peers), so
 * that a server does it while idle: at L it cost the first namespace edit about 50 ms CPU.
 */
export function prepareDependents(index: WorkspaceIndex): void {
  NamespacePeerTable.of(index).all();
}

export function dependentFiles(index: WorkspaceIndex, change: IndexChange): Set<string> {
  const out = new Set(change.uris);
  const add = (o: K8sObject) => out.add(o.uri);
  const serviceNames = new Set<string>();
  const workloads: Workload[] = [];
  let namespacesChanged = change.namespacesChanged;
  let adminChanged = false;
  const changed = changedObjects(change);
  for (const o of changed) {
    if (o.type === 'adminpolicy') adminChanged = true;
    if (o.type === 'workload') workloads.push(o);
    else if (o.type === 'service') serviceNames.add(`${o.namespace}/${o.name}`);
    else if (o.type === 'namespace') namespacesChanged = true;
  }
  // Same namespace: Services, policies and StatefulSets that may see the workloads; backends and
  // StatefulSets that name the Services.
  for (const w of workloads) {
    for (const o of index.objectsIn(w.namespace)) {
      if (o.type === 'service' && serviceMayDependOn(o, w)) add(o);
      else if (o.type === 'networkpolicy' && (selectorMatches(o.podSelector, podLabelsOf(w)) || peersOf(o).some((p) => judgedPeer(p) && peerMayMatch(index, o, p, w)))) add(o);
    }
  }
  for (const key of serviceNames) {
    const [ns, name] = key.split('/') as [string, string];
    for (const o of index.objectsIn(ns)) {
      if (o.type === 'ingress' && o.backends.some((b) => b.serviceName === name)) add(o);
      else if (o.type === 'workload' && o.serviceName?.value === name) add(o);
    }
  }
  if (serviceNames.size > 0) {
    for (const r of index.routes()) {
      if (r.backends.some((b) => serviceNames.has(`${b.explicitNamespace?.value ?? r.namespace}/${b.serviceName}`))) add(r);
    }
  }
  backendsNamingLike(index, changed, add);
  // Other namespaces: policies whose namespaceSelector peers may select the workloads, and, when
  // namespaces or their labels changed, every policy whose namespaceSelector matches their old or
  // new labels.
  if (workloads.length > 0 || namespacesChanged) forPoliciesSeeing(index, change, changed, namespacesChanged, workloads, judgedPeer, add);
  // ANP/BANP findings are cluster-wide (what subjects select, shared priorities, a second BANP):
  // few objects, re-checked on any change of workloads, namespaces or admin policies.
  if (workloads.length > 0 || namespacesChanged || adminChanged) for (const ap of index.adminPolicies()) add(ap);
  return out;
}

/**
 * The Ingresses and routes whose ingress-service-missing finding may name a changed Service: it
 * names Services of the missing name in other namespaces, and those of a similar name in its own
 * (beyond the backends that name a Service where it stands). A changed ReferenceGrant decides which
 * cross-namespace references are refused: every route that makes one.
 */
function backendsNamingLike(index: WorkspaceIndex, changed: readonly K8sObject[], add: (o: K8sObject) => void): void {
  const names: string[] = [];
  let grantChanged = false;
  for (const o of changed) {
    if (o.type === 'service') names.push(o.name);
    else if (o.type === 'referencegrant') grantChanged = true;
  }
  if (names.length === 0 && !grantChanged) return;
  const mayName = (serviceName: string): boolean => names.some((n) => n === serviceName || similar(n, serviceName));
  for (const o of index.ingresses()) if (o.backends.some((b) => mayName(b.serviceName))) add(o);
  for (const r of index.routes()) if (r.backends.some((b) => (grantChanged && b.explicitNamespace) || mayName(b.serviceName))) add(r);
}

/** The ingress controller identity in force and where it comes from: when it changes, any verdict may. */
export function controllerKey(analysis: Analysis): string {
  const { source, identity } = analysis.ingressControllerInfo();
  return `${source} ${JSON.stringify(identity)}`;
}

export function reachSensitiveFiles(index: WorkspaceIndex, change: IndexChange): Set<string> {
  const namespaces = new Set<string>();
  const workloads: Workload[] = [];
  const changed = changedObjects(change);
  for (const o of changed) {
    // A cluster-wide tier may change any verdict; so may a namespace's labels when admin policies select by them.
    if (o.type === 'adminpolicy' || (o.type === 'namespace' && index.adminPolicies().length > 0)) for (const ns of index.namespaceNames()) namespaces.add(ns);
    namespaces.add(o.type === 'namespace' ? o.name : o.namespace);
    if (o.type === 'workload') workloads.push(o);
    if (o.type === 'networkpolicy') {
      // An egress rule toward other namespaces changes what reaches them.
      for (const r of o.egress) {
        for (const p of r.peers ?? []) {
          if (!p.namespaceSelector) continue;
          for (const [ns, labels] of index.namespaceLabels()) if (selectorMatches(p.namespaceSelector, labels)) namespaces.add(ns);
        }
      }
    }
  }
  // A namespace's labels changed: policies whose namespaceSelector matched it before or after admit
  // other sources into their namespaces now.
  const relabelled = changed.some((o) => o.type === 'namespace');
  if (relabelled || workloads.length > 0) forPoliciesSeeing(index, change, changed, relabelled, workloads, () => true, (np) => namespaces.add(np.namespace));
  return filesWithVerdictsIn(index, namespaces);
}

/** The files of the Services, Ingresses and routes in `namespaces`, and of the routes elsewhere that send traffic into them. */
function filesWithVerdictsIn(index: WorkspaceIndex, namespaces: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const ns of namespaces) {
    for (const o of index.objectsIn(ns)) if (o.type === 'service' || o.type === 'ingress' || o.type === 'route') out.add(o.uri);
  }
  if (namespaces.size > 0) for (const r of index.routes()) if (r.backends.some((b) => b.explicitNamespace && namespaces.has(b.explicitNamespace.value))) out.add(r.uri);
  return out;
}

/**
 * The files whose NetworkPolicy verdicts (service-unreachable, ingress-blocked) a change can move,
 * beyond reachSensitiveFiles' (the idle sweep's share, worked out when the server is idle), or
 * 'all' where this argument does not hold. `controllerNamespace`: the ingress controller's, as in force.
 *
 * Why nothing else can move. A verdict on a Service in namespace T (or on a backend ending in T)
 * reads: the pods of T it picks; the ingress policies of T that select them; for every sender those
 * rules admit, the sender's egress policies (in the sender's namespace); the ingress controller (its
 * identity, the routes that end in T, the egress policies of its namespace); the representatives
 * of pods the workspace does not define that the rules admit (made from every policy's peers,
 * looked up by the keys of a peer's selectors, and dropped where a real pod stands for one); and
 * the labels of namespaces, through namespaceSelectors. So:
 *  - a workload, Service, Ingress, grant or Namespace: what reachSensitiveFiles follows (its
 *    namespace; the policies whose peers may admit the workload, as a sender or as the real pod of a
 *    representative; those whose namespaceSelector matched a relabelled namespace before or after);
 *    and a route: also the namespaces its backends end in (the controller is routed there);
 *  - a NetworkPolicy in N: N (the ingress of N's pods); when it decides egress (before or after),
 *    the namespaces of policies whose namespaceSelector peers match N's labels (they may admit N's
 *    pods, whose egress it decides); for each representative of its peers that came or went (by
 *    key and whether a real pod may drop it: an edit of its pod selector or ports keeps them), the
 *    namespaces it stands in and those of policies with a namespaceSelector peer of its namespace
 *    key or an empty one (rules find representatives through those keys; a peer without a
 *    namespaceSelector is keyed by its policy's namespace name, which a representative standing
 *    there matches).
 * Every file when an AdminNetworkPolicy or BaselineAdminNetworkPolicy is defined or changed (a
 * cluster tier may admit any pod anywhere, so any sender's egress counts), or when a policy or
 * Namespace of the controller's namespace changed (its egress decides every backend). The caller
 * sweeps every file too when the controller identity in force changed (a guess follows the policies
 * and the ingress classes, a detection the workloads).
 */
export function verdictFilesBeyond(index: WorkspaceIndex, change: IndexChange, controllerNamespace: string): Set<string> | 'all' {
  // A bulk change keeps no objects: it cannot say what it changed.
  if (change.objects.length === 0 && change.namespacesChanged) return 'all';
  const changed = changedObjects(change);
  if (changed.length === 0) return new Set();
  if (index.adminPolicies().length > 0 || changed.some((o) => o.type === 'adminpolicy')) return 'all';
  const namespaces = new Set<string>();
  /** Namespaces whose pods' egress a changed policy decides. */
  const egressOf = new Set<string>();
  /** The changed policies' representatives, by key and whether a real pod may drop it: those counted odd came or went. */
  const repCounts = new Map<string, { rep: RepresentativePeer; count: number }>();
  for (const o of changed) {
    if (o.type === 'route') for (const b of o.backends) if (b.explicitNamespace) namespaces.add(b.explicitNamespace.value);
    if ((o.type === 'networkpolicy' || o.type === 'namespace') && (o.type === 'namespace' ? o.name : o.namespace) === controllerNamespace) return 'all';
    if (o.type !== 'networkpolicy') continue;
    namespaces.add(o.namespace);
    if (o.policyTypes.includes('Egress')) egressOf.add(o.namespace);
    for (const rep of policyOpenWorld(o).reps) {
      const entry = getOrCreate(repCounts, `${rep.key} ${suppressible(rep)}`, () => ({ rep, count: 0 }));
      entry.count++;
    }
  }
  const groups = egressOf.size > 0 || repCounts.size > 0 ? [...NamespacePeerTable.of(index).all()] : [];
  const admitting = (test: (selector: LabelSelector) => boolean): void => {
    for (const { selector, peers } of groups) if (test(selector)) for (const np of peers.keys()) namespaces.add(np.namespace);
  };
  // Senders whose egress changed: the policies whose namespaceSelector peers may admit them.
  for (const ns of egressOf) {
    const labels = namespaceLabelsOf(index, ns);
    admitting((selector) => selectorMatches(selector, labels));
  }
  // Representatives that came or went: where they stand, and the policies that look them up by
  // their namespace key or take any namespace (a peer without a namespaceSelector is keyed by its
  // policy's namespace name, which a representative standing there matches).
  const reps = [...repCounts.values()].filter((e) => (e.count & 1) === 1).map((e) => e.rep);
  if (reps.length > 0) {
    for (const rep of reps) for (const [ns, labels] of index.namespaceLabels()) if (repNamespaceMatches(rep, labels)) namespaces.add(ns);
    const nsKeys = new Set(reps.map((r) => r.nsKey));
    admitting((selector) => isEmptySelector(selector) || nsKeys.has(keyOf(selector)));
  }
  const near = verdictsNear(index, change);
  const out = new Set<string>();
  for (const uri of filesWithVerdictsIn(index, namespaces)) if (!near.has(uri)) out.add(uri);
  return out;
}

/** The files whose verdicts an update re-checks right after a change: the changed files and those reachSensitiveFiles follows. */
export function verdictsNear(index: WorkspaceIndex, change: IndexChange): Set<string> {
  const near = reachSensitiveFiles(index, change);
  for (const uri of change.uris) near.add(uri);
  return near;
}

/**
 * Where an update's changes may move NetworkPolicy verdicts: the files reachSensitiveFiles follows and the
 * changed files (`sensitive`), and whether it may reach past them (`beyond`: a policy, namespace or
 * cluster-tier policy changed).
 */
export function verdictsMoved(index: WorkspaceIndex, changes: readonly IndexChange[]): { sensitive: Set<string>; beyond: boolean } {
  const sensitive = new Set<string>();
  let beyond = false;
  for (const change of changes) {
    for (const uri of verdictsNear(index, change)) sensitive.add(uri);
    if (movesVerdictsBeyond(change)) beyond = true;
  }
  return { sensitive, beyond };
}

/** Whether a change may move verdicts past what reachSensitiveFiles follows: a policy, namespace or cluster-tier policy changed. */
function movesVerdictsBeyond(change: IndexChange): boolean {
  return changedObjects(change).some((o) => o.type === 'networkpolicy' || o.type === 'namespace' || o.type === 'adminpolicy');
}

/** The files holding a Service, Ingress or route: those with NetworkPolicy verdicts. */
export function filesWithVerdicts(index: WorkspaceIndex): Set<string> {
  const uris = new Set<string>();
  for (const o of [...index.services(), ...index.ingresses(), ...index.routes()]) uris.add(o.uri);
  return uris;
}
