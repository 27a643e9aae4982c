// Go to definition and find references across every link (SPEC §6).
import { workloadsSelectedBy } from '../analysis/reachability/adminWorkspace';
import { targetContainerPorts } from '../analysis/links';
import { selectorMatches } from '../analysis/selectors';
import type { K8sObject, Span, Workload } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { targetAt } from './locate';

export interface SourceLocation {
  uri: string;
  span: Span;
}

const at = (o: { uri: string; nameSpan: Span }): SourceLocation => ({ uri: o.uri, span: o.nameSpan });

function workloadLabelsAt(w: Workload): SourceLocation {
  return { uri: w.uri, span: w.podLabels.length ? w.podLabelsSpan : w.nameSpan };
}

function namespaceObjects(analysis: Analysis, names: string[]): SourceLocation[] {
  const wanted = new Set(names);
  return analysis.index.namespaceObjects().filter((n) => wanted.has(n.name)).map(at);
}

/** Locations in path order (file, then place): never in the order the files were read. */
function sortLocations(locs: SourceLocation[]): SourceLocation[] {
  return locs.sort((a, b) => (a.uri !== b.uri ? (a.uri < b.uri ? -1 : 1) : a.span.start - b.span.start || a.span.end - b.span.end));
}

/** Where the thing under the cursor points to, in path order. */
export function definition(analysis: Analysis, uri: string, offset: number): SourceLocation[] {
  return sortLocations(definitionOf(analysis, uri, offset));
}

function definitionOf(analysis: Analysis, uri: string, offset: number): SourceLocation[] {
  const t = targetAt(analysis.index, uri, offset);
  if (!t) return [];
  const { links } = analysis;
  switch (t.kind) {
    case 'backend': {
      const link = links.resolveBackend(t.owner, t.backend);
      if (!link.service) return [];
      if (t.part === 'port' && link.servicePort) return [{ uri: link.service.uri, span: link.servicePort.span }];
      return [at(link.service)];
    }
    case 'service':
      return links.servicePods(t.svc).map(workloadLabelsAt);
    case 'service-port':
      return links.servicePods(t.svc).flatMap((w) => targetContainerPorts(t.port, w).map((p) => ({ uri: w.uri, span: p.span })));
    case 'statefulset-service': {
      const svc = links.service(t.w.namespace, t.serviceName.value);
      return svc ? [at(svc)] : [];
    }
    case 'workload':
      return t.part === 'selector' ? [workloadLabelsAt(t.w)] : links.servicesSelecting(t.w).map(at);
    case 'container-port':
      return [];
    case 'policy':
      return links.policyPods(t.np).map(workloadLabelsAt);
    case 'policy-peer': {
      if (t.peer.ipBlock) return [];
      const nsSel = t.peer.namespaceSelector;
      const namespaces = nsSel ? [...analysis.index.namespaceLabels()].filter(([, l]) => selectorMatches(nsSel, l)).map(([n]) => n) : [t.np.namespace];
      if (t.part === 'namespaceSelector') return namespaceObjects(analysis, namespaces);
      const podSel = t.peer.podSelector;
      return namespaces.flatMap((ns) => (podSel ? links.workloadsMatching(ns, podSel) : analysis.index.workloadsIn(ns))).map(workloadLabelsAt);
    }
    case 'admin-policy':
      return workloadsSelectedBy(t.ap.subject, analysis.index.workloads(), analysis.index.namespaceLabels()).workloads.map(workloadLabelsAt);
    case 'admin-selection':
      return workloadsSelectedBy(t.sel, analysis.index.workloads(), analysis.index.namespaceLabels()).workloads.map(workloadLabelsAt);
    case 'object':
      return [];
  }
}

/** Everything that points at the thing under the cursor (plus its own declaration when asked). */
export function references(analysis: Analysis, uri: string, offset: number, includeDeclaration: boolean): SourceLocation[] {
  const t = targetAt(analysis.index, uri, offset);
  if (!t) return [];
  const { links } = analysis;
  let decl: K8sObject | undefined;
  let refs: SourceLocation[] = [];
  switch (t.kind) {
    case 'service':
    case 'service-port': {
      decl = t.svc;
      refs = [
        ...links.backendsTo(t.svc).map((r) => ({ uri: r.owner.uri, span: r.backend.serviceNameSpan })),
        ...links.statefulSetsUsing(t.svc).flatMap((w) => (w.serviceName ? [{ uri: w.uri, span: w.serviceName.span }] : [])),
      ];
      break;
    }
    case 'backend': {
      const link = links.resolveBackend(t.owner, t.backend);
      if (!link.service) return [];
      return references(analysis, link.service.uri, link.service.nameSpan.start, includeDeclaration);
    }
    case 'workload':
    case 'container-port': {
      decl = t.w;
      refs = [
        ...links.servicesSelecting(t.w).flatMap((s) => (s.selector ? [{ uri: s.uri, span: s.selector.span }] : [])),
        ...links.policiesSelecting(t.w).map((p) => ({ uri: p.uri, span: p.podSelector.span })),
      ];
      if (t.kind === 'container-port') {
        refs = links
          .servicesSelecting(t.w)
          .flatMap((s) => s.ports.filter((sp) => targetContainerPorts(sp, t.w).includes(t.port)).map((sp) => ({ uri: s.uri, span: sp.targetPortSpan ?? sp.portSpan })));
      }
      break;
    }
    case 'statefulset-service': {
      const svc = links.service(t.w.namespace, t.serviceName.value);
      return svc ? references(analysis, svc.uri, svc.nameSpan.start, includeDeclaration) : [];
    }
    case 'policy':
    case 'policy-peer':
      decl = t.np;
      refs = links.policyPods(t.np).map(workloadLabelsAt);
      break;
    case 'object':
      decl = t.obj;
      break;
  }
  sortLocations(refs);
  return includeDeclaration && decl ? [at(decl), ...refs] : refs;
}
