// Explanations per pair of peers: every connection between a source and a destination, split
// into pieces with one verdict, each with the facts of both directions (SPEC §4 `--explain`).
// The peers are the engine's (workloads, outside ranges split per direction, the ingress
// controller), so the pairs are those `reach` prints.

import type { Backend, Ingress, NetworkPolicy, Protocol, Route, Span, Workload } from '../../model/types';
import { ConnSet } from '../reachability/connset';
import { compareBytes } from '../reachability/peers';
import type { PeerInfo, PodClass, ReachabilityEngine } from '../reachability';
import { tieredVerdict } from './tiers';
import { combineAny, complement, networkPolicyVerdict, onlyDefault, policySelects, sortFacts, type Endpoint, type Fact, type Piece, type PolicyReading } from './facts';

/** The model objects an explanation reads besides the engine (a WorkspaceIndex offers them). */
export interface ExplainSource {
  networkPolicies(): NetworkPolicy[];
  ingresses(): Ingress[];
  routes(): Route[];
}

/** One direction's part of a piece: its verdict (absent where netpol-analyzer prints none) and facts. */
export interface SideFacts {
  allowed?: boolean;
  facts: Fact[];
}

export interface PairPiece {
  conns: ConnSet;
  allowed: boolean;
  egress: SideFacts;
  ingress: SideFacts;
}

export interface PairExplanation {
  src: PeerInfo;
  dst: PeerInfo;
  /** What is allowed (the union of the allowed pieces). */
  conns: ConnSet;
  /** Every connection, in pieces with one verdict and one set of facts. */
  pieces: PairPiece[];
  /** Neither end is selected by any policy: everything allowed by the system default. */
  systemDefault: boolean;
}

interface RouteEntry {
  /** The object, the Service its backend names, and that backend's place (the first, when several name it). */
  fact: { kind: Fact['kind']; owner: Ingress | Route; service: string; span: Span };
  ports: ConnSet;
}

/** Per-workspace state for a run of explanations: policies by namespace, routes by destination. */
export class ExplainContext {
  private readonly policiesByNs = new Map<string, NetworkPolicy[]>();
  /** Per namespace, the route entries of its peers (made on the first question about one of them). */
  private readonly routeEntries = new Map<string, Map<PeerInfo, Map<string, RouteEntry>>>();
  /** Every backend, by the namespace of the Service it may name. */
  private backendsByNs?: Map<string, Array<{ owner: Ingress | Route; backend: Backend }>>;
  private controllerClass?: PodClass;
  private readonly isolation = new Map<string, boolean>();

  constructor(
    readonly engine: ReachabilityEngine,
    private readonly source: ExplainSource,
    private readonly reading: PolicyReading = {},
  ) {
    for (const p of source.networkPolicies()) {
      const list = this.policiesByNs.get(p.namespace);
      if (list) list.push(p);
      else this.policiesByNs.set(p.namespace, [p]);
    }
  }

  /** A peer with the pod class that stands for it: the one of `w` when given (a hover's workload), else the first. */
  endpoint(peer: PeerInfo, w?: Workload): Endpoint {
    if (peer.kind === 'ingress-controller') return { peer, cls: (this.controllerClass ??= this.engine.ingressControllerClass) };
    const classes = this.engine.classesOfPeer(peer);
    return { peer, cls: (w && classes.find((c) => c.workloads.includes(w))) || classes[0] };
  }

  /** The verdict of one direction through the tiers (ANPs, NetworkPolicies, BANP, default): `own` is the source for egress, the destination for ingress. */
  side(dir: 'ingress' | 'egress', own: Endpoint, other: Endpoint): Piece[] {
    return tieredVerdict(this.engine.adminTiers, dir, own, other, this.networkPolicySide(dir, own, other));
  }

  /** The NetworkPolicies' verdict alone (as if no ANP or BANP existed), same arguments as `side`. */
  networkPolicySide(dir: 'ingress' | 'egress', own: Endpoint, other: Endpoint): Piece[] {
    const policies = own.cls ? this.policiesByNs.get(own.cls.namespace) ?? [] : [];
    return networkPolicyVerdict(policies, dir, own, other, this.reading);
  }

  /** Whether a NetworkPolicy selects `own`'s pods for this direction (its verdict is more than the system default). */
  isolates(dir: 'ingress' | 'egress', own: Endpoint): boolean {
    const cls = own.cls;
    if (!cls) return false;
    const key = `${dir}\u0000${cls.id}`;
    let v = this.isolation.get(key);
    if (v === undefined) this.isolation.set(key, (v = (this.policiesByNs.get(cls.namespace) ?? []).some((p) => policySelects(p, cls, dir))));
    return v;
  }

