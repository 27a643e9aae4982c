// Adapts the workspace's analysis (index, links, reachability engine) to the graph builder's input.

import type { Backend, Ingress, Route, Workload } from '../../model/types';
import { overriddenByTiers, type Fact } from '../explain';
import { MAX_TIER_DENIED_EDGES } from './builder';
import type { Analysis } from '../workspaceAnalysis';
import type { PeerInfo } from '../reachability';
import type { Flow, FlowPeer, GraphInput, PolicyView, PortRef } from './input';

export function graphInputOf(analysis: Analysis): GraphInput {
  const { index, links } = analysis;
  const engine = analysis.reachability();
  const detected = analysis.detectedIngressController();

  const isolation = (w: Workload): { ingress: boolean; egress: boolean } => ({
    ingress: engine.policiesDeciding(w, 'ingress').length > 0,
    egress: engine.policiesDeciding(w, 'egress').length > 0,
  });

  const flowPeer = (p: PeerInfo): FlowPeer | undefined => {
    switch (p.kind) {
      case 'workload':
        return p.workloads[0] ? { type: 'workload', workload: p.workloads[0] } : undefined;
      case 'external':
        return { type: 'external', range: p.name.replace(/\[External\]$/, '') };
      case 'ingress-controller':
        // A controller the workspace defines is drawn as itself, not as a second, virtual node.
        return detected ? { type: 'workload', workload: detected } : { type: 'ingress-controller' };
    }
  };

  /**
   * Pods the workspace does not define (SPEC §3): the entire cluster and the representative peers
   * that the policies deciding a workload admit in one direction, from the engine's open world.
   */
  function* outside(w: Workload, peer: PeerInfo, dir: 'ingress' | 'egress'): Iterable<{ rep: FlowPeer; ports: string }> {
    const c = engine.classesOfPeer(peer).find((x) => x.workloads.includes(w));
    if (!c) return;
    const x = engine.openWorld().exposure(c, dir);
    if (!x.protected) return;
    if (!x.entireCluster.isEmpty) yield { rep: { type: 'representative', name: 'entire-cluster', entireCluster: true }, ports: x.entireCluster.toString() };
    for (const line of x.representatives) {
      if (line.rep && !line.conns.isEmpty) yield { rep: { type: 'representative', name: line.rep.name, entireCluster: false }, ports: line.conns.toString() };
    }
  }

  /**
   * Only where a policy has a say: the allowed sources of ingress-isolated peers and the allowed
   * destinations of egress-isolated ones, with the pods outside the workspace that they admit.
   * Never the full matrix, which is quadratic in open workspaces.
   */
  function* flows(): Iterable<Flow> {
    for (const peer of engine.peers()) {
      if (peer.kind !== 'workload') continue;
      const iso = peer.workloads.map(isolation);
      const self = flowPeer(peer);
      if (!self) continue;
      const w = peer.workloads[0];
      if (iso.some((i) => i.ingress)) {
        for (const a of engine.allowedFrom(peer)) {
          const src = flowPeer(a.peer);
          if (src) yield { src, dst: self, ports: a.conns.toString() };
        }
        for (const o of outside(w, peer, 'ingress')) yield { src: o.rep, dst: self, ports: o.ports };
      }
      if (iso.some((i) => i.egress)) {
        for (const a of engine.allowedTo(peer)) {
          const dst = flowPeer(a.peer);
          if (dst) yield { src: self, dst, ports: a.conns.toString() };
        }
        for (const o of outside(w, peer, 'egress')) yield { src: self, dst: o.rep, ports: o.ports };
      }
    }
  }

  const controller = engine.peer('{ingress-controller}');
  const externalCache = new Map<Workload, PeerInfo | undefined>();
  const peerOf = (w: Workload): PeerInfo | undefined => {
    if (!externalCache.has(w)) externalCache.set(w, engine.peerOf(w));
    return externalCache.get(w);
  };

  const policy: PolicyView = {
    isolation,
    flows,
    policiesDeciding: (w, dir) => engine.policiesDeciding(w, dir).map((p) => p.name),
    ingressControllerAllowed(w: Workload, p: PortRef): boolean {
      const dst = peerOf(w);
      if (!controller || !dst || p.protocol !== 'TCP') return false;
      return engine.conns(controller, dst).has('TCP', p.port);
    },
    externalAllowed(w: Workload, p: PortRef): boolean {
      const dst = peerOf(w);
      if (!dst) return false;
      return engine.externalPeers('ingress').some((ext) => engine.conns(ext, dst).has(p.protocol, p.port));
    },
  };
  if (engine.adminTiers) policy.tierDenied = () => tierDenied(analysis);
  if (!analysis.ingressControllerKnown()) policy.controllerAssumed = true;

  return {
    workloads: index.workloads(),
    services: index.services(),
    ingresses: index.ingresses(),
    routes: index.routes(),
    servicePods: (svc) => links.servicePods(svc),
    resolveBackend(backend: Backend, owner: Ingress | Route) {
      const link = links.resolveBackend(owner, backend);
      const written = owner.type === 'route' ? (backend.explicitNamespace?.value ?? owner.namespace) : owner.namespace;
      if (backend.legacyInV1) return { namespace: written, problem: 'serviceName/servicePort are not networking.k8s.io/v1 fields: the API server rejects this backend' };
      if (link.namespace === undefined) {
        return { namespace: written, problem: `no ReferenceGrant in namespace ${written} lets ${owner.kind} ${owner.namespace}/${owner.name} refer to it` };
      }
      return {
        namespace: link.namespace,
        ...(link.service ? { service: link.service } : {}),
        ...(link.servicePort ? { servicePort: link.servicePort } : {}),
      };
    },
    policy,
  };
}

/** `AdminNetworkPolicy guard (priority 5), ingress rule deny-tools: Deny` (plain text: the webview escapes it). */
function ruleText(f: Fact): string {
  const o = f.object;
  if (!o || !f.admin) return f.text;
  const title = o.type === 'adminpolicy' && o.priority ? `${o.kind} ${o.name} (priority ${o.priority.value})` : `${o.kind} ${o.name}`;
  return `${title}, ${f.admin.direction} rule ${f.admin.ruleName}: ${f.admin.action}`;
}

/** The pairs where a cluster tier wins over the NetworkPolicies, as flows with the deciding rules. */
function* tierDenied(analysis: Analysis): Iterable<Flow & { detail: string[] }> {
  for (const d of overriddenByTiers(analysis.explainContext(), MAX_TIER_DENIED_EDGES)) {
    const src = d.src.workloads[0];
    const dst = d.dst.workloads[0];
    if (!src || !dst) continue;
    yield {
      src: { type: 'workload', workload: src },
      dst: { type: 'workload', workload: dst },
      ports: d.overridden.toString(),
      detail: [...d.facts.map((f) => `denied by ${ruleText(f)}`), `NetworkPolicies alone would allow ${d.overridden.toString()}`],
    };
  }
}
