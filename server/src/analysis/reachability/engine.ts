// The reachability engine's public face. See index.ts for the API and its costs. The work is
// done over one EngineState (state.ts) by: classes.ts (pod classes, peers), changes.ts (the one
// update path), rows.ts (policy rows, connection sets), controller.ts (ingress controller and
// routing), verdicts.ts (Service and backend verdicts, open world), queries.ts and pairs.ts
// (peers, connections, explanations), labelGaps.ts.

import { mustGet } from '../../model/collections';
import type { AdminPolicy, AnalysisSettings, Backend, Ingress, Namespace, NetworkPolicy, ReferenceGrant, Route, Service, ServicePort, Workload } from '../../model/types';
import type { AdminTiers, TierDecision } from './adminPolicies';
import { buildInPortions, type PortionSizes } from './build';
import { podClassesInOrder } from './classes';
import { applyChangeTo, diffInput, netChange } from './changes';
import type { ConnSet } from './connset';
import { backendReachability, routedTo, type BackendReachability } from './controller';
import type { OpenWorld } from './exposure';
import { labelGapFindings, type LabelGapFinding } from './labelGaps';
import { pairs } from './pairs';
import * as q from './queries';
import { adminMayAllow, classConn, externalPeers, row, side, sideExt } from './rows';
import {
  controllerClassOf,
  EngineState,
  policyOrder,
  type Allowed,
  type Direction,
  type DirectionReport,
  type ObjectChange,
  type PairResult,
  type PeerInfo,
  type PodClass,
  type ReachabilityInput,
  type SideExplanation,
  type UpdateStats,
} from './state';
import { openWorld, servicePortReachability, type ServicePortReachability } from './verdicts';

export type { Allowed, Direction, DirectionReport, ObjectChange, PairResult, PeerInfo, PodClass, ReachabilityInput, SideExplanation, UpdateStats } from './state';
export type { LabelGapFinding } from './labelGaps';
export type { PortionSizes } from './build';

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

const states = new WeakMap<ReachabilityEngine, EngineState>();

export class ReachabilityEngine {
  private readonly s = new EngineState();

  /** Without `input`, an empty engine (for `inPortions`). */
  constructor(input?: ReachabilityInput) {
    states.set(this, this.s);
    if (input) this.update(input);
  }

  /**
   * An engine for `input` built in portions (build.ts): each `step()` does one, a few milliseconds
   * of work, and returns false once the engine is whole. Until then nothing may read the engine.
   * The whole engine answers as `new ReachabilityEngine(input)` does.
   */
  static inPortions(input: ReachabilityInput, sizes?: PortionSizes): { engine: ReachabilityEngine; step(): boolean } {
    const engine = new ReachabilityEngine();
    const portions = buildInPortions(engine.s, input, sizes);
    return { engine, step: () => !portions.next().done };
  }

  static fromSource(src: ReachabilitySource): ReachabilityEngine {
    return new ReachabilityEngine(inputFromSource(src));
  }

  /** Counts the updates and changes applied: what was read from the engine holds until it moves (for callers' caches). */
  get epoch(): number {
    return this.s.epoch;
  }

  /** Statistics of the last update, for benchmarks and tests of incrementality. */
  get lastUpdate(): UpdateStats {
    return this.s.lastUpdate;
  }

  /**
   * Takes a new snapshot of the workspace: the change from the objects held, applied as
   * `applyChange` applies one. Unchanged policies keep their compiled form (patched for classes
   * that appeared or vanished); rows are rebuilt lazily, only where a policy that decides them changed.
   */
  update(input: ReachabilityInput): void {
    applyChangeTo(this.s, diffInput(this.s, input));
    this.s.routedCache = undefined; // the index may have re-filed an Ingress or route in place
  }

