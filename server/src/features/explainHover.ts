// The explain facts in the workload hover (SPEC §6): under each allowed source or destination, one
// line per policy rule (or Ingress/route) that admits the connection, linked to that rule's YAML.
// Every manifest string is cut and escaped.
import { ExplainContext, explainPair, type Fact } from '../analysis/explain';
import type { Allowed, PeerInfo } from '../analysis/reachability';
import type { ConnSet } from '../analysis/reachability/connset';
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { Span, Workload } from '../model/types';
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
  let ctx: ExplainContext | undefined;
  return (a) => {
    // Representative peers (pods defined elsewhere) have no pod class here to read rules against.
    if (a.peer.kind !== 'workload' && a.peer.kind !== 'external' && a.peer.kind !== 'ingress-controller') return [];
    ctx ??= new ExplainContext(analysis.reachability(), analysis.index);
    const e = dir === 'ingress' ? explainPair(ctx, a.peer, self, w) : explainPair(ctx, self, a.peer, w);
    const byFact = new Map<string, { fact: Fact; conns: ConnSet }>();
    for (const p of e.pieces) {
      if (!p.allowed) continue;
      for (const f of [...p.egress.facts, ...p.ingress.facts]) {
        if (!f.allows || f.kind === 'default') continue;
        const known = byFact.get(f.text);
        if (known) known.conns = known.conns.union(p.conns);
        else byFact.set(f.text, { fact: f, conns: p.conns });
      }
    }
    const lines: string[] = [];
    for (const { fact, conns } of byFact.values()) {
      const where = factLink(link, fact);
      if (where) lines.push(`  - ${code(conns.toString())} allowed by ${where}`);
    }
    if (lines.length > MAX_FACTS) return [...lines.slice(0, MAX_FACTS), `  - … and ${lines.length - MAX_FACTS} more rules`];
    return lines;
  };
}
