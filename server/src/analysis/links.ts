// How objects point at each other: Service selector ↔ workloads, Ingress/route backend → Service →
// service port → targetPort → container ports, StatefulSet serviceName → Service, NetworkPolicy
// podSelector → workloads. Answers come from the index's label and name tables, never a full scan
// of workloads, so they stay cheap at 50k objects.
import { compareByPath } from '../model/identity';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type {
  Backend,
  ContainerPort,
  Ingress,
  LabelSelector,
  NetworkPolicy,
  Route,
  Service,
  ServicePort,
  Workload,
} from '../model/types';
import { backendNamespace, findServicePort } from './routing';
import { isEmptySelector, labelsOf, selectorMatches } from './selectors';

interface BackendLink {
  /** Namespace the Service is looked up in; undefined when a cross-namespace route lacks a ReferenceGrant. */
  namespace?: string;
  service?: Service;
  servicePort?: ServicePort;
  /** The selected workloads with the container ports the service port's targetPort ends in. */
  targets: Array<{ workload: Workload; ports: ContainerPort[] }>;
}

interface BackendReference {
  owner: Ingress | Route;
  backend: Backend;
}

const labelCache = new WeakMap<Workload, Record<string, string>>();

/** Pod labels as a plain record (cached per workload object; objects are replaced, never mutated, on edit). */
export function podLabelsOf(w: Workload): Record<string, string> {
  let labels = labelCache.get(w);
  if (!labels) labelCache.set(w, (labels = labelsOf(w.podLabels)));
  return labels;
}

/** Container ports a service port's targetPort ends in on one workload (name and protocol, or number and protocol). */
export function targetContainerPorts(sp: ServicePort, w: Workload): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of w.containers) {
    if (c.init) continue;
    for (const p of c.ports) {
      if (p.protocol !== sp.protocol) continue;
      if (typeof sp.targetPort === 'number' ? p.containerPort === sp.targetPort : p.name === sp.targetPort) out.push(p);
    }
  }
  return out;
}

/** The workloads of a namespace in path order, lazily: a caller may stop at the first. */
function* workloadsOf(index: WorkspaceIndex, namespace: string): Iterable<Workload> {
  for (const o of index.objectsIn(namespace)) if (o.type === 'workload') yield o;
}

export class Links {
  constructor(private readonly index: WorkspaceIndex) {}

  /** The workloads of a namespace worth testing against a selector: those with its first matchLabels pair, else all. */
  private candidates(namespace: string, selector: LabelSelector): Iterable<Workload> {
    const first = selector.matchLabels[0];
    return first ? this.index.workloadsWithLabel(namespace, first.key, first.value) : workloadsOf(this.index, namespace);
  }

  /** Workloads of a namespace that a selector matches; an empty selector matches them all. */
  workloadsMatching(namespace: string, selector: LabelSelector): Workload[] {
    const out: Workload[] = [];
    for (const w of this.candidates(namespace, selector)) if (selectorMatches(selector, podLabelsOf(w))) out.push(w);
    return selector.matchLabels.length > 0 ? out.sort(compareByPath) : out; // workloadsIn is in path order already
  }

  /** Whether a selector matches any workload of a namespace (workloadsMatching without the list and its sort). */
  anyWorkloadMatches(namespace: string, selector: LabelSelector): boolean {
    for (const w of this.candidates(namespace, selector)) if (selectorMatches(selector, podLabelsOf(w))) return true;
    return false;
  }

  /** Workloads whose pods a Service selects. No selector, or `selector: {}`, selects none by design. */
  servicePods(svc: Service): Workload[] {
    if (!svc.selector || isEmptySelector(svc.selector)) return [];
    return this.workloadsMatching(svc.namespace, svc.selector);
  }

  /** Services of the workload's namespace that select its pods. */
  servicesSelecting(w: Workload): Service[] {
    const out: Service[] = [];
    const labels = podLabelsOf(w);
    for (const o of this.index.objectsIn(w.namespace)) {
      if (o.type === 'service' && o.selector && !isEmptySelector(o.selector) && selectorMatches(o.selector, labels)) out.push(o);
    }
    return out;
  }

  /** NetworkPolicies of the workload's namespace whose podSelector selects it. */
  policiesSelecting(w: Workload): NetworkPolicy[] {
    const out: NetworkPolicy[] = [];
    const labels = podLabelsOf(w);
    for (const o of this.index.objectsIn(w.namespace)) {
      if (o.type === 'networkpolicy' && selectorMatches(o.podSelector, labels)) out.push(o);
    }
    return out;
  }

  policyPods(policy: NetworkPolicy): Workload[] {
    return this.workloadsMatching(policy.namespace, policy.podSelector);
  }

  service(namespace: string, name: string): Service | undefined {
    // The first copy in path order is the one in the analysis (SPEC §2); only a modelled Service counts.
    const first = this.index.lookup('Service', namespace, name)[0];
    return first?.type === 'service' ? first : undefined;
  }

  resolveBackend(owner: Ingress | Route, backend: Backend): BackendLink {
    if (backend.targetKind !== 'Service' || backend.legacyInV1) return { targets: [] };
    const namespace = backendNamespace(owner, backend, this.index.referenceGrants());
    if (namespace === undefined) return { targets: [] };
    const service = this.service(namespace, backend.serviceName);
    if (!service) return { namespace, targets: [] };
    const servicePort = findServicePort(service, backend.port, owner);
    const targets = this.servicePods(service).map((workload) => ({
      workload,
      ports: servicePort ? targetContainerPorts(servicePort, workload) : [],
    }));
    return { namespace, service, ...(servicePort ? { servicePort } : {}), targets };
  }

  /** Ingress and route backends that name this Service. */
  backendsTo(svc: Service): BackendReference[] {
    const out: BackendReference[] = [];
    // Ingresses name Services of their own namespace only: the namespace's objects, not every Ingress
    // (hovers and lenses ask this per Service). Path order, as ingresses() gives them.
    const ingresses = this.index.objectsIn(svc.namespace).filter((o): o is Ingress => o.type === 'ingress');
    for (const owner of [...ingresses, ...this.index.routes()]) {
      for (const backend of owner.backends) {
        if (backend.targetKind !== 'Service' || backend.legacyInV1 || backend.serviceName !== svc.name) continue;
        const ns = owner.type === 'route' ? (backend.explicitNamespace?.value ?? owner.namespace) : owner.namespace;
        if (ns === svc.namespace) out.push({ owner, backend });
      }
    }
    return out;
  }

  /** StatefulSets whose `serviceName` names this Service. */
  statefulSetsUsing(svc: Service): Workload[] {
    const out: Workload[] = [];
    for (const o of this.index.objectsIn(svc.namespace)) {
      if (o.type === 'workload' && o.serviceName?.value === svc.name) out.push(o);
    }
    return out;
  }
}
