// What the cursor is on: the innermost linked node of the object under an offset. Every editor
// feature starts here, so that hover, definition and references agree on what a place means.
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type {
  AdminPolicy,
  AdminRule,
  AdminSelection,
  Backend,
  ContainerPort,
  Ingress,
  K8sObject,
  Located,
  NetworkPolicy,
  PolicyPeer,
  Route,
  Service,
  ServicePort,
  Span,
  Workload,
} from '../model/types';

export type Target =
  | { kind: 'service'; svc: Service; part: 'name' | 'selector' }
  | { kind: 'service-port'; svc: Service; port: ServicePort; part: 'port' | 'targetPort' | 'name' }
  | { kind: 'workload'; w: Workload; part: 'name' | 'labels' | 'selector' }
  | { kind: 'container-port'; w: Workload; port: ContainerPort }
  | { kind: 'statefulset-service'; w: Workload; serviceName: Located<string> }
  | { kind: 'backend'; owner: Ingress | Route; backend: Backend; part: 'service' | 'port' }
  | { kind: 'policy'; np: NetworkPolicy; part: 'name' | 'podSelector' }
  | { kind: 'policy-peer'; np: NetworkPolicy; peer: PolicyPeer; direction: 'ingress' | 'egress'; part: 'podSelector' | 'namespaceSelector' | 'ipBlock' | 'peer' }
  | { kind: 'admin-policy'; ap: AdminPolicy }
  | { kind: 'admin-selection'; ap: AdminPolicy; sel: AdminSelection; rule?: AdminRule; direction?: 'ingress' | 'egress' }
  | { kind: 'object'; obj: K8sObject };

export function within(span: Span | undefined, offset: number): boolean {
  return !!span && span.start <= offset && offset <= span.end;
}

export function objectAt(index: WorkspaceIndex, uri: string, offset: number): K8sObject | undefined {
  const file = index.file(uri);
  if (!file) return undefined;
  let best: K8sObject | undefined;
  for (const o of file.objects) {
    if (within(o.span, offset) && (!best || o.span.end - o.span.start < best.span.end - best.span.start)) best = o;
  }
  return best;
}

export function targetAt(index: WorkspaceIndex, uri: string, offset: number): Target | undefined {
  const obj = objectAt(index, uri, offset);
  if (!obj) return undefined;
  switch (obj.type) {
    case 'service': {
      for (const port of obj.ports) {
        if (within(port.targetPortSpan, offset)) return { kind: 'service-port', svc: obj, port, part: 'targetPort' };
        if (within(port.nameSpan, offset)) return { kind: 'service-port', svc: obj, port, part: 'name' };
        if (within(port.span, offset)) return { kind: 'service-port', svc: obj, port, part: 'port' };
      }
      if (within(obj.selector?.span, offset)) return { kind: 'service', svc: obj, part: 'selector' };
      if (within(obj.nameSpan, offset)) return { kind: 'service', svc: obj, part: 'name' };
      break;
    }
    case 'workload': {
      if (obj.serviceName && within(obj.serviceName.span, offset)) return { kind: 'statefulset-service', w: obj, serviceName: obj.serviceName };
      for (const c of obj.containers) for (const port of c.ports) if (within(port.span, offset)) return { kind: 'container-port', w: obj, port };
      if (within(obj.selector?.span, offset)) return { kind: 'workload', w: obj, part: 'selector' };
      if (within(obj.podLabelsSpan, offset) && obj.podLabels.length > 0) return { kind: 'workload', w: obj, part: 'labels' };
      if (within(obj.nameSpan, offset)) return { kind: 'workload', w: obj, part: 'name' };
      break;
    }
    case 'ingress':
    case 'route': {
      for (const backend of obj.backends) {
        if (within(backend.portSpan, offset)) return { kind: 'backend', owner: obj, backend, part: 'port' };
        if (within(backend.serviceNameSpan, offset) || within(backend.explicitNamespace?.span, offset)) {
          return { kind: 'backend', owner: obj, backend, part: 'service' };
        }
      }
      for (const backend of obj.backends) if (within(backend.span, offset)) return { kind: 'backend', owner: obj, backend, part: 'service' };
      break;
    }
    case 'networkpolicy': {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of obj[direction]) {
          for (const peer of rule.peers ?? []) {
            if (!within(peer.span, offset)) continue;
            if (within(peer.podSelector?.span, offset)) return { kind: 'policy-peer', np: obj, peer, direction, part: 'podSelector' };
            if (within(peer.namespaceSelector?.span, offset)) return { kind: 'policy-peer', np: obj, peer, direction, part: 'namespaceSelector' };
            if (within(peer.ipBlock?.span, offset)) return { kind: 'policy-peer', np: obj, peer, direction, part: 'ipBlock' };
            return { kind: 'policy-peer', np: obj, peer, direction, part: 'peer' };
          }
        }
      }
      if (within(obj.podSelector.span, offset)) return { kind: 'policy', np: obj, part: 'podSelector' };
      if (within(obj.nameSpan, offset)) return { kind: 'policy', np: obj, part: 'name' };
      break;
    }
    case 'adminpolicy': {
      for (const direction of ['ingress', 'egress'] as const) {
        for (const rule of obj[direction]) {
          for (const sel of rule.peers) if (within(sel.span, offset)) return { kind: 'admin-selection', ap: obj, sel, rule, direction };
        }
      }
      if (within(obj.subject.span, offset)) return { kind: 'admin-selection', ap: obj, sel: obj.subject };
      if (within(obj.nameSpan, offset) || within(obj.priority?.span, offset)) return { kind: 'admin-policy', ap: obj };
      break;
    }
  }
  if (within(obj.nameSpan, offset) || within(obj.kindSpan, offset)) return { kind: 'object', obj };
  return undefined;
}
