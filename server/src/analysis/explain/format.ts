// The `reach --explain` text (SPEC §4), in netpol-analyzer's layout: the pairs decided by some
// policy under "Specific connections and their reasons", each with its allowed and denied
// connections grouped by the facts behind them; then the pairs left to the system default.

import { mustGet } from '../../model/collections';
import { layerOf, SYSTEM_DEFAULT, type Fact } from './facts';
import type { PairExplanation, PairPiece, SideFacts } from './pairs';
import { compareBytes } from '../reachability/peers';
import { MAX_PORT, MIN_PORT, type ConnSet } from '../reachability/connset';
import type { Protocol } from '../../model/types';

/** netpol-analyzer lists protocols in this order in explanations (unlike the `reach` lines). */
const PROTOCOLS_PRINT_ORDER: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

const SEPARATOR = `${'-'.repeat(160)}\n`;

function header(title: string): string {
  const line = `# ${title} #`;
  const bar = '#'.repeat(line.length);
  return `\n${bar}\n${line}\n${bar}\n`;
}

/** `TCP:[1-79,81-65535], UDP, SCTP`: a protocol whose every port is in the set appears bare. */
export function connsText(c: ConnSet): string {
  const parts: string[] = [];
  for (const p of PROTOCOLS_PRINT_ORDER) {
    const iv = c.ports(p);
    if (iv.length === 0) continue;
    if (iv.length === 2 && iv[0] === MIN_PORT && iv[1] === MAX_PORT) {
      parts.push(p);
      continue;
    }
    const items: string[] = [];
    for (let i = 0; i < iv.length; i += 2) items.push(iv[i] === iv[i + 1] ? `${iv[i]}` : `${iv[i]}-${iv[i + 1]}`);
    parts.push(`${p}:[${items.join(',')}]`);
  }
  return parts.join(', ');
}

function isBareDefault(s: SideFacts): boolean {
  return s.facts.length === 1 && s.facts[0].kind === 'default';
}

function sideText(s: SideFacts): string {
  let out = s.allowed === undefined ? '' : s.allowed ? '(Allowed)' : '(Denied)';
  if (isBareDefault(s)) return `${out} due to ${s.facts[0].text}`;
  const byKind = new Map<string, Fact[]>();
  for (const f of s.facts) {
    const list = byKind.get(f.kind);
    if (list) list.push(f);
    else byKind.set(f.kind, [f]);
  }
  const kinds = [...byKind.keys()].sort((a, b) => layerOf(b) - layerOf(a) || compareBytes(a, b));
  for (const kind of kinds) {
    const facts = mustGet(byKind, kind).map((f) => f.text).sort(compareBytes);
    out += facts.length === 1 ? `\n\t\t\t${facts[0]}` : `\n\t\t\t${kind} list:\n${facts.map((t) => `\t\t\t\t- ${t}\n`).join('')}`;
  }
  return out;
}

/** The reasons after a class of connections: ` due to …:` and a block per direction. */
function reasonsText(p: PairPiece): string {
  if (isBareDefault(p.egress) && isBareDefault(p.ingress)) return ` due to ${SYSTEM_DEFAULT}\n`;
  let body = '';
  if (p.egress.facts.length) body += `\t\tEgress ${sideText(p.egress)}\n`;
  if (p.ingress.facts.length) body += `\t\tIngress ${sideText(p.ingress)}\n`;
  if (body === '') return '\n';
  return ` due to the following policies and rules:\n${body}`;
}

function classesText(pieces: PairPiece[], allowed: boolean): string {
  const byReasons = new Map<string, ConnSet>();
  for (const p of pieces) {
    if (p.allowed !== allowed) continue;
    const r = reasonsText(p);
    const known = byReasons.get(r);
    byReasons.set(r, known ? known.union(p.conns) : p.conns);
  }
  if (byReasons.size === 0) return '';
  const verdict = allowed ? 'Allowed' : 'Denied';
  const classes = [...byReasons].map(([reasons, conns]) => ({ head: `\t${verdict} ${connsText(conns)}`, reasons }));
  classes.sort((a, b) => compareBytes(a.head, b.head));
  return `${verdict} connections:\n${classes.map((c) => c.head + c.reasons + '\n').join('')}`;
}

/** One pair's block (without the separator line above it). */
function pairText(e: PairExplanation): string {
  return `Connections between ${e.src.name} => ${e.dst.name}:\n\n${classesText(e.pieces, true)}${classesText(e.pieces, false)}`;
}

/** The whole explanation; `pairs` sorted as explainAll returns them. Empty when there is no pair. */
export function formatExplain(pairs: readonly PairExplanation[]): string {
  const specific = pairs.filter((p) => !p.systemDefault);
  const byDefault = pairs.filter((p) => p.systemDefault);
  let out = '';
  if (specific.length) out += header('Specific connections and their reasons') + specific.map((p) => SEPARATOR + pairText(p)).join('');
  if (byDefault.length) out += header(`All Connections due to ${SYSTEM_DEFAULT}`) + byDefault.map((p) => `${p.src.name} => ${p.dst.name}\n`).join('');
  return out;
}
