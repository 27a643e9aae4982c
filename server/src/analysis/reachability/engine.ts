// The reachability engine. See index.ts for the API and its costs.

import { compareByPath } from '../../model/identity';
import {
  DEFAULT_SETTINGS,
  type AdminPolicy,
  type AnalysisSettings,
  type Backend,
  type Ingress,
  type K8sObject,
  type Namespace,
  type NetworkPolicy,
  type Protocol,
  type ReferenceGrant,
  type Route,
  type Service,
  type ServicePort,
  type Workload,
} from '../../model/types';
import { AdminTiers, type TierDecision } from './adminPolicies';
import { ConnSet } from './connset';
import { OpenWorld } from './exposure';
import { containsIp, formatRange, ipBlockBoundaries, splitAddressSpace, type IpIntervals } from './ip';
import {
  addClasses,
  compilePolicy,
  removeClasses,
  resolvePorts,
  policyFingerprint,
  type ClassView,
  type CompiledPolicy,
  type CompiledPorts,
  type CompiledRule,
  type PeerMemo,
} from './policies';
import { compareBytes, labelsKeyOf, peerNameOf, portDeclsOf, portsKeyOf, type PortDecl } from './peers';
import { resolveBackend, resolveTargetPort, serviceSelects, type BackendTarget } from './routing';
import { labelsOf, selectorKeys } from './selectors';

export interface ReachabilityInput {
  workloads: readonly Workload[];
  networkPolicies: readonly NetworkPolicy[];
  /** AdminNetworkPolicies and BaselineAdminNetworkPolicies (the tiers around NetworkPolicies). */
  adminPolicies?: readonly AdminPolicy[];
  /** Labels of every namespace (with `kubernetes.io/metadata.name`); a namespace missing here gets just that label. */
  namespaceLabels?: ReadonlyMap<string, Record<string, string>>;
  /**
   * The Namespace objects, in the index's order, when known: their labels (the last of a name)
   * take the place of `namespaceLabels`, and `applyChange` can then tell what remains when one leaves.
   */
  namespaces?: readonly Namespace[];
  services?: readonly Service[];
  ingresses?: readonly Ingress[];
  routes?: readonly Route[];
  referenceGrants?: readonly ReferenceGrant[];
  settings?: Partial<AnalysisSettings>;
}

/** What the workspace index offers; the engine reads it without depending on the index module. */
export interface ReachabilitySource {
  workloads(): Workload[];
  networkPolicies(): NetworkPolicy[];
  adminPolicies?(): AdminPolicy[];
  namespaceLabels(): Map<string, Record<string, string>>;
  services(): Service[];
  ingresses(): Ingress[];
  routes(): Route[];
  referenceGrants?(): ReferenceGrant[];
  namespaceObjects?(): Namespace[];
  readonly settings: AnalysisSettings;
}

export function inputFromSource(src: ReachabilitySource): ReachabilityInput {
  const grants = src.referenceGrants?.() ?? [];
  return {
    workloads: src.workloads(),
    networkPolicies: src.networkPolicies(),
    adminPolicies: src.adminPolicies?.() ?? [],
    namespaceLabels: src.namespaceLabels(),
    namespaces: src.namespaceObjects?.(),
    services: src.services(),
    ingresses: src.ingresses(),
    routes: src.routes(),
    referenceGrants: grants,
    settings: src.settings,
  };
}

export type Direction = 'ingress' | 'egress';

export interface PeerInfo {
  kind: 'workload' | 'external' | 'ingress-controller';
  /** As printed: `ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`, `{ingress-controller}`. */
  name: string;
  namespace?: string;
  /** The manifests behind a workload peer (several for the replicas of one owner). */
  workloads: Workload[];
  /** External range, first and last address as 32-bit numbers. */
  range?: [number, number];
}

export interface Allowed {
  peer: PeerInfo;
  conns: ConnSet;
}

export interface DirectionReport {
  /** False: no policy selects the pods for this direction, everything is allowed. */
  isolated: boolean;
  /** The policies that select the pods for this direction (they decide what is allowed). */
  policies: NetworkPolicy[];
  allowed: Allowed[];
}

/** One side of a connection: open (not isolated), or the rules that admit the other end. */
export interface SideExplanation {
  open: boolean;
  rules: Array<{ policy: NetworkPolicy; direction: Direction; index: number; conns: ConnSet }>;
}

export interface PairResult {
  src: PeerInfo;
  dst: PeerInfo;
  conns: ConnSet;
}

export interface PodClass extends ClassView {
  key: string;
  workloads: Workload[];
  /** The virtual ingress controller pod (never a destination, never printed as a workload). */
  controller: boolean;
}

interface Row {
  isolated: boolean;
  policies: CompiledPolicy[];
  generations: number[];
  /** Per peer class, what rules naming it allow (isolated rows only). */
  byClass: Map<number, ConnSet>;
  /** Ports of rules without `from`/`to`, granted to every peer. */
  everyPeer: CompiledPorts[];
  /** everyPeer resolved per destination ports key (ingress: resolved once against the row's own pod). */
  everyPeerCache: Map<string, ConnSet>;
  /** Address blocks with what they are allowed. */
  ext: Array<{ ips: IpIntervals; conns: ConnSet }>;
}

const CONTROLLER_NAME = '{ingress-controller}';

/** What a workload contributes to its class key, computed once per (immutable) model object. */
const workloadFacts = new WeakMap<Workload, { labels: Record<string, string>; labelsKey: string; ports: PortDecl[]; portsKey: string }>();
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

function factsOf(w: Workload): { labels: Record<string, string>; labelsKey: string; ports: PortDecl[]; portsKey: string } {
  let facts = workloadFacts.get(w);
  if (!facts) {
    const labels = labelsOf(w.podLabels);
    const ports = portDeclsOf(w);
    facts = { labels, labelsKey: labelsKeyOf(labels), ports, portsKey: portsKeyOf(ports) };
    workloadFacts.set(w, facts);
  }
  return facts;
}

/** Objects that left and joined the workspace, for `applyChange`. */
export interface ObjectChange {
  /** Objects no longer in the workspace (an edited file's old objects). */
  removed?: readonly K8sObject[];
  /** Objects now in the workspace (an edited file's new objects), in the order the index lists them. */
  added?: readonly K8sObject[];
  /**
   * `IndexChange.objects` as recorded: each object flips, in order: it leaves when the engine
   * holds it, and joins otherwise. Applied after `removed` and `added`.
   */
  objects?: readonly K8sObject[];
}

type NsLabelSet = { labels: Record<string, string>; key: string };

export class ReachabilityEngine {
  private settings: AnalysisSettings = DEFAULT_SETTINGS;
  private classes = new Map<string, PodClass>(); // by key
  private classById = new Map<number, PodClass>();
  private classesByNs = new Map<string, PodClass[]>();
  /** Namespaces whose class list may be out of input order (after applyChange). */
  private nsOrderDirty = new Set<string>();
  private nextClassId = 0;
  private workloadClass = new Map<Workload, PodClass>();
  private controllerClass!: PodClass;

  /** Compiled policies in input order. */
  private compiledOf = new Map<NetworkPolicy, CompiledPolicy>();
  private policyList?: CompiledPolicy[];
  private selecting: Record<Direction, Map<number, CompiledPolicy[]>> = { ingress: new Map(), egress: new Map() };
  private rows: Record<Direction, Map<number, Row>> = { ingress: new Map(), egress: new Map() };
  /** The update in which each class's row was last found current. */
  private rowEpochs: Record<Direction, Map<number, number>> = { ingress: new Map(), egress: new Map() };
  /** Rows by (direction, deciding policies and generations, own ports for ingress), built since the last update. */
  private sharedRows = new Map<string, Row>();

  private peerList: PeerInfo[] = [];
  private peerByName = new Map<string, PeerInfo>();
  private peerClasses = new Map<PeerInfo, PodClass[]>();
  private peersOfClass = new Map<number, PeerInfo[]>();
  private workloadPeer = new Map<Workload, PeerInfo>();
  private controllerPeer: PeerInfo = { kind: 'ingress-controller', name: CONTROLLER_NAME, workloads: [] };

