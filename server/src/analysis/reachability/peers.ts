// Who the peers of the reachability output are, and how workloads fall into equivalence classes.

import { atLength } from '../../model/fitArrays';
import type { ContainerPort, Protocol, Workload } from '../../model/types';

/**
 * The printed name of a workload (SPEC §4, netpol-analyzer's convention): a Pod owned by a
 * controller is shown as its owner (`ns/owner[OwnerKind]`, all replicas one peer); a Pod owned by
 * a Node (a static pod) is itself; an owner reference without a kind gives `ns/owner[Pod]`.
 */
/**
 * How a workload is named as a peer (SPEC §4, netpol-analyzer's convention): a Pod with owners
 * as its owner (all replicas one peer), a static Pod (owned by a Node) as itself.
 */
export function workloadIdentity(w: Workload): { kind: string; name: string } {
  if (w.kind === 'Pod' && w.ownerReferences.length > 0) {
    const owner = w.ownerReferences[0];
    if (owner.kind === 'Node') return { kind: 'Pod', name: w.name };
    if (owner.name) return { kind: owner.kind || 'Pod', name: owner.name };
  }
  return { kind: w.kind, name: w.name };
}

export function peerNameOf(w: Workload): string {
  const id = workloadIdentity(w);
  return `${w.namespace}/${id.name}[${id.kind}]`;
}

/** A declared container port, reduced to what reachability needs. */
export interface PortDecl {
  name?: string;
  port: number;
  protocol: Protocol;
}

export function portDeclsOf(w: Workload): PortDecl[] {
  const seen = new Set<string>();
  const out: PortDecl[] = [];
  for (const c of w.containers) {
    for (const p of c.ports as ContainerPort[]) {
      const key = `${p.name ?? ''}/${p.containerPort}/${p.protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ name: p.name, port: p.containerPort, protocol: p.protocol });
    }
  }
  out.sort((a, b) => a.port - b.port || cmp(a.protocol, b.protocol) || cmp(a.name ?? '', b.name ?? ''));
  return atLength(out); // kept as long as the workload
}

export function portsKeyOf(ports: PortDecl[]): string {
  return ports.map((p) => `${p.name ?? ''}/${p.port}/${p.protocol}`).join(' ');
}

export function labelsKeyOf(labels: Record<string, string>): string {
  return JSON.stringify(Object.keys(labels).sort().map((k) => [k, labels[k]]));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const BEYOND_SURROGATES = /[\ud800-\uffff]/;

/** Byte order of UTF-8 text (`LC_ALL=C sort`), which is code point order; UTF-16 unit order differs only past surrogates. */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  if (!BEYOND_SURROGATES.test(a) && !BEYOND_SURROGATES.test(b)) return a < b ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 && y < 0xd800) return x - y;
    return (a.codePointAt(i) ?? 0) - (b.codePointAt(i) ?? 0);
  }
  return a.length - b.length;
}
