// Hover (SPEC §6): what a Service, workload, backend or NetworkPolicy links to, and who may reach it.
// Every string that came from a manifest goes through `code()` or `escapeMarkdown()`.
import type { Allowed, DirectionReport } from '../analysis/reachability';
import { podLabelsOf, targetContainerPorts } from '../analysis/links';
import { isEmptySelector, selectorMatches } from '../analysis/selectors';
import { positionAt } from '../model/positions';
import type { Backend, Ingress, K8sObject, NetworkPolicy, PolicyPeer, Route, Service, ServicePort, Span, Workload } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { adminPolicyHover, adminSelectionHover, adminTierLines, adminTitle } from './adminHover';
import { selectorText } from './diagnostics';
import { HOST_NETWORK_NOTE, onHostNetwork } from './hostNetwork';
import { targetAt, type Target } from './locate';
import { decidingRules, tierDenialLines } from './explainHover';
import { code, escapeMarkdown, replicasText } from './text';
import { outsideItems, outsideNames, outsideOf } from './openWorld';
import { controllerLines, peerOutsideLines, policyOutsideLines } from './openWorldHover';

export interface HoverResult {
  markdown: string;
  span: Span;
}

const MAX_LIST = 12;

/** A markdown link that opens the object (a `file:` URI with a `#L<line>` fragment). */
function linkTo(analysis: Analysis, obj: { uri: string; nameSpan: Span }, label: string): string {
  const file = analysis.index.file(obj.uri);
  const line = file ? positionAt(file.lineStarts, obj.nameSpan.start).line + 1 : 1;
  return `[${escapeMarkdown(label)}](${obj.uri}#L${line})`;
}

function objectLink(analysis: Analysis, o: K8sObject): string {
  if (o.type === 'adminpolicy') return linkTo(analysis, o, adminTitle(o)); // cluster-scoped
  return linkTo(analysis, o, `${o.kind} ${o.namespace}/${o.name}`);
}

function list(items: string[], empty: string): string {
  if (items.length === 0) return `_${empty}_`;
  const shown = items.slice(0, MAX_LIST).map((i) => `- ${i}`);
  if (items.length > MAX_LIST) shown.push(`- … and ${items.length - MAX_LIST} more`);
  return shown.join('\n');
}

export function hover(analysis: Analysis, uri: string, offset: number): HoverResult | undefined {
  const target = targetAt(analysis.index, uri, offset);
  if (!target) return undefined;
  const markdown = render(analysis, target);
  if (!markdown) return undefined;
  return { markdown, span: spanOfTarget(target) };
}

function spanOfTarget(t: Target): Span {
  switch (t.kind) {
    case 'service':
      return t.part === 'selector' && t.svc.selector ? t.svc.selector.span : t.svc.nameSpan;
    case 'service-port':
      return t.part === 'targetPort' && t.port.targetPortSpan ? t.port.targetPortSpan : t.part === 'name' && t.port.nameSpan ? t.port.nameSpan : t.port.span;
    case 'workload':
      return t.part === 'selector' && t.w.selector ? t.w.selector.span : t.part === 'labels' ? t.w.podLabelsSpan : t.w.nameSpan;
    case 'container-port':
      return t.port.span;
    case 'statefulset-service':
      return t.serviceName.span;
    case 'backend':
      return t.part === 'port' && t.backend.portSpan ? t.backend.portSpan : t.backend.serviceNameSpan;
    case 'policy':
      return t.part === 'podSelector' ? t.np.podSelector.span : t.np.nameSpan;
    case 'policy-peer': {
      const part = t.part === 'podSelector' ? t.peer.podSelector : t.part === 'namespaceSelector' ? t.peer.namespaceSelector : t.part === 'ipBlock' ? t.peer.ipBlock : undefined;
      return part?.span ?? t.peer.span;
    }
    case 'admin-policy':
      return t.ap.nameSpan;
    case 'admin-selection':
      return t.sel.span;
    case 'object':
      return t.obj.nameSpan;
  }
}

