// Which files need their diagnostics again after an index change. Diagnostics read other files
// through namespaces (selectors, Service names, policies) and through namespaceSelectors, so the
// dependents of a change are the files with objects in the namespaces it touched, plus files whose
// policies or routes look across namespaces.
import type { IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import type { K8sObject } from '../model/types';

function looksAcrossNamespaces(o: K8sObject): boolean {
  if (o.type === 'networkpolicy') return [...o.ingress, ...o.egress].some((r) => (r.peers ?? []).some((p) => p.namespaceSelector));
  if (o.type === 'route') return o.backends.some((b) => b.explicitNamespace);
  return false;
}

export function dependentFiles(index: WorkspaceIndex, change: IndexChange): Set<string> {
  const out = new Set(change.uris);
  if (change.namespaces.size === 0 && !change.namespacesChanged) return out;
  // Namespaces where a policy admits pods of other namespaces: reachability there depends on them.
  const crossNamespaces = new Set<string>();
  for (const np of index.networkPolicies()) if (looksAcrossNamespaces(np)) crossNamespaces.add(np.namespace);
  for (const r of index.routes()) if (looksAcrossNamespaces(r)) crossNamespaces.add(r.namespace);
  const namespaces = new Set(change.namespaces);
  if (change.namespaces.size > 0) for (const ns of crossNamespaces) namespaces.add(ns);
  for (const ns of namespaces) {
    for (const o of index.objectsIn(ns)) {
      // Only kinds whose diagnostics depend on other objects; workloads only via selector/serviceName.
      if (o.type === 'service' || o.type === 'ingress' || o.type === 'route' || o.type === 'networkpolicy' || (o.type === 'workload' && o.kind === 'StatefulSet')) {
        out.add(o.uri);
      }
    }
  }
  return out;
}
