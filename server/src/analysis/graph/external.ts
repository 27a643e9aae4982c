// External address ranges as diagram nodes. The reach engine splits the address space at the ends
// of each ipBlock's merged intervals (SPEC §4), so `0.0.0.0/0 except 203.0.113.0/25` arrives as several ranges with
// the same flows. The diagram merges ranges whose edges are identical into one node.

import { ipBlockNodeId, type GraphEdge, type GraphNode } from '../../model/graph';
import { getOrCreate } from '../../model/collections';

function toNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export function parseRange(text: string): [number, number] | undefined {
  const m = /^([\d.]+)-([\d.]+)$/.exec(text);
  if (!m) return undefined;
  const lo = toNumber(m[1]);
  const hi = toNumber(m[2]);
  return lo !== undefined && hi !== undefined && lo <= hi ? [lo, hi] : undefined;
}

export function formatRange([lo, hi]: [number, number]): string {
  return `${toIp(lo)}-${toIp(hi)}`;
}

/** The range as CIDR blocks (largest first-fit), e.g. `203.0.113.0/25`. */
export function rangeToCidrs([lo, hi]: [number, number]): string[] {
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = 32;
    while (size > 0) {
      const block = 2 ** (32 - (size - 1));
      if (cur % block !== 0 || cur + block - 1 > hi) break;
      size--;
    }
    out.push(`${toIp(cur)}/${size}`);
    cur += 2 ** (32 - size);
  }
  return out;
}

/** Sorted, coalesced ranges. */
export function coalesce(ranges: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

function describe(ranges: Array<[number, number]>): string[] {
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === 2 ** 32 - 1) return ['any address (0.0.0.0/0)'];
  const lines: string[] = [];
  for (const r of ranges) {
    const cidrs = rangeToCidrs(r);
    lines.push(cidrs.length <= 4 ? `${formatRange(r)} (${cidrs.join(', ')})` : formatRange(r));
  }
  return lines;
}

/** Merges ipBlock nodes that have the same edges (same peers, kinds and ports); rewrites the edges. */
export function mergeExternalNodes(nodes: Map<string, GraphNode>, edges: Map<string, GraphEdge>): void {
  const signature = new Map<string, string[]>();
  for (const e of edges.values()) {
    if (e.from.startsWith('ipBlock/')) getOrCreate(signature, e.from, () => []).push(`out\u0000${e.to}\u0000${e.kind}\u0000${e.ports}`);
    if (e.to.startsWith('ipBlock/')) getOrCreate(signature, e.to, () => []).push(`in\u0000${e.from}\u0000${e.kind}\u0000${e.ports}`);
  }
  const groups = new Map<string, string[]>();
  for (const [id, sig] of signature) {
    const key = sig.sort().join('\u0001');
    getOrCreate(groups, key, () => []).push(id);
  }
  const rename = new Map<string, string>();
  for (const ids of groups.values()) {
    const ranges = ids.map((id) => parseRange(nodes.get(id)?.name ?? ''));
    if (ranges.some((r) => !r)) continue;
    const merged = coalesce(ranges as Array<[number, number]>);
    const name = merged.map(formatRange).join(', ');
    const id = ipBlockNodeId(name);
    for (const old of ids) {
      nodes.delete(old);
      rename.set(old, id);
    }
    nodes.set(id, { id, kind: 'ipBlock', name, namespace: '', detail: describe(merged) });
  }
  if (rename.size === 0) return;
  const rewritten = [...edges.values()].map((e) => ({ ...e, from: rename.get(e.from) ?? e.from, to: rename.get(e.to) ?? e.to }));
  edges.clear();
  for (const e of rewritten) {
    const key = `${e.from}\u0000${e.to}\u0000${e.kind}`;
    if (!edges.has(key)) edges.set(key, e);
  }
}
