// The ingress controller: which TCP container ports Ingresses and routes lead it to, and whether
// it may reach a pod there (routing, then the policies of both ends).

import { mustGet } from '../../model/collections';
import type { Backend, Ingress, Protocol, ReferenceGrant, Route, Service, ServicePort, Workload } from '../../model/types';
import { backendNamespace, resolveBackend, type BackendTarget } from '../routing';
import { classesIn } from './classes';
import { ConnSet } from './connset';
import { resolvePorts } from './policies';
import { classConn, decidersOf, row, rowConn } from './rows';
import { controllerClassOf, pushTo, StaleRoutes, type EngineState, type PodClass, type RoutedCache } from './state';

/**
 * Where Ingresses and routes send the controller, per class. A backend ends in classes of the
 * namespace of its Service, so when only classes or Services change (a workload or Service edit)
 * the namespaces whose classes came or went, or whose Services changed, are worked out again
 * (`staleRoutes`), from the backends that end there; a change of Ingresses, routes or grants
 * starts over. (Starting over on a Service edit cost ~45 ms at L: every backend resolved again.)
 */
function routes(s: EngineState): Map<number, ConnSet> {
  const cache = (s.routedCache ??= routesFromScratch(s));
  if (s.staleRoutes.size === 0) return cache.routed;
  for (const id of s.staleRoutes.goneClasses) cache.routed.delete(id);
  for (const ns of s.staleRoutes.namespaces) {
    for (const c of classesIn(s, ns)) cache.routed.delete(c.id);
    for (const { owner, backend } of cache.backendsByNs.get(ns) ?? []) addRoutes(cache.routed, resolve(s, owner, backend));
  }
  s.staleRoutes = new StaleRoutes();
  return cache.routed;
}

/**
 * After an update: a change of Ingresses, routes or grants starts the routes over; classes that
 * came or went, and changed Services, make their namespaces' stale.
 */
export function routesChanged(s: EngineState, routingChanged: boolean, serviceNamespaces: ReadonlySet<string>, gone: readonly PodClass[], added: readonly PodClass[]): void {
  if (routingChanged) s.routedCache = undefined;
  else {
    for (const c of [...gone, ...added]) s.staleRoutes.namespaces.add(c.namespace);
    for (const ns of serviceNamespaces) s.staleRoutes.namespaces.add(ns);
    for (const c of gone) s.staleRoutes.goneClasses.push(c.id);
  }
}

function routesFromScratch(s: EngineState): RoutedCache {
  s.staleRoutes = new StaleRoutes();
  const cache: RoutedCache = { routed: new Map(), backendsByNs: new Map() };
  for (const { owner, backend } of backends(s)) {
    // Filed by the namespace its Service is looked up in, found or not: a Service added there later
    // makes it resolve (a backend that can end nowhere until routing changes is not filed).
    const ns = backend.targetKind === 'Service' && !backend.legacyInV1 ? backendNamespace(owner, backend, grantsOf(s)) : undefined;
    if (ns === undefined) continue;
    pushTo(cache.backendsByNs, ns, { owner, backend });
    addRoutes(cache.routed, resolve(s, owner, backend));
  }
  return cache;
}

function addRoutes(routed: Map<number, ConnSet>, t: BackendTarget): void {
  if (!t.servicePort || t.servicePort.protocol !== 'TCP') return;
  for (const { classId, port } of t.targets) {
    if (!port || port.protocol !== 'TCP') continue;
    routed.set(classId, (routed.get(classId) ?? ConnSet.EMPTY).union(ConnSet.range('TCP', port.port, port.port)));
  }
}

/** The TCP ports the controller is routed to on a class's pods. */
export function routedTo(s: EngineState, d: PodClass): ConnSet {
  return routes(s).get(d.id) ?? ConnSet.EMPTY;
}

function* backends(s: EngineState): Iterable<{ owner: Ingress | Route; backend: Backend }> {
  for (const owner of [...s.ingressSet, ...s.routeSet]) {
    for (const backend of owner.backends) yield { owner, backend };
  }
}

function resolve(s: EngineState, owner: Ingress | Route, backend: Backend): BackendTarget {
  const byKey = s.servicesByKey;
  const services = { get: (key: string): Service | undefined => byKey.get(key)?.[0] };
  return resolveBackend(owner, backend, services, grantsOf(s), (ns) => classesIn(s, ns).filter((c) => !c.controller));
}

function grantsOf(s: EngineState): readonly ReferenceGrant[] {
  return (s.grantList ??= [...s.grantSet]);
}

/**
 * `classConn(controller, d).has(protocol, port)`, read from d's deciding rules rather than from
 * its ingress row (which a class with ports of its own does not share).
 */
export function controllerReaches(s: EngineState, d: PodClass, protocol: Protocol, port: number): boolean {
  if (d.controller || !routedTo(s, d).has(protocol, port)) return false;
  const ctrl = controllerClassOf(s);
  if (s.admin) return classConn(s, ctrl, d).has(protocol, port);
  if (!rowConn(row(s, 'egress', ctrl), d, d).has(protocol, port)) return false;
  const deciders = decidersOf(s, 'ingress', d.id);
  if (deciders.length === 0) return true;
  for (const cp of deciders) {
    for (const r of cp.ingress ?? []) {
      if ((r.allPeers || r.classes.has(ctrl.id)) && resolvePorts(r.ports, d).has(protocol, port)) return true;
    }
  }
  return false;
}

export interface BackendReachability {
  service?: Service;
  servicePort?: ServicePort;
  targets: Array<{ workload: Workload; port?: number; reachable: boolean }>;
  reachable: boolean;
}

/** Where an Ingress or route backend ends, and whether the ingress controller may reach each pod there. */
export function backendReachability(s: EngineState, owner: Ingress | Route, backend: Backend): BackendReachability {
  const t = resolve(s, owner, backend);
  const targets: BackendReachability['targets'] = [];
  for (const { classId, port } of t.targets) {
    const c = mustGet(s.classById, classId);
    const reachable = !!port && port.protocol === 'TCP' && controllerReaches(s, c, 'TCP', port.port);
    for (const w of c.workloads) targets.push({ workload: w, port: port?.port, reachable });
  }
  return { service: t.service, servicePort: t.servicePort, targets, reachable: targets.some((x) => x.reachable) };
}
