// The cluster-wide tiers of the Network Policy API around NetworkPolicies, per direction of a
// connection (as netpol-analyzer evaluates them):
//   1. AdminNetworkPolicies whose subject selects the pod, in priority order (lowest number first),
//      their rules in order: the first rule that matches a connection decides it (Allow, Deny, or
//      Pass, which skips the remaining ANPs);
//   2. what no ANP allowed or denied goes to the NetworkPolicies when they isolate the pod in that
//      direction: they decide it (allow what they allow, deny the rest);
//   3. otherwise the BaselineAdminNetworkPolicy (named `default`): its first matching rule decides
//      (Deny denies; Allow allows);
//   4. otherwise it is allowed.
// ANP and BANP rules are read as written: a pod they select is not isolated for other traffic.
// Only objects the API server would accept are evaluated (see yaml/adminPolicies.ts); ANPs of equal
// priority are evaluated by name (their order is undefined in a cluster; a diagnostic says so).
// The rules are compiled in adminRules.ts; this file holds their memoised evaluation and the
// explanation of one decision, which belong together (the explanation must follow the evaluation
// step by step). What the editor and the CLI read outside the engine is in adminWorkspace.ts.
import type { AdminPolicy, AdminRule } from '../../model/types';
import { ConnSet } from './connset';
import type { PortDecl } from './peers';
import type { RepresentativePeer } from './representative';
import { compileRule, containsAddr, isEvaluated, selectionMatches, selectionMatchesRep, selectsEveryPod, sortAdminPolicies, type CompiledAdminRule } from './adminRules';

type Direction = 'ingress' | 'egress';

/** What the tiers need to know of a pod class (ids are never reused for other facts). */
export interface TierClass {
  id: number;
  labels: Record<string, string>;
  nsLabels: Record<string, string>;
  ports: PortDecl[];
  portsKey: string;
}

/**
 * The other end of a connection: a pod class, an address outside the cluster, or a pod elsewhere
 * in the cluster (not defined in the workspace: only selectors that match every pod surely select it).
 */
export type TierPeer = { cls: TierClass } | { addr: number } | { elsewhere: true } | { rep: RepresentativePeer };

const ELSEWHERE_KEY = -(2 ** 40);
/** Memo keys of representatives: below every address key and ELSEWHERE_KEY. */
const repKeys = new WeakMap<RepresentativePeer, number>();
let nextRepKey = 1;
function repKey(rep: RepresentativePeer): number {
  let k = repKeys.get(rep);
  if (k === undefined) repKeys.set(rep, (k = -(2 ** 41) - nextRepKey++));
  return k;
}


export type TierName = 'adminnetworkpolicy' | 'networkpolicy' | 'baselineadminnetworkpolicy' | 'default';

/** Which tier (and, for the ANP and BANP tiers, which policy and rule) decided some connections of one direction. */
export type TierDecision = TierDecisionBase &
  (
    | { tier: 'adminnetworkpolicy' | 'baselineadminnetworkpolicy'; policy: AdminPolicy; /** Index of the rule in the policy's `ingress`/`egress` list. */ ruleIndex: number; rule: AdminRule }
    | { tier: 'networkpolicy' | 'default'; policy?: undefined; ruleIndex?: undefined; rule?: undefined }
  );

interface TierDecisionBase {
  /** Allowed or denied (a Pass is not a decision: the connections it passes are decided below). */
  allowed: boolean;
  conns: ConnSet;
  /** The ANP Pass rules that handed (part of) these connections down to this tier, with what each passed here. */
  passedBy?: AdminRuleRef[];
}

/** One ANP/BANP rule and the connections it concerns. */
export interface AdminRuleRef {
  policy: AdminPolicy;
  rule: AdminRule;
  ruleIndex: number;
  conns: ConnSet;
}


