// Deciding facts: for one direction of a pair (the source's egress, or the destination's
// ingress), which rules decide each connection, and whether they allow it. Evaluated directly on
// the model (policies, the pod classes behind the engine's peers); the engine itself is not used
// for verdicts, so its answers and these can be checked against each other.
//
// Semantics, as netpol-analyzer explains them (its `--explain` output):
// - no NetworkPolicy selects the endpoint for the direction: everything is allowed by the system
//   default;
// - otherwise each selecting policy speaks for every connection: within a policy, the first rule
//   (by index) that selects the other end and allows the connection; if none allows it, the
//   first rule that selects the other end says why not (its ports do not match, or its named ports
//   do not resolve on the destination); if no rule selects the other end, or there are no rules,
//   the policy says so;
// - across policies: a connection allowed by any of them is allowed, and the allowing policies are
//   its facts; a denied one lists every selecting policy's reason.
// A tier (AdminNetworkPolicy, BaselineAdminNetworkPolicy) adds facts of its own kind; `layerOf`
// orders the kinds when they are printed.

import type { K8sObject, NetworkPolicy, PolicyRule, Span } from '../../model/types';
import { ConnSet, MAX_PORT, MIN_PORT, type PortIntervals } from '../reachability/connset';
import { containsIp, ipBlockIntervals, type IpIntervals } from '../reachability/ip';
import { compareBytes } from '../reachability/peers';
import { compilePorts, resolvePorts, type CompiledPorts } from '../reachability/policies';
import { isEmptySelector, selectorMatches } from '../selectors';
import type { Direction, PeerInfo, PodClass } from '../reachability';

/** What decides a set of connections: `NetworkPolicy`, `Ingress`, `Route`, a tier's kind, or `default`. */
export type FactKind = 'NetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'Ingress' | 'Route' | 'HTTPRoute' | 'GRPCRoute' | 'default';

export interface Fact {
  kind: FactKind;
  /** netpol-analyzer's sentence for it (peers as printed, manifest names as written). */
  text: string;
  /** Whether the fact admits the connections it is attached to. */
  allows: boolean;
  /** The object that decides, and the place to show (a rule, or the object's name). */
  object?: K8sObject;
  span?: Span;
  /** For a NetworkPolicy rule: its direction and number (1-based, as printed). */
  rule?: { direction: Direction; number: number };
  /** For an AdminNetworkPolicy or BaselineAdminNetworkPolicy rule: its direction, name, place in the list, action and the ANP's priority. */
  admin?: { direction: Direction; ruleName: string; ruleIndex: number; action: 'Allow' | 'Deny' | 'Pass'; priority?: number };
}

/** A set of connections with one verdict and the facts behind it. */
export interface Piece {
  conns: ConnSet;
  allowed: boolean;
  facts: Fact[];
}

/** An end of a pair: the peer, and the pod class that stands for it (none for an outside address). */
export interface Endpoint {
  peer: PeerInfo;
  cls?: PodClass;
}

export const SYSTEM_DEFAULT = 'the system default (Allow all)';

export const DEFAULT_FACT: Fact = { kind: 'default', text: SYSTEM_DEFAULT, allows: true };

/** Print order of the kinds, highest first (netpol-analyzer's layers: ANP, NetworkPolicy and routes, BANP, default). */
export function layerOf(kind: string): number {
  switch (kind) {
    case 'AdminNetworkPolicy':
      return 3;
    case 'BaselineAdminNetworkPolicy':
      return 1;
    case 'default':
      return 0;
    default:
      return 2;
  }
}

// ---------------------------------------------------------------- connection sets

/** Every connection not in `c`. */
export function complement(c: ConnSet): ConnSet {
  if (c.isEmpty) return ConnSet.ALL;
  if (c.isAll) return ConnSet.EMPTY;
  return ConnSet.of({ SCTP: invert(c.sctp), TCP: invert(c.tcp), UDP: invert(c.udp) });
}

export function minus(a: ConnSet, b: ConnSet): ConnSet {
  return b.isEmpty ? a : a.intersect(complement(b));
}

function invert(iv: PortIntervals): number[] {
  const out: number[] = [];
  let next = MIN_PORT;
  for (let i = 0; i < iv.length; i += 2) {
    if (iv[i] > next) out.push(next, iv[i] - 1);
    next = iv[i + 1] + 1;
  }
  if (next <= MAX_PORT) out.push(next, MAX_PORT);
  return out;
}