  /**
   * Applies a change of the workspace in time proportional to the change: the objects that left
   * and joined (workloads, NetworkPolicies, Services, Ingresses, routes, ReferenceGrants,
   * Namespaces; other kinds are ignored). Answers afterwards are those of a fresh engine built
   * from the workspace after the change, listed in the index's order (an object that joins goes
   * last). `settings`, when given, replaces the settings in force (as `input.settings` does).
   */
  applyChange(change: ObjectChange, settings?: Partial<AnalysisSettings>): void {
    applyChangeTo(this.s, { ...netChange(this.s, change.removed ?? [], change.added ?? [], change.objects ?? []), settings });
  }

  /**
   * Which tier, policy and rule decided each part of the connections from `src` to `dst`, per
   * direction (undefined when no ANP or BANP takes part: the NetworkPolicies alone decide, see
   * `explain`). Ingress decisions are the destination's, egress the source's; the connection is
   * what both allow.
   */
  tierDecisions(src: PeerInfo, dst: PeerInfo): { ingress: TierDecision[]; egress: TierDecision[] } | undefined {
    return q.tierDecisions(this.s, src, dst);
  }

  /** The ANP/BANP tiers in force (undefined when no such object takes part). */
  get adminTiers(): AdminTiers | undefined {
    return this.s.admin;
  }

  /** Where an Ingress or route backend ends, and whether the ingress controller may reach each pod there. */
  backendReachability(owner: Ingress | Route, backend: Backend): BackendReachability {
    return backendReachability(this.s, owner, backend);
  }

  /** Representative peers and exposure (SPEC §3 open world), for the engine's current state. */
  openWorld(): OpenWorld {
    return openWorld(this.s);
  }

  /** The pod classes behind a peer (several when the pods of one owner differ in labels). */
  classesOfPeer(p: PeerInfo): readonly PodClass[] {
    return this.s.peerClasses.get(p) ?? [];
  }

  /** The ingress controller's identity in use (settings or default). */
  get ingressController(): AnalysisSettings['ingressController'] {
    return this.s.settings.ingressController;
  }

  /** The ingress controller's pod class. */
  get ingressControllerClass(): PodClass {
    return controllerClassOf(this.s);
  }

  /** Every pod class (the controller's included), in input order. */
  podClasses(): PodClass[] {
    return podClassesInOrder(this.s);
  }

  /** Pods of one owner whose differing labels a policy's selectors look at (the peer merges them). */
  labelGapFindings(): LabelGapFinding[] {
    return labelGapFindings(this.s);
  }

  /** Connections from pods of class a to pods of class d: both ends' policies must allow them. */
  classConn(a: PodClass, d: PodClass): ConnSet {
    return classConn(this.s, a, d);
  }

  /** Disjoint external ranges: sources split at ingress ipBlocks, destinations at egress ipBlocks. */
  externalPeers(dir: Direction): PeerInfo[] {
    return externalPeers(this.s, dir);
  }

  peers(): readonly PeerInfo[] {
    return this.s.peerList;
  }

  peer(name: string): PeerInfo | undefined {
    return q.peerNamed(this.s, name);
  }

  peerOf(w: Workload): PeerInfo | undefined {
    return q.peerOf(this.s, w);
  }

  /** Connections between two peers (the union over the pod classes behind each). */
  conns(src: PeerInfo, dst: PeerInfo): ConnSet {
    return q.conns(this.s, src, dst);
  }

  /**
   * Every allowed ordered pair (self-pairs and empty pairs left out), in the order of the `reach`
   * output: sorted by source, then destination, in byte order, `{ingress-controller}` last.
   */
  pairs(): Iterable<PairResult> {
    return pairs(this.s);
  }

  /** Allowed sources of a peer (`ns/name[Kind]` or a PeerInfo). */
  allowedFrom(dst: PeerInfo | string): Allowed[] {
    return q.allowedFrom(this.s, dst);
  }

  /** Allowed destinations of a peer. */
  allowedTo(src: PeerInfo | string): Allowed[] {
    return q.allowedTo(this.s, src);
  }

