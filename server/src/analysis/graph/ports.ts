// Port sets in the `reach` notation (SPEC §4): `All Connections`, or protocol groups in the order
// SCTP, TCP, UDP, each `PROTO p1,p2-p3`, joined by `,` — e.g. `TCP 10053-10054,UDP 10053`.

import { PROTOCOLS, type Protocol } from '../../model/types';

const MAX_PORT = 65535;

/** Sorted, disjoint, non-adjacent inclusive ranges per protocol. */
export class PortSet {
  private readonly ranges = new Map<Protocol, Array<[number, number]>>();

  static all(): PortSet {
    const set = new PortSet();
    for (const p of PROTOCOLS) set.addRange(p, 1, MAX_PORT);
    return set;
  }

  /** Reads the `reach` notation; unknown tokens are ignored (the notation is ours, not the user's). */
  static parse(text: string): PortSet {
    const set = new PortSet();
    const trimmed = text.trim();
    if (trimmed === '') return set;
    if (trimmed === 'All Connections') return PortSet.all();
    let protocol: Protocol | undefined;
    for (const raw of trimmed.split(',')) {
      let token = raw.trim();
      const m = /^(TCP|UDP|SCTP)(?:\s+(.*))?$/.exec(token);
      if (m) {
        protocol = m[1] as Protocol;
        token = (m[2] ?? '').trim();
        if (token === '') {
          set.addRange(protocol, 1, MAX_PORT);
          continue;
        }
      }
      if (!protocol) continue;
      const r = /^(\d+)(?:-(\d+))?$/.exec(token);
      if (!r) continue;
      set.addRange(protocol, Number(r[1]), Number(r[2] ?? r[1]));
    }
    return set;
  }

  add(protocol: Protocol, port: number): this {
    return this.addRange(protocol, port, port);
  }

  addRange(protocol: Protocol, from: number, to: number): this {
    if (!Number.isInteger(from) || !Number.isInteger(to)) return this;
    const lo = Math.max(1, Math.min(from, to));
    const hi = Math.min(MAX_PORT, Math.max(from, to));
    if (lo > hi) return this;
    const list = this.ranges.get(protocol) ?? [];
    list.push([lo, hi]);
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const [a, b] of list) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    this.ranges.set(protocol, merged);
    return this;
  }

  addAll(other: PortSet): this {
    for (const [protocol, list] of other.ranges) for (const [a, b] of list) this.addRange(protocol, a, b);
    return this;
  }

  /** Whether the two sets share a port of some protocol. */
  intersects(other: PortSet): boolean {
    for (const [protocol, list] of this.ranges) {
      const theirs = other.ranges.get(protocol) ?? [];
      for (const [a, b] of list) for (const [c, d] of theirs) if (a <= d && c <= b) return true;
    }
    return false;
  }

  isEmpty(): boolean {
    return this.ranges.size === 0;
  }

  toString(): string {
    const full = (p: Protocol): boolean => {
      const list = this.ranges.get(p);
      return !!list && list.length === 1 && list[0][0] === 1 && list[0][1] === MAX_PORT;
    };
    if (PROTOCOLS.every(full)) return 'All Connections';
    const groups: string[] = [];
    for (const p of PROTOCOLS) {
      const list = this.ranges.get(p);
      if (!list || list.length === 0) continue;
      groups.push(`${p} ${list.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}`);
    }
    return groups.join(',');
  }
}

/** Union of port strings in the `reach` notation. */
export function mergePorts(a: string, b: string): string {
  if (a === b) return a;
  return PortSet.parse(a).addAll(PortSet.parse(b)).toString();
}