/** What applies to one class in one direction; the memos are shared by classes with the same rules (and ports, for ingress). */
interface Applying {
  anp: CompiledAdminRule[];
  banp: CompiledAdminRule[];
  allows: boolean;
  /** Per other class id (or `-addr - 1`): what the ANPs allow, and what they leave open (neither allowed nor denied). */
  anpMemo: Map<number, { allowed: ConnSet; open: ConnSet }>;
  /** Per other class id (or `-addr - 1`): what the baseline allows. */
  banpMemo: Map<number, ConnSet>;
}


/**
 * The ANPs and the BANP of a workspace, compiled; answers per direction, per pod class and peer.
 * Caches depend only on class facts (a class id always stands for the same facts), so the engine
 * builds a new instance only when the admin policies change.
 */
export class AdminTiers {
  readonly anps: AdminPolicy[];
  readonly banp?: AdminPolicy;
  private readonly compiled: Record<Direction, Array<{ policy: AdminPolicy; rules: CompiledAdminRule[] }>> = { ingress: [], egress: [] };
  private readonly banpRules: Record<Direction, CompiledAdminRule[]> = { ingress: [], egress: [] };
  /** Per direction and own class: the ANP rules (in order) and BANP rules that apply. */
  /** By class id (ids are small integers, and an array is the fastest lookup on the hot path). */
  private readonly applying: Record<Direction, Array<Applying | undefined>> = { ingress: [], egress: [] };
  private readonly sharedMemos = new Map<string, Pick<Applying, 'anpMemo' | 'banpMemo'>>();
  /** repSide answers by direction, representative and other class. */
  private readonly repSideMemo = new Map<string, ConnSet>();

  private constructor(anps: AdminPolicy[], banp: AdminPolicy | undefined) {
    this.anps = anps;
    this.banp = banp;
    for (const p of anps) {
      for (const dir of ['ingress', 'egress'] as const) {
        const rules = p[dir].map((r, i) => compileRule(p, r, i));
        if (rules.length) this.compiled[dir].push({ policy: p, rules });
      }
    }
    if (banp) for (const dir of ['ingress', 'egress'] as const) this.banpRules[dir] = banp[dir].map((r, i) => compileRule(banp, r, i));
  }

  /** The tiers of these objects, or undefined when none takes part (invalid objects do not). */
  static of(policies: Iterable<AdminPolicy>): AdminTiers | undefined {
    const anps: AdminPolicy[] = [];
    let banp: AdminPolicy | undefined;
    for (const p of policies) {
      if (!isEvaluated(p)) continue;
      if (p.kind === 'AdminNetworkPolicy') anps.push(p);
      else banp ??= p; // a second BANP cannot exist in a cluster (same name): the first counts
    }
    if (anps.length === 0 && !banp) return undefined;
    return new AdminTiers(sortAdminPolicies(anps), banp);
  }

  private rulesFor(dir: Direction, own: TierClass): Applying {
    let a = this.applying[dir][own.id];
    if (!a) {
      const anp: CompiledAdminRule[] = [];
      for (const { policy, rules } of this.compiled[dir]) if (selectionMatches(policy.subject, own)) anp.push(...rules);
      const banp = this.banp && this.banpRules[dir].length && selectionMatches(this.banp.subject, own) ? this.banpRules[dir] : [];
      // Ingress named ports resolve against the class's own ports: they are part of what is shared.
      const key = `${dir}|${anp.map((r) => r.uid).join(',')}|${banp.length}|${dir === 'ingress' ? own.portsKey : ''}`;
      let memos = this.sharedMemos.get(key);
      if (!memos) {
        memos = { anpMemo: new Map(), banpMemo: new Map() };
        this.sharedMemos.set(key, memos);
      }
      a = { anp, banp, allows: anp.some((r) => r.action === 'Allow'), ...memos };
      this.applying[dir][own.id] = a;
    }
    return a;
  }