// ---------------------------------------------------------------- combining

/**
 * Combines the verdicts of several deciders that each cover every connection: allowed where any
 * allows (the allowing facts), denied elsewhere (every decider's reason). Facts are deduplicated
 * by text and sorted, as printed.
 */
export function combineAny(deciders: Piece[][]): Piece[] {
  let cells: Array<{ conns: ConnSet; parts: Piece[] }> = [{ conns: ConnSet.ALL, parts: [] }];
  for (const pieces of deciders) {
    const next: typeof cells = [];
    for (const cell of cells) {
      for (const p of pieces) {
        const conns = cell.conns.intersect(p.conns);
        if (!conns.isEmpty) next.push({ conns, parts: [...cell.parts, p] });
      }
    }
    cells = next;
  }
  return mergePieces(
    cells.map((cell) => {
      const allowing = cell.parts.filter((p) => p.allowed);
      const allowed = allowing.length > 0;
      return { conns: cell.conns, allowed, facts: sortFacts((allowed ? allowing : cell.parts).flatMap((p) => p.facts)) };
    }),
  );
}

/** Pieces with the same verdict and facts, joined. */
export function mergePieces(pieces: Piece[]): Piece[] {
  const byKey = new Map<string, Piece>();
  for (const p of pieces) {
    const key = `${p.allowed}\u0000${p.facts.map((f) => f.text).join('\u0000')}`;
    const known = byKey.get(key);
    if (known) known.conns = known.conns.union(p.conns);
    else byKey.set(key, { ...p });
  }
  return [...byKey.values()];
}

/** Deduplicated by text, in byte order of the text. */
export function sortFacts(facts: Fact[]): Fact[] {
  const seen = new Map<string, Fact>();
  for (const f of facts) if (!seen.has(f.text)) seen.set(f.text, f);
  return [...seen.values()].sort((a, b) => compareBytes(a.text, b.text));
}

// ---------------------------------------------------------------- NetworkPolicies

const portsOfRule = new WeakMap<PolicyRule, CompiledPorts>();
const ipsOfBlock = new WeakMap<object, IpIntervals>();

function rulePorts(r: PolicyRule): CompiledPorts {
  let p = portsOfRule.get(r);
  if (!p) {
    p = compilePorts(r.ports);
    portsOfRule.set(r, p);
  }
  return p;
}

function blockIps(block: NonNullable<PolicyRule['peers']>[number]['ipBlock'] & object): IpIntervals {
  let ips = ipsOfBlock.get(block);
  if (!ips) {
    ips = ipBlockIntervals(block);
    ipsOfBlock.set(block, ips);
  }
  return ips;
}

/** Whether a policy selects the pods of a class for a direction. */
export function policySelects(p: NetworkPolicy, cls: PodClass, dir: Direction): boolean {
  return p.namespace === cls.namespace && p.policyTypes.includes(dir === 'ingress' ? 'Ingress' : 'Egress') && selectorMatches(p.podSelector, cls.labels);
}

/** Whether a rule's `from`/`to` names the other end (a pod class, or an outside range). */
function ruleSelects(p: NetworkPolicy, r: PolicyRule, other: Endpoint): boolean {
  if (!r.peers) return true;
  for (const peer of r.peers) {
    if (peer.ipBlock) {
      if (other.peer.kind === 'external' && other.peer.range && containsIp(blockIps(peer.ipBlock), other.peer.range[0])) return true;
      continue;
    }
    const c = other.cls;
    if (!c || (!peer.podSelector && !peer.namespaceSelector)) continue;
    const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, c.nsLabels) : c.namespace === p.namespace;
    if (nsOk && (!peer.podSelector || selectorMatches(peer.podSelector, c.labels))) return true;
  }
  return false;
}

/** A rule that admits the whole cluster: no `from`/`to`, or a peer `namespaceSelector: {}` with no or an empty podSelector. */
function clusterWide(r: PolicyRule): boolean {
  if (!r.peers) return true;
  return r.peers.some((x) => !x.ipBlock && x.namespaceSelector && isEmptySelector(x.namespaceSelector) && (!x.podSelector || isEmptySelector(x.podSelector)));
}

