// The reachability engine. See index.ts for the API and its costs.

import {
  DEFAULT_SETTINGS,
  type AnalysisSettings,
  type Backend,
  type Ingress,
  type NetworkPolicy,
  type Protocol,
  type ReferenceGrant,
  type Route,
  type Service,
  type ServicePort,
  type Workload,
} from '../../model/types';
import { ConnSet } from './connset';
import { containsIp, formatRange, ipBlockBoundaries, splitAddressSpace, type IpIntervals } from './ip';
import {
  addClass,
  compilePolicy,
  removeClass,
  resolvePorts,
  policyFingerprint,
  type ClassView,
  type CompiledPolicy,
  type CompiledPorts,
} from './policies';
import { compareBytes, labelsKeyOf, peerNameOf, portDeclsOf, portsKeyOf, type PortDecl } from './peers';
import { resolveBackend, resolveTargetPort, serviceSelects, type BackendTarget } from './routing';
import { labelsOf, selectorKeys } from './selectors';

export interface ReachabilityInput {
  workloads: readonly Workload[];
  networkPolicies: readonly NetworkPolicy[];
  /** Labels of every namespace (with `kubernetes.io/metadata.name`); a namespace missing here gets just that label. */
  namespaceLabels?: ReadonlyMap<string, Record<string, string>>;
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
  namespaceLabels(): Map<string, Record<string, string>>;
  services(): Service[];
  ingresses(): Ingress[];
  routes(): Route[];
  referenceGrants?(): ReferenceGrant[];
  readonly settings: AnalysisSettings;
}

