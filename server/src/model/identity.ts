// Which objects are "the same object" (SPEC §2: kind, namespace and name), and which copy counts.
import type { K8sObject } from './types';
import { WORKLOAD_KINDS } from './types';

/** Kinds the reader models with a type of their own (for the apiVersions it knows). */
const MODELLED_KINDS: ReadonlySet<string> = new Set([...WORKLOAD_KINDS, 'Service', 'Ingress', 'HTTPRoute', 'GRPCRoute', 'NetworkPolicy', 'Namespace', 'ReferenceGrant']);

/**
 * The kind an object is known by in lookups. An object of a modelled kind whose apiVersion the
 * reader does not model (`kind: Service` with `apiVersion: apps/v1`) is read as `other`; it is
 * filed under `Service@apps/v1`, so that nothing that asks for a `Service` ever gets it.
 */
export function lookupKind(obj: Pick<K8sObject, 'type' | 'kind' | 'apiVersion'>): string {
  return obj.type === 'other' && MODELLED_KINDS.has(obj.kind) ? `${obj.kind}@${obj.apiVersion}` : obj.kind;
}

/** `kind/namespace/name`, with the kind as `lookupKind` gives it. */
export function identityKey(obj: K8sObject): string {
  return `${lookupKind(obj)}/${obj.namespace}/${obj.name}`;
}

/** Document and list-item indexes of an object id (`<uri>#3.1` → [3, 1]). */
function idPath(id: string): number[] {
  const hash = id.lastIndexOf('#');
  return id
    .slice(hash + 1)
    .split('.')
    .map((s) => Number(s) || 0);
}

/**
 * Path order: by file URI (plain string order, the same on every run and platform), then by place
 * in the file. The first object of a kind/namespace/name in this order is the one the analysis uses.
 */
export function compareByPath(a: K8sObject, b: K8sObject): number {
  if (a.uri !== b.uri) return a.uri < b.uri ? -1 : 1;
  const pa = idPath(a.id);
  const pb = idPath(b.id);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}