  // The workspace as the engine holds it (Sets and Maps keep insertion order, as the index does).
  private held = new Set<K8sObject>();
  /** Input order of the workloads (a re-added object goes last, as in the index). */
  private workloadSeq = new Map<Workload, number>();
  private nextSeq = 0;
  private serviceKey = new Map<Service, string>();
  private servicesByKey?: Map<string, Service[]>;
  private ingressSet = new Set<Ingress>();
  private routeSet = new Set<Route>();
  private grantSet = new Set<ReferenceGrant>();
  private grantList?: ReferenceGrant[];
  /** Namespace objects by name (the last one's labels count, as in the index). */
  private nsObjects = new Map<string, Namespace[]>();
  /** Labels given as a map (`namespaceLabels`), for namespaces without a Namespace object here. */
  private nsBase = new Map<string, Record<string, string>>();
  private nsLabelSets = new Map<string, NsLabelSet>();

  /** ANP/BANP objects held (input order), and their tiers (undefined when none takes part). */
  private adminSet = new Set<AdminPolicy>();
  private admin?: AdminTiers;

  private input!: ReachabilityInput;
  private bookkept = false;
  private epoch = 0;
  private routedCache?: Map<number, ConnSet>;
  private partitionCache: Partial<Record<Direction, PeerInfo[]>> = {};
  private senders = new Map<CompiledRule, Senders>();
  private openWorldOf?: { epoch: number; world: OpenWorld };