function render(analysis: Analysis, t: Target): string | undefined {
  switch (t.kind) {
    case 'service':
      return serviceHover(analysis, t.svc);
    case 'service-port':
      return servicePortHover(analysis, t.svc, t.port);
    case 'workload':
      return workloadHover(analysis, t.w);
    case 'container-port': {
      const services = analysis.links.servicesSelecting(t.w).filter((s) => s.ports.some((sp) => targetContainerPorts(sp, t.w).includes(t.port)));
      return [
        `**Container port** ${code(`${t.port.name ? t.port.name + ' ' : ''}${t.port.containerPort}/${t.port.protocol}`)} of ${code(`${t.w.namespace}/${t.w.name}`)}`,
        '',
        'Targeted by:',
        list(
          services.flatMap((s) => s.ports.filter((sp) => targetContainerPorts(sp, t.w).includes(t.port)).map((sp) => `${objectLink(analysis, s)} ${code(portChain(sp, t.w))}`)),
          'no Service port targets it',
        ),
      ].join('\n');
    }
    case 'statefulset-service': {
      const name = t.serviceName.value;
      const svc = analysis.links.service(t.w.namespace, name);
      const n = t.w.replicas ?? 1;
      const pods = Array.from({ length: Math.min(n, 3) }, (_, i) => code(`${t.w.name}-${i}.${name}.${t.w.namespace}.svc.cluster.local`));
      return [
        `**Governing Service** ${code(name)}`,
        '',
        svc ? `${objectLink(analysis, svc)}${svc.headless ? ' (headless)' : ' — **not headless**: pods get no stable DNS names'}` : `_no Service ${code(name)} in namespace ${code(t.w.namespace)}_`,
        '',
        `Pod DNS names: ${pods.join(', ')}${n > 3 ? ', …' : ''}`,
      ].join('\n');
    }
    case 'backend':
      return backendHover(analysis, t.owner, t.backend);
    case 'policy':
      return policyHover(analysis, t.np);
    case 'policy-peer':
      return peerHover(analysis, t.np, t.peer, t.direction);
    case 'admin-policy':
      return adminPolicyHover(analysis, (o, l) => linkTo(analysis, o, l), list, t.ap);
    case 'admin-selection':
      return adminSelectionHover(analysis, (o, l) => linkTo(analysis, o, l), list, t.ap, t.sel, t.rule, t.direction);
    case 'object':
      return undefined;
  }
}

// ---------- Services ----------

function portChain(sp: ServicePort, w: Workload): string {
  const targets = targetContainerPorts(sp, w);
  const head = `${sp.port}${sp.name ? ` (${sp.name})` : ''}`;
  const mid = typeof sp.targetPort === 'string' ? ` → ${sp.targetPort}` : '';
  if (targets.length === 0) {
    return typeof sp.targetPort === 'number' ? `${head} → ${w.name}:${sp.targetPort}/${sp.protocol} (not declared)` : `${head}${mid} → ${w.name}: no such port`;
  }
  const t = targets[0];
  return `${head}${mid} → ${w.name}:${t.containerPort}/${t.protocol}`;
}

function exposure(svc: Service): string {
  switch (svc.serviceType) {
    case 'NodePort':
      return `NodePort: reachable on ${svc.ports.map((p) => (p.nodePort ? code(String(p.nodePort)) : 'an allocated port')).join(', ')} of every node, and inside the cluster`;
    case 'LoadBalancer':
      return 'LoadBalancer: exposed outside the cluster by a cloud load balancer (and on a node port of every node)';
    case 'ExternalName':
      return `ExternalName: a DNS alias (CNAME) for ${code(svc.externalName ?? '')}; no pods, no proxying`;
    default:
      return svc.headless ? 'Headless (clusterIP: None): DNS returns the pod addresses directly; cluster-only' : 'ClusterIP: reachable only inside the cluster';
  }
}

function serviceHover(analysis: Analysis, svc: Service): string {
  const lines = [`**Service** ${code(`${svc.namespace}/${svc.name}`)}`, '', exposure(svc), ''];
  if (svc.serviceType !== 'ExternalName') {
    if (!svc.selector || isEmptySelector(svc.selector)) {
      lines.push('_No selector: endpoints are managed by hand (Endpoints/EndpointSlices)._');
    } else {
      const pods = analysis.links.servicePods(svc);
      lines.push(`Selects ${code(selectorText(svc.selector).slice(1, -1))}:`);
      lines.push(list(pods.map((w) => `${objectLink(analysis, w)} — ${replicasText(w)}`), 'no workload in this namespace'));
      if (pods.length > 0 && svc.ports.length > 0) {
        lines.push('', 'Ports:');
        lines.push(list(svc.ports.flatMap((sp) => pods.slice(0, 3).map((w) => code(portChain(sp, w)))), 'none'));
      }
    }
  }
  lines.push('', `DNS: ${code(`${svc.name}.${svc.namespace}.svc.cluster.local`)}, ${code(`${svc.name}.${svc.namespace}`)}, or ${code(svc.name)} from its own namespace`);
  const routed = analysis.links.backendsTo(svc);
  if (routed.length > 0) lines.push('', 'Routed from:', list(routed.map((r) => `${objectLink(analysis, r.owner)}${routeWhere(r.backend)}`), ''));
  const reach = serviceReach(analysis, svc);
  if (reach) lines.push('', reach);
  return lines.join('\n');
}

