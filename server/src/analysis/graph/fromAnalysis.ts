// Adapts a workspace analysis (index, links, reachability engine) to the graph builder's input.
import type { PeerInfo } from '../reachability';
import type { Analysis } from '../workspaceAnalysis';
import type { Workload } from '../../model/types';
import type { Flow, FlowPeer, GraphInput, PolicyView } from './input';

function flowPeer(p: PeerInfo): FlowPeer | undefined {
  if (p.kind === 'ingress-controller') return { type: 'ingress-controller' };
  if (p.kind === 'external') return { type: 'external', range: p.name.replace(/\[External\]$/, '') };
  const w = p.workloads[0];
  return w ? { type: 'workload', workload: w } : undefined;
}

export function graphInputOf(analysis: Analysis): GraphInput {
  const { index, links } = analysis;
  const hasPolicies = index.networkPolicies().length > 0;
  const policy: PolicyView | undefined = hasPolicies
    ? {
        isolation(w: Workload) {
          const r = analysis.reachability().reachabilityOf(w);
          return { ingress: r.ingress.isolated, egress: r.egress.isolated };
        },
        *flows(): Iterable<Flow> {
          const engine = analysis.reachability();
          for (const pair of engine.pairs()) {
            // Only pairs a policy has a say in: the source isolated for egress or the destination for ingress.
            const srcW = pair.src.workloads[0];
            const dstW = pair.dst.workloads[0];
            const srcIsolated = srcW ? engine.policiesDeciding(srcW, 'egress').length > 0 : false;
            const dstIsolated = dstW ? engine.policiesDeciding(dstW, 'ingress').length > 0 : false;
            if (!srcIsolated && !dstIsolated) continue;
            const src = flowPeer(pair.src);
            const dst = flowPeer(pair.dst);
            if (src && dst) yield { src, dst, ports: pair.conns.toString() };
          }
        },
        ingressControllerAllowed(w, port) {
          const engine = analysis.reachability();
          const peer = engine.peerOf(w);
          const controller = engine.peer('{ingress-controller}');
          return !!peer && !!controller && engine.conns(controller, peer).has(port.protocol, port.port);
        },
        externalAllowed(w, port) {
          const engine = analysis.reachability();
          const peer = engine.peerOf(w);
          if (!peer) return false;
          return engine.externalPeers('ingress').some((ext) => engine.conns(ext, peer).has(port.protocol, port.port));
        },
      }
    : undefined;
  return {
    workloads: index.workloads(),
    services: index.services(),
    ingresses: index.ingresses(),
    routes: index.routes(),
    servicePods: (svc) => links.servicePods(svc),
    resolveBackend(backend, owner) {
      const link = links.resolveBackend(owner, backend);
      const namespace = link.namespace ?? backend.explicitNamespace?.value ?? owner.namespace;
      const problem =
        link.namespace === undefined
          ? `no ReferenceGrant in ${namespace} allows this reference`
          : !link.service
            ? `no Service ${backend.serviceName} in ${namespace}`
            : backend.port !== undefined && !link.servicePort
              ? `Service ${backend.serviceName} has no port ${backend.port}`
              : undefined;
      return {
        namespace,
        ...(link.service ? { service: link.service } : {}),
        ...(link.servicePort ? { servicePort: link.servicePort } : {}),
        ...(problem ? { problem } : {}),
      };
    },
    ...(policy ? { policy } : {}),
  };
}