  /** Ingress objects and routes whose backends end in the peer's pods, with the TCP ports they route to there. */
  routesTo(peer: PeerInfo): RouteEntry[] {
    // A backend ends in pods of its Service's namespace: only the backends that may name a Service
    // of the peer's namespace are resolved, the first time a peer of that namespace is asked about.
    if (peer.kind !== 'workload' || peer.namespace === undefined) return [];
    let entries = this.routeEntries.get(peer.namespace);
    if (!entries) this.routeEntries.set(peer.namespace, (entries = this.routeEntriesInto(peer.namespace)));
    return [...(entries.get(peer)?.values() ?? [])];
  }

  private routeEntriesInto(namespace: string): Map<PeerInfo, Map<string, RouteEntry>> {
    if (!this.backendsByNs) {
      // In the source's order (Ingresses, then routes; each backend in order), which is the entries' order.
      this.backendsByNs = new Map();
      for (const owner of [...this.source.ingresses(), ...this.source.routes()]) {
        for (const b of owner.backends) {
          // An Ingress names Services of its own namespace; a route may name another one (granted or not).
          const ns = owner.type === 'route' ? (b.explicitNamespace?.value ?? owner.namespace) : owner.namespace;
          let list = this.backendsByNs.get(ns);
          if (!list) this.backendsByNs.set(ns, (list = []));
          list.push({ owner, backend: b });
        }
      }
    }
    const entries = new Map<PeerInfo, Map<string, RouteEntry>>();
    for (const { owner, backend: b } of this.backendsByNs.get(namespace) ?? []) {
      const r = this.engine.backendReachability(owner, b);
      if (!r.service) continue;
      const tcp = r.servicePort?.protocol === 'TCP';
      for (const t of r.targets) {
        const p = this.engine.peerOf(t.workload);
        if (!p) continue;
        let byKey = entries.get(p);
        if (!byKey) entries.set(p, (byKey = new Map()));
        const kind: Fact['kind'] = owner.type === 'ingress' ? 'Ingress' : owner.kind;
        const key = `${kind}\u0000${owner.namespace}/${owner.name}\u0000${b.serviceName}`;
        let e = byKey.get(key);
        if (!e) byKey.set(key, (e = { fact: { kind, owner, service: b.serviceName, span: b.serviceNameSpan }, ports: ConnSet.EMPTY }));
        if (tcp && t.port !== undefined) e.ports = e.ports.union(ConnSet.range('TCP', t.port, t.port));
      }
    }
    return entries;
  }
}

/** The routing layer toward a destination, as deciders for combineAny: each routed port allowed by its object, the rest denied. */
function routeVerdict(entries: RouteEntry[]): Piece[] {
  if (entries.length === 0) return [{ conns: ConnSet.ALL, allowed: false, facts: [] }];
  return combineAny(
    entries.map((e) => {
      const what = `${e.fact.kind} '${e.fact.owner.namespace}/${e.fact.owner.name}'`;
      const at = { kind: e.fact.kind, object: e.fact.owner, span: e.fact.span };
      const denied: Piece = {
        conns: ConnSet.ALL,
        allowed: false,
        facts: [{ ...at, text: `${what} allows ingress to service ${e.fact.service}, but the protocols and ports do not match`, allows: false }],
      };
      if (e.ports.isEmpty) return [denied];
      const allowed: Piece = {
        conns: e.ports,
        allowed: true,
        facts: [{ ...at, text: `${what} allows ingress connections through service ${e.fact.service}`, allows: true }],
      };
      return [allowed, { ...denied, conns: complement(e.ports) }];
    }),
  );
}

/** Crosses two partitions; `join` makes the piece of each non-empty intersection. */
function cross<A extends { conns: ConnSet }, B extends { conns: ConnSet }, C>(as: A[], bs: B[], join: (a: A, b: B, conns: ConnSet) => C): C[] {
  const out: C[] = [];
  for (const a of as) {
    for (const b of bs) {
      const conns = a.conns.intersect(b.conns);
      if (!conns.isEmpty) out.push(join(a, b, conns));
    }
  }
  return out;
}

