// Verdicts the editor asks for: can anything reach a Service port's target, and the open world
// (representative peers and exposure) those verdicts read.

import type { Protocol, Service, ServicePort, Workload } from '../../model/types';
import { resolveTargetPort, serviceSelects } from '../routing';
import { classesIn } from './classes';
import { controllerReaches } from './controller';
import { OpenWorld } from './exposure';
import { resolvePorts, type CompiledRule } from './policies';
import { classConn, decidersOf, externalPeers, row, side, sideExt } from './rows';
import { policyOrder, type Direction, type EngineState, type PodClass, type Senders } from './state';

export interface ServicePortReachability {
  reachable: boolean;
  targets: Array<{ workload: Workload; port?: number; protocol: Protocol; reachable: boolean }>;
}

/**
 * Whether anything (another workload, an outside address, the ingress controller) can reach a
 * Service port's target on the pods it selects.
 */
export function servicePortReachability(s: EngineState, svc: Service, sp: ServicePort): ServicePortReachability {
  const targets: ServicePortReachability['targets'] = [];
  for (const c of classesIn(s, svc.namespace)) {
    if (c.controller || !serviceSelects(svc, c)) continue;
    const decl = resolveTargetPort(sp, c.ports);
    const port = decl?.port ?? (typeof sp.targetPort === 'number' ? sp.targetPort : undefined);
    const reachable = port !== undefined && portReachable(s, c, sp.protocol, port);
    for (const w of c.workloads) targets.push({ workload: w, port, protocol: sp.protocol, reachable });
  }
  return { reachable: targets.some((t) => t.reachable), targets };
}

function portReachable(s: EngineState, d: PodClass, protocol: Protocol, port: number): boolean {
  if (s.admin) return portReachableThroughTiers(s, d, protocol, port);
  // Straight from the deciding policies' rules, without building d's ingress row: a class with
  // its own container ports often has a row of its own.
  const deciders = decidersOf(s, 'ingress', d.id);
  if (deciders.length === 0) return true;
  for (const cp of deciders) {
    for (const r of cp.ingress ?? []) {
      if (!resolvePorts(r.ports, d).has(protocol, port)) continue;
      // Outside addresses send freely; rules without `from` carry every address, so they are covered here.
      // `namespaceSelector: {}` admits every pod of the cluster, those defined elsewhere included.
      if (r.ips.length || r.entireCluster) return true;
      const senders = sendersOf(s, r);
      if (senders.open) return true;
      if (senders.controller && controllerReaches(s, d, protocol, port)) return true;
      // Every other sender is egress-isolated: one of its policies must have a rule that reaches d there.
      for (const eg of senders.policies) {
        for (const e of eg.egress ?? []) {
          if ((e.allPeers || e.classes.has(d.id)) && resolvePorts(e.ports, d).has(protocol, port)) return true;
        }
      }
      // Representatives (pods the workspace does not define) last: after a policy edit the first
      // read of them goes over every policy (~40 ms at L), which a sender found above spares.
      if (openWorld(s).ruleAdmitsOutside(cp, r)) return true;
    }
  }
  return false;
}

/** portReachable with ANP/BANP tiers: any class (the controller included) or outside address, one by one. */
function portReachableThroughTiers(s: EngineState, d: PodClass, protocol: Protocol, port: number): boolean {
  const ing = row(s, 'ingress', d);
  for (const ext of externalPeers(s, 'ingress')) if (sideExt(s, 'ingress', d, ing, ext.range[0]).has(protocol, port)) return true;
  // Pods the workspace does not define (the entire cluster, representative peers), as the exposure
  // reads them through the tiers: a representative an ANP/BANP subject selects has its own egress decided too.
  const x = openWorld(s).exposure(d, 'ingress');
  if (!x.protected || x.entireCluster.has(protocol, port) || x.representatives.some((l) => l.conns.has(protocol, port))) return true;
  // Host-network senders' egress is not reliably policed (SPEC §3): only d's ingress counts for them.
  for (const a of s.classById.values()) {
    const conns = a.workloads.some((w) => w.hostNetwork) ? side(s, 'ingress', d, a, ing, d) : classConn(s, a, d);
    if (conns.has(protocol, port)) return true;
  }
  return false;
}

/**
 * The classes an ingress rule admits, summarised for "can anything send here": whether one of
 * them has open egress, whether the controller is among them, and the egress policies of the
 * others. One pass over the rule's classes serves every destination it decides (cleared on
 * every update).
 */
function sendersOf(s: EngineState, r: CompiledRule): Senders {
  let found = s.senders.get(r);
  if (found) return found;
  found = { open: false, controller: false, policies: new Set() };
  s.senders.set(r, found);
  for (const id of r.classes) {
    const c = s.classById.get(id);
    if (!c) continue;
    if (c.controller) {
      found.controller = true;
      continue;
    }
    const deciders = decidersOf(s, 'egress', id);
    // A host-network pod's egress is not reliably policed (SPEC §3): it counts as a free sender.
    if (deciders.length === 0 || c.workloads.some((w) => w.hostNetwork)) {
      found.open = true;
      found.policies.clear();
      break;
    }
    for (const cp of deciders) found.policies.add(cp);
  }
  return found;
}

/** Representative peers and exposure (SPEC §3 open world), for the engine's current state. */
export function openWorld(s: EngineState): OpenWorld {
  if (s.openWorldOf?.epoch !== s.epoch) {
    const source = {
      classVersion: `${s.nextClassId}/${s.classById.size}`,
      policies: policyOrder(s),
      classesByNamespace: s.classesByNs,
      classById: s.classById,
      nextClassId: s.nextClassId,
      deciders: (dir: Direction, id: number) => s.selecting[dir].get(id),
      admin: s.admin,
    };
    const world = new OpenWorld(source, s.openWorldOf?.world);
    s.openWorldOf = { epoch: s.epoch, world };
  }
  return s.openWorldOf.world;
}
