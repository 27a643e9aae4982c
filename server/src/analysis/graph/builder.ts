// Builds the network graph (SPEC §7) from the workspace's objects, their links and the
// NetworkPolicy verdicts. Pure: everything comes in through `GraphInput`.

import {
  INGRESS_CONTROLLER_NODE_ID,
  INTERNET_NODE_ID,
  ipBlockNodeId,
  objectNodeId,
  REPRESENTATIVE_NODE_KIND,
  representativeNodeId,
  type Graph,
  type GraphEdge,
  type GraphEdgeKind,
  type GraphNode,
} from '../../model/graph';
import type { Ingress, LabelSelector, Route, Service, ServicePort, Workload } from '../../model/types';
import type { FlowPeer, GraphInput, PolicyView, PortRef } from './input';
import { getOrCreate } from '../../model/collections';
import { mergeExternalNodes } from './external';
import { mergePorts, PortSet } from './ports';
import { workloadIdentity } from '../reachability/peers';

/** At most this many `tier-denied` edges: they explain a guardrail, a full matrix of them would hide the graph. */
export const MAX_TIER_DENIED_EDGES = 60;

const KINDS_WITH_REPLICAS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet', 'ReplicationController']);

/** How a workload is named in the graph: as in `reach` output (SPEC §4). */
export const workloadDisplay = workloadIdentity;

export function workloadNodeId(w: Workload): string {
  const d = workloadDisplay(w);
  return objectNodeId(d.kind, w.namespace, d.name);
}

/** Container ports a service port sends to on a workload: a number as is, a name by container port name and protocol. */
export function targetPortsOf(sp: ServicePort, w: Workload): PortRef[] {
  if (typeof sp.targetPort === 'number') return [{ protocol: sp.protocol, port: sp.targetPort }];
  const out: PortRef[] = [];
  for (const c of w.containers) {
    if (c.init) continue;
    for (const p of c.ports) {
      if (p.name === sp.targetPort && p.protocol === sp.protocol) out.push({ protocol: p.protocol, port: p.containerPort });
    }
  }
  return out;
}

function selectorText(sel: LabelSelector | undefined): string {
  if (!sel) return '(none)';
  const parts = sel.matchLabels.map((l) => `${l.key}=${l.value}`);
  for (const e of sel.matchExpressions) {
    parts.push(e.values.length > 0 ? `${e.key} ${e.operator} (${e.values.join(', ')})` : `${e.operator === 'DoesNotExist' ? '!' : ''}${e.key}`);
  }
  return parts.length > 0 ? parts.join(', ') : '{}';
}