/** Everything between two peers, with the facts of both directions (`w`: the workload to stand for its peer). */
export function explainPair(ctx: ExplainContext, src: PeerInfo, dst: PeerInfo, w?: Workload): PairExplanation {
  const s = ctx.endpoint(src, w);
  const d = ctx.endpoint(dst, w);
  const egress = ctx.side('egress', s, d);
  let ingress: Array<{ conns: ConnSet; allowed: boolean; facts: Fact[] }> = ctx.side('ingress', d, s);
  const controller = src.kind === 'ingress-controller';
  // The controller's pairs always carry the routes' facts.
  const systemDefault = !controller && onlyDefault(egress) && onlyDefault(ingress);
  if (controller) {
    // netpol-analyzer: the controller's ingress drops a bare system default, and its facts join the routes'.
    const np = onlyDefault(ingress) ? [{ conns: ConnSet.ALL, allowed: true, facts: [] as Fact[] }] : ingress;
    ingress = cross(np, routeVerdict(ctx.routesTo(dst)), (a, b, conns) => ({ conns, allowed: a.allowed && b.allowed, facts: sortFacts([...a.facts, ...b.facts]) }));
  }
  const pieces = cross(egress, ingress, (e, i, conns): PairPiece => {
    const allowed = e.allowed && i.allowed;
    // For the controller, netpol-analyzer prints the pair's verdict as the ingress verdict.
    return { conns, allowed, egress: { allowed: e.allowed, facts: e.facts }, ingress: { allowed: controller ? allowed : i.allowed, facts: i.facts } };
  });
  let conns = ConnSet.EMPTY;
  for (const p of pieces) if (p.allowed) conns = conns.union(p.conns);
  return { src, dst, conns, pieces, systemDefault };
}

export interface ExplainOptions {
  /** `allow`: only pairs with something allowed; `deny`: only pairs with nothing allowed (the controller's pairs are always kept). */
  only?: 'allow' | 'deny';
  /** Keeps a pair (focus options). */
  include?: (src: PeerInfo, dst: PeerInfo) => boolean;
  /** Representative peers are in play (netpol-analyzer's exposure reading of cluster-wide rules). */
  exposure?: boolean;
  /** `--focus-conn`: explain this one protocol and port only (every pair listed with it, none as a system-default pair). */
  focusConn?: { protocol: Protocol; port: number };
}

/** The pair narrowed to one port: its piece there, never a system-default pair (netpol-analyzer prints the reason in place). */
function narrowed(e: PairExplanation, port: ConnSet): PairExplanation {
  const pieces = e.pieces.filter((p) => !p.conns.intersect(port).isEmpty).map((p) => ({ ...p, conns: port }));
  return { ...e, pieces, conns: e.conns.intersect(port), systemDefault: false };
}

/**
 * Every pair netpol-analyzer explains, sorted by source then destination: each workload and
 * outside range toward each workload and range (not a peer to itself, not range to range), and the
 * ingress controller toward the workloads it may reach.
 */
export function explainAll(engine: ReachabilityEngine, source: ExplainSource, options: ExplainOptions = {}): PairExplanation[] {
  const ctx = new ExplainContext(engine, source, { exposure: options.exposure });
  const workloads = engine.peers().filter((p) => p.kind === 'workload');
  const srcs = [...engine.externalPeers('ingress'), ...workloads];
  const dsts = [...workloads, ...engine.externalPeers('egress')];
  const keep = options.include ?? (() => true);
  const fc = options.focusConn && ConnSet.range(options.focusConn.protocol, options.focusConn.port, options.focusConn.port);
  const explain = (src: PeerInfo, dst: PeerInfo): PairExplanation => (fc ? narrowed(explainPair(ctx, src, dst), fc) : explainPair(ctx, src, dst));
  const out: PairExplanation[] = [];
  for (const src of srcs) {
    for (const dst of dsts) {
      if (src === dst || (src.kind === 'external' && dst.kind === 'external') || !keep(src, dst)) continue;
      const e = explain(src, dst);
      if (options.only === 'allow' && e.conns.isEmpty) continue;
      if (options.only === 'deny' && !e.conns.isEmpty) continue;
      out.push(e);
    }
  }
  const controller = engine.peer('{ingress-controller}');
  if (controller) {
    for (const dst of workloads) {
      if (!keep(controller, dst) || ctx.routesTo(dst).length === 0) continue;
      const whole = explainPair(ctx, controller, dst);
      if (whole.conns.isEmpty) continue;
      const e = fc ? narrowed(whole, fc) : whole;
      if (fc && options.only === (e.conns.isEmpty ? 'allow' : 'deny')) continue;
      out.push(e);
    }
  }
  return out.sort((a, b) => compareBytes(a.src.name, b.src.name) || compareBytes(a.dst.name, b.dst.name));
}
