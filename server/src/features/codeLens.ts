// One-line summaries above Services, workloads, Ingresses/routes and NetworkPolicies (SPEC §6).
import type { DirectionReport } from '../analysis/reachability';
import type { K8sObject, Span } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { workloadsSelectedBy } from '../analysis/reachability/adminWorkspace';
import { HOST_NETWORK_LENS, onHostNetwork } from './hostNetwork';
import { definition, references, type SourceLocation } from './navigation';
import { outsideOf, outsideSummary } from './openWorld';
import { lensText, lensTitle } from './text';

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

/**
 * `ingress: open`, `ingress: denied`, `ingress: 2 peers`, `ingress: 2 peers + namespaces role=edge` (pods outside the workspace).
 * `tiers`: ANP/BANP rules apply, so "open" would overstate: the peers are counted.
 */
function directionSummary(label: string, r: DirectionReport, hostNetwork = false, outside = '', tiers = false): string {
  if (!r.isolated && !tiers) return `${label}: open`;
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
    // Titles carry manifest strings (names, labels of outside peers): no `$(icon)` may act, no title runs on.
    if (lens) out.push({ ...lens, title: lensTitle(lens.title) });
  }
  return out;
}

function lensFor(analysis: Analysis, obj: K8sObject): Lens | undefined {
  const { links } = analysis;
  switch (obj.type) {
    case 'service': {
      if (obj.serviceType === 'ExternalName') return { span: obj.kindSpan, title: `ExternalName → ${lensText(obj.externalName ?? '?')}` };
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
      const engine = analysis.reachability();
      const r = engine.reachabilityOf(obj);
      const services = links.servicesSelecting(obj).length;
      // Where an ANP or BANP has rules for the pods, "open" would overstate: count the peers instead.
      const tiers = (dir: 'ingress' | 'egress'): boolean => engine.adminPoliciesDeciding(obj, dir).length > 0;
      return {
        span: obj.kindSpan,
        title: [
          directionSummary('ingress', r.ingress, onHostNetwork(obj), outsideSummary(outsideOf(analysis, obj, 'ingress')), tiers('ingress')),
          directionSummary('egress', r.egress, onHostNetwork(obj), outsideSummary(outsideOf(analysis, obj, 'egress')), tiers('egress')),
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
    case 'adminpolicy': {
      const found = workloadsSelectedBy(obj.subject, analysis.index.workloads(), analysis.index.namespaceLabels());
      const where = obj.kind === 'AdminNetworkPolicy' ? `priority ${obj.priority?.value ?? '?'}` : 'baseline';
      const rules = `${plural(obj.ingress.length, 'ingress rule')}, ${plural(obj.egress.length, 'egress rule')}`;
      return {
        span: obj.kindSpan,
        title: obj.issues.length
          ? 'not evaluated: the API server would reject it'
          : `${where} · subject: ${plural(found.workloads.length, 'workload')} in ${plural(new Set(found.workloads.map((w) => w.namespace)).size, 'namespace')} · ${rules}`,
        locations: found.workloads.map((w) => ({ uri: w.uri, span: w.podLabels.length ? w.podLabelsSpan : w.nameSpan })),
      };
    }
    default:
      return undefined;
  }
}