  /**
   * The classes (among `classes`) that an ANP Allow rule applying to `own` in this direction
   * names: with what the NetworkPolicies name, the only ones an isolated pod may be reached from
   * (or reach). `token` changes whenever the class set does.
   */
  allowRuleClasses(dir: Direction, own: TierClass, classes: () => Iterable<TierClass>, token: number): number[] {
    const a = this.rulesFor(dir, own);
    if (!a.allows) return NO_IDS;
    const out: number[] = [];
    for (const r of a.anp) {
      if (r.action !== 'Allow') continue;
      if (!r.matched || r.matched.token !== token) {
        const ids: number[] = [];
        for (const c of classes()) if (this.peerSelects(r, c)) ids.push(c.id);
        r.matched = { token, ids };
      }
      out.push(...r.matched.ids);
    }
    return out;
  }

  private peerSelects(r: CompiledAdminRule, c: TierClass): boolean {
    let m = r.memo.get(c.id);
    if (m === undefined) {
      m = r.rule.peers.some((p) => selectionMatches(p, c));
      r.memo.set(c.id, m);
    }
    return m;
  }

  /** Whether some ANP rule may allow traffic of this class in this direction (beyond what NetworkPolicies allow). */
  mayAllow(dir: Direction, own: TierClass): boolean {
    return this.rulesFor(dir, own).allows;
  }

  /** The ANPs (in evaluation order) and the BANP whose rules apply to this class in this direction. */
  policiesFor(dir: Direction, own: TierClass): AdminPolicy[] {
    const a = this.rulesFor(dir, own);
    const out: AdminPolicy[] = [];
    for (const r of [...a.anp, ...a.banp]) if (!out.includes(r.policy)) out.push(r.policy);
    return out;
  }

  /** Whether any ANP or BANP rule applies to this class in this direction. */
  applies(dir: Direction, own: TierClass): boolean {
    const a = this.rulesFor(dir, own);
    return a.anp.length > 0 || a.banp.length > 0;
  }

  /**
   * What a representative peer's own side of a connection allows (its egress toward `other` when
   * `dir` is egress, its ingress from `other` when ingress): netpol-analyzer lets an ANP or BANP
   * subject select a representative (an empty selector selects any, otherwise the selectors must
   * mean the same), while NetworkPolicies never do. ALL when no subject selects it.
   */
  repSide(dir: Direction, rep: RepresentativePeer, other: TierClass): ConnSet {
    const key = `${dir}|${repKey(rep)}|${other.id}`;
    let c = this.repSideMemo.get(key);
    if (c) return c;
    const anp: CompiledAdminRule[] = [];
    for (const { policy, rules } of this.compiled[dir]) if (selectionMatchesRep(policy.subject, rep)) anp.push(...rules);
    const banp = this.banp && selectionMatchesRep(this.banp.subject, rep) ? this.banpRules[dir] : [];
    if (anp.length === 0 && banp.length === 0) c = ConnSet.ALL;
    else {
      // Named ports resolve on the destination: `other` on egress, the representative (unknown: none) on ingress.
      const own: TierClass = { id: -1, labels: {}, nsLabels: {}, ports: [], portsKey: '\u0000representative' };
      const part = this.anpPart(dir, own, { cls: other }, anp);
      c = part.open.isEmpty ? part.allowed : part.allowed.union(part.open.intersect(this.baseline(dir, own, { cls: other }, banp)));
    }
    this.repSideMemo.set(key, c);
    return c;
  }

  /**
   * The named ports that the ANP rules applying to `own` allow on egress toward a pod the
   * workspace does not define (the entire cluster, a representative): no pod resolves them, so
   * netpol-analyzer keeps them as names. A name counts when the first matching rule that names it
   * (or that takes every port) allows it.
   */
  namedEgressToward(own: TierClass, other: { elsewhere: true } | { rep: RepresentativePeer }): string[] {
    const out: string[] = [];
    const decided = new Set<string>();
    for (const r of this.rulesFor('egress', own).anp) {
      if (!r.rule.peers.some((p) => ('rep' in other ? selectionMatchesRep(p, other.rep) : selectsEveryPod(p)))) continue;
      if (r.rule.ports === undefined) break; // this rule decides every port, names included
      for (const n of r.named) {
        if (decided.has(n)) continue;
        decided.add(n);
        if (r.action === 'Allow') out.push(n);
      }
    }
    return out;
  }

