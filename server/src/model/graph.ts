// The network graph shown by the diagram and printed by `k8s-netmap graph` (SPEC §7).
// Plain data: it crosses the LSP connection and the webview's postMessage as JSON, so no
// classes, no Maps, nothing that JSON.stringify would lose. No imports but `types`.

import type { Span } from './types';

/**
 * Kubernetes kind (`Deployment`, `Service`, `Ingress`, `HTTPRoute`, …) or one of the nodes that
 * stand outside the cluster's objects.
 */
export type GraphNodeKind = string;

/** Kinds of nodes that no manifest defines. */
export const EXTERNAL_NODE_KINDS: ReadonlySet<string> = new Set(['internet', 'ipBlock', 'ingress-controller', 'representative']);

/**
 * Kind of a node that stands for pods the workspace may not define (SPEC §3 representative peers:
 * `entire cluster`, `namespaces with role=edge`, `pods with app=x in namespaces with …`). The
 * reachability engine does not produce them yet; the diagram draws them dashed when it does.
 */
export const REPRESENTATIVE_NODE_KIND = 'representative';

/** Ports (in the `reach` notation) of flows folded into a mark on a node instead of edges. */
export interface NodeMarks {
  /** From / to every address (ipBlock 0.0.0.0-255.255.255.255). */
  internet?: { in?: string; out?: string };
  /** From / to the entire cluster (a representative peer for every pod of every namespace). */
  cluster?: { in?: string; out?: string };
  /** From / to every workload of the workspace (at least a few). */
  workloads?: { in?: string; out?: string };
}

export interface GraphNode {
  /** Stable across runs: `Kind/namespace/name`, `internet`, `ingress-controller`, `ipBlock/<range>`. */
  id: string;
  kind: GraphNodeKind;
  name: string;
  /** Empty for nodes outside the cluster (internet, ipBlock, ingress-controller). */
  namespace: string;

  // Renderer extras (not part of the CLI's JSON contract).
  /** Where the object is defined, for "reveal" (absent for external and placeholder nodes). */
  uri?: string;
  /** The object's `metadata.name` value in `uri`, as UTF-16 offsets. */
  span?: Span;
  /** Short lines shown on hover: type, selector, hosts, isolation… */
  detail?: string[];
  /** Ports in the `reach` notation (`TCP 80,443`): container ports of a workload, ports of a Service. */
  ports?: string;
  /** Replicas of a workload (`spec.replicas`, 1 when not written for kinds that have it). */
  replicas?: number;
  /** Hosts of an Ingress or route. */
  hosts?: string[];
  /** Service type (`ClusterIP`, `NodePort`, `LoadBalancer`, `ExternalName`, headless shown as `ClusterIP (headless)`). */
  serviceType?: string;
  /** A placeholder for an object that something refers to but the workspace does not define. */
  missing?: boolean;
  /** Workload with no NetworkPolicy isolating it in that direction: every flow is allowed and none is drawn. */
  open?: { ingress: boolean; egress: boolean };
  /** The whole object (document or list item) in `uri`: the diagram follows the editor's cursor with it. */
  objectSpan?: Span;
  /** Set by `aggregateGraph`: flows to or from everything, drawn as marks rather than edges. */
  marks?: NodeMarks;
  /** A representative peer (kind `representative`): the whole cluster rather than some pods. */
  entireCluster?: boolean;
  /** Changes layer: the object exists only in the git revision compared with (removed since). */
  gone?: boolean;
}

/**
 * - `route`: traffic enters or is routed (internet → Ingress/route/LoadBalancer Service, Ingress/route → Service);
 * - `select`: a Service selects a workload's pods;
 * - `allow`: NetworkPolicies allow the flow;
 * - `blocked`: a route whose target pods NetworkPolicies close to the traffic that the route carries;
 * - `tier-denied`: connections an AdminNetworkPolicy or BaselineAdminNetworkPolicy Deny rule denies
 *   where the NetworkPolicies alone would allow them (the cluster tier wins); never a path.
 */
export type GraphEdgeKind = 'route' | 'select' | 'allow' | 'blocked' | 'tier-denied';

export interface GraphEdge {
  from: string;
  to: string;
  kind: GraphEdgeKind;
  /** In the `reach` notation: `TCP 80`, `TCP 8000,8090,UDP 53`, `All Connections`; empty when not known. */
  ports: string;

  // Renderer extras.
  /** Short lines shown on hover: `shop.example.com/api → port http`, why a route is blocked… */
  detail?: string[];
  /** How many edges this one stands for, when `foldEdges` merged several (absent: one). */
  count?: number;
  /** Changes layer: the connection was added, removed or changed since the git revision compared with. */
  change?: EdgeChange;
}

export type EdgeChange = 'added' | 'removed' | 'changed';

/**
 * The connectivity changes drawn on the graph (the diagram's Changes layer): allow edges flagged
 * with their change (removed ones are not in the current graph), and the nodes their ends need
 * that the current graph lacks (workloads that exist only in the revision, outside ranges).
 */
export interface GraphChanges {
  edges: GraphEdge[];
  nodes: GraphNode[];
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

/** Stable id of an object node. */
export function objectNodeId(kind: string, namespace: string, name: string): string {
  return `${kind}/${namespace}/${name}`;
}

export const INTERNET_NODE_ID = 'internet';
export const INGRESS_CONTROLLER_NODE_ID = 'ingress-controller';
export function ipBlockNodeId(range: string): string {
  return `ipBlock/${range}`;
}
export function representativeNodeId(name: string): string {
  return `representative/${name}`;
}
