// One NetworkPolicy compiled against the current pod classes: which classes it selects, and per
// rule which classes and addresses it admits and on which ports. A compiled policy is cached by
// the policy's content; the engine recompiles only policies whose content changed, and patches
// the class sets of the others when classes come and go.

import { atLength } from '../../model/fitArrays';
import type { LabelSelector, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../../model/types';
import { ConnSet } from './connset';
import { ipBlockIntervals, unionIp, type IpIntervals } from './ip';
import type { PortDecl } from './peers';
import { isEmptySelector, LabelIndex, selectorFingerprint, selectorMatches } from '../selectors';

/** What the compiler needs to know of a pod class. */
export interface ClassView {
  id: number;
  namespace: string;
  labels: Record<string, string>;
  nsLabels: Record<string, string>;
  ports: PortDecl[];
  portsKey: string;
}

export interface CompiledPorts {
  /** Numeric ports and whole protocols. */
  fixed: ConnSet;
  /** Named ports, resolved against each destination pod's container ports (name and protocol). */
  named: Array<{ name: string; protocol: Protocol }>;
  /** Resolution per destination ports key, when there are named ports. */
  cache: Map<string, ConnSet>;
}

export interface CompiledRule {
  rule: PolicyRule;
  index: number;
  /** No `from`/`to`: every pod and every address. */
  allPeers: boolean;
  /** In-cluster classes the rule's peers select (empty when allPeers). */
  classes: Set<number>;
  /**
   * A peer `namespaceSelector: {}` (with no or an empty podSelector): every pod of the cluster,
   * those the workspace does not define included, so some sender with open egress exists.
   */
  entireCluster: boolean;
  /** Addresses of the rule's ipBlocks (all addresses when allPeers). */
  ips: IpIntervals;
  ports: CompiledPorts;
}

export interface CompiledPolicy {
  /** Unique per compilation, for keys. */
  uid: number;
  policy: NetworkPolicy;
  /** The policy's namespace when compiled (the index may re-file the object under another). */
  namespace: string;
  /** The policy's content when compiled, made when first asked (`compiledFingerprint`): a cold build never asks. */
  fingerprint?: string;
  /** Bumped whenever a class set below changes, so rows built from it know they are stale. */
  generation: number;
  selected: Set<number>;
  /** Undefined when the policy does not isolate that direction. */
  ingress?: CompiledRule[];
  egress?: CompiledRule[];
}

/**
 * Content of a policy that decides its meaning (spans left out): equal texts mean equal policies.
 * `namespace`: the one it had (the rest of a model object never changes).
 */
export function policyFingerprint(p: NetworkPolicy, namespace = p.namespace): string {
  const rule = (r: PolicyRule): unknown => [
    r.peers === undefined ? null : r.peers.map(peerFp),
    r.ports === undefined ? null : r.ports.map((x) => [x.protocol, x.port ?? null, x.endPort ?? null]),
  ];
  return JSON.stringify([
    namespace,
    selectorFingerprint(p.podSelector),
    [...p.policyTypes].sort(),
    p.ingress.map(rule),
    p.egress.map(rule),
  ]);
}

/** The fingerprint of a compiled policy's content as it was compiled. */
export function compiledFingerprint(cp: CompiledPolicy): string {
  cp.fingerprint ??= policyFingerprint(cp.policy, cp.namespace);
  return cp.fingerprint;
}

function peerFp(peer: PolicyPeer): unknown {
  return [
    peer.podSelector ? selectorFingerprint(peer.podSelector) : null,
    peer.namespaceSelector ? selectorFingerprint(peer.namespaceSelector) : null,
    peer.ipBlock ? [peer.ipBlock.cidr, [...peer.ipBlock.except].sort()] : null,
  ];
}

let nextUid = 0;

/** A namespaceSelector peer's key: its selectors' content, which is what it admits wherever its policy lives. */
function nsPeerKey(namespaceSelector: LabelSelector, podSelector: LabelSelector | undefined): string {
  return `${selectorFingerprint(namespaceSelector)}|${podSelector ? selectorFingerprint(podSelector) : ''}`;
}

/**
 * What compilations share, valid while the classes do not change (kept across updates that change
 * only policies, dropped by one that adds or removes a class): the classes a
 * namespaceSelector peer selects (by the peer's selectors), and the classes whose namespace labels
 * a namespaceSelector matches (by its own). The sets are never handed out: rules get copies.
 */
export class PeerMemo {
  readonly peers = new Map<string, ReadonlySet<number>>();
  readonly namespaces = new Map<string, readonly ClassView[]>();
  /** Every class (in namespace order) by its namespace labels, made at the first namespaceSelector. */
  byNamespaceLabels?: LabelIndex<ClassView>;
}

/** The classes to compile against, grouped by namespace. */
type ClassesByNamespace = ReadonlyMap<string, readonly ClassView[]>;

/**
 * Compiles a policy against every class. Costs the classes of the policy's namespace plus, per
 * namespaceSelector peer not met before in the update, one selector test per namespace label set
 * (the first time a namespaceSelector is met) and the classes of the matching namespaces.
 */
export function compilePolicy(p: NetworkPolicy, byNamespace: ClassesByNamespace, memo = new PeerMemo()): CompiledPolicy {
  const compiled: CompiledPolicy = {
    uid: nextUid++,
    policy: p,
    namespace: p.namespace,
    generation: 0,
    selected: new Set(),
    ingress: p.policyTypes.includes('Ingress') ? p.ingress.map((r, i) => compileRule(r, i)) : undefined,
    egress: p.policyTypes.includes('Egress') ? p.egress.map((r, i) => compileRule(r, i)) : undefined,
  };
  const local = byNamespace.get(p.namespace) ?? [];
  for (const c of local) if (selectorMatches(p.podSelector, c.labels)) compiled.selected.add(c.id);
  for (const r of [...(compiled.ingress ?? []), ...(compiled.egress ?? [])]) {
    if (r.allPeers) continue;
    for (const peer of r.rule.peers ?? []) {
      if (!peer.podSelector && !peer.namespaceSelector) continue;
      if (!peer.namespaceSelector) {
        if (peer.podSelector) for (const c of local) if (selectorMatches(peer.podSelector, c.labels)) r.classes.add(c.id);
        continue;
      }
      // A peer with a namespaceSelector means the same wherever its policy lives: many namespaces
      // carry the same policy (a DNS egress rule, say), so its classes are found once per class set.
      const nsKey = selectorFingerprint(peer.namespaceSelector);
      const key = nsPeerKey(peer.namespaceSelector, peer.podSelector);
      let found = memo.peers.get(key);
      if (!found) {
        const inNamespaces = classesInNamespaces(peer.namespaceSelector, nsKey, byNamespace, memo);
        const podSelector = peer.podSelector;
        const ids = new Set<number>();
        for (const c of inNamespaces) if (!podSelector || selectorMatches(podSelector, c.labels)) ids.add(c.id);
        memo.peers.set(key, (found = ids));
      }
      for (const id of found) r.classes.add(id);
    }
  }
  return compiled;
}

/** The classes, in namespace order, whose namespace labels a namespaceSelector matches (memoised by its fingerprint). */
function classesInNamespaces(sel: LabelSelector, fingerprint: string, byNamespace: ClassesByNamespace, memo: PeerMemo): readonly ClassView[] {
  let out = memo.namespaces.get(fingerprint);
  if (out) return out;
  memo.byNamespaceLabels ??= new LabelIndex([...byNamespace.values()].flat(), (c) => c.nsLabels);
  out = memo.byNamespaceLabels.candidates(sel).filter((c) => selectorMatches(sel, c.nsLabels));
  memo.namespaces.set(fingerprint, out);
  return out;
}

function compileRule(rule: PolicyRule, index: number): CompiledRule {
  let ips: IpIntervals = [];
  if (rule.peers === undefined) ips = [0, 0xffffffff];
  else for (const peer of rule.peers) if (peer.ipBlock) ips = unionIp(ips, ipBlockIntervals(peer.ipBlock));
  const entireCluster = (rule.peers ?? []).some(
    (p) => !p.ipBlock && p.namespaceSelector !== undefined && isEmptySelector(p.namespaceSelector) && (!p.podSelector || isEmptySelector(p.podSelector)),
  );
  return { rule, index, allPeers: rule.peers === undefined, entireCluster, classes: new Set(), ips, ports: compilePorts(rule.ports) };
}

export function compilePorts(ports: PolicyPort[] | undefined): CompiledPorts {
  if (ports === undefined) return { fixed: ConnSet.ALL, named: [], cache: new Map() };
  let fixed = ConnSet.EMPTY;
  const named: CompiledPorts['named'] = [];
  for (const pp of ports) {
    if (pp.port === undefined) fixed = fixed.union(ConnSet.allOf(pp.protocol));
    else if (typeof pp.port === 'number') {
      // endPort below port is rejected by the API server; read it as the single port.
      const end = pp.endPort !== undefined && pp.endPort >= pp.port ? pp.endPort : pp.port;
      fixed = fixed.union(ConnSet.range(pp.protocol, pp.port, end));
    } else named.push({ name: pp.port, protocol: pp.protocol });
  }
  return { fixed, named: atLength(named), cache: new Map() }; // kept as long as the policy
}

/** The rule's ports toward a pod with these container ports. */
export function resolvePorts(ports: CompiledPorts, dst: { ports: PortDecl[]; portsKey: string } | undefined): ConnSet {
  if (ports.named.length === 0) return ports.fixed;
  if (!dst) return ports.fixed; // an address outside the cluster has no named ports
  let r = ports.cache.get(dst.portsKey);
  if (!r) {
    r = ports.fixed;
    for (const n of ports.named) {
      for (const d of dst.ports) if (d.name === n.name && d.protocol === n.protocol) r = r.union(ConnSet.range(d.protocol, d.port, d.port));
    }
    ports.cache.set(dst.portsKey, r);
  }
  return r;
}

/** Classes a namespaceSelector peer admits among one batch of new classes, by the peer's selectors (valid for that batch only). */
export type AddMemo = Map<string, number[]>;

/**
 * Adds new classes to the policy's sets (selected, and each rule's admitted classes), with one
 * namespaceSelector test per run of classes sharing namespace labels (the classes of one namespace
 * share that object). Returns whether anything changed.
 */
export function addClasses(cp: CompiledPolicy, cs: readonly ClassView[], memo?: AddMemo): boolean {
  if (cs.length === 0) return false;
  const ns = cp.policy.namespace;
  let changed = false;
  for (const c of cs) {
    if (c.namespace === ns && selectorMatches(cp.policy.podSelector, c.labels)) {
      cp.selected.add(c.id);
      changed = true;
    }
  }
  for (const rules of [cp.ingress, cp.egress]) {
    if (!rules) continue;
    for (const r of rules) {
      if (r.allPeers) continue; // handled as "every peer" without listing classes
      for (const peer of r.rule.peers ?? []) {
        if (!peer.podSelector && !peer.namespaceSelector) continue;
        // A namespaceSelector peer means the same in every policy: found once per batch of classes.
        const key = memo && peer.namespaceSelector ? nsPeerKey(peer.namespaceSelector, peer.podSelector) : undefined;
        const known = key !== undefined ? memo?.get(key) : undefined;
        if (known) {
          for (const id of known) r.classes.add(id);
          if (known.length) changed = true;
          continue;
        }
        const found: number[] = [];
        let seen: Record<string, string> | undefined;
        let nsOk = false;
        for (const c of cs) {
          if (peer.namespaceSelector) {
            if (c.nsLabels !== seen) {
              seen = c.nsLabels;
              nsOk = selectorMatches(peer.namespaceSelector, c.nsLabels);
            }
            if (!nsOk) continue;
          } else if (c.namespace !== ns) continue; // a podSelector alone looks in the policy's namespace
          if (!peer.podSelector || selectorMatches(peer.podSelector, c.labels)) found.push(c.id);
        }
        if (key !== undefined) memo?.set(key, found);
        for (const id of found) r.classes.add(id);
        if (found.length) changed = true;
      }
    }
  }
  if (changed) cp.generation++;
  return changed;
}

/** Removes vanished classes from the policy's sets; returns whether anything changed. */
export function removeClasses(cp: CompiledPolicy, ids: readonly number[]): boolean {
  if (ids.length === 0) return false;
  let changed = false;
  for (const id of ids) if (cp.selected.delete(id)) changed = true;
  for (const rules of [cp.ingress, cp.egress]) {
    if (!rules) continue;
    for (const r of rules) {
      if (r.classes.size === 0) continue;
      for (const id of ids) if (r.classes.delete(id)) changed = true;
    }
  }
  if (changed) cp.generation++;
  return changed;
}

/** Whether a namespaceSelector of the policy's rules matches a relabelled namespace's old or new labels. */
export function seesNamespaceLabels(cp: CompiledPolicy, relabelled: ReadonlyArray<{ before: Record<string, string>; after: Record<string, string> }>): boolean {
  for (const rules of [cp.ingress, cp.egress]) {
    for (const r of rules ?? []) {
      if (r.allPeers) continue;
      for (const peer of r.rule.peers ?? []) {
        const sel = peer.namespaceSelector;
        if (sel && relabelled.some((l) => selectorMatches(sel, l.before) || selectorMatches(sel, l.after))) return true;
      }
    }
  }
  return false;
}

/**
 * Replaces class ids in the policy's sets. Right for a class renamed with the same pods when no
 * namespaceSelector of the policy looks at the namespace labels that changed (then only its own
 * podSelector and podSelector-only peers can name the class, in the policy's own namespace).
 */
export function swapClasses(cp: CompiledPolicy, swaps: ReadonlyArray<[number, number]>): void {
  let changed = false;
  const swapIn = (set: Set<number>): void => {
    if (set.size === 0) return;
    for (const [old, next] of swaps) {
      if (set.delete(old)) {
        set.add(next);
        changed = true;
      }
    }
  };
  swapIn(cp.selected);
  for (const rules of [cp.ingress, cp.egress]) for (const r of rules ?? []) swapIn(r.classes);
  if (changed) cp.generation++;
}
