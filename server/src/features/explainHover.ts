// The explain facts in the workload hover (SPEC §6): under each allowed source or destination, one
// line per policy rule (or Ingress/route) that admits the connection, linked to that rule's YAML,
// with the ANP Pass rules that handed it down; and the peers a cluster tier (ANP/BANP Deny rule)
// denies, with the rule and whether it wins over what the NetworkPolicies alone allow (issue 14).
// Every manifest string is cut and escaped.
import { explainPair, isTierDenied, tierDenial, tierDenialCandidates, type Fact } from '../analysis/explain';
import type { Allowed, PeerInfo } from '../analysis/reachability';
import type { ConnSet } from '../analysis/reachability/connset';
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { Span, Workload } from '../model/types';
import { adminTitle } from './adminHover';
import { code } from './text';

/** At most this many fact lines under one peer. */
const MAX_FACTS = 6;
const MAX_NAME = 100;

function cut(s: string): string {
  return s.length > MAX_NAME ? `${s.slice(0, MAX_NAME - 1)}…` : s;
}

/** Makes a markdown link to a place in a manifest (hover's `linkTo`). */
export type LinkMaker = (obj: { uri: string; nameSpan: Span }, label: string) => string;

/** Our wording of a fact, as a link to the place that decides. */
function factLink(link: LinkMaker, f: Fact): string | undefined {
  const o = f.object;
  if (!o) return undefined;
  if (o.type === 'adminpolicy') {
    // Cluster-scoped: named with its priority, the rule by its name and action as written.
    const a = f.admin;
    return link({ uri: o.uri, nameSpan: f.span ?? o.nameSpan }, a ? `${adminTitle(o)}, ${a.direction} rule ${cut(a.ruleName)}: ${a.action}` : adminTitle(o));
  }
  const name = `${cut(o.namespace)}/${cut(o.name)}`;
  const label = f.rule ? `${o.kind} ${name}, ${f.rule.direction} rule #${f.rule.number}` : `${o.kind} ${name}`;
  return link({ uri: o.uri, nameSpan: f.span ?? o.nameSpan }, label);
}

/**
 * Explains a workload's allowed peers for the hover: a function giving, for one allowed entry, the
 * nested lines that name each deciding rule (both ends' rules; the system default is left out,
 * the direction's heading already says when nothing isolates it).
 */
export function decidingRules(analysis: Analysis, w: Workload, self: PeerInfo, dir: 'ingress' | 'egress', link: LinkMaker): (a: Allowed) => string[] {
  return (a) => {
    // Representative peers (pods defined elsewhere) have no pod class here to read rules against.
    if (a.peer.kind !== 'workload' && a.peer.kind !== 'external' && a.peer.kind !== 'ingress-controller') return [];
    const ctx = analysis.explainContext();
    const e = dir === 'ingress' ? explainPair(ctx, a.peer, self, w) : explainPair(ctx, self, a.peer, w);
    const byFact = new Map<string, { fact: Fact; conns: ConnSet }>();
    for (const p of e.pieces) {
      if (!p.allowed) continue;
      for (const f of [...p.egress.facts, ...p.ingress.facts]) {
        if ((!f.allows && f.admin?.action !== 'Pass') || f.kind === 'default') continue;
        const known = byFact.get(f.text);
        if (known) known.conns = known.conns.union(p.conns);
        else byFact.set(f.text, { fact: f, conns: p.conns });
      }
    }
    const lines: string[] = [];
    for (const { fact, conns } of byFact.values()) {
      const where = factLink(link, fact);
      if (where) lines.push(`  - ${code(conns.toString())} ${fact.allows ? 'allowed' : 'passed on to the next tier'} by ${where}`);
    }
    if (lines.length > MAX_FACTS) return [...lines.slice(0, MAX_FACTS), `  - … and ${lines.length - MAX_FACTS} more rules`];
    return lines;
  };
}

/**
 * The peers that an ANP or BANP Deny rule keeps from (`ingress`) or away from (`egress`) the
 * workload, one line each: the connections, the deciding rules, and where the NetworkPolicies
 * alone would allow them (the cluster tier wins). Workloads of the workspace only; at most
 * `max` lines, then a count.
 */
export function tierDenialLines(analysis: Analysis, w: Workload, self: PeerInfo, dir: 'ingress' | 'egress', link: LinkMaker, max: number): string[] {
  const engine = analysis.reachability();
  if (!engine.adminTiers) return [];
  const ctx = analysis.explainContext();
  const lines: string[] = [];
  let more = 0;
  for (const other of tierDenialCandidates(ctx, self, dir)) {
    if (other === self) continue;
    const [src, dst] = dir === 'ingress' ? [other, self] : [self, other];
    // Past the shown lines only the count is needed: the cheap test, no facts.
    if (lines.length >= max) {
      if (isTierDenied(ctx, src, dst, w)) more++;
      continue;
    }
    const d = tierDenial(ctx, src, dst, w);
    if (!d) continue;
    const by = d.facts.map((f) => factLink(link, f)).filter((x): x is string => !!x);
    const wins = d.overridden.isEmpty ? '' : ` — wins over the NetworkPolicies, which alone would allow ${code(d.overridden.toString())}`;
    lines.push(`${code(other.name)}: ${code(d.conns.toString())} denied by ${by.join(', ')}${wins}`);
  }
  return more ? [...lines, `… and ${more} more`] : lines;
}