  /** Egress boundaries of the address ranges the rules' `networks` name (destinations are split there). */
  egressBoundaries(): number[] {
    const out: number[] = [];
    const rules = [...this.compiled.egress.flatMap((x) => x.rules), ...this.banpRules.egress];
    for (const r of rules) {
      for (let i = 0; i < r.ips.length; i += 2) {
        out.push(r.ips[i]);
        if (r.ips[i + 1] < 0xffffffff) out.push(r.ips[i + 1] + 1);
      }
    }
    return out;
  }

  /** The connections a rule matches toward the other end (empty when its peers do not select it). */
  private ruleConns(r: CompiledAdminRule, dir: Direction, own: TierClass, other: TierPeer): ConnSet {
    if ('rep' in other) {
      if (!r.rule.peers.some((p) => selectionMatchesRep(p, other.rep))) return ConnSet.EMPTY;
      return dir === 'ingress' ? this.namedOn(r, own) : r.fixed;
    }
    if ('elsewhere' in other) {
      if (!r.rule.peers.some(selectsEveryPod)) return ConnSet.EMPTY;
      // Ingress named ports resolve on the subject; toward an unknown pod (egress) they are unknown.
      return dir === 'ingress' ? this.namedOn(r, own) : r.fixed;
    }
    if ('addr' in other) {
      // Only egress peers name addresses (`networks`); named ports do not apply to addresses.
      if (dir !== 'egress' || !containsAddr(r.ips, other.addr)) return ConnSet.EMPTY;
      return r.fixed;
    }
    if (!this.peerSelects(r, other.cls)) return ConnSet.EMPTY;
    // Named ports resolve against the destination pod: the subject for ingress, the peer for egress.
    return this.namedOn(r, dir === 'ingress' ? own : other.cls);
  }

  /** The rule's ports toward a destination pod of this class (named ports resolved on it). */
  private namedOn(r: CompiledAdminRule, dst: TierClass): ConnSet {
    if (r.named.length === 0) return r.fixed;
    let c = r.namedCache.get(dst.portsKey);
    if (!c) {
      c = r.fixed;
      for (const name of r.named) for (const d of dst.ports) if (d.name === name) c = c.union(ConnSet.range(d.protocol, d.port, d.port));
      r.namedCache.set(dst.portsKey, c);
    }
    return c;
  }

  /**
   * What one direction allows, given what the NetworkPolicies allow there (`np`, undefined when
   * none isolates the pod in that direction).
   */
  decide(dir: Direction, own: TierClass, other: TierPeer, np: ConnSet | undefined): ConnSet {
    const a = this.rulesFor(dir, own);
    if (a.anp.length === 0 && (np !== undefined || a.banp.length === 0)) return np ?? ConnSet.ALL;
    const key = 'addr' in other ? -other.addr - 1 : 'elsewhere' in other ? ELSEWHERE_KEY : 'rep' in other ? repKey(other.rep) : other.cls.id;
    let part = a.anpMemo.get(key);
    if (!part) {
      part = this.anpPart(dir, own, other, a.anp);
      a.anpMemo.set(key, part);
    }
    if (part.open.isEmpty) return part.allowed;
    let tier2 = np;
    if (tier2 === undefined) {
      tier2 = a.banpMemo.get(key);
      if (!tier2) {
        tier2 = this.baseline(dir, own, other, a.banp);
        a.banpMemo.set(key, tier2);
      }
    }
    return part.allowed.union(part.open.intersect(tier2));
  }