function routeWhere(b: Backend): string {
  const where = `${b.host ?? '*'}${b.path ?? ''}`;
  return b.isDefault ? ' (default backend)' : ` ${code(where)}`;
}

function serviceReach(analysis: Analysis, svc: Service): string | undefined {
  const pods = analysis.links.servicePods(svc);
  if (pods.length === 0) return undefined;
  const engine = analysis.reachability();
  const report = engine.reachabilityOf(pods[0]).ingress;
  const tiers = engine.adminPoliciesDeciding(pods[0], 'ingress');
  if (!report.isolated && tiers.length === 0) return '**Who can reach it:** anyone — no NetworkPolicy isolates the selected pods.';
  const out: string[] = [];
  for (const sp of svc.ports) {
    const r = engine.servicePortReachability(svc, sp);
    const port = r.targets.find((t) => t.port !== undefined)?.port;
    if (port === undefined) continue;
    const inside = report.allowed.filter((a) => a.conns.has(sp.protocol, port)).map((a) => code(a.peer.name));
    const outside = outsideNames(outsideOf(analysis, pods[0], 'ingress'), { protocol: sp.protocol, port });
    const sources = [...inside, ...outside];
    // The engine's verdict counts senders the workspace does not define; the names above list them where it can.
    const none = r.reachable ? '_no pod of this workspace, but pods elsewhere in the cluster may connect_' : '**nothing may connect**';
    const named = sources.slice(0, 6).join(', ') + (sources.length > 6 ? `, … ${sources.length - 6} more` : '');
    out.push(`Port ${code(String(sp.port))} (→ ${port}/${sp.protocol}): ${sources.length === 0 ? none : inside.length === 0 ? `${none}: ${named}` : named}`);
  }
  const deciders = [...tiers.filter((p) => p.kind === 'AdminNetworkPolicy'), ...report.policies, ...tiers.filter((p) => p.kind !== 'AdminNetworkPolicy')];
  const head = `**Who can reach it**, as decided by ${deciders.map((p) => objectLink(analysis, p)).join(', ')}:`;
  return [...(pods.some(onHostNetwork) ? [HOST_NETWORK_NOTE, ''] : []), head, ...out.map((o) => `- ${o}`)].join('\n');
}

function servicePortHover(analysis: Analysis, svc: Service, sp: ServicePort): string {
  const pods = analysis.links.servicePods(svc);
  return [
    `**Service port** ${code(`${svc.name}:${sp.port}/${sp.protocol}`)}`,
    '',
    list(pods.map((w) => `${code(portChain(sp, w))} in ${objectLink(analysis, w)}`), 'the Service selects no workload'),
    ...(sp.nodePort ? ['', `NodePort ${code(String(sp.nodePort))} on every node`] : []),
  ].join('\n');
}

// ---------- workloads ----------

/**
 * One line per allowed peer; `why` adds nested lines (the deciding rules) under the ones shown,
 * `tierWhy` the tier that allowed it (where ANP/BANP rules apply).
 */
function allowedLines(a: Allowed[], why?: (x: Allowed) => string[], tierWhy?: (peer: Allowed['peer']) => string): string[] {
  return a.map((x, i) =>
    [`${code(x.peer.name)}: ${code(x.conns.toString())}${tierWhy && i < MAX_LIST ? tierWhy(x.peer) : ''}`, ...(why && i < MAX_LIST ? why(x) : [])].join('\n'),
  );
}

/**
 * `outside`: the pods outside the workspace it stands open to or from; `why`: the deciding rules
 * per peer; `tiers`: the ANP/BANP lines of the direction, and what decided each listed peer
 * (absent without ANP/BANP rules).
 */
