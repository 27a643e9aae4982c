// Ingress and Gateway API routes → Service → service port → targetPort → container port.
// The ingress controller reaches a pod only on the TCP container ports that this chain ends in.

import type { Backend, Ingress, ReferenceGrant, Route, Service, ServicePort } from '../model/types';
import type { PortDecl } from './reachability/peers';
import { isEmptySelector, selectorMatches } from './selectors';

interface RoutableClass {
  id: number;
  namespace: string;
  labels: Record<string, string>;
  ports: PortDecl[];
}

/** A Service selects the pods of its namespace whose labels contain its selector; no selector or `{}` selects none. */
export function serviceSelects(svc: Service, c: { namespace: string; labels: Record<string, string> }): boolean {
  if (!svc.selector || isEmptySelector(svc.selector)) return false;
  return c.namespace === svc.namespace && selectorMatches(svc.selector, c.labels);
}

/** The container port a service port ends in on a pod with these ports, if the pod declares it. */
export function resolveTargetPort(sp: ServicePort, ports: PortDecl[]): PortDecl | undefined {
  if (typeof sp.targetPort === 'number') return ports.find((p) => p.port === sp.targetPort && p.protocol === sp.protocol);
  return ports.find((p) => p.name === sp.targetPort && p.protocol === sp.protocol);
}

/**
 * The Service port a backend port names: by number or name. For an Ingress, failing that, a number
 * equal to a port's numeric `targetPort` (ingress-nginx and netpol-analyzer route it; other
 * controllers reject it, which `byTargetPort` tells). Gateway API routes get no such leniency.
 */
export function findServicePort(svc: Service, port: number | string | undefined, owner?: Ingress | Route): ServicePort | undefined {
  if (port === undefined) return undefined; // both Ingress and Gateway API require a port for a Service
  if (typeof port === 'string') return svc.ports.find((p) => p.name === port);
  const exact = svc.ports.find((p) => p.port === port);
  return exact ?? (owner?.type === 'ingress' ? svc.ports.find((p) => p.targetPort === port) : undefined);
}

/** Whether a backend port matched its Service port only through the port's targetPort. */
export function byTargetPort(sp: ServicePort, port: number | string | undefined): boolean {
  return typeof port === 'number' && sp.port !== port;
}

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/** The namespace of the Service a backend names, or undefined when a cross-namespace reference lacks a ReferenceGrant. */
export function backendNamespace(
  owner: Ingress | Route,
  b: Backend,
  grants: readonly ReferenceGrant[],
): string | undefined {
  const target = b.explicitNamespace?.value;
  if (owner.type !== 'route' || target === undefined || target === owner.namespace) return owner.namespace;
  // A mesh consumer route (GAMMA) may send to the Service it is attached to without a grant.
  if (owner.parentServices?.some((p) => p.name === b.serviceName && p.namespace === target)) return target;
  const granted = grants.some(
    (g) =>
      g.namespace === target &&
      g.from.some((f) => f.group === GATEWAY_GROUP && f.kind === owner.kind && f.namespace === owner.namespace) &&
      g.to.some((t) => t.group === '' && t.kind === 'Service' && (t.name === undefined || t.name === b.serviceName)),
  );
  return granted ? target : undefined;
}

export interface BackendTarget {
  service?: Service;
  servicePort?: ServicePort;
  /** Pods (by class) the backend ends in, with the container port, when it resolves. */
  targets: Array<{ classId: number; port?: PortDecl }>;
}

export function resolveBackend(
  owner: Ingress | Route,
  b: Backend,
  services: { get(key: string): Service | undefined },
  grants: readonly ReferenceGrant[],
  classesInNamespace: (ns: string) => Iterable<RoutableClass>,
): BackendTarget {
  if (b.targetKind !== 'Service' || b.legacyInV1) return { targets: [] };
  const ns = backendNamespace(owner, b, grants);
  if (ns === undefined) return { targets: [] };
  const service = services.get(`${ns}/${b.serviceName}`);
  if (!service) return { targets: [] };
  const servicePort = findServicePort(service, b.port, owner);
  const targets: BackendTarget['targets'] = [];
  for (const c of classesInNamespace(ns)) {
    if (!serviceSelects(service, c)) continue;
    targets.push({ classId: c.id, port: servicePort ? resolveTargetPort(servicePort, c.ports) : undefined });
  }
  return { service, servicePort, targets };
}
