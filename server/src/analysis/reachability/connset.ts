// Connection sets: for each protocol (SCTP, TCP, UDP) a set of ports in 1–65535, kept as sorted,
// disjoint, non-adjacent closed intervals. Never enumerated port by port: a rule `port: 1,
// endPort: 65535` costs one interval.
//
// Sets are interned: equal sets are the same object, so equality is `===`, and unions and
// intersections of two interned sets are memoised by their ids. The full matrix of a large
// workspace holds a handful of distinct sets, so this keeps the matrix cheap.

import { PROTOCOLS, type Protocol } from '../../model/types';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

/** Flat list of closed intervals: [lo0, hi0, lo1, hi1, …], sorted, disjoint, non-adjacent. */
export type PortIntervals = readonly number[];

// Module-level (not static fields): static fields are defined in order, and the EMPTY/ALL
// initialisers below need the table before any later static declaration would exist.
const internTable = new Map<string, ConnSet>();
const unionMemo = new Map<number, ConnSet>();
const interMemo = new Map<number, ConnSet>();
const minusMemo = new Map<number, ConnSet>();
const MEMO_LIMIT = 200_000;

export class ConnSet {
  private constructor(
    /** Intern id, unique per distinct set. */
    readonly id: number,
    readonly sctp: PortIntervals,
    readonly tcp: PortIntervals,
    readonly udp: PortIntervals,
    readonly key: string,
  ) {}

  static readonly EMPTY: ConnSet = ConnSet.intern([], [], []);
  static readonly ALL: ConnSet = ConnSet.intern([MIN_PORT, MAX_PORT], [MIN_PORT, MAX_PORT], [MIN_PORT, MAX_PORT]);

  private static intern(sctp: PortIntervals, tcp: PortIntervals, udp: PortIntervals): ConnSet {
    const key = `${sctp.join(',')}|${tcp.join(',')}|${udp.join(',')}`;
    let found = internTable.get(key);
    if (!found) {
      found = new ConnSet(internTable.size, sctp, tcp, udp, key);
      internTable.set(key, found);
    }
    return found;
  }

  static of(parts: Partial<Record<Protocol, PortIntervals>>): ConnSet {
    return ConnSet.intern(normalise(parts.SCTP ?? []), normalise(parts.TCP ?? []), normalise(parts.UDP ?? []));
  }

  /** Ports lo..hi (clamped to 1–65535) of one protocol. */
  static range(protocol: Protocol, lo: number, hi: number): ConnSet {
    const a = Math.max(MIN_PORT, Math.floor(lo));
    const b = Math.min(MAX_PORT, Math.floor(hi));
    if (!(a <= b)) return ConnSet.EMPTY;
    return ConnSet.of({ [protocol]: [a, b] });
  }

  static allOf(protocol: Protocol): ConnSet {
    return ConnSet.range(protocol, MIN_PORT, MAX_PORT);
  }

  get isEmpty(): boolean {
    return this === ConnSet.EMPTY;
  }

  get isAll(): boolean {
    return this === ConnSet.ALL;
  }

  ports(protocol: Protocol): PortIntervals {
    return protocol === 'TCP' ? this.tcp : protocol === 'UDP' ? this.udp : this.sctp;
  }

  has(protocol: Protocol, port: number): boolean {
    const iv = this.ports(protocol);
    for (let i = 0; i < iv.length; i += 2) {
      if (port < iv[i]) return false;
      if (port <= iv[i + 1]) return true;
    }
    return false;
  }

  union(other: ConnSet): ConnSet {
    if (this === other || other.isEmpty || this.isAll) return this;
    if (this.isEmpty || other.isAll) return other;
    const k = memoKey(this.id, other.id);
    let r = unionMemo.get(k);
    if (!r) {
      r = ConnSet.intern(unionIv(this.sctp, other.sctp), unionIv(this.tcp, other.tcp), unionIv(this.udp, other.udp));
      if (unionMemo.size > MEMO_LIMIT) unionMemo.clear(); // a long editing session must not grow it forever
      unionMemo.set(k, r);
    }
    return r;
  }

  intersect(other: ConnSet): ConnSet {
    if (this === other || other.isAll || this.isEmpty) return this;
    if (this.isAll || other.isEmpty) return other;
    const k = memoKey(this.id, other.id);
    let r = interMemo.get(k);
    if (!r) {
      r = ConnSet.intern(interIv(this.sctp, other.sctp), interIv(this.tcp, other.tcp), interIv(this.udp, other.udp));
      if (interMemo.size > MEMO_LIMIT) interMemo.clear();
      interMemo.set(k, r);
    }
    return r;
  }

  /** The connections of this set that are not in `other`. */
  minus(other: ConnSet): ConnSet {
    if (other.isEmpty || this.isEmpty) return this;
    if (this === other || other.isAll) return ConnSet.EMPTY;
    const k = this.id * 0x200000 + other.id; // ordered: a − b is not b − a
    let r = minusMemo.get(k);
    if (!r) {
      r = ConnSet.intern(minusIv(this.sctp, other.sctp), minusIv(this.tcp, other.tcp), minusIv(this.udp, other.udp));
      if (minusMemo.size > MEMO_LIMIT) minusMemo.clear();
      minusMemo.set(k, r);
    }
    return r;
  }

  /** `All Connections`, or `SCTP …,TCP …,UDP …` groups (SPEC §4); empty string for the empty set. */
  toString(): string {
    if (this.isAll) return 'All Connections';
    const groups: string[] = [];
    for (const p of PROTOCOLS) {
      const iv = this.ports(p);
      if (iv.length === 0) continue;
      const items: string[] = [];
      for (let i = 0; i < iv.length; i += 2) items.push(iv[i] === iv[i + 1] ? `${iv[i]}` : `${iv[i]}-${iv[i + 1]}`);
      groups.push(`${p} ${items.join(',')}`);
    }
    return groups.join(',');
  }
}

function memoKey(a: number, b: number): number {
  // Symmetric operations: order the ids so that (a, b) and (b, a) share an entry.
  return a < b ? a * 0x200000 + b : b * 0x200000 + a;
}

function normalise(iv: PortIntervals): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i + 1 < iv.length; i += 2) {
    const lo = Math.max(MIN_PORT, iv[i]);
    const hi = Math.min(MAX_PORT, iv[i + 1]);
    if (lo <= hi) pairs.push([lo, hi]);
  }
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

function unionIv(a: PortIntervals, b: PortIntervals): number[] {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a.slice();
  return normalise([...a, ...b]);
}

function interIv(a: PortIntervals, b: PortIntervals): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i], b[j]);
    const hi = Math.min(a[i + 1], b[j + 1]);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

function minusIv(a: PortIntervals, b: PortIntervals): number[] {
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi) {
      if (b[k] > lo) out.push(lo, b[k] - 1);
      lo = Math.max(lo, b[k + 1] + 1);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}