  /** What the ANP rules allow, and what they leave to the lower tiers (neither allowed nor denied). */
  private anpPart(dir: Direction, own: TierClass, other: TierPeer, rules: CompiledAdminRule[]): { allowed: ConnSet; open: ConnSet } {
    let allowed = ConnSet.EMPTY;
    let open = ConnSet.ALL; // neither allowed nor denied by an ANP (passed included)
    let undecided = ConnSet.ALL; // not yet matched by any ANP rule
    for (const r of rules) {
      const rc = this.ruleConns(r, dir, own, other);
      if (rc.isEmpty) continue;
      const m = rc.intersect(undecided);
      if (m.isEmpty) continue;
      undecided = undecided.minus(m);
      if (r.action === 'Allow') {
        allowed = allowed.union(m);
        open = open.minus(m);
      } else if (r.action === 'Deny') open = open.minus(m);
      if (undecided.isEmpty) break;
    }
    return { allowed, open };
  }

  /** What the BANP (or the default) allows: everything its first matching Deny rules do not deny. */
  private baseline(dir: Direction, own: TierClass, other: TierPeer, rules: CompiledAdminRule[]): ConnSet {
    let denied = ConnSet.EMPTY;
    let undecided = ConnSet.ALL;
    for (const r of rules) {
      const m = this.ruleConns(r, dir, own, other).intersect(undecided);
      if (m.isEmpty) continue;
      undecided = undecided.minus(m);
      if (r.action === 'Deny') denied = denied.union(m);
    }
    return ConnSet.ALL.minus(denied);
  }

  /**
   * The decisions behind `decide`, tier by tier: for explanations and hovers. `np` as in decide;
   * the decisions' connections are disjoint and cover every connection.
   */
  explain(dir: Direction, own: TierClass, other: TierPeer, np: ConnSet | undefined): TierDecision[] {
    const a = this.rulesFor(dir, own);
    const out: TierDecision[] = [];
    let undecided = ConnSet.ALL;
    let passed = ConnSet.EMPTY;
    const passes: AdminRuleRef[] = [];
    for (const r of a.anp) {
      const m = this.ruleConns(r, dir, own, other).intersect(undecided);
      if (m.isEmpty) continue;
      undecided = undecided.minus(m);
      if (r.action === 'Pass') {
        passed = passed.union(m);
        passes.push({ policy: r.policy, rule: r.rule, ruleIndex: r.index, conns: m });
      } else out.push({ tier: 'adminnetworkpolicy', allowed: r.action === 'Allow', conns: m, policy: r.policy, ruleIndex: r.index, rule: r.rule });
    }
    const open = undecided.union(passed);
    if (open.isEmpty) return out;
    const passedOf = (c: ConnSet): AdminRuleRef[] =>
      passes.map((p) => ({ ...p, conns: p.conns.intersect(c) })).filter((p) => !p.conns.isEmpty);
    if (np !== undefined) {
      const yes = open.intersect(np);
      const no = open.minus(np);
      if (!yes.isEmpty) out.push({ tier: 'networkpolicy', allowed: true, conns: yes, passedBy: passedOf(yes) });
      if (!no.isEmpty) out.push({ tier: 'networkpolicy', allowed: false, conns: no, passedBy: passedOf(no) });
      return out;
    }
    let rest = open;
    for (const r of a.banp) {
      const m = this.ruleConns(r, dir, own, other).intersect(rest);
      if (m.isEmpty) continue;
      rest = rest.minus(m);
      out.push({ tier: 'baselineadminnetworkpolicy', allowed: r.action === 'Allow', conns: m, policy: r.policy, ruleIndex: r.index, rule: r.rule, passedBy: passedOf(m) });
    }
    if (!rest.isEmpty) out.push({ tier: 'default', allowed: true, conns: rest, passedBy: passedOf(rest) });
    return out;
  }
}

const NO_IDS: number[] = [];