function servicePortText(sp: ServicePort): string {
  const name = sp.name ? ` (${sp.name})` : '';
  const node = sp.nodePort !== undefined ? `, nodePort ${sp.nodePort}` : '';
  return `${sp.port}${name} → ${sp.targetPort}/${sp.protocol}${node}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function buildGraph(input: GraphInput): Graph {
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const policy = input.policy;
  const isolationCache = new Map<Workload, { ingress: boolean; egress: boolean }>();
  const isolation = (w: Workload, p: PolicyView): { ingress: boolean; egress: boolean } => {
    let v = isolationCache.get(w);
    if (!v) isolationCache.set(w, (v = p.isolation(w)));
    return v;
  };

  const addEdge = (from: string, to: string, kind: GraphEdgeKind, ports: string, detail?: string[]): void => {
    if (from === to) return;
    const key = `${from}\u0000${to}\u0000${kind}`;
    const old = edges.get(key);
    if (!old) {
      const edge: GraphEdge = { from, to, kind, ports };
      if (detail && detail.length > 0) edge.detail = [...detail];
      edges.set(key, edge);
      return;
    }
    old.ports = mergePorts(old.ports, ports);
    if (detail) for (const line of detail) if (!(old.detail ?? []).includes(line)) (old.detail ??= []).push(line);
  };

  /** The node of something outside the workspace, added on first use. */
  const externalNodeOf = (id: string, kind: string, name: string): GraphNode => getOrCreate(nodes, id, () => ({ id, kind, name, namespace: '' }));
  const externalNode = (id: string, kind: string, name: string): string => externalNodeOf(id, kind, name).id;

  const declaredPorts = new Map<Workload, PortSet>();
  // Workloads. A workload object wins over the pods it owns (sorted first), so that the node
  // reveals the Deployment rather than one of its pods when both are in the workspace.
  const workloadIds = new Map<Workload, string>();
  const ordered = [...input.workloads].sort((a, b) => Number(a.kind === 'Pod') - Number(b.kind === 'Pod'));
  for (const w of ordered) {
    const id = workloadNodeId(w);
    workloadIds.set(w, id);
    const declared = new PortSet();
    for (const c of w.containers) if (!c.init) for (const p of c.ports) declared.add(p.protocol, p.containerPort);
    declaredPorts.set(w, declared);
    if (nodes.has(id)) continue;
    const d = workloadDisplay(w);
    const portLines: string[] = [];
    for (const c of w.containers) {
      if (c.init) continue;
      for (const p of c.ports) portLines.push(`${p.name ? `${p.name} ` : ''}${p.containerPort}/${p.protocol}`);
    }
    const node: GraphNode = { id, kind: d.kind, name: d.name, namespace: w.namespace, uri: w.uri, span: w.nameSpan, objectSpan: w.span };
    const detail: string[] = [];
    if (d.kind !== w.kind || d.name !== w.name) detail.push(`defined as ${w.kind} ${w.name}`);
    if (KINDS_WITH_REPLICAS.has(w.kind)) node.replicas = w.replicas ?? 1;
    if (w.podLabels.length > 0) detail.push(`labels: ${w.podLabels.map((l) => `${l.key}=${l.value}`).join(', ')}`);
    if (portLines.length > 0) {
      detail.push(`ports: ${portLines.join(', ')}`);
      node.ports = declared.toString();
    }
    if (policy) {
      const iso = isolation(w, policy);
      node.open = { ingress: !iso.ingress, egress: !iso.egress };
      const by = (dir: 'ingress' | 'egress'): string => {
        const names = policy.policiesDeciding?.(w, dir) ?? [];
        return names.length > 0 ? `isolated by ${names.join(', ')}` : 'isolated by NetworkPolicy';
      };
      detail.push(`ingress: ${iso.ingress ? by('ingress') : 'open to all (no NetworkPolicy selects it)'}`);
      detail.push(`egress: ${iso.egress ? by('egress') : 'open to all'}`);
    }
    if (detail.length > 0) node.detail = detail;
    nodes.set(id, node);
  }

  /**
   * Whether NetworkPolicies close every selected pod to `allowed` on every port the service port
   * leads to. False when nothing can be said (no policy view, no selected pods, no resolved port).
   */
  const closed = (
    svc: Service,
    sps: readonly ServicePort[],
    allowed: (view: PolicyView, w: Workload, p: PortRef) => boolean,
  ): { blocked: boolean; closedTo: string[] } => {
    if (!policy) return { blocked: false, closedTo: [] };
    let anyTarget = false;
    let anyOpen = false;
    const closedTo: string[] = [];
    for (const w of input.servicePods(svc)) {
      for (const sp of sps) {
        for (const p of targetPortsOf(sp, w)) {
          anyTarget = true;
          // Policies may not isolate host-network pods (SPEC §3): never drawn as certainly closed.
          if (w.hostNetwork || allowed(policy, w, p)) anyOpen = true;
          else closedTo.push(`${workloadDisplay(w).name} ${p.port}/${p.protocol}`);
        }
      }
    }
    return { blocked: anyTarget && !anyOpen, closedTo };
  };

  // Services and what they select.
  for (const svc of input.services) {
    const id = objectNodeId('Service', svc.namespace, svc.name);
    const ports = new PortSet();
    for (const sp of svc.ports) ports.add(sp.protocol, sp.port);
    const serviceType = svc.headless ? `${svc.serviceType} (headless)` : svc.serviceType;
    const detail = [`type: ${serviceType}`];
    if (svc.externalName) detail.push(`externalName: ${svc.externalName}`);
    else detail.push(`selector: ${selectorText(svc.selector)}`);
    for (const sp of svc.ports) detail.push(`port ${servicePortText(sp)}`);
    detail.push(`DNS: ${svc.name}.${svc.namespace}.svc.cluster.local`);
    const pods = input.servicePods(svc);
    if (!svc.externalName && svc.selector && pods.length === 0) detail.push('selects no workload');
    const node: GraphNode = { id, kind: 'Service', name: svc.name, namespace: svc.namespace, uri: svc.uri, span: svc.nameSpan, objectSpan: svc.span, serviceType, detail };
    if (!ports.isEmpty()) node.ports = ports.toString();
    if (!nodes.has(id)) nodes.set(id, node);

    for (const w of pods) {
      const wid = workloadIds.get(w) ?? workloadNodeId(w);
      if (!nodes.has(wid)) continue;
      const targets = new PortSet();
      const lines: string[] = [];
      for (const sp of svc.ports) {
        const tps = targetPortsOf(sp, w);
        for (const tp of tps) targets.add(tp.protocol, tp.port);
        lines.push(tps.length > 0 ? `${sp.port} → ${tps.map((t) => t.port).join(', ')}/${sp.protocol}` : `${sp.port} → ${sp.targetPort}: no such container port`);
      }
      addEdge(id, wid, 'select', targets.toString(), lines);
    }

    if (svc.serviceType === 'LoadBalancer' || svc.serviceType === 'NodePort') {
      const entry = new PortSet();
      for (const sp of svc.ports) entry.add(sp.protocol, svc.serviceType === 'NodePort' && sp.nodePort !== undefined ? sp.nodePort : sp.port);
      const verdict = closed(svc, svc.ports, (view, w, p) => view.externalAllowed(w, p));
      const lines = [`${svc.serviceType} Service`];
      if (verdict.blocked) lines.push(`NetworkPolicies close every target pod to outside addresses: ${verdict.closedTo.join('; ')}`);
      else if (verdict.closedTo.length > 0) lines.push(`closed to outside addresses: ${verdict.closedTo.join('; ')}`);
      addEdge(externalNode(INTERNET_NODE_ID, 'internet', 'Internet'), id, verdict.blocked ? 'blocked' : 'route', entry.toString(), lines);
    }
  }

  // Ingresses and routes: internet → object → Service.
  const routeObject = (owner: Ingress | Route): void => {
    const id = objectNodeId(owner.kind, owner.namespace, owner.name);
    const hosts = owner.type === 'ingress' ? owner.hosts : owner.hostnames;
    const detail: string[] = [];
    if (owner.type === 'ingress') {
      if (owner.ingressClassName) detail.push(`class: ${owner.ingressClassName}`);
      if (owner.tlsHosts.length > 0) detail.push(`TLS: ${owner.tlsHosts.join(', ')}`);
    }
    if (hosts.length > 0) detail.push(`hosts: ${hosts.join(', ')}`);
    detail.push(plural(owner.backends.length, 'backend'));
    const node: GraphNode = { id, kind: owner.kind, name: owner.name, namespace: owner.namespace, uri: owner.uri, span: owner.nameSpan, objectSpan: owner.span, detail };
    if (hosts.length > 0) node.hosts = [...hosts];
    if (!nodes.has(id)) nodes.set(id, node);

    const entry = owner.type === 'ingress' ? (owner.tlsHosts.length > 0 ? 'TCP 80,443' : 'TCP 80') : '';
    addEdge(externalNode(INTERNET_NODE_ID, 'internet', 'Internet'), id, 'route', entry, hosts.length > 0 ? hosts : undefined);

    for (const b of owner.backends) {
      if (b.targetKind !== 'Service') continue;
      const res = input.resolveBackend(b, owner);
      const where = `${b.host ?? '*'}${b.path ?? (b.isDefault ? ' (default backend)' : '')}`;
      const svcId = objectNodeId('Service', res.namespace, b.serviceName);
      if (!res.service) {
        if (!nodes.has(svcId)) {
          nodes.set(svcId, {
            id: svcId,
            kind: 'Service',
            name: b.serviceName,
            namespace: res.namespace,
            missing: true,
            detail: [res.problem ?? `no Service ${b.serviceName} in namespace ${res.namespace}`],
          });
        }
        // A reference the API refuses (no ReferenceGrant) carries no traffic: blocked, not merely dangling.
        addEdge(id, svcId, res.problem ? 'blocked' : 'route', typeof b.port === 'number' ? `TCP ${b.port}` : '', [
          `${where} → ${b.serviceName}:${b.port ?? '?'} (${res.problem ?? 'Service not found'})`,
        ]);
        continue;
      }
      const sp = res.servicePort;
      const ports = sp ? new PortSet().add(sp.protocol, sp.port).toString() : '';
      const line = `${where} → ${b.serviceName}:${b.port ?? '?'}${sp ? '' : ' (no such Service port)'}`;
      const verdict = sp ? closed(res.service, [sp], (view, w, p) => view.ingressControllerAllowed(w, p)) : { blocked: false, closedTo: [] };
      const lines = [line];
      if (verdict.blocked) lines.push(`NetworkPolicies close every target pod to the ingress controller: ${verdict.closedTo.join('; ')}`);
      else if (verdict.closedTo.length > 0) lines.push(`closed to the ingress controller: ${verdict.closedTo.join('; ')}`);
      if (verdict.closedTo.length > 0 && policy?.controllerAssumed) lines.push('(with the default ingress controller identity; set k8sNetmap.ingressController to be sure)');
      addEdge(id, objectNodeId('Service', res.service.namespace, res.service.name), verdict.blocked ? 'blocked' : 'route', ports, lines);
    }
  };
  for (const ing of input.ingresses) routeObject(ing);
  for (const route of input.routes) routeObject(route);

  // Policy-allowed flows in which a policy has a say.
  if (policy) {
    const peerId = (peer: FlowPeer): string | undefined => {
      switch (peer.type) {
        case 'workload': {
          const id = workloadIds.get(peer.workload) ?? workloadNodeId(peer.workload);
          return nodes.has(id) ? id : undefined;
        }
        case 'external':
          return externalNode(ipBlockNodeId(peer.range), 'ipBlock', peer.range);
        case 'ingress-controller':
          return externalNode(INGRESS_CONTROLLER_NODE_ID, 'ingress-controller', 'ingress controller');
        case 'representative': {
          const node = externalNodeOf(representativeNodeId(peer.name), REPRESENTATIVE_NODE_KIND, peer.name);
          if (peer.entireCluster) node.entireCluster = true;
          return node.id;
        }
      }
    };
    // What decides a flow, for its hover and the path query: the policies that isolate each end.
    const decidedBy = (f: { src: FlowPeer; dst: FlowPeer }): string[] => {
      const lines: string[] = [];
      if (f.dst.type === 'workload' && isolation(f.dst.workload, policy).ingress) {
        const names = policy.policiesDeciding?.(f.dst.workload, 'ingress') ?? [];
        if (names.length > 0) lines.push(`ingress of ${workloadDisplay(f.dst.workload).name} decided by ${names.join(', ')}`);
      }
      if (f.src.type === 'workload' && isolation(f.src.workload, policy).egress) {
        const names = policy.policiesDeciding?.(f.src.workload, 'egress') ?? [];
        if (names.length > 0) lines.push(`egress of ${workloadDisplay(f.src.workload).name} decided by ${names.join(', ')}`);
      }
      return lines;
    };
    for (const f of policy.flows()) {
      if (f.ports === '') continue;
      const governed =
        (f.dst.type === 'workload' && isolation(f.dst.workload, policy).ingress) ||
        (f.src.type === 'workload' && isolation(f.src.workload, policy).egress);
      if (!governed) continue;
      // A rule such as "DNS to every pod" allows ports that most destinations do not serve: an edge
      // to each of them is noise. Keep edges to workloads that declare a port in the allowed set
      // (or declare none, when nothing can be said).
      if (f.dst.type === 'workload') {
        const declared = declaredPorts.get(f.dst.workload);
        if (declared && !declared.isEmpty() && !PortSet.parse(f.ports).intersects(declared)) continue;
      }
      const from = peerId(f.src);
      const to = peerId(f.dst);
      if (from && to) addEdge(from, to, 'allow', f.ports, decidedBy(f));
    }
    let denied = 0;
    for (const f of policy.tierDenied?.() ?? []) {
      if (denied >= MAX_TIER_DENIED_EDGES) break;
      const from = peerId(f.src);
      const to = peerId(f.dst);
      if (!from || !to || f.ports === '') continue;
      addEdge(from, to, 'tier-denied', f.ports, f.detail);
      denied++;
    }
    mergeExternalNodes(nodes, edges);
  }

  return {
    nodes: [...nodes.values()].sort((a, b) => compare(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) => compare(a.from, b.from) || compare(a.to, b.to) || compare(a.kind, b.kind)),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

