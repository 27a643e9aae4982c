// One-line summaries above Services, workloads, Ingresses/routes and NetworkPolicies (SPEC §6).
import type { DirectionReport } from '../analysis/reachability';
import type { K8sObject, Span } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { HOST_NETWORK_LENS, onHostNetwork } from './hostNetwork';
import { definition, references, type SourceLocation } from './navigation';
import { outsideOf, outsideSummary } from './openWorld';

export interface Lens {
  /** Where the lens stands (the object's kind line). */
  span: Span;
  title: string;
  /** Locations to show when clicked; absent: the click shows the hover at `hoverAt`. */
  locations?: SourceLocation[];
  hoverAt?: number;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `ingress: open`, `ingress: denied`, `ingress: 2 peers`, `ingress: 2 peers + namespaces role=edge` (pods outside the workspace). */
function directionSummary(label: string, r: DirectionReport, hostNetwork = false, outside = ''): string {
  if (!r.isolated) return `${label}: open`;
  if (hostNetwork) return `${label}: ${HOST_NETWORK_LENS}`;
  const cut = outside.length > 60 ? `${outside.slice(0, 59)}…` : outside;
  if (r.allowed.length === 0) return cut ? `${label}: ${cut}` : `${label}: denied`;
  return `${label}: ${r.allowed.length === 1 ? '1 peer' : `${r.allowed.length} peers`}${cut ? ` + ${cut}` : ''}`;
}

export function codeLenses(analysis: Analysis, uri: string): Lens[] {
  const file = analysis.index.file(uri);
  if (!file) return [];
  const out: Lens[] = [];
  for (const obj of file.objects) {
    const lens = lensFor(analysis, obj);
    if (lens) out.push(lens);
  }
  return out;
}

function lensFor(analysis: Analysis, obj: K8sObject): Lens | undefined {
  const { links } = analysis;
  switch (obj.type) {
    case 'service': {
      if (obj.serviceType === 'ExternalName') return { span: obj.kindSpan, title: `ExternalName → ${obj.externalName ?? '?'}` };
      if (!obj.selector) return { span: obj.kindSpan, title: 'no selector: endpoints managed by hand' };
      const pods = links.servicePods(obj);
      const routed = links.backendsTo(obj).length;
      const replicas = pods.reduce((n, w) => n + (w.kind === 'DaemonSet' ? 1 : (w.replicas ?? 1)), 0);
      const parts = [pods.length === 0 ? 'selects nothing' : `→ ${plural(pods.length, 'workload')} (${plural(replicas, 'pod')})`];
      if (routed) parts.push(`routed from ${plural(routed, 'backend')}`);
      if (obj.serviceType === 'LoadBalancer' || obj.serviceType === 'NodePort') parts.push(`exposed: ${obj.serviceType}`);
      return { span: obj.kindSpan, title: parts.join(' · '), locations: definition(analysis, obj.uri, (obj.selector ?? obj).span.start) };
    }
    case 'workload': {
      const r = analysis.reachability().reachabilityOf(obj);
      const services = links.servicesSelecting(obj).length;
      return {
        span: obj.kindSpan,
        title: [
          directionSummary('ingress', r.ingress, onHostNetwork(obj), outsideSummary(outsideOf(analysis, obj, 'ingress'))),
          directionSummary('egress', r.egress, onHostNetwork(obj), outsideSummary(outsideOf(analysis, obj, 'egress'))),
          plural(services, 'Service'),
        ].join(' · '),
        hoverAt: obj.nameSpan.start,
      };
    }
    case 'ingress':
    case 'route': {
      let ok = 0;
      let pods = 0;
      for (const b of obj.backends) {
        const link = links.resolveBackend(obj, b);
        if (link.service && (b.port === undefined || link.servicePort)) ok++;
        pods += link.targets.length;
      }
      return {
        span: obj.kindSpan,
        title: `${ok}/${plural(obj.backends.length, 'backend')} resolved · → ${plural(pods, 'workload')}`,
        locations: obj.backends.flatMap((b) => definition(analysis, obj.uri, b.serviceNameSpan.start)),
      };
    }
    case 'networkpolicy': {
      const pods = links.policyPods(obj).length;
      return {
        span: obj.kindSpan,
        title: `selects ${plural(pods, 'workload')} · isolates ${obj.policyTypes.map((t) => t.toLowerCase()).join(' + ') || 'nothing'}`,
        locations: references(analysis, obj.uri, obj.nameSpan.start, false),
      };
    }
    default:
      return undefined;
  }
}