  /**
   * Why traffic from `src` to `dst` is allowed or not, per side: `open` when no policy isolates
   * that side, otherwise the rules (policy and index in its `ingress`/`egress` list) that admit the
   * other end, with the ports each grants there. The connection is the intersection of both sides.
   */
  explain(src: PeerInfo, dst: PeerInfo): { conns: ConnSet; ingress: SideExplanation; egress: SideExplanation } {
    return q.explain(this.s, src, dst);
  }

  /** The ANPs (in evaluation order) and the BANP with rules for the workload's pods in a direction. */
  adminPoliciesDeciding(w: Workload, dir: Direction): AdminPolicy[] {
    return q.adminPoliciesDeciding(this.s, w, dir);
  }

  /** The policies that select the workload's pods for a direction; empty: not isolated. */
  policiesDeciding(w: Workload, dir: Direction): NetworkPolicy[] {
    return q.policiesDeciding(this.s, w, dir);
  }

  /** Sources and destinations of one workload's pods, with ports, and who decides. */
  reachabilityOf(w: Workload): { peer?: PeerInfo; ingress: DirectionReport; egress: DirectionReport } {
    return q.reachabilityOf(this.s, w);
  }

  /**
   * Whether anything (another workload, an outside address, the ingress controller) can reach a
   * Service port's target on the pods it selects. `targets` lists each selected workload with the
   * container port it ends in (undefined when a named targetPort does not resolve).
   */
  servicePortReachability(svc: Service, sp: ServicePort): ServicePortReachability {
    return servicePortReachability(this.s, svc, sp);
  }

  /**
   * What the NetworkPolicies alone allow between two workload peers, as if no ANP or BANP existed
   * (the union over their pod classes). With `conns`, tells where a cluster tier overrides them.
   */
  networkPolicyConns(src: PeerInfo, dst: PeerInfo): ConnSet {
    return q.networkPolicyConns(this.s, src, dst);
  }
}

/**
 * A narrow look at an engine's rows and sides, for the benchmarks' whole-matrix work
 * (bench/reachMatrix.ts); not part of the product's API.
 */
interface RowAccess {
  classes(): PodClass[];
  classById(id: number): PodClass | undefined;
  row(dir: Direction, c: PodClass): { isolated: boolean; everyPeer: readonly unknown[]; byClass: ReadonlyMap<number, ConnSet> };
  side(dir: Direction, own: PodClass, other: PodClass, dstPorts: PodClass): ConnSet;
  sideExt(dir: Direction, own: PodClass, addr: number): ConnSet;
  routedTo(d: PodClass): ConnSet;
  adminMayAllow(dir: Direction, c: PodClass): boolean;
  /** The classes a policy (by id) selects, with its directions. */
  selectedBy(policyId: string): { classes: PodClass[]; ingress: boolean; egress: boolean } | undefined;
}

export function rowAccess(engine: ReachabilityEngine): RowAccess {
  const s = mustGet(states, engine);
  return {
    classes: () => [...s.classById.values()],
    classById: (id) => s.classById.get(id),
    row: (dir, c) => row(s, dir, c),
    side: (dir, own, other, dstPorts) => side(s, dir, own, other, row(s, dir, own), dstPorts),
    sideExt: (dir, own, addr) => sideExt(s, dir, own, row(s, dir, own), addr),
    routedTo: (d) => routedTo(s, d),
    adminMayAllow: (dir, c) => adminMayAllow(s, dir, c),
    selectedBy: (policyId) => {
      const cp = policyOrder(s).find((x) => x.policy.id === policyId);
      if (!cp) return undefined;
      const classes = [...cp.selected].map((id) => s.classById.get(id)).filter((c): c is PodClass => c !== undefined);
      return { classes, ingress: !!cp.ingress, egress: !!cp.egress };
    },
  };
}
