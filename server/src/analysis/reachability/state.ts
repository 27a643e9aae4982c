// The reachability engine's state: one object that the engine's modules (classes, changes, rows,
// controller, verdicts, queries) read and write, and the public types they share. Only
// changes.ts changes what the state describes; the other modules fill caches.

import { DEFAULT_SETTINGS, type AdminPolicy, type Backend, type AnalysisSettings, type Ingress, type K8sObject, type Namespace, type NetworkPolicy, type ReferenceGrant, type Route, type Service, type Workload } from '../../model/types';
import type { AdminTiers } from './adminPolicies';
import type { ConnSet } from './connset';
import type { OpenWorld } from './exposure';
import type { IpIntervals } from './ip';
import type { ClassView, CompiledPolicy, CompiledPorts, CompiledRule, PeerMemo } from './policies';
import { PolicyIndex } from './policyIndex';

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

export type Direction = 'ingress' | 'egress';

export type PeerInfo = PeerBase &
  (
    | { kind: 'workload' | 'ingress-controller'; range?: undefined }
    /** `range`: the first and last address as 32-bit numbers. */
    | { kind: 'external'; range: [number, number] }
  );

export type ExternalPeer = Extract<PeerInfo, { kind: 'external' }>;

interface PeerBase {
  /** As printed: `ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`, `{ingress-controller}`. */
  name: string;
  namespace?: string;
  /** The manifests behind a workload peer (several for the replicas of one owner). */
  workloads: Workload[];
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

/** What the last update did (benchmarks and tests of incrementality). */
export interface UpdateStats {
  policiesCompiled: number;
  classesAdded: number;
  classesRemoved: number;
  /** Policies in force whose class sets were tested against new classes by their selectors. */
  policiesRechecked: number;
  /** Whether the controller's routes start over (an Ingress, route or grant changed), rather than only where classes or Services changed. */
  routesStartedOver: boolean;
}

/** What one direction of a class's deciding policies allow. */
export interface Row {
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

/** Who an ingress rule admits (see verdicts.ts sendersOf). */
export interface Senders {
  /** A non-controller sender whose egress is not isolated. */
  open: boolean;
  /** The ingress controller is admitted (its verdict also depends on routing, so per destination). */
  controller: boolean;
  /** Egress policies of the admitted, egress-isolated senders. */
  policies: Set<CompiledPolicy>;
}

/** The controller's routes per class, and the backends by the namespace they end in (controller.ts). */
export interface RoutedCache {
  routed: Map<number, ConnSet>;
  backendsByNs: Map<string, Array<{ owner: Ingress | Route; backend: Backend }>>;
}

/** Classes that came or went since routes were worked out: their namespaces' routes are stale. */
export class StaleRoutes {
  readonly namespaces = new Set<string>();
  readonly goneClasses: number[] = [];
  get size(): number {
    return this.namespaces.size;
  }
}

export type NsLabelSet = { labels: Record<string, string>; key: string };

export const CONTROLLER_NAME = '{ingress-controller}';

export class EngineState {
  settings: AnalysisSettings = DEFAULT_SETTINGS;

  // Pod classes (classes.ts).
  classes = new Map<string, PodClass>(); // by key
  classById = new Map<number, PodClass>();
  classesByNs = new Map<string, PodClass[]>();
  /** Namespaces whose class list may be out of input order. */
  nsOrderDirty = new Set<string>();
  nextClassId = 0;
  workloadClass = new Map<Workload, PodClass>();
  /** Undefined only before the first update. */
  controllerClass?: PodClass;

  /** Compiled policies in input order. */
  compiledOf = new Map<NetworkPolicy, CompiledPolicy>();
  policyList?: CompiledPolicy[];
  /** What namespaceSelector peers select among the classes, kept until the classes change (policies.ts). */
  peerMemo?: PeerMemo;
  /** The compiled policies by namespace and by namespaceSelector: those that may name a class. */
  readonly policyIndex = new PolicyIndex();
  /** Per class, the policies selecting it, in policy order (lists are replaced, never changed in place: rows hold them). */
  selecting: Record<Direction, Map<number, CompiledPolicy[]>> = { ingress: new Map(), egress: new Map() };
  rows: Record<Direction, Map<number, Row>> = { ingress: new Map(), egress: new Map() };
  /** The update in which each class's row was last found current. */
  rowEpochs: Record<Direction, Map<number, number>> = { ingress: new Map(), egress: new Map() };
  /** Rows by (direction, deciding policies and generations, own ports for ingress), built since the last update. */
  sharedRows = new Map<string, Row>();

  // Peers, sorted by name.
  peerList: PeerInfo[] = [];
  peerByName = new Map<string, PeerInfo>();
  peerClasses = new Map<PeerInfo, PodClass[]>();
  peersOfClass = new Map<number, PeerInfo[]>();
  /** Recorded when a workload joins: the index may re-file an object under another namespace before the engine hears of it. */
  workloadPeer = new Map<Workload, PeerInfo>();
  readonly controllerPeer: PeerInfo = { kind: 'ingress-controller', name: CONTROLLER_NAME, workloads: [] };

  // The workspace as the engine holds it (Sets and Maps keep insertion order, as the index does).
  held = new Set<K8sObject>();
  /** Input order of the workloads (a re-added object goes last, as in the index). */
  workloadSeq = new Map<Workload, number>();
  nextSeq = 0;
  serviceKey = new Map<Service, string>();
  /** Services by namespace/name (the first of a name counts). */
  servicesByKey = new Map<string, Service[]>();
  ingressSet = new Set<Ingress>();
  routeSet = new Set<Route>();
  grantSet = new Set<ReferenceGrant>();
  grantList?: ReferenceGrant[];
  /** Namespace objects by name (the last one's labels count, as in the index). */
  nsObjects = new Map<string, Namespace[]>();
  /** Labels given as a map (`namespaceLabels`), for namespaces without a Namespace object here. */
  nsBase = new Map<string, Record<string, string>>();
  nsLabelSets = new Map<string, NsLabelSet>();

  /** ANP/BANP objects held (input order), and their tiers (undefined when none takes part). */
  adminSet = new Set<AdminPolicy>();
  admin?: AdminTiers;

  // Caches, valid for one epoch (one update) unless said otherwise.
  epoch = 0;
  /** Where the controller is routed, kept across updates that change only classes (see staleRoutes). */
  routedCache?: RoutedCache;
  /** What to work out again in routedCache before it is read. */
  staleRoutes = new StaleRoutes();
  /** Cleared when policies change (classes play no part). */
  partitionCache: Partial<Record<Direction, ExternalPeer[]>> = {};
  senders = new Map<CompiledRule, Senders>();
  openWorldOf?: { epoch: number; world: OpenWorld };

  lastUpdate: UpdateStats = { policiesCompiled: 0, classesAdded: 0, classesRemoved: 0, policiesRechecked: 0, routesStartedOver: false };
}

/** The compiled policies in input order. */
export function policyOrder(s: EngineState): CompiledPolicy[] {
  return (s.policyList ??= [...s.compiledOf.values()]);
}

/** The ingress controller's class (set by the first update). */
export function controllerClassOf(s: EngineState): PodClass {
  if (!s.controllerClass) throw new Error('k8s-netmap: internal error: the reachability engine was read before its first update');
  return s.controllerClass;
}

export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

/** Appends to a copy of the list (rows keep the list they were built from). */
export function appendTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  m.set(k, list ? [...list, v] : [v]);
}

export function removeItem<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i !== -1) list.splice(i, 1);
}