export function inputFromSource(src: ReachabilitySource): ReachabilityInput {
  const grants = src.referenceGrants?.() ?? [];
  return {
    workloads: src.workloads(),
    networkPolicies: src.networkPolicies(),
    namespaceLabels: src.namespaceLabels(),
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
const fingerprints = new WeakMap<NetworkPolicy, string>();

function fingerprintOf(p: NetworkPolicy): string {
  let f = fingerprints.get(p);
  if (f === undefined) {
    f = policyFingerprint(p);
    fingerprints.set(p, f);
  }
  return f;
}

export class ReachabilityEngine {
  private settings: AnalysisSettings = DEFAULT_SETTINGS;
  private classes = new Map<string, PodClass>(); // by key
  private classById = new Map<number, PodClass>();
  private classesByNs = new Map<string, PodClass[]>();
  private nextClassId = 0;
  private workloadClass = new Map<Workload, PodClass>();
  private controllerClass!: PodClass;

  private compiled = new Map<string, CompiledPolicy>(); // by policy id
  private policyOrder: CompiledPolicy[] = [];
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
  private controllerPeer: PeerInfo = { kind: 'ingress-controller', name: CONTROLLER_NAME, workloads: [] };

  private input!: ReachabilityInput;
  private epoch = 0;
  private routedCache?: Map<number, ConnSet>;
  private partitionCache: Partial<Record<Direction, PeerInfo[]>> = {};
  private senders = new Map<Row, Map<string, Senders>>();

  /** Statistics of the last update, for benchmarks and tests of incrementality. */
  lastUpdate = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0 };

  constructor(input: ReachabilityInput) {
    this.update(input);
  }

  static fromSource(src: ReachabilitySource): ReachabilityEngine {
    return new ReachabilityEngine(inputFromSource(src));
  }

  // ---------------------------------------------------------------- updating

  /**
   * Takes a new snapshot of the workspace. Unchanged policies keep their compiled form (patched
   * for classes that appeared or vanished); rows are rebuilt lazily, only where a policy that
   * decides them changed.
   */
  update(input: ReachabilityInput): void {
    this.epoch++;
    this.input = input;
    this.settings = { ...DEFAULT_SETTINGS, ...(input.settings ?? {}) };
    const stats = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0 };

    // 1. Classes: (namespace, labels, namespace labels, container ports) of every workload, plus the controller.
    const nsLabels = (ns: string): Record<string, string> => ({
      ...(input.namespaceLabels?.get(ns) ?? {}),
      'kubernetes.io/metadata.name': ns,
    });
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
    const nsKeys = new Map<string, { labels: Record<string, string>; key: string }>();
    for (const w of input.workloads) {
      let facts = workloadFacts.get(w);
      if (!facts) {
        const labels = labelsOf(w.podLabels);
        const ports = portDeclsOf(w);
        facts = { labels, labelsKey: labelsKeyOf(labels), ports, portsKey: portsKeyOf(ports) };
        workloadFacts.set(w, facts);
      }
      let nsl = nsKeys.get(w.namespace);
      if (!nsl) {
        const labels = nsLabels(w.namespace);
        nsl = { labels, key: labelsKeyOf(labels) };
        nsKeys.set(w.namespace, nsl);
      }
      const { labels, ports, portsKey } = facts;
      const key = `${w.namespace}\0${facts.labelsKey}\0${nsl.key}\0${portsKey}`;
      const nsLabelSet = nsl.labels;
      const c = place(key, () => ({ namespace: w.namespace, labels, nsLabels: nsLabelSet, ports, portsKey, controller: false }));
      c.workloads.push(w);
      workloadClass.set(w, c);
    }
    const ctrl = this.settings.ingressController;
    const ctrlNsLabels = { ...nsLabels(ctrl.namespace), ...ctrl.namespaceLabels, 'kubernetes.io/metadata.name': ctrl.namespace };
    const ctrlKey = `\u0001controller\0${ctrl.namespace}\0${labelsKeyOf(ctrl.podLabels)}\0${labelsKeyOf(ctrlNsLabels)}`;
    this.controllerClass = place(ctrlKey, () => ({
      namespace: ctrl.namespace,
      labels: { ...ctrl.podLabels },
      nsLabels: ctrlNsLabels,
      ports: [],
      portsKey: '',
      controller: true,
    }));

    const added: PodClass[] = [];
    const removed: PodClass[] = [];
    for (const [k, c] of nextClasses) if (!this.classes.has(k)) added.push(c);
    for (const [k, c] of this.classes) if (!nextClasses.has(k)) removed.push(c);
    stats.classesAdded = added.length;
    stats.classesRemoved = removed.length;
    this.classes = nextClasses;
    this.classById = new Map([...nextClasses.values()].map((c) => [c.id, c]));
    this.classesByNs = new Map();
    for (const c of nextClasses.values()) {
      const list = this.classesByNs.get(c.namespace);
      if (list) list.push(c);
      else this.classesByNs.set(c.namespace, [c]);
    }
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
    const nextCompiled = new Map<string, CompiledPolicy>();
    const order: CompiledPolicy[] = [];
    let policiesChanged = false;
    for (const p of input.networkPolicies) {
      const old = this.compiled.get(p.id);
      let cp: CompiledPolicy;
      if (old && !nextCompiled.has(p.id) && old.fingerprint === fingerprintOf(p)) {
        cp = old;
        cp.policy = p;
        for (const c of removed) removeClass(cp, c.id);
        for (const c of added) addClass(cp, c);
      } else {
        cp = compilePolicy(p, this.classesByNs);
        stats.policiesCompiled++;
        policiesChanged = true;
      }
      // Keep generations unique across recompilation so that rows notice a replaced policy.
      if (old && old !== cp) cp.generation = old.generation + 1;
      nextCompiled.set(nextCompiled.has(p.id) ? `${p.id}\0${order.length}` : p.id, cp);
      order.push(cp);
    }
    if (this.compiled.size !== nextCompiled.size) policiesChanged = true;
    this.compiled = nextCompiled;
    this.policyOrder = order;

    // 3. Which policies select each class, per direction (cheap: the sum of selection sizes).
    this.selecting = { ingress: new Map(), egress: new Map() };
    for (const cp of order) {
      for (const id of cp.selected) {
        if (cp.ingress) pushTo(this.selecting.ingress, id, cp);
        if (cp.egress) pushTo(this.selecting.egress, id, cp);
      }
    }

    // 4. Peers, routing and address ranges are cheap: rebuilt (routing and ranges lazily).
    this.buildPeers();
    this.routedCache = undefined;
    if (policiesChanged || added.length || removed.length) this.partitionCache = {};
    this.lastUpdate = stats;
  }

  private buildPeers(): void {
    this.peerList = [];
    this.peerByName = new Map();
    this.peerClasses = new Map();
    this.peersOfClass = new Map();
    for (const w of this.input.workloads) {
      const name = peerNameOf(w);
      let peer = this.peerByName.get(name);
      if (!peer) {
        peer = { kind: 'workload', name, namespace: w.namespace, workloads: [] };
        this.peerByName.set(name, peer);
        this.peerList.push(peer);
        this.peerClasses.set(peer, []);
      }
      peer.workloads.push(w);
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

  /** Connections from pods of class s to pods of class d: both ends' policies must allow them. */
  classConn(s: PodClass, d: PodClass): ConnSet {
    if (d.controller) return ConnSet.EMPTY;
    const ing = this.rowConn(this.row('ingress', d), s, d);
    if (ing.isEmpty) return ing;
    const eg = this.rowConn(this.row('egress', s), d, d);
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
    for (const owner of [...(this.input.ingresses ?? []), ...(this.input.routes ?? [])]) {
      for (const backend of owner.backends) yield { owner, backend };
    }
  }

  private serviceIndex?: { services: readonly Service[]; map: Map<string, Service> };
  private resolve(owner: Ingress | Route, backend: Backend): BackendTarget {
    const services = this.input.services ?? [];
    if (!this.serviceIndex || this.serviceIndex.services !== services) {
      const map = new Map<string, Service>();
      for (const s of services) if (!map.has(`${s.namespace}/${s.name}`)) map.set(`${s.namespace}/${s.name}`, s);
      this.serviceIndex = { services, map };
    }
    return resolveBackend(owner, backend, this.serviceIndex.map, this.input.referenceGrants ?? [], (ns) =>
      (this.classesByNs.get(ns) ?? []).filter((c) => !c.controller),
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
      for (const d of this.peerClasses.get(dst) ?? []) r = r.union(this.rowExt(this.row('ingress', d), src.range![0]));
      return r;
    }
    if (dst.kind === 'external') {
      let r = ConnSet.EMPTY;
      for (const s of this.srcClasses(src)) r = r.union(this.rowExt(this.row('egress', s), dst.range![0]));
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
      else for (const sid of r.byClass.keys()) pushTo(admittedBy, sid, d.id);
    }
    const candidates = (s: { cls: PodClass[]; eg: Row[] }): PeerInfo[] => {
      let viaIngress = openDsts.length;
      for (const c of s.cls) viaIngress += admittedBy.get(c.id)?.length ?? 0;
      const egressClosed = s.eg.every((r) => r.isolated && r.everyPeer.length === 0);
      let viaEgress = Infinity;
      if (egressClosed) {
        viaEgress = 0;
        for (const r of s.eg) viaEgress += r.byClass.size;
      }
      if (Math.min(viaIngress, viaEgress) * 2 > workloadDsts.length) return workloadDsts;
      const found = new Set<PeerInfo>(egressExt);
      const addClass = (id: number): void => {
        for (const p of peersOfClass.get(id) ?? []) found.add(p);
      };
      if (viaEgress <= viaIngress) {
        for (const r of s.eg) for (const id of r.byClass.keys()) addClass(id);
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
          for (const eg of s.eg) conns = conns.union(this.rowExt(eg, dst.range![0]));
        } else {
          const d = rowsOf.get(dst)!;
          for (let a = 0; a < s.cls.length; a++) {
            for (let b = 0; b < d.cls.length; b++) {
              const ing = d.ing[b];
              let c = ing.isolated ? this.rowConn(ing, s.cls[a], d.cls[b]) : ConnSet.ALL;
              if (c.isEmpty) continue;
              const eg = s.eg[a];
              if (eg.isolated) c = c.intersect(this.rowConn(eg, d.cls[b], d.cls[b]));
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
    for (const src of [...this.externalPeers('ingress'), ...this.peerList, this.controllerPeer]) {
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
    const dsts = s.kind === 'ingress-controller' ? this.peerList : [...this.peerList, ...this.externalPeers('egress')];
    for (const dst of dsts) {
      if (dst === s || (candidates && dst.kind === 'workload' && !candidates.has(dst))) continue;
      const conns = this.conns(s, dst);
      if (!conns.isEmpty) out.push({ peer: dst, conns });
    }
    return out;
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


  /** The policies that select the workload's pods for a direction; empty: not isolated. */
  policiesDeciding(w: Workload, dir: Direction): NetworkPolicy[] {
    const c = this.workloadClass.get(w);
    if (!c) return [];
    return (this.selecting[dir].get(c.id) ?? []).map((cp) => cp.policy);
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
    for (const c of this.classesByNs.get(svc.namespace) ?? []) {
      if (c.controller || !serviceSelects(svc, c)) continue;
      const decl = resolveTargetPort(sp, c.ports);
      const port = decl?.port ?? (typeof sp.targetPort === 'number' ? sp.targetPort : undefined);
      const reachable = port !== undefined && this.portReachable(c, sp.protocol, port);
      for (const w of c.workloads) targets.push({ workload: w, port, protocol: sp.protocol, reachable });
    }
    return { reachable: targets.some((t) => t.reachable), targets };
  }

  private portReachable(d: PodClass, protocol: Protocol, port: number): boolean {
    const ing = this.row('ingress', d);
    if (!ing.isolated) return true;
    // Outside addresses send freely; rules without `from` carry every address, so they are covered here.
    for (const e of ing.ext) if (e.conns.has(protocol, port)) return true;
    const senders = this.sendersOf(ing, protocol, port);
    if (senders.open) return true;
    if (senders.controller && this.classConn(this.controllerClass, d).has(protocol, port)) return true;
    // Every other sender is egress-isolated: one of its policies must have a rule that reaches d there.
    for (const cp of senders.policies) {
      for (const r of cp.egress ?? []) {
        if ((r.allPeers || r.classes.has(d.id)) && resolvePorts(r.ports, d).has(protocol, port)) return true;
      }
    }
    return false;
  }

  /**
   * The classes an isolated ingress row admits on one port, summarised for "can anything send
   * here": whether one of them has open egress, whether the controller is among them, and the
   * egress policies of the others. It holds for every class sharing the row (same deciding
   * policies and own ports), so a namespace's Services cost one pass over the admitted classes,
   * not one per Service. Cleared on every update.
   */
  private sendersOf(ing: Row, protocol: Protocol, port: number): Senders {
    let byPort = this.senders.get(ing);
    if (!byPort) this.senders.set(ing, (byPort = new Map()));
    const key = `${protocol}/${port}`;
    let s = byPort.get(key);
    if (s) return s;
    s = { open: false, controller: false, policies: new Set() };
    byPort.set(key, s);
    for (const [id, conns] of ing.byClass) {
      if (!conns.has(protocol, port)) continue;
      const c = this.classById.get(id);
      if (!c) continue;
      if (c.controller) {
        s.controller = true;
        continue;
      }
      const deciders = this.selecting.egress.get(id);
      if (!deciders || deciders.length === 0) {
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
      const reachable = !!port && port.protocol === 'TCP' && this.classConn(this.controllerClass, c).has('TCP', port.port);
      for (const w of c.workloads) targets.push({ workload: w, port: port?.port, reachable });
    }
    return { service: t.service, servicePort: t.servicePort, targets, reachable: targets.some((x) => x.reachable) };
  }

  /** The ingress controller's identity in use (settings or default). */
  get ingressController(): AnalysisSettings['ingressController'] {
    return this.settings.ingressController;
  }

  // ---------------------------------------------------------------- whole-matrix work and diagnostics

  podClasses(): PodClass[] {
    return [...this.classById.values()];
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
        let c = this.rowConn(ing, s, d);
        if (c.isEmpty) return;
        c = c.intersect(this.rowConn(eg, d, d));
        if (s.controller) c = c.intersect(routed);
        if (c.isEmpty) return;
        allowed++;
        distinct.add(c.id);
      };
      if (ing.isolated && ing.everyPeer.length === 0) {
        // Only the classes its rules name can reach an isolated pod: visit those alone.
        for (const id of ing.byClass.keys()) {
          const s = this.classById.get(id);
          if (s) visit(s, egress.get(id)!);
        }
      } else {
        for (let i = 0; i < cls.length; i++) visit(cls[i], egressList[i]);
      }
      for (const ext of this.externalPeers('ingress')) this.rowExt(ing, ext.range![0]);
    }
    for (const eg of egressList) for (const ext of this.externalPeers('egress')) this.rowExt(eg, ext.range![0]);
    return { classes: cls.length, allowedPairs: allowed, distinctConnSets: distinct.size };
  }

  /** Rebuilds the rows a policy decides (used to time an edit: what a hover or the matrix would need). */
  refreshRowsOf(policyId: string): number {
    const cp = this.compiled.get(policyId);
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
}

const NO_POLICIES: CompiledPolicy[] = [];

/** Who may send to the pods of an ingress row on one port (see sendersOf). */
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

function sameDeciders(row: Row, policies: CompiledPolicy[]): boolean {
  if (row.policies.length !== policies.length) return false;
  for (let i = 0; i < policies.length; i++) {
    if (row.policies[i] !== policies[i] || row.generations[i] !== policies[i].generation) return false;
  }
  return true;
}
