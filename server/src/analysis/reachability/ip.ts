// IPv4 address sets as sorted, disjoint closed intervals of 32-bit numbers, and the split of the
// address space into disjoint ranges at the ends of each ipBlock's merged intervals (SPEC §4).
//
// IPv6 blocks are parsed as "not IPv4": they contribute no IPv4 addresses and no boundaries, as
// the output only speaks of IPv4 ranges.

import type { IpBlock } from '../../model/types';

const IPV4_MAX = 0xffffffff;

/** Flat list [lo0, hi0, lo1, hi1, …] of closed address intervals. */
export type IpIntervals = readonly number[];

function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
}

/** `a.b.c.d/n` → [first, last]; the host bits of the address are ignored, as Kubernetes' CIDR parsing masks them. */
export function parseCidr(text: string): [number, number] | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const addr = parseIPv4(m[1]);
  const bits = Number(m[2]);
  if (addr === undefined || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const first = Math.floor(addr / size) * size;
  return [first, first + size - 1];
}

function formatIPv4(n: number): string {
  return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

export function formatRange(lo: number, hi: number): string {
  return `${formatIPv4(lo)}-${formatIPv4(hi)}`;
}

/** Addresses of an ipBlock: its CIDR minus every except. Empty when the CIDR is not IPv4. */
export function ipBlockIntervals(block: IpBlock): IpIntervals {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return [];
  let out: number[] = [cidr[0], cidr[1]];
  for (const ex of block.except) {
    const e = parseCidr(ex);
    if (e) out = subtract(out, e[0], e[1]);
  }
  return out;
}

function subtract(iv: number[], lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < iv.length; i += 2) {
    const a = iv[i];
    const b = iv[i + 1];
    if (hi < a || lo > b) {
      out.push(a, b);
      continue;
    }
    if (a < lo) out.push(a, lo - 1);
    if (hi < b) out.push(hi + 1, b);
  }
  return out;
}

export function unionIp(a: IpIntervals, b: IpIntervals): IpIntervals {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: Array<[number, number]> = [];
  for (const iv of [a, b]) for (let i = 0; i < iv.length; i += 2) pairs.push([iv[i], iv[i + 1]]);
  pairs.sort((x, y) => x[0] - y[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const n = out.length;
    if (n > 0 && lo <= out[n - 1] + 1) out[n - 1] = Math.max(out[n - 1], hi);
    else out.push(lo, hi);
  }
  return out;
}

export function containsIp(iv: IpIntervals, addr: number): boolean {
  for (let i = 0; i < iv.length; i += 2) {
    if (addr < iv[i]) return false;
    if (addr <= iv[i + 1]) return true;
  }
  return false;
}

const boundaryCache = new WeakMap<IpBlock, number[]>();

/**
 * Boundaries (first addresses of a new range) that a block introduces: the ends of its merged
 * address intervals (CIDR minus every except, SPEC §4). Adjacent excepts make one hole and an
 * except inside another adds nothing, so they split nothing.
 */
export function ipBlockBoundaries(block: IpBlock): readonly number[] {
  // Kept per (immutable) model block: the external ranges are split again after every policy edit.
  let out = boundaryCache.get(block);
  if (out) return out;
  const iv = ipBlockIntervals(block);
  out = [];
  for (let i = 0; i < iv.length; i += 2) {
    out.push(iv[i]);
    if (iv[i + 1] < IPV4_MAX) out.push(iv[i + 1] + 1);
  }
  boundaryCache.set(block, out);
  return out;
}

/** Disjoint ranges covering 0.0.0.0–255.255.255.255, split at every boundary. */
export function splitAddressSpace(boundaries: Iterable<number>): Array<[number, number]> {
  const starts = [...new Set([0, ...boundaries])].filter((b) => b >= 0 && b <= IPV4_MAX).sort((x, y) => x - y);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < starts.length; i++) out.push([starts[i], i + 1 < starts.length ? starts[i + 1] - 1 : IPV4_MAX]);
  return out;
}