export interface PolicyReading {
  /** With representative peers (exposure), netpol-analyzer reads a policy whose cluster-wide rules allow everything from those rules alone. */
  exposure?: boolean;
}

/**
 * One policy's verdict on every connection between `own` (the pod it selects) and `other`, for a
 * direction. Named ports resolve against the destination.
 */
function policyVerdict(p: NetworkPolicy, dir: Direction, own: Endpoint, other: Endpoint, reading: PolicyReading = {}): Piece[] {
  const rules = dir === 'ingress' ? p.ingress : p.egress;
  const Dir = dir === 'ingress' ? 'Ingress' : 'Egress';
  const name = `NetworkPolicy '${p.namespace}/${p.name}'`;
  const at = { object: p as K8sObject, span: p.nameSpan };
  if (rules.length === 0) {
    const text = `${name} selects ${own.peer.name}, but ${other.peer.name} is not allowed by any ${Dir} rule (no rules defined)`;
    return [{ conns: ConnSet.ALL, allowed: false, facts: [{ kind: 'NetworkPolicy', text, allows: false, ...at }] }];
  }
  const dst = dir === 'ingress' ? own.cls : other.cls;
  const resolved = (r: PolicyRule): ConnSet => resolvePorts(rulePorts(r), dst);
  let chosen = rules.map((r, i) => ({ r, i })).filter(({ r }) => ruleSelects(p, r, other));
  if (reading.exposure && other.cls) {
    const wide = rules.map((r, i) => ({ r, i })).filter(({ r }) => clusterWide(r));
    let all = ConnSet.EMPTY;
    for (const { r } of wide) all = all.union(rulePorts(r).fixed);
    if (all.isAll) chosen = wide;
  }
  if (chosen.length === 0) {
    const text = `${name} selects ${own.peer.name}, but ${other.peer.name} is not allowed by any ${Dir} rule`;
    return [{ conns: ConnSet.ALL, allowed: false, facts: [{ kind: 'NetworkPolicy', text, allows: false, ...at }] }];
  }
  const ruleFact = (i: number, text: string, allows: boolean): Fact => ({
    kind: 'NetworkPolicy',
    text,
    allows,
    object: p,
    span: rules[i].span,
    rule: { direction: dir, number: i + 1 },
  });
  const out: Piece[] = [];
  let granted = ConnSet.EMPTY;
  for (const { r, i } of chosen) {
    const conns = resolved(r);
    const fresh = minus(conns, granted);
    if (!fresh.isEmpty) out.push({ conns: fresh, allowed: true, facts: [ruleFact(i, `${name} allows connections by ${Dir} rule #${i + 1}`, true)] });
    granted = granted.union(conns);
    if (granted.isAll) break;
  }
  const rest = complement(granted);
  if (!rest.isEmpty) {
    const { r, i } = chosen[0];
    const why =
      r.ports !== undefined && resolved(r).isEmpty
        ? 'but named ports of the rule have no match in the configuration of the destination peer'
        : 'but the protocols and ports do not match';
    const text = `${name} selects ${own.peer.name}, and ${Dir} rule #${i + 1} selects ${other.peer.name}, ${why}`;
    out.push({ conns: rest, allowed: false, facts: [ruleFact(i, text, false)] });
  }
  return out;
}

/**
 * The NetworkPolicy layer of one direction: the system default when no policy selects `own`
 * (or `own` is an outside address), otherwise the policies' combined verdict.
 */
export function networkPolicyVerdict(policies: readonly NetworkPolicy[], dir: Direction, own: Endpoint, other: Endpoint, reading: PolicyReading = {}): Piece[] {
  const cls = own.cls;
  const selecting = cls ? policies.filter((p) => policySelects(p, cls, dir)) : [];
  if (selecting.length === 0) return [{ conns: ConnSet.ALL, allowed: true, facts: [DEFAULT_FACT] }];
  return combineAny(selecting.map((p) => policyVerdict(p, dir, own, other, reading)));
}

/** True when the pieces are the bare system default (no policy decides this direction). */
export function onlyDefault(pieces: readonly Piece[]): boolean {
  return pieces.length === 1 && pieces[0].facts.length === 1 && pieces[0].facts[0].kind === 'default';
}