function directionText(
  analysis: Analysis,
  label: string,
  r: DirectionReport,
  noun: string,
  outside: string[] = [],
  why?: (x: Allowed) => string[],
  tiers?: { lines: string[]; why: (peer: Allowed['peer']) => string },
): string[] {
  if (!r.isolated && !tiers) return [`**${label}:** not isolated — open to all ${noun}.`];
  const by = r.isolated ? `isolated by ${r.policies.map((p) => objectLink(analysis, p)).join(', ')}` : 'no NetworkPolicy isolates it';
  return [
    `**${label}:** ${by}; allowed ${noun}:`,
    list([...allowedLines(r.allowed, why, tiers?.why), ...outside], `none: every ${label.toLowerCase()} connection is denied`),
    ...(tiers?.lines ?? []),
  ];
}

function workloadHover(analysis: Analysis, w: Workload): string {
  const lines = [`**${w.kind}** ${code(`${w.namespace}/${w.name}`)} — ${replicasText(w)}`, ''];
  const labels = Object.entries(podLabelsOf(w));
  if (labels.length) lines.push(`Pod labels: ${labels.map(([k, v]) => code(`${k}=${v}`)).join(', ')}`, '');
  const services = analysis.links.servicesSelecting(w);
  lines.push('Selected by Services:', list(services.map((s) => objectLink(analysis, s)), 'none'));
  const routes = services.flatMap((s) => analysis.links.backendsTo(s).map((r) => `${objectLink(analysis, r.owner)}${routeWhere(r.backend)} → ${code(s.name)}`));
  if (routes.length) lines.push('', 'Reached through:', list(routes, ''));
  const ports = w.containers.filter((c) => !c.init).flatMap((c) => c.ports.map((p) => `${c.name}:${p.containerPort}/${p.protocol}${p.name ? ` (${p.name})` : ''}`));
  if (w.containers.filter((c) => !c.init).length > 1) {
    lines.push('', `Its ${w.containers.filter((c) => !c.init).length} containers share one network namespace: they reach each other on ${code('localhost')}${ports.length ? ` (${ports.map(code).join(', ')})` : ''}.`);
  } else if (ports.length) lines.push('', `Container ports: ${ports.map(code).join(', ')}`);
  const engine = analysis.reachability();
  const r = engine.reachabilityOf(w);
  if (onHostNetwork(w)) lines.push('', HOST_NETWORK_NOTE);
  const link = (o: { uri: string; nameSpan: Span }, label: string): string => linkTo(analysis, o, label);
  const why = (dir: 'ingress' | 'egress'): ((x: Allowed) => string[]) | undefined => r.peer && decidingRules(analysis, w, r.peer, dir, link);
  const denied = (dir: 'ingress' | 'egress'): string[] => {
    const items = r.peer ? tierDenialLines(analysis, w, r.peer, dir, link, MAX_LIST) : [];
    return items.length ? [`Denied by the cluster tiers (${dir}):`, ...items.map((i) => `- ${i}`)] : [];
  };
  lines.push(
    '',
    ...directionText(analysis, 'Ingress', r.ingress, 'sources', outsideItems(outsideOf(analysis, w, 'ingress')), why('ingress'), adminTierLines(analysis, link, w, 'ingress')),
    ...denied('ingress'),
    '',
    ...directionText(analysis, 'Egress', r.egress, 'destinations', outsideItems(outsideOf(analysis, w, 'egress')), why('egress'), adminTierLines(analysis, link, w, 'egress')),
    ...denied('egress'),
  );
  return lines.join('\n');
}

// ---------- backends ----------

