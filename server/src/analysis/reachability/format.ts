// The `reach` output (SPEC §4): `src => dst : conns` lines, or the same data as JSON.

import type { PairResult } from './engine';

export interface ReachLine {
  src: string;
  dst: string;
  conn: string;
}

/** Lines of the pairs; with `focus`, only those involving one of its peers (as destination for `ingress`, as source for `egress`). */
export function toLines(pairs: Iterable<PairResult>, focus?: { peers: ReadonlySet<string>; direction?: 'ingress' | 'egress' }): ReachLine[] {
  const out: ReachLine[] = [];
  for (const p of pairs) {
    if (focus) {
      const asDst = focus.peers.has(p.dst.name);
      const asSrc = focus.peers.has(p.src.name);
      if (focus.direction === 'ingress' ? !asDst : focus.direction === 'egress' ? !asSrc : !asDst && !asSrc) continue;
    }
    out.push({ src: p.src.name, dst: p.dst.name, conn: p.conns.toString() });
  }
  return out;
}

export function formatText(lines: ReachLine[]): string {
  let s = '';
  for (const l of lines) s += `${l.src} => ${l.dst} : ${l.conn}\n`;
  return s;
}

export function formatJson(lines: ReachLine[]): string {
  return `${JSON.stringify(lines, null, 2)}\n`;
}