  /** Statistics of the last update, for benchmarks and tests of incrementality. */
  lastUpdate = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0 };

  constructor(input: ReachabilityInput) {
    this.update(input);
  }

  static fromSource(src: ReachabilitySource): ReachabilityEngine {
    return new ReachabilityEngine(inputFromSource(src));
  }

  private get policyOrder(): CompiledPolicy[] {
    return (this.policyList ??= [...this.compiledOf.values()]);
  }

  // ---------------------------------------------------------------- updating

  /**
   * Takes a new snapshot of the workspace. Unchanged policies keep their compiled form (patched
   * for classes that appeared or vanished); rows are rebuilt lazily, only where a policy that
   * decides them changed.
   */
  update(input: ReachabilityInput): void {
    this.epoch++;
    this.settings = { ...DEFAULT_SETTINGS, ...(input.settings ?? {}) };
    const stats = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0 };

    // 0. The objects held, for later incremental changes.
    // What applyChange needs to know of each object (held, order, peer) is filled in on its first call.
    this.input = input;
    this.bookkept = false;
    this.nsBase = new Map(input.namespaceLabels ?? []);
    this.nsObjects = new Map();
    for (const n of input.namespaces ?? []) {
      pushTo(this.nsObjects, n.name, n);
      this.nsBase.delete(n.name); // the objects' labels count, and must not outlive them
    }
    this.nsLabelSets = new Map();
    this.servicesByKey = undefined; // indexed on first use
    this.ingressSet = new Set(input.ingresses ?? []);
    this.routeSet = new Set(input.routes ?? []);
    this.grantSet = new Set(input.referenceGrants ?? []);
    this.grantList = undefined;
    const adminChanged = this.setAdmin(new Set(input.adminPolicies ?? []));

    // 1. Classes: (namespace, labels, namespace labels, container ports) of every workload, plus the controller.
    const nextClasses = new Map<string, PodClass>();
    const workloadClass = new Map<Workload, PodClass>();
    const place = (key: string, make: () => Omit<PodClass, 'id' | 'key' | 'workloads'>): PodClass => {
      let c = nextClasses.get(key);
      if (!c) {
        const old = this.classes.get(key);
        if (old) old.workloads = [];
        c = old ?? { id: this.nextClassId++, key, workloads: [], ...make() };
        nextClasses.set(key, c);
      }
      return c;
    };
    for (const w of input.workloads) {
      const facts = factsOf(w);
      const nsl = this.nsLabelSet(w.namespace);
      const key = classKeyOf(w.namespace, facts, nsl);
      const c = place(key, () => ({ namespace: w.namespace, labels: facts.labels, nsLabels: nsl.labels, ports: facts.ports, portsKey: facts.portsKey, controller: false }));
      c.workloads.push(w);
      workloadClass.set(w, c);
    }
    const ctrl = this.controllerFacts();
    this.controllerClass = place(ctrl.key, ctrl.make);

    const added: PodClass[] = [];
    const removed: PodClass[] = [];
    for (const [k, c] of nextClasses) if (!this.classes.has(k)) added.push(c);
    for (const [k, c] of this.classes) if (!nextClasses.has(k)) removed.push(c);
    stats.classesAdded = added.length;
    stats.classesRemoved = removed.length;
    this.classes = nextClasses;
    this.classById = new Map([...nextClasses.values()].map((c) => [c.id, c]));
    this.classesByNs = new Map();
    this.nsOrderDirty = new Set();
    for (const c of nextClasses.values()) pushTo(this.classesByNs, c.namespace, c);
    this.workloadClass = workloadClass;
    for (const c of removed) {
      for (const dir of ['ingress', 'egress'] as const) {
        this.rows[dir].delete(c.id);
        this.rowEpochs[dir].delete(c.id);
      }
    }
    this.sharedRows = new Map();
    this.senders = new Map();

    // 2. Policies: reuse those whose content is unchanged, patch them for the class changes.
    const previous = new Map<string, CompiledPolicy>();
    for (const cp of this.compiledOf.values()) if (!previous.has(cp.policy.id)) previous.set(cp.policy.id, cp);
    const nextCompiled = new Map<NetworkPolicy, CompiledPolicy>();
    const memo: PeerMemo = new Map();
    const removedIds = removed.map((c) => c.id);
    let policiesChanged = false;
    for (const p of input.networkPolicies) {
      if (nextCompiled.has(p)) continue; // the same object twice is one policy
      const old = previous.get(p.id);
      let cp: CompiledPolicy;
      if (old && old.fingerprint === fingerprintOf(p)) {
        previous.delete(p.id);
        cp = old;
        cp.policy = p;
        removeClasses(cp, removedIds);
        addClasses(cp, added);
      } else {
        cp = compilePolicy(p, this.classesByNs, memo);
        stats.policiesCompiled++;
        policiesChanged = true;
      }
      nextCompiled.set(p, cp);
    }
    if (this.compiledOf.size !== nextCompiled.size) policiesChanged = true;
    this.compiledOf = nextCompiled;
    this.policyList = undefined;

    // 3. Which policies select each class, per direction (cheap: the sum of selection sizes).
    this.selecting = { ingress: new Map(), egress: new Map() };
    for (const cp of this.policyOrder) {
      for (const id of cp.selected) {
        if (cp.ingress) pushTo(this.selecting.ingress, id, cp);
        if (cp.egress) pushTo(this.selecting.egress, id, cp);
      }
    }

    // 4. Peers, routing and address ranges are cheap: rebuilt (routing and ranges lazily).
    this.buildPeers(input.workloads);
    this.routedCache = undefined;
    if (policiesChanged || adminChanged || added.length || removed.length) this.partitionCache = {};
    this.lastUpdate = stats;
  }

  /** Takes a new set of ANP/BANP objects; returns whether it differs from the one held. */
  private setAdmin(next: Set<AdminPolicy>): boolean {
    const held = [...this.adminSet];
    const same = next.size === held.length && [...next].every((p, i) => held[i] === p);
    this.adminSet = next;
    if (same) return false;
    this.admin = AdminTiers.of(next);
    return true;
  }

  /**
   * Applies a change of the workspace in time proportional to the change: the objects that left
   * and joined (workloads, NetworkPolicies, Services, Ingresses, routes, ReferenceGrants,
   * Namespaces; other kinds are ignored). Answers afterwards are those of a fresh engine built
   * from the workspace after the change, listed in the index's order (an object that joins goes
   * last). `settings`, when given, replaces the settings in force (as `input.settings` does).
   *
   * Costs: a workload that lands in an existing class costs its peer; a new or vanished class
   * costs one selector test per policy rule; a changed policy is compiled (a policy whose content
   * is unchanged is reused); new labels on a Namespace re-class that namespace's workloads.
   */
  applyChange(change: ObjectChange, settings?: Partial<AnalysisSettings>): void {
    this.bookkeep();
    // Net effect: objects to drop, and objects to add in order (a re-added object goes last).
    const out = new Set<K8sObject>();
    const inn = new Set<K8sObject>();
    const present = (o: K8sObject): boolean => inn.has(o) || (this.held.has(o) && !out.has(o));
    const leave = (o: K8sObject): void => {
      if (inn.has(o)) inn.delete(o);
      else if (this.held.has(o) && !out.has(o)) out.add(o);
    };
    const join = (o: K8sObject): void => {
      if (!RELEVANT.has(o.type)) return;
      if (inn.has(o)) inn.delete(o);
      else if (this.held.has(o) && !out.has(o)) out.add(o);
      inn.add(o);
    };
    for (const o of change.removed ?? []) leave(o);
    for (const o of change.added ?? []) join(o);
    for (const o of change.objects ?? []) if (present(o)) leave(o);
    else join(o);

    this.epoch++;
    const stats = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0 };
    const touchedClasses = new Set<PodClass>();
    const touchedPeers = new Set<PeerInfo>();
    const nsTouched = new Set<string>();
    const pool = new Map<string, CompiledPolicy[]>(); // removed compiled policies by fingerprint
    let policiesChanged = false;
    let routingChanged = false;
    const adminNext = new Set(this.adminSet);

    // 1. What leaves.
    for (const o of out) {
      this.held.delete(o);
      switch (o.type) {
        case 'workload': {
          const c = this.workloadClass.get(o)!;
          removeItem(c.workloads, o);
          touchedClasses.add(c);
          this.workloadClass.delete(o);
          this.workloadSeq.delete(o);
          const peer = this.workloadPeer.get(o)!;
          removeItem(peer.workloads, o);
          touchedPeers.add(peer);
          this.workloadPeer.delete(o);
          break;
        }
        case 'networkpolicy': {
          const cp = this.compiledOf.get(o)!;
          this.compiledOf.delete(o);
          // Rows hold the selecting lists: replace them, never change them in place.
          for (const id of cp.selected) {
            for (const dir of ['ingress', 'egress'] as const) {
              const list = this.selecting[dir].get(id);
              if (list?.includes(cp)) this.selecting[dir].set(id, list.filter((x) => x !== cp));
            }
          }
          pushTo(pool, cp.fingerprint, cp);
          policiesChanged = true;
          break;
        }
        case 'service': {
          const byKey = this.services();
          const key = this.serviceKey.get(o)!;
          this.serviceKey.delete(o);
          const list = byKey.get(key)!;
          removeItem(list, o);
          if (list.length === 0) byKey.delete(key);
          routingChanged = true;
          break;
        }
        case 'ingress':
          this.ingressSet.delete(o);
          routingChanged = true;
          break;
        case 'adminpolicy':
          adminNext.delete(o);
          break;
        case 'route':
          this.routeSet.delete(o);
          routingChanged = true;
          break;
        case 'referencegrant':
          this.grantSet.delete(o);
          this.grantList = undefined;
          routingChanged = true;
          break;
        case 'namespace': {
          const list = this.nsObjects.get(o.name);
          if (list && list.includes(o)) {
            removeItem(list, o);
            if (list.length === 0) this.nsObjects.delete(o.name);
          } else this.nsBase.delete(o.name); // its labels came in the map
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
          this.serviceKey.set(o, key);
          pushTo(this.services(), key, o);
          routingChanged = true;
          break;
        }
        case 'ingress':
          this.ingressSet.add(o);
          routingChanged = true;
          break;
        case 'adminpolicy':
          adminNext.add(o);
          break;
        case 'route':
          this.routeSet.add(o);
          routingChanged = true;
          break;
        case 'referencegrant':
          this.grantSet.add(o);
          this.grantList = undefined;
          routingChanged = true;
          break;
        case 'namespace':
          pushTo(this.nsObjects, o.name, o);
          nsTouched.add(o.name);
          break;
      }
    }

    // 2. Namespaces with new labels: their classes get new keys. The controller follows its settings.
    const newClasses: PodClass[] = [];
    const gone: PodClass[] = [];
    const classFor = (w: Workload, facts: ReturnType<typeof factsOf>, nsl: NsLabelSet): PodClass => {
      const key = classKeyOf(w.namespace, facts, nsl);
      let c = this.classes.get(key);
      if (!c) {
        c = { id: this.nextClassId++, key, workloads: [], namespace: w.namespace, labels: facts.labels, nsLabels: nsl.labels, ports: facts.ports, portsKey: facts.portsKey, controller: false };
        this.insertClass(c);
        newClasses.push(c);
      }
      return c;
    };
    for (const ns of nsTouched) {
      const before = this.nsLabelSets.get(ns);
      this.nsLabelSets.delete(ns);
      const after = this.nsLabelSet(ns);
      if (!before || before.key === after.key) continue;
      for (const c of [...(this.classesByNs.get(ns) ?? [])]) {
        if (c.controller || c.workloads.length === 0) continue;
        for (const w of c.workloads) {
          const target = classFor(w, factsOf(w), after);
          target.workloads.push(w);
          this.workloadClass.set(w, target);
          touchedPeers.add(this.workloadPeer.get(w)!);
          touchedClasses.add(target);
        }
        c.workloads = [];
        touchedClasses.add(c);
      }
    }
    if (settings) this.settings = { ...DEFAULT_SETTINGS, ...settings };
    const ctrl = this.controllerFacts();
    if (ctrl.key !== this.controllerClass.key) {
      gone.push(this.controllerClass);
      const c: PodClass = { id: this.nextClassId++, key: ctrl.key, workloads: [], ...ctrl.make() };
      this.insertClass(c);
      newClasses.push(c);
      this.controllerClass = c;
    }

    // 3. Workloads join their classes and peers.
    for (const o of inn) {
      if (o.type !== 'workload') continue;
      this.held.add(o);
      this.workloadSeq.set(o, this.nextSeq++);
      const c = classFor(o, factsOf(o), this.nsLabelSet(o.namespace));
      c.workloads.push(o);
      touchedClasses.add(c);
      this.workloadClass.set(o, c);
      const name = peerNameOf(o);
      let peer = this.peerByName.get(name);
      if (!peer) {
        peer = { kind: 'workload', name, namespace: o.namespace, workloads: [] };
        this.peerByName.set(name, peer);
        this.peerClasses.set(peer, []);
        this.peerList.splice(sortedIndex(this.peerList, peer), 0, peer);
      }
      peer.workloads.push(o);
      this.workloadPeer.set(o, peer);
      touchedPeers.add(peer);
    }
    for (const o of inn) if (o.type !== 'workload' && o.type !== 'networkpolicy') this.held.add(o);

    // 4. Classes left without pods vanish.
    for (const c of touchedClasses) if (!c.controller && c.workloads.length === 0) gone.push(c);
    for (const c of gone) this.deleteClass(c);
    for (const c of touchedClasses) this.nsOrderDirty.add(c.namespace);
    stats.classesAdded = newClasses.length;
    stats.classesRemoved = gone.length;
    const goneIds = gone.map((c) => c.id);

    // 5. Policies in force learn of the class changes; new classes learn which policies select them.
    if (gone.length || newClasses.length) {
      for (const cp of this.compiledOf.values()) {
        removeClasses(cp, goneIds);
        addClasses(cp, newClasses);
      }
      for (const c of newClasses) {
        for (const cp of this.compiledOf.values()) {
          if (!cp.selected.has(c.id)) continue;
          if (cp.ingress) appendTo(this.selecting.ingress, c.id, cp);
          if (cp.egress) appendTo(this.selecting.egress, c.id, cp);
        }
      }
    }

    // 6. Policies join last (in order): a removed one with the same content is reused.
    const memo: PeerMemo = new Map();
    for (const o of inn) {
      if (o.type !== 'networkpolicy') continue;
      this.held.add(o);
      const reused = pool.get(fingerprintOf(o))?.shift();
      let cp: CompiledPolicy;
      if (reused) {
        cp = reused;
        cp.policy = o;
        removeClasses(cp, goneIds);
        addClasses(cp, newClasses);
        cp.generation++; // its place among the deciding policies may have changed
      } else {
        cp = compilePolicy(o, this.classesByNs, memo);
        stats.policiesCompiled++;
      }
      this.compiledOf.set(o, cp);
      for (const id of cp.selected) {
        if (cp.ingress) appendTo(this.selecting.ingress, id, cp);
        if (cp.egress) appendTo(this.selecting.egress, id, cp);
      }
      policiesChanged = true;
    }
    if (policiesChanged) this.policyList = undefined;

    // 7. Peers whose pods changed: their classes again, in pod order; a peer without pods is gone.
    for (const peer of touchedPeers) {
      for (const c of this.peerClasses.get(peer) ?? []) {
        const list = this.peersOfClass.get(c.id);
        if (list) removeItem(list, peer);
      }
      if (peer.workloads.length === 0) {
        this.peerByName.delete(peer.name);
        this.peerClasses.delete(peer);
        const i = sortedIndex(this.peerList, peer);
        if (this.peerList[i] === peer) this.peerList.splice(i, 1);
        continue;
      }
      const classes: PodClass[] = [];
      for (const w of peer.workloads) {
        const c = this.workloadClass.get(w)!;
        if (!classes.includes(c)) {
          classes.push(c);
          pushTo(this.peersOfClass, c.id, peer);
        }
      }
      this.peerClasses.set(peer, classes);
    }

    // 8. Caches.
    if (this.setAdmin(adminNext)) policiesChanged = true;
    this.sharedRows = new Map();
    this.senders = new Map();
    if (routingChanged || gone.length || newClasses.length) this.routedCache = undefined;
    if (policiesChanged || gone.length || newClasses.length) this.partitionCache = {};
    this.lastUpdate = stats;
  }

  /** Services by namespace/name (the first of a name counts), indexed on first use after a full update. */
  private services(): Map<string, Service[]> {
    if (!this.servicesByKey) {
      this.servicesByKey = new Map();
      this.serviceKey = new Map();
      for (const svc of this.input.services ?? []) {
        const key = `${svc.namespace}/${svc.name}`;
        this.serviceKey.set(svc, key);
        pushTo(this.servicesByKey, key, svc);
      }
    }
    return this.servicesByKey;
  }

  /** Fills in what applyChange needs after a full update: the objects held and the workloads' order. */
  private bookkeep(): void {
    if (this.bookkept) return;
    this.bookkept = true;
    this.services();
    const input = this.input;
    this.held = new Set();
    this.workloadSeq = new Map();
    for (const w of input.workloads) {
      this.held.add(w);
      this.workloadSeq.set(w, this.nextSeq++);
    }
    for (const o of input.networkPolicies) this.held.add(o);
    for (const o of this.adminSet) this.held.add(o);
    for (const list of [input.namespaces, input.services, input.ingresses, input.routes, input.referenceGrants]) {
      for (const o of list ?? []) this.held.add(o);
    }
  }

  /** Labels of a namespace: its (last) Namespace object's, or those given as a map, with its name label. */
  private nsLabelSet(ns: string): NsLabelSet {
    let s = this.nsLabelSets.get(ns);
    if (!s) {
      const objs = this.nsObjects.get(ns);
      const labels = objs?.length ? labelsOf(objs[objs.length - 1].labels) : { ...(this.nsBase.get(ns) ?? {}) };
      labels['kubernetes.io/metadata.name'] = ns;
      s = { labels, key: labelsKeyOf(labels) };
      this.nsLabelSets.set(ns, s);
    }
    return s;
  }

  private controllerFacts(): { key: string; make: () => Omit<PodClass, 'id' | 'key' | 'workloads'> } {
    const ctrl = this.settings.ingressController;
    const nsLabels = { ...this.nsLabelSet(ctrl.namespace).labels, ...ctrl.namespaceLabels, 'kubernetes.io/metadata.name': ctrl.namespace };
    const key = `\u0001controller\0${ctrl.namespace}\0${labelsKeyOf(ctrl.podLabels)}\0${labelsKeyOf(nsLabels)}`;
    const make = (): Omit<PodClass, 'id' | 'key' | 'workloads'> => ({
      namespace: ctrl.namespace,
      labels: { ...ctrl.podLabels },
      nsLabels,
      ports: [],
      portsKey: '',
      controller: true,
    });
    return { key, make };
  }

  private insertClass(c: PodClass): void {
    this.classes.set(c.key, c);
    this.classById.set(c.id, c);
    pushTo(this.classesByNs, c.namespace, c);
    this.nsOrderDirty.add(c.namespace);
  }

  private deleteClass(c: PodClass): void {
    this.classes.delete(c.key);
    this.classById.delete(c.id);
    const list = this.classesByNs.get(c.namespace);
    if (list) {
      removeItem(list, c);
      if (list.length === 0) this.classesByNs.delete(c.namespace);
    }
    for (const dir of ['ingress', 'egress'] as const) {
      this.rows[dir].delete(c.id);
      this.rowEpochs[dir].delete(c.id);
      this.selecting[dir].delete(c.id);
    }
    this.peersOfClass.delete(c.id);
  }

  /** The classes of a namespace in input order (by first pod; the controller last). */
  private classesIn(ns: string): PodClass[] {
    const list = this.classesByNs.get(ns);
    if (!list) return [];
    if (this.nsOrderDirty.delete(ns)) list.sort((a, b) => this.firstSeq(a) - this.firstSeq(b));
    return list;
  }

  private firstSeq(c: PodClass): number {
    this.bookkeep();
    return c.workloads.length ? this.workloadSeq.get(c.workloads[0])! : Infinity;
  }

  private buildPeers(workloads: readonly Workload[]): void {
    this.peerList = [];
    this.peerByName = new Map();
    this.peerClasses = new Map();
    this.peersOfClass = new Map();
    // Recorded now: the index may re-file an object under another namespace before applyChange hears of it.
    this.workloadPeer = new Map();
    for (const w of workloads) {
      const name = peerNameOf(w);
      let peer = this.peerByName.get(name);
      if (!peer) {
        peer = { kind: 'workload', name, namespace: w.namespace, workloads: [] };
        this.peerByName.set(name, peer);
        this.peerList.push(peer);
        this.peerClasses.set(peer, []);
      }
      peer.workloads.push(w);
      this.workloadPeer.set(w, peer);
      const c = this.workloadClass.get(w)!;
      const list = this.peerClasses.get(peer)!;
      if (!list.includes(c)) {
        list.push(c);
        pushTo(this.peersOfClass, c.id, peer);
      }
    }
    this.peerList.sort((a, b) => compareBytes(a.name, b.name));
  }

  // ---------------------------------------------------------------- rows

  private row(dir: Direction, c: PodClass): Row {
    const cached = this.rows[dir].get(c.id);
    const seen = this.rowEpochs[dir];
    if (cached && seen.get(c.id) === this.epoch) return cached;
    const policies = this.selecting[dir].get(c.id) ?? NO_POLICIES;
    seen.set(c.id, this.epoch);
    if (cached && sameDeciders(cached, policies)) return cached;
    // Classes decided by the same policies share one row (ingress rows also need the same own
    // ports, which named ports resolve against): a namespace-wide policy builds one row, not one per class.
    let key = dir === 'ingress' ? `i|${c.portsKey}|` : 'e|';
    for (const p of policies) key += `${p.uid}.${p.generation},`;
    const shared = this.sharedRows.get(key);
    if (shared && sameDeciders(shared, policies)) {
      this.rows[dir].set(c.id, shared);
      return shared;
    }
    const row: Row = {
      isolated: policies.length > 0,
      policies,
      generations: policies.map((p) => p.generation),
      byClass: new Map(),
      everyPeer: [],
      everyPeerCache: new Map(),
      ext: [],
    };
    this.sharedRows.set(key, row);
    for (const cp of policies) {
      for (const r of (dir === 'ingress' ? cp.ingress : cp.egress) ?? []) {
        if (dir === 'ingress') {
          // Ingress ports are the selected pod's own: resolve once.
          const conns = resolvePorts(r.ports, c);
          if (conns.isEmpty) continue;
          if (r.allPeers) row.everyPeer.push(r.ports);
          for (const id of r.classes) row.byClass.set(id, (row.byClass.get(id) ?? ConnSet.EMPTY).union(conns));
          if (r.ips.length) row.ext.push({ ips: r.ips, conns });
        } else {
          if (r.allPeers) row.everyPeer.push(r.ports);
          for (const id of r.classes) {
            const dst = this.classById.get(id);
            if (!dst || dst.controller) continue;
            const conns = resolvePorts(r.ports, dst);
            if (!conns.isEmpty) row.byClass.set(id, (row.byClass.get(id) ?? ConnSet.EMPTY).union(conns));
          }
          const conns = resolvePorts(r.ports, undefined);
          if (r.ips.length && !conns.isEmpty) row.ext.push({ ips: r.ips, conns });
        }
      }
    }
    this.rows[dir].set(c.id, row);
    return row;
  }

  /** What a row allows toward/from a peer class. `ownPorts` are the ports named ports resolve against. */
  private rowConn(row: Row, peer: PodClass, ownPorts: { ports: PortDecl[]; portsKey: string }): ConnSet {
    if (!row.isolated) return ConnSet.ALL;
    let r = row.byClass.get(peer.id) ?? ConnSet.EMPTY;
    if (row.everyPeer.length) {
      let e = row.everyPeerCache.get(ownPorts.portsKey);
      if (!e) {
        e = ConnSet.EMPTY;
        for (const p of row.everyPeer) e = e.union(resolvePorts(p, ownPorts));
        row.everyPeerCache.set(ownPorts.portsKey, e);
      }
      r = r.union(e);
    }
    return r;
  }

  private rowExt(row: Row, addr: number): ConnSet {
    if (!row.isolated) return ConnSet.ALL;
    let r = ConnSet.EMPTY;
    for (const e of row.ext) if (containsIp(e.ips, addr)) r = r.union(e.conns);
    return r;
  }

  /** One direction of a connection between classes: the NetworkPolicy row, within the ANP/BANP tiers. */
  private side(dir: Direction, own: PodClass, other: PodClass, row: Row, dstPorts: PodClass): ConnSet {
    const np = this.rowConn(row, other, dstPorts);
    return this.admin ? this.admin.decide(dir, own, { cls: other }, row.isolated ? np : undefined) : np;
  }

  /** One direction of a connection with an outside address. */
  private sideExt(dir: Direction, own: PodClass, row: Row, addr: number): ConnSet {
    const np = this.rowExt(row, addr);
    return this.admin ? this.admin.decide(dir, own, { addr }, row.isolated ? np : undefined) : np;
  }

  /**
   * The classes an ANP Allow rule names for this class (beyond its NetworkPolicy row): pruning
   * must visit them. The controller class is among the candidates as a source only.
   */
  private adminAdmits(dir: Direction, c: PodClass): number[] {
    if (!this.admin) return NO_IDS;
    return this.admin.allowRuleClasses(dir, c, () => this.classById.values(), this.epoch);
  }

  /** Whether an ANP rule may allow this class more than its NetworkPolicy row does (pruning must not skip it). */
  private adminMayAllow(dir: Direction, c: PodClass): boolean {
    return this.admin !== undefined && this.admin.mayAllow(dir, c);
  }

  /** Connections from pods of class s to pods of class d: both ends' policies must allow them. */
  classConn(s: PodClass, d: PodClass): ConnSet {
    if (d.controller) return ConnSet.EMPTY;
    const ing = this.side('ingress', d, s, this.row('ingress', d), d);
    if (ing.isEmpty) return ing;
    const eg = this.side('egress', s, d, this.row('egress', s), d);
    if (s.controller) return ing.intersect(eg).intersect(this.routedTo(d));
    return ing.intersect(eg);
  }

  // ---------------------------------------------------------------- ingress controller

  private routes(): Map<number, ConnSet> {
    if (this.routedCache) return this.routedCache;
    const routed = new Map<number, ConnSet>();
    for (const { owner, backend } of this.backends()) {
      const t = this.resolve(owner, backend);
      if (!t.servicePort || t.servicePort.protocol !== 'TCP') continue;
      for (const { classId, port } of t.targets) {
        if (!port || port.protocol !== 'TCP') continue;
        routed.set(classId, (routed.get(classId) ?? ConnSet.EMPTY).union(ConnSet.range('TCP', port.port, port.port)));
      }
    }
    this.routedCache = routed;
    return routed;
  }

  private routedTo(d: PodClass): ConnSet {
    return this.routes().get(d.id) ?? ConnSet.EMPTY;
  }

  private *backends(): Iterable<{ owner: Ingress | Route; backend: Backend }> {
    for (const owner of [...this.ingressSet, ...this.routeSet]) {
      for (const backend of owner.backends) yield { owner, backend };
    }
  }

  private resolve(owner: Ingress | Route, backend: Backend): BackendTarget {
    const byKey = this.services();
    const services = { get: (key: string): Service | undefined => byKey.get(key)?.[0] };
    return resolveBackend(owner, backend, services, (this.grantList ??= [...this.grantSet]), (ns) =>
      this.classesIn(ns).filter((c) => !c.controller),
    );
  }

  // ---------------------------------------------------------------- external addresses

  /** Disjoint external ranges: sources split at ingress ipBlocks, destinations at egress ipBlocks. */
  externalPeers(dir: Direction): PeerInfo[] {
    const cached = this.partitionCache[dir];
    if (cached) return cached;
    const bounds: number[] = [];
    for (const cp of this.policyOrder) {
      // Only rules in force: a direction missing from policyTypes ignores its rules.
      const rules = dir === 'ingress' ? (cp.ingress ? cp.policy.ingress : []) : cp.egress ? cp.policy.egress : [];
      for (const r of rules) for (const peer of r.peers ?? []) if (peer.ipBlock) bounds.push(...ipBlockBoundaries(peer.ipBlock));
    }
    if (dir === 'egress' && this.admin) bounds.push(...this.admin.egressBoundaries());
    const peers = splitAddressSpace(bounds).map(
      ([lo, hi]): PeerInfo => ({ kind: 'external', name: `${formatRange(lo, hi)}[External]`, workloads: [], range: [lo, hi] }),
    );
    this.partitionCache[dir] = peers;
    return peers;
  }

  // ---------------------------------------------------------------- peers and pairs

  peers(): readonly PeerInfo[] {
    return this.peerList;
  }

  peer(name: string): PeerInfo | undefined {
    if (name === CONTROLLER_NAME) return this.controllerPeer;
    return (
      this.peerByName.get(name) ??
      this.externalPeers('ingress').find((p) => p.name === name) ??
      this.externalPeers('egress').find((p) => p.name === name)
    );
  }

  peerOf(w: Workload): PeerInfo | undefined {
    return this.peerByName.get(peerNameOf(w));
  }

  /** Connections between two peers (the union over the pod classes behind each). */
  conns(src: PeerInfo, dst: PeerInfo): ConnSet {
    if (dst.kind === 'ingress-controller') return ConnSet.EMPTY;
    if (src.kind === 'external' && dst.kind === 'external') return ConnSet.EMPTY;
    if (src.kind === 'external') {
      let r = ConnSet.EMPTY;
      for (const d of this.peerClasses.get(dst) ?? []) r = r.union(this.sideExt('ingress', d, this.row('ingress', d), src.range![0]));
      return r;
    }
    if (dst.kind === 'external') {
      let r = ConnSet.EMPTY;
      for (const s of this.srcClasses(src)) r = r.union(this.sideExt('egress', s, this.row('egress', s), dst.range![0]));
      return r;
    }
    let r = ConnSet.EMPTY;
    for (const s of this.srcClasses(src)) for (const d of this.peerClasses.get(dst) ?? []) r = r.union(this.classConn(s, d));
    return r;
  }

  private srcClasses(p: PeerInfo): PodClass[] {
    return p.kind === 'ingress-controller' ? [this.controllerClass] : this.peerClasses.get(p) ?? [];
  }

  /**
   * Every allowed ordered pair (self-pairs and empty pairs left out), in the order of the `reach`
   * output: sorted by source, then destination, in byte order, `{ingress-controller}` last.
   */
  *pairs(): Iterable<PairResult> {
    const ingressExt = this.externalPeers('ingress');
    const egressExt = this.externalPeers('egress');
    const byName = (a: PeerInfo, b: PeerInfo): number => compareBytes(a.name, b.name);
    const srcs = [...ingressExt, ...this.peerList, this.controllerPeer].sort(byName);
    const workloadDsts = [...this.peerList, ...egressExt].sort(byName);
    // Rows fetched once per peer.
    const rowsOf = new Map<PeerInfo, { cls: PodClass[]; ing: Row[]; eg: Row[] }>();
    const peersOfClass = new Map<number, PeerInfo[]>();
    for (const p of this.peerList) {
      const cls = this.peerClasses.get(p) ?? [];
      rowsOf.set(p, { cls, ing: cls.map((c) => this.row('ingress', c)), eg: cls.map((c) => this.row('egress', c)) });
      for (const c of cls) pushTo(peersOfClass, c.id, p);
    }
    // Candidate destinations without scanning every peer: a pod whose ingress is isolated admits only
    // the classes its rules name; a source whose egress is isolated reaches only the classes named.
    const rank = new Map<PeerInfo, number>(workloadDsts.map((p, i) => [p, i]));
    const openDsts: number[] = [];
    const admittedBy = new Map<number, number[]>();
    for (const d of this.classById.values()) {
      if (d.controller) continue;
      const r = this.row('ingress', d);
      if (!r.isolated || r.everyPeer.length) openDsts.push(d.id);
      else for (const sid of [...r.byClass.keys(), ...this.adminAdmits('ingress', d)]) pushTo(admittedBy, sid, d.id);
    }
    const candidates = (s: { cls: PodClass[]; eg: Row[] }): PeerInfo[] => {
      let viaIngress = openDsts.length;
      for (const c of s.cls) viaIngress += admittedBy.get(c.id)?.length ?? 0;
      const egressClosed = s.eg.every((r) => r.isolated && r.everyPeer.length === 0);
      let viaEgress = Infinity;
      const adminNamed = egressClosed ? s.cls.map((c) => this.adminAdmits('egress', c)) : [];
      if (egressClosed) {
        viaEgress = 0;
        s.eg.forEach((r, i) => (viaEgress += r.byClass.size + adminNamed[i].length));
      }
      if (Math.min(viaIngress, viaEgress) * 2 > workloadDsts.length) return workloadDsts;
      const found = new Set<PeerInfo>(egressExt);
      const addClass = (id: number): void => {
        for (const p of peersOfClass.get(id) ?? []) found.add(p);
      };
      if (viaEgress <= viaIngress) {
        for (const r of s.eg) for (const id of r.byClass.keys()) addClass(id);
        for (const ids of adminNamed) for (const id of ids) addClass(id);
      } else {
        for (const id of openDsts) addClass(id);
        for (const c of s.cls) for (const id of admittedBy.get(c.id) ?? []) addClass(id);
      }
      return [...found].sort((a, b) => rank.get(a)! - rank.get(b)!);
    };
    for (const src of srcs) {
      if (src.kind !== 'workload') {
        for (const dst of this.peerList) {
          const conns = this.conns(src, dst);
          if (!conns.isEmpty) yield { src, dst, conns };
        }
        continue;
      }
      const s = rowsOf.get(src)!;
      for (const dst of candidates(s)) {
        if (dst === src) continue;
        let conns = ConnSet.EMPTY;
        if (dst.kind === 'external') {
          for (let a = 0; a < s.cls.length; a++) conns = conns.union(this.sideExt('egress', s.cls[a], s.eg[a], dst.range![0]));
        } else {
          const d = rowsOf.get(dst)!;
          for (let a = 0; a < s.cls.length; a++) {
            for (let b = 0; b < d.cls.length; b++) {
              let c = this.side('ingress', d.cls[b], s.cls[a], d.ing[b], d.cls[b]);
              if (c.isEmpty) continue;
              c = c.intersect(this.side('egress', s.cls[a], d.cls[b], s.eg[a], d.cls[b]));
              conns = conns.union(c);
            }
          }
        }
        if (!conns.isEmpty) yield { src, dst, conns };
      }
    }
  }

  /** Allowed sources of a peer (`ns/name[Kind]` or a PeerInfo). */
  allowedFrom(dst: PeerInfo | string): Allowed[] {
    const d = typeof dst === 'string' ? this.peer(dst) : dst;
    if (!d || d.kind !== 'workload') return [];
    const candidates = this.namedBy('ingress', this.peerClasses.get(d) ?? []);
    const out: Allowed[] = [];
    for (const src of [...this.externalPeers('ingress'), ...this.inPeerOrder(candidates), this.controllerPeer]) {
      if (src === d || (candidates && src.kind === 'workload' && !candidates.has(src))) continue;
      const conns = this.conns(src, d);
      if (!conns.isEmpty) out.push({ peer: src, conns });
    }
    return out;
  }

  /** Allowed destinations of a peer. */
  allowedTo(src: PeerInfo | string): Allowed[] {
    const s = typeof src === 'string' ? this.peer(src) : src;
    if (!s || s.kind === 'external') return [];
    const candidates = this.namedBy('egress', this.srcClasses(s));
    const out: Allowed[] = [];
    const workloads = this.inPeerOrder(candidates);
    const dsts = s.kind === 'ingress-controller' ? workloads : [...workloads, ...this.externalPeers('egress')];
    for (const dst of dsts) {
      if (dst === s || (candidates && dst.kind === 'workload' && !candidates.has(dst))) continue;
      const conns = this.conns(s, dst);
      if (!conns.isEmpty) out.push({ peer: dst, conns });
    }
    return out;
  }

  /** The workload peers to visit, in peer order: the candidates alone when they are few. */
  private inPeerOrder(candidates: Set<PeerInfo> | undefined): readonly PeerInfo[] {
    if (!candidates) return this.peerList;
    if (candidates.size * 4 > this.peerList.length) return this.peerList.filter((p) => candidates.has(p));
    return [...candidates].sort((a, b) => compareBytes(a.name, b.name));
  }

  /**
   * The workload peers that the rows of these classes name, when that is all they can allow (every
   * row isolated, none with a rule open to every peer); undefined when any peer may be allowed.
   */
  private namedBy(dir: Direction, classes: PodClass[]): Set<PeerInfo> | undefined {
    const out = new Set<PeerInfo>();
    for (const c of classes) {
      const r = this.row(dir, c);
      if (!r.isolated || r.everyPeer.length) return undefined;
      for (const id of r.byClass.keys()) for (const p of this.peersOfClass.get(id) ?? []) out.add(p);
      for (const id of this.adminAdmits(dir, c)) for (const p of this.peersOfClass.get(id) ?? []) out.add(p);
    }
    return out;
  }

  // ---------------------------------------------------------------- per workload (hover, diagnostics)

  /**
   * Why traffic from `src` to `dst` is allowed or not, per side: `open` when no policy isolates
   * that side, otherwise the rules (policy and index in its `ingress`/`egress` list) that admit the
   * other end, with the ports each grants there. The connection is the intersection of both sides.
   */
  explain(src: PeerInfo, dst: PeerInfo): { conns: ConnSet; ingress: SideExplanation; egress: SideExplanation } {
    const conns = this.conns(src, dst);
    const ingress: SideExplanation =
      dst.kind === 'workload' ? this.explainSide('ingress', this.peerClasses.get(dst) ?? [], src) : { open: true, rules: [] };
    const egress: SideExplanation = src.kind === 'external' ? { open: true, rules: [] } : this.explainSide('egress', this.srcClasses(src), dst);
    return { conns, ingress, egress };
  }

  private explainSide(dir: Direction, own: PodClass[], other: PeerInfo): SideExplanation {
    const rules: SideExplanation['rules'] = [];
    let open = false;
    const otherClasses = other.kind === 'external' ? [] : this.srcClasses(other);
    for (const c of own) {
      const policies = this.selecting[dir].get(c.id) ?? NO_POLICIES;
      if (policies.length === 0) open = true;
      for (const cp of policies) {
        const list = (dir === 'ingress' ? cp.ingress : cp.egress) ?? [];
        for (const r of list) {
          let granted = ConnSet.EMPTY;
          if (other.kind === 'external') {
            if (containsIp(r.ips, other.range![0])) granted = resolvePorts(r.ports, dir === 'ingress' ? c : undefined);
          } else {
            for (const o of otherClasses) {
              if (!r.allPeers && !r.classes.has(o.id)) continue;
              granted = granted.union(resolvePorts(r.ports, dir === 'ingress' ? c : o));
            }
          }
          if (!granted.isEmpty) rules.push({ policy: cp.policy, direction: dir, index: r.index, conns: granted });
        }
      }
    }
    return { open, rules };
  }


  /** The ANPs (in evaluation order) and the BANP with rules for the workload's pods in a direction. */
  adminPoliciesDeciding(w: Workload, dir: Direction): AdminPolicy[] {
    const c = this.workloadClass.get(w);
    return c && this.admin ? this.admin.policiesFor(dir, c) : [];
  }

  /** The policies that select the workload's pods for a direction; empty: not isolated. */
  policiesDeciding(w: Workload, dir: Direction): NetworkPolicy[] {
    const c = this.workloadClass.get(w);
    if (!c) return [];
    // In path order: the order policies joined the engine follows the order files were read.
    return (this.selecting[dir].get(c.id) ?? []).map((cp) => cp.policy).sort(compareByPath);
  }

  /** Sources and destinations of one workload's pods, with ports, and who decides. */
  reachabilityOf(w: Workload): { peer?: PeerInfo; ingress: DirectionReport; egress: DirectionReport } {
    const c = this.workloadClass.get(w);
    const self = this.peerOf(w);
    if (!c || !self) {
      const none = { isolated: false, policies: [], allowed: [] };
      return { peer: self, ingress: none, egress: none };
    }
    const only: PeerInfo = { ...self, workloads: [w] };
    this.peerClasses.set(only, [c]);
    try {
      const ingress = this.allowedFrom(only).filter((a) => a.peer !== self);
      const egress = this.allowedTo(only).filter((a) => a.peer !== self);
      return {
        peer: self,
        ingress: { isolated: this.row('ingress', c).isolated, policies: this.policiesDeciding(w, 'ingress'), allowed: ingress },
        egress: { isolated: this.row('egress', c).isolated, policies: this.policiesDeciding(w, 'egress'), allowed: egress },
      };
    } finally {
      this.peerClasses.delete(only);
    }
  }

  /**
   * Whether anything (another workload, an outside address, the ingress controller) can reach a
   * Service port's target on the pods it selects. `targets` lists each selected workload with the
   * container port it ends in (undefined when a named targetPort does not resolve).
   */
  servicePortReachability(
    svc: Service,
    sp: ServicePort,
  ): { reachable: boolean; targets: Array<{ workload: Workload; port?: number; protocol: Protocol; reachable: boolean }> } {
    const targets: Array<{ workload: Workload; port?: number; protocol: Protocol; reachable: boolean }> = [];
    for (const c of this.classesIn(svc.namespace)) {
      if (c.controller || !serviceSelects(svc, c)) continue;
      const decl = resolveTargetPort(sp, c.ports);
      const port = decl?.port ?? (typeof sp.targetPort === 'number' ? sp.targetPort : undefined);
      const reachable = port !== undefined && this.portReachable(c, sp.protocol, port);
      for (const w of c.workloads) targets.push({ workload: w, port, protocol: sp.protocol, reachable });
    }
    return { reachable: targets.some((t) => t.reachable), targets };
  }

  private portReachable(d: PodClass, protocol: Protocol, port: number): boolean {
    if (this.admin) return this.portReachableThroughTiers(d, protocol, port);
    // Straight from the deciding policies' rules, without building d's ingress row: a class with
    // its own container ports often has a row of its own.
    const deciders = this.selecting.ingress.get(d.id);
    if (!deciders || deciders.length === 0) return true;
    for (const cp of deciders) {
      for (const r of cp.ingress ?? []) {
        if (!resolvePorts(r.ports, d).has(protocol, port)) continue;
        // Outside addresses send freely; rules without `from` carry every address, so they are covered here.
        // `namespaceSelector: {}` admits every pod of the cluster, those defined elsewhere included.
        if (r.ips.length || r.entireCluster) return true;
        if (this.openWorld().ruleAdmitsOutside(cp, r)) return true; // representatives: pods the workspace does not define
        const senders = this.sendersOf(r);
        if (senders.open) return true;
        if (senders.controller && this.controllerReaches(d, protocol, port)) return true;
        // Every other sender is egress-isolated: one of its policies must have a rule that reaches d there.
        for (const eg of senders.policies) {
          for (const e of eg.egress ?? []) {
            if ((e.allPeers || e.classes.has(d.id)) && resolvePorts(e.ports, d).has(protocol, port)) return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * `classConn(controller, d).has(protocol, port)`, read from d's deciding rules rather than from
   * its ingress row (which a class with ports of its own does not share).
   */
  private controllerReaches(d: PodClass, protocol: Protocol, port: number): boolean {
    if (d.controller || !this.routedTo(d).has(protocol, port)) return false;
    const ctrl = this.controllerClass;
    if (this.admin) return this.classConn(ctrl, d).has(protocol, port);
    if (!this.rowConn(this.row('egress', ctrl), d, d).has(protocol, port)) return false;
    const deciders = this.selecting.ingress.get(d.id);
    if (!deciders || deciders.length === 0) return true;
    for (const cp of deciders) {
      for (const r of cp.ingress ?? []) {
        if ((r.allPeers || r.classes.has(ctrl.id)) && resolvePorts(r.ports, d).has(protocol, port)) return true;
      }
    }
    return false;
  }

  /** portReachable with ANP/BANP tiers: any class (the controller included) or outside address, one by one. */
  private portReachableThroughTiers(d: PodClass, protocol: Protocol, port: number): boolean {
    const ing = this.row('ingress', d);
    for (const ext of this.externalPeers('ingress')) if (this.sideExt('ingress', d, ing, ext.range![0]).has(protocol, port)) return true;
    // Pods the workspace does not define (the entire cluster, representative peers), as the exposure
    // reads them through the tiers: a representative an ANP/BANP subject selects has its own egress decided too.
    const x = this.openWorld().exposure(d, 'ingress');
    if (!x.protected || x.entireCluster.has(protocol, port) || x.representatives.some((l) => l.conns.has(protocol, port))) return true;
    // Host-network senders' egress is not reliably policed (SPEC §3): only d's ingress counts for them.
    for (const s of this.classById.values()) {
      const conns = s.workloads.some((w) => w.hostNetwork) ? this.side('ingress', d, s, ing, d) : this.classConn(s, d);
      if (conns.has(protocol, port)) return true;
    }
    return false;
  }

  /**
   * Which tier, policy and rule decided each part of the connections from `src` to `dst`, per
   * direction (undefined when no ANP or BANP takes part: the NetworkPolicies alone decide, see
   * `explain`). Ingress decisions are the destination's, egress the source's; the connection is
   * what both allow.
   */
  tierDecisions(src: PeerInfo, dst: PeerInfo): { ingress: TierDecision[]; egress: TierDecision[] } | undefined {
    const admin = this.admin;
    if (!admin || dst.kind === 'ingress-controller') return undefined;
    const ingress: TierDecision[] = [];
    const egress: TierDecision[] = [];
    const dstClasses = dst.kind === 'workload' ? this.peerClasses.get(dst) ?? [] : [];
    const srcClasses = src.kind === 'external' ? [] : this.srcClasses(src);
    for (const d of dstClasses) {
      const row = this.row('ingress', d);
      if (src.kind === 'external') ingress.push(...admin.explain('ingress', d, { addr: src.range![0] }, row.isolated ? this.rowExt(row, src.range![0]) : undefined));
      for (const s of srcClasses) ingress.push(...admin.explain('ingress', d, { cls: s }, row.isolated ? this.rowConn(row, s, d) : undefined));
    }
    for (const s of srcClasses) {
      const row = this.row('egress', s);
      if (dst.kind === 'external') egress.push(...admin.explain('egress', s, { addr: dst.range![0] }, row.isolated ? this.rowExt(row, dst.range![0]) : undefined));
      for (const d of dstClasses) egress.push(...admin.explain('egress', s, { cls: d }, row.isolated ? this.rowConn(row, d, d) : undefined));
    }
    return { ingress, egress };
  }

  /** The ANP/BANP tiers in force (undefined when no such object takes part). */
  get adminTiers(): AdminTiers | undefined {
    return this.admin;
  }

  /**
   * The classes an ingress rule admits, summarised for "can anything send here": whether one of
   * them has open egress, whether the controller is among them, and the egress policies of the
   * others. One pass over the rule's classes serves every destination it decides (cleared on
   * every update).
   */
  private sendersOf(r: CompiledRule): Senders {
    let s = this.senders.get(r);
    if (s) return s;
    s = { open: false, controller: false, policies: new Set() };
    this.senders.set(r, s);
    for (const id of r.classes) {
      const c = this.classById.get(id);
      if (!c) continue;
      if (c.controller) {
        s.controller = true;
        continue;
      }
      const deciders = this.selecting.egress.get(id);
      // A host-network pod's egress is not reliably policed (SPEC §3): it counts as a free sender.
      if (!deciders || deciders.length === 0 || c.workloads.some((w) => w.hostNetwork)) {
        s.open = true;
        s.policies.clear();
        break;
      }
      for (const cp of deciders) s.policies.add(cp);
    }
    return s;
  }

  /** Where an Ingress or route backend ends, and whether the ingress controller may reach each pod there. */
  backendReachability(
    owner: Ingress | Route,
    backend: Backend,
  ): {
    service?: Service;
    servicePort?: ServicePort;
    targets: Array<{ workload: Workload; port?: number; reachable: boolean }>;
    reachable: boolean;
  } {
    const t = this.resolve(owner, backend);
    const targets: Array<{ workload: Workload; port?: number; reachable: boolean }> = [];
    for (const { classId, port } of t.targets) {
      const c = this.classById.get(classId)!;
      const reachable = !!port && port.protocol === 'TCP' && this.controllerReaches(c, 'TCP', port.port);
      for (const w of c.workloads) targets.push({ workload: w, port: port?.port, reachable });
    }
    return { service: t.service, servicePort: t.servicePort, targets, reachable: targets.some((x) => x.reachable) };
  }

  /** Representative peers and exposure (SPEC §3 open world), for the engine's current state. */
  openWorld(): OpenWorld {
    if (this.openWorldOf?.epoch !== this.epoch) {
      const source = {
        classVersion: `${this.nextClassId}/${this.classById.size}`,
        policies: this.policyOrder,
        classesByNamespace: this.classesByNs,
        deciders: (dir: Direction, id: number) => this.selecting[dir].get(id),
        admin: this.admin,
      };
      const world = new OpenWorld(source, this.openWorldOf?.world);
      this.openWorldOf = { epoch: this.epoch, world };
    }
    return this.openWorldOf.world;
  }

  /** The pod classes behind a peer (several when the pods of one owner differ in labels). */
  classesOfPeer(p: PeerInfo): readonly PodClass[] {
    return this.peerClasses.get(p) ?? [];
  }

  /** The ingress controller's identity in use (settings or default). */
  get ingressController(): AnalysisSettings['ingressController'] {
    return this.settings.ingressController;
  }

  // ---------------------------------------------------------------- whole-matrix work and diagnostics

  podClasses(): PodClass[] {
    const list = [...this.classById.values()];
    // After a full update the map is in input order already; applyChange may have moved classes.
    return this.bookkept ? list.sort((a, b) => this.firstSeq(a) - this.firstSeq(b)) : list;
  }

  /**
   * Computes every class-to-class connection set (the work behind the full matrix, without
   * printing). Returns the number of allowed class pairs.
   */
  computeClassMatrix(): { classes: number; allowedPairs: number; distinctConnSets: number } {
    const cls = [...this.classById.values()];
    const egress = new Map<number, Row>();
    for (const c of cls) egress.set(c.id, this.row('egress', c));
    const egressList = cls.map((c) => egress.get(c.id)!);
    let allowed = 0;
    const distinct = new Set<number>();
    for (const d of cls) {
      if (d.controller) continue;
      const ing = this.row('ingress', d);
      const routed = this.routedTo(d);
      const visit = (s: PodClass, eg: Row): void => {
        let c = this.side('ingress', d, s, ing, d);
        if (c.isEmpty) return;
        c = c.intersect(this.side('egress', s, d, eg, d));
        if (s.controller) c = c.intersect(routed);
        if (c.isEmpty) return;
        allowed++;
        distinct.add(c.id);
      };
      if (ing.isolated && ing.everyPeer.length === 0 && !this.adminMayAllow('ingress', d)) {
        // Only the classes its rules name can reach an isolated pod: visit those alone.
        for (const id of ing.byClass.keys()) {
          const s = this.classById.get(id);
          if (s) visit(s, egress.get(id)!);
        }
      } else {
        for (let i = 0; i < cls.length; i++) visit(cls[i], egressList[i]);
      }
      for (const ext of this.externalPeers('ingress')) this.sideExt('ingress', d, ing, ext.range![0]);
    }
    cls.forEach((s, i) => {
      for (const ext of this.externalPeers('egress')) this.sideExt('egress', s, egressList[i], ext.range![0]);
    });
    return { classes: cls.length, allowedPairs: allowed, distinctConnSets: distinct.size };
  }

  /** Rebuilds the rows a policy decides (used to time an edit: what a hover or the matrix would need). */
  refreshRowsOf(policyId: string): number {
    const cp = this.policyOrder.find((x) => x.policy.id === policyId);
    if (!cp) return 0;
    let n = 0;
    for (const id of cp.selected) {
      const c = this.classById.get(id);
      if (!c) continue;
      if (cp.ingress) this.row('ingress', c);
      if (cp.egress) this.row('egress', c);
      n++;
    }
    return n;
  }

  /**
   * Owners whose pods carry different labels, where a policy selector looks at a label that
   * differs: netpol-analyzer refuses such input; we merge the pods into one peer (the union of
   * what each pod may do) and report it.
   */
  labelGapWarnings(): string[] {
    const out: string[] = [];
    for (const peer of this.peerList) {
      const classes = this.peerClasses.get(peer) ?? [];
      // Only replicas of one owner (Pods with ownerReferences); same-named manifests in several
      // overlays are not pods of one workload.
      if (classes.length < 2 || !peer.workloads.every((w) => w.kind === 'Pod' && w.ownerReferences.length > 0)) continue;
      const gap = new Set<string>();
      const keys = new Set(classes.flatMap((c) => Object.keys(c.labels)));
      for (const k of keys) {
        const values = new Set(classes.map((c) => c.labels[k] ?? '\u0000absent'));
        if (values.size > 1) gap.add(k);
      }
      if (gap.size === 0) continue;
      for (const cp of this.policyOrder) {
        // Selectors that can see this peer's pods: the policy's own (same namespace), and rule peers'
        // pod selectors (a podSelector alone only looks in the policy's namespace).
        const local = cp.policy.namespace === peer.namespace;
        const sels = [
          ...(local ? [cp.policy.podSelector] : []),
          ...[...cp.policy.ingress, ...cp.policy.egress].flatMap((r) =>
            (r.peers ?? []).filter((p) => p.namespaceSelector || local).map((p) => p.podSelector),
          ),
        ];
        const hit = sels.flatMap((s) => (s ? selectorKeys(s) : [])).find((k) => gap.has(k));
        if (hit) {
          out.push(
            `${peer.name}: its pods differ in label "${hit}", which NetworkPolicy ${cp.policy.namespace}/${cp.policy.name} selects on; the peer shows what any of its pods may do`,
          );
        }
      }
    }
    return out;
  }

  /**
   * What the NetworkPolicies alone allow between two workload peers, as if no ANP or BANP existed
   * (the union over their pod classes). With `conns`, tells where a cluster tier overrides them.
   */
  networkPolicyConns(src: PeerInfo, dst: PeerInfo): ConnSet {
    let r = ConnSet.EMPTY;
    for (const s of this.srcClasses(src)) {
      for (const d of this.peerClasses.get(dst) ?? []) r = r.union(this.rowConn(this.row('egress', s), d, d).intersect(this.rowConn(this.row('ingress', d), s, d)));
    }
    return r;
  }
}

const NO_POLICIES: CompiledPolicy[] = [];
const NO_IDS: number[] = [];

/** Who an ingress rule admits (see sendersOf). */
interface Senders {
  /** A non-controller sender whose egress is not isolated. */
  open: boolean;
  /** The ingress controller is admitted (its verdict also depends on routing, so per destination). */
  controller: boolean;
  /** Egress policies of the admitted, egress-isolated senders. */
  policies: Set<CompiledPolicy>;
}

function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Appends to a copy of the list (rows keep the list they were built from). */
function appendTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  m.set(k, list ? [...list, v] : [v]);
}

function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i !== -1) list.splice(i, 1);
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

function classKeyOf(namespace: string, facts: { labelsKey: string; portsKey: string }, nsl: NsLabelSet): string {
  return `${namespace}\0${facts.labelsKey}\0${nsl.key}\0${facts.portsKey}`;
}

const RELEVANT: ReadonlySet<K8sObject['type']> = new Set(['workload', 'networkpolicy', 'adminpolicy', 'service', 'ingress', 'route', 'referencegrant', 'namespace']);

function sameDeciders(row: Row, policies: CompiledPolicy[]): boolean {
  if (row.policies.length !== policies.length) return false;
  for (let i = 0; i < policies.length; i++) {
    if (row.policies[i] !== policies[i] || row.generations[i] !== policies[i].generation) return false;
  }
  return true;
}
