// What the graph builder needs to know, and nothing more. The workspace index, the link
// resolution and the reachability engine are adapted to this shape (see `fromAnalysis.ts`), so
// the builder stays testable with hand-built inputs.

import type { Backend, Ingress, Protocol, Route, Service, ServicePort, Workload } from '../../model/types';

export interface PortRef {
  protocol: Protocol;
  port: number;
}

export interface BackendResolution {
  /** Namespace the Service is looked up in (the owner's, or the route's `backendRef.namespace`). */
  namespace: string;
  /** Undefined: no such Service (or a cross-namespace reference without a ReferenceGrant). */
  service?: Service;
  /** Undefined: the backend's port is not a port of the Service (or the backend names none). */
  servicePort?: ServicePort;
  /** Why the backend does not end in a Service, for the edge's hover (e.g. "no ReferenceGrant in ns"). */
  problem?: string;
}

export type FlowPeer =
  | { type: 'workload'; workload: Workload }
  /** An external IPv4 range as the reach engine prints it (`0.0.0.0-9.255.255.255`). */
  | { type: 'external'; range: string }
  | { type: 'ingress-controller' }
  /**
   * Pods the workspace may not define (SPEC §3 representative peers), named as the reachability
   * engine names them (`entire-cluster`, `[namespace with {role=edge}]/[all pods]`). Hook for the
   * open-world engine: `fromAnalysis` does not produce these yet.
   */
  | { type: 'representative'; name: string; entireCluster: boolean };

export interface Flow {
  src: FlowPeer;
  dst: FlowPeer;
  /** In the `reach` notation. */
  ports: string;
}

/** NetworkPolicy verdicts, from the reachability engine. */
export interface PolicyView {
  /** Whether any NetworkPolicy isolates the workload's pods in each direction. */
  isolation(workload: Workload): { ingress: boolean; egress: boolean };
  /**
   * Allowed flows. At least those in which a policy has a say (the source isolated for egress or
   * the destination isolated for ingress); others may be included and are left out of the graph.
   */
  flows(): Iterable<Flow>;
  /** Whether the ingress controller may open a connection to the workload on that container port. */
  ingressControllerAllowed(workload: Workload, port: PortRef): boolean;
  /** Whether some address outside the cluster may open a connection to the workload on that port. */
  externalAllowed(workload: Workload, port: PortRef): boolean;
  /** Names of the NetworkPolicies that decide a direction for the workload, for its hover. */
  policiesDeciding?(workload: Workload, direction: 'ingress' | 'egress'): string[];
  /**
   * Connections a cluster tier (ANP/BANP Deny rule) denies where the NetworkPolicies alone would
   * allow them, with lines naming the deciding rules; drawn as `tier-denied` edges (capped).
   */
  tierDenied?(): Iterable<Flow & { detail: string[] }>;
  /** True when the ingress controller's identity is the default convention, not configured or found (SPEC §3). */
  controllerAssumed?: boolean;
}

export interface GraphInput {
  workloads: readonly Workload[];
  services: readonly Service[];
  ingresses: readonly Ingress[];
  routes: readonly Route[];
  /** Workloads whose pods the Service selects (none without a selector or with `selector: {}`). */
  servicePods(service: Service): readonly Workload[];
  resolveBackend(backend: Backend, owner: Ingress | Route): BackendResolution;
  /** Absent: no NetworkPolicy verdicts (no `allow` or `blocked` edges, no isolation marks). */
  policy?: PolicyView;
}