function backendHover(analysis: Analysis, owner: Ingress | Route, b: Backend): string {
  const link = analysis.links.resolveBackend(owner, b);
  const lines = [`**Backend** of ${objectLink(analysis, owner)}${routeWhere(b)}`, ''];
  if (b.targetKind !== 'Service') return [...lines, `Refers to a ${code(b.targetKind)}, not a Service: not followed.`].join('\n');
  if (b.legacyInV1) return [...lines, `_Invalid in ${code('networking.k8s.io/v1')}: ${code('serviceName')}/${code('servicePort')} are v1beta1 fields (use ${code('service.name')}/${code('service.port')}); routes nowhere._`].join('\n');
  if (link.namespace === undefined) return [...lines, `_No ReferenceGrant allows this cross-namespace reference._`].join('\n');
  if (!link.service) return [...lines, `_No Service ${code(b.serviceName)} in namespace ${code(link.namespace)}._`].join('\n');
  lines.push(`Service: ${objectLink(analysis, link.service)}`);
  if (!link.servicePort) {
    lines.push(`Port ${code(String(b.port ?? ''))}: _not a port of this Service_`);
    return lines.join('\n');
  }
  const sp = link.servicePort;
  lines.push('', 'Ends in:', list(link.targets.map((t) => `${objectLink(analysis, t.workload)} ${code(portChain(sp, t.workload))}`), 'no pods: the Service selects no workload'));
  if (link.targets.length > 0) {
    const r = analysis.reachability().backendReachability(owner, b);
    const blocked = r.targets.filter((t) => t.port !== undefined && !t.reachable);
    const ic = analysis.reachability().ingressController;
    lines.push(
      '',
      blocked.length === 0
        ? `The ingress controller (namespace ${code(ic.namespace)}) may reach these pods.`
        : `**Blocked:** NetworkPolicies keep the ingress controller (namespace ${code(ic.namespace)}) from ${blocked.map((t) => code(`${t.workload.name}:${t.port}`)).join(', ')}.`,
      ...controllerLines(analysis),
    );
    const outside = r.targets.flatMap((t) => (t.port === undefined ? [] : outsideItems(outsideOf(analysis, t.workload, 'ingress'), { protocol: sp.protocol, port: t.port })));
    if (outside.length) lines.push('', 'Also admitted on that port from outside this workspace:', list([...new Set(outside)], ''));
  }
  return lines.join('\n');
}

// ---------- NetworkPolicies ----------

function policyHover(analysis: Analysis, np: NetworkPolicy): string {
  const pods = analysis.links.policyPods(np);
  return [
    `**NetworkPolicy** ${code(`${np.namespace}/${np.name}`)} — isolates ${np.policyTypes.map((t) => t.toLowerCase()).join(' and ') || 'nothing'}`,
    '',
    `${isEmptySelector(np.podSelector) ? 'Selects every pod of the namespace' : `Selects ${code(selectorText(np.podSelector).slice(1, -1))}`}:`,
    list(pods.map((w) => objectLink(analysis, w)), 'no workload'),
    '',
    `Ingress rules: ${np.policyTypes.includes('Ingress') ? (np.ingress.length === 0 ? 'none — all ingress denied' : String(np.ingress.length)) : 'not isolated'}; ` +
      `egress rules: ${np.policyTypes.includes('Egress') ? (np.egress.length === 0 ? 'none — all egress denied' : String(np.egress.length)) : 'not isolated'}.`,
    ...policyOutsideLines(analysis, np),
  ].join('\n');
}

function peerHover(analysis: Analysis, np: NetworkPolicy, peer: PolicyPeer, direction: 'ingress' | 'egress'): string {
  const verb = direction === 'ingress' ? 'Allows traffic from' : 'Allows traffic to';
  if (peer.ipBlock) {
    return [`**${verb}** addresses ${code(peer.ipBlock.cidr)}${peer.ipBlock.except.length ? ` except ${peer.ipBlock.except.map(code).join(', ')}` : ''}`, '', '_ipBlock matches addresses outside the cluster; pod addresses are ephemeral._'].join('\n');
  }
  let namespaces: string[];
  if (peer.namespaceSelector) {
    const sel = peer.namespaceSelector;
    namespaces = [...analysis.index.namespaceLabels()].filter(([, l]) => selectorMatches(sel, l)).map(([ns]) => ns);
  } else namespaces = [np.namespace];
  const pods = namespaces.flatMap((ns) => (peer.podSelector ? analysis.links.workloadsMatching(ns, peer.podSelector) : analysis.index.workloadsIn(ns)));
  return [
    `**${verb}** ${peer.podSelector ? `pods ${code(selectorText(peer.podSelector).slice(1, -1) || '{}')}` : 'all pods'} in ${
      peer.namespaceSelector ? `namespaces matching ${code(selectorText(peer.namespaceSelector).slice(1, -1) || '{}')}` : `namespace ${code(np.namespace)}`
    }`,
    '',
    `Namespaces: ${namespaces.length ? namespaces.map(code).join(', ') : '_none defined in this workspace_'}`,
    '',
    'Workloads:',
    list(pods.map((w) => objectLink(analysis, w)), 'none in this workspace'),
    ...peerOutsideLines(analysis, np, peer),
  ].join('\n');
}
