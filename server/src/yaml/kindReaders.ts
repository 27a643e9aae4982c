// The readers of the kinds whose fields the model holds (workloads, Services, Ingresses, routes,
// NetworkPolicies) and the label and selector readers they share; parseFile.ts reads the documents
// and hands each object here by kind. Every field path of these kinds is read in this one place.
import type { Node } from 'yaml';
import type { Backend, Container, ContainerPort, IpBlock, K8sObject, LabelEntry, LabelSelector, Located, ObjectBase, NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol, Route, SelectorExpression, Service, ServicePort, Workload, WorkloadKind } from '../model/types';
import { asMap, asSeqItems, get, getIntOrString, getNumber, getPath, getString, mapPairs, numberOf, scalarKind, scalarOf, scalarText, nodeSpan, spanOf, stringOf, type NodeContext } from './nodes';

type Base = ObjectBase;

export function readLabelMap(ctx: NodeContext, node: unknown): LabelEntry[] {
  const map = asMap(ctx, node);
  if (!map) return [];
  const out: LabelEntry[] = [];
  for (const pair of mapPairs(ctx, map)) {
    const k = scalarOf(ctx, pair.key);
    const ks = spanOf(ctx, pair.key as Node);
    if (!k || !ks) continue;
    const v = scalarOf(ctx, pair.value);
    const valueSpan = spanOf(ctx, (v ?? pair.value) as Node) ?? { start: ks.end, end: ks.end };
    out.push({
      key: scalarText(k),
      value: v ? scalarText(v) : '',
      keySpan: ks,
      valueSpan,
      valueKind: v ? scalarKind(v) : pair.value ? 'collection' : 'null',
    });
  }
  return out;
}

export function readSelector(ctx: NodeContext, node: unknown, plainMap: boolean): LabelSelector | undefined {
  const map = asMap(ctx, node);
  if (!map) return undefined;
  const span = nodeSpan(ctx, map);
  if (plainMap) return { matchLabels: readLabelMap(ctx, map), matchExpressions: [], span };
  const expressions: SelectorExpression[] = [];
  for (const expr of asSeqItems(ctx, get(ctx, map, 'matchExpressions'))) {
    const keyNode = get(ctx, expr, 'key');
    const opNode = get(ctx, expr, 'operator');
    const exprSpan = nodeSpan(ctx, expr);
    const valueNodes = asSeqItems(ctx, get(ctx, expr, 'values'));
    expressions.push({
      key: getString(ctx, expr, 'key') ?? '',
      operator: getString(ctx, expr, 'operator') ?? '',
      values: valueNodes.map((v) => {
        const s = scalarOf(ctx, v);
        return s ? scalarText(s) : '';
      }),
      keySpan: spanOf(ctx, keyNode) ?? exprSpan,
      operatorSpan: spanOf(ctx, opNode) ?? exprSpan,
      valueSpans: valueNodes.map((v) => spanOf(ctx, v) ?? exprSpan),
      span: exprSpan,
    });
  }
  return { matchLabels: readLabelMap(ctx, get(ctx, map, 'matchLabels')), matchExpressions: expressions, span };
}

function readProtocol(ctx: NodeContext, node: unknown): Protocol {
  return protocolOf(getString(ctx, node, 'protocol'));
}

/** The protocol a written `protocol` stands for: UDP and SCTP as written, anything else TCP. */
function protocolOf(written: string | undefined): Protocol {
  return written === 'UDP' || written === 'SCTP' ? written : 'TCP';
}

/**
 * Sets a port's `protocol` (readProtocol) and, for a written protocol the API server rejects
 * (anything but TCP, UDP, SCTP, case included), its `invalidProtocol` for port-invalid.
 */
function setPortProtocol(ctx: NodeContext, port: { protocol: Protocol; invalidProtocol?: Located<string> }, node: unknown): void {
  const n = scalarOf(ctx, get(ctx, node, 'protocol'));
  const written = n && n.value !== null ? scalarText(n) : undefined;
  port.protocol = protocolOf(written);
  if (n && written !== undefined && written !== 'TCP' && written !== 'UDP' && written !== 'SCTP') port.invalidProtocol = { value: written, span: nodeSpan(ctx, n) };
}

function readContainers(ctx: NodeContext, podSpec: unknown): Container[] {
  const out: Container[] = [];
  for (const [key, init] of [['containers', false], ['initContainers', true]] as const) {
    for (const c of asSeqItems(ctx, get(ctx, podSpec, key))) {
      const ports: ContainerPort[] = [];
      for (const p of asSeqItems(ctx, get(ctx, c, 'ports'))) {
        const portNode = get(ctx, p, 'containerPort');
        const nameNode = get(ctx, p, 'name');
        const portName = stringOf(ctx, nameNode);
        const pSpan = nodeSpan(ctx, p);
        // Made one field at a time, in one order: the ports share their hidden classes (see readObject in parseFile.ts).
        const port = {} as ContainerPort;
        if (portName !== undefined) port.name = portName;
        if (nameNode) port.nameSpan = nodeSpan(ctx, nameNode);
        port.containerPort = numberOf(ctx, portNode) ?? NaN;
        port.portSpan = spanOf(ctx, portNode) ?? pSpan;
        setPortProtocol(ctx, port, p);
        port.span = pSpan;
        ports.push(port);
      }
      const nameNode = get(ctx, c, 'name');
      const container = {} as Container;
      container.name = getString(ctx, c, 'name') ?? '';
      if (nameNode) container.nameSpan = nodeSpan(ctx, nameNode);
      container.init = init;
      container.ports = ports;
      out.push(container);
    }
  }
  return out;
}

export function readWorkload(ctx: NodeContext, node: Node, spec: Node | undefined, kind: WorkloadKind, base: Base, metadata: Node | undefined): K8sObject {
  let template: Node | undefined;
  let podSpec: Node | undefined;
  let podMetadata: Node | undefined;
  if (kind === 'Pod') {
    podSpec = spec;
    podMetadata = metadata;
  } else {
    template = kind === 'CronJob' ? getPath(ctx, spec, 'jobTemplate', 'spec', 'template') : get(ctx, spec, 'template');
    podSpec = get(ctx, template, 'spec');
    podMetadata = get(ctx, template, 'metadata');
  }
  const labelsNode = get(ctx, podMetadata, 'labels');
  const serviceNameNode = kind === 'StatefulSet' ? scalarOf(ctx, get(ctx, spec, 'serviceName')) : undefined;
  const selectorNode = kind === 'CronJob' ? getPath(ctx, spec, 'jobTemplate', 'spec', 'selector') : get(ctx, spec, 'selector');
  const selector = kind === 'Pod' ? undefined : readSelector(ctx, selectorNode, kind === 'ReplicationController');
  const replicas = getNumber(ctx, spec, 'replicas');
  const ownerReferences = asSeqItems(ctx, get(ctx, metadata, 'ownerReferences')).map((o) => {
    const ownerKind = getString(ctx, o, 'kind');
    return { ...(ownerKind ? { kind: ownerKind } : {}), name: getString(ctx, o, 'name') ?? '' };
  });
  // Completed in place, one field at a time (see readObject).
  const workload = base as Workload;
  workload.type = 'workload';
  if (replicas !== undefined) workload.replicas = replicas;
  if (selector) workload.selector = selector;
  workload.podLabels = readLabelMap(ctx, labelsNode);
  workload.podLabelsSpan = nodeSpan(ctx, labelsNode ?? podMetadata ?? template ?? node);
  workload.containers = readContainers(ctx, podSpec);
  if (scalarOf(ctx, get(ctx, podSpec, 'hostNetwork'))?.value === true) workload.hostNetwork = true;
  if (serviceNameNode && typeof serviceNameNode.value === 'string') workload.serviceName = { value: scalarText(serviceNameNode), span: nodeSpan(ctx, serviceNameNode) };
  workload.ownerReferences = ownerReferences;
  return workload;
}

export function readService(ctx: NodeContext, spec: Node | undefined, base: Base): K8sObject {
  const ports: ServicePort[] = [];
  for (const p of asSeqItems(ctx, get(ctx, spec, 'ports'))) {
    const pSpan = nodeSpan(ctx, p);
    const portNode = get(ctx, p, 'port');
    const port = numberOf(ctx, portNode) ?? NaN;
    const target = getIntOrString(ctx, p, 'targetPort');
    const nameNode = get(ctx, p, 'name');
    const portName = stringOf(ctx, nameNode);
    const nodePort = getNumber(ctx, p, 'nodePort');
    // Made one field at a time, in one order: the ports share their hidden classes (see readObject in parseFile.ts).
    const sp = {} as ServicePort;
    if (portName !== undefined) sp.name = portName;
    if (nameNode) sp.nameSpan = nodeSpan(ctx, nameNode);
    sp.port = port;
    sp.portSpan = spanOf(ctx, portNode) ?? pSpan;
    // The API server defaults a targetPort of 0 or "" to the port, as it does an absent one.
    sp.targetPort = target && target.value !== 0 && target.value !== '' ? target.value : port;
    if (target) sp.targetPortSpan = target.span;
    setPortProtocol(ctx, sp, p);
    if (nodePort !== undefined) sp.nodePort = nodePort;
    sp.span = pSpan;
    ports.push(sp);
  }
  const selector = readSelector(ctx, get(ctx, spec, 'selector'), true);
  const externalName = getString(ctx, spec, 'externalName');
  // Completed in place, one field at a time (see readObject).
  const service = base as Service;
  service.type = 'service';
  service.serviceType = getString(ctx, spec, 'type') ?? 'ClusterIP';
  service.headless = getString(ctx, spec, 'clusterIP') === 'None';
  if (externalName) service.externalName = externalName;
  if (selector) service.selector = selector;
  service.ports = ports;
  return service;
}

function readBackend(ctx: NodeContext, backend: Node | undefined, extra: Partial<Backend>): Backend | undefined {
  if (!backend) return undefined;
  const bSpan = nodeSpan(ctx, backend);
  const service = get(ctx, backend, 'service');
  if (service) {
    // networking.k8s.io/v1
    const nameNode = get(ctx, service, 'name');
    const portMap = get(ctx, service, 'port');
    const num = scalarOf(ctx, get(ctx, portMap, 'number'));
    const named = scalarOf(ctx, get(ctx, portMap, 'name'));
    const portScalar = num ?? named;
    return {
      targetKind: 'Service',
      serviceName: getString(ctx, service, 'name') ?? '',
      serviceNameSpan: spanOf(ctx, nameNode) ?? bSpan,
      ...(portScalar
        ? { port: typeof portScalar.value === 'number' ? portScalar.value : scalarText(portScalar), portSpan: nodeSpan(ctx, portScalar) }
        : {}),
      isDefault: false,
      span: bSpan,
      ...extra,
    };
  }
  const nameNode = get(ctx, backend, 'serviceName');
  if (nameNode) {
    // extensions/v1beta1 and networking.k8s.io/v1beta1
    const port = getIntOrString(ctx, backend, 'servicePort');
    return {
      targetKind: 'Service',
      serviceName: getString(ctx, backend, 'serviceName') ?? '',
      serviceNameSpan: spanOf(ctx, nameNode) ?? bSpan,
      ...(port ? { port: port.value, portSpan: port.span } : {}),
      isDefault: false,
      span: bSpan,
      ...extra,
    };
  }
  return undefined; // `resource` backends are not Services
}

export function readIngress(
  ctx: NodeContext,
  spec: Node | undefined,
  v1: boolean,
): { ingressClassName?: string; backends: Backend[]; hosts: string[]; tlsHosts: string[] } {
  const backends: Backend[] = [];
  const readIngressBackend = (backend: Node | undefined, extra: Partial<Backend>): Backend | undefined => {
    const b = readBackend(ctx, backend, extra);
    // v1 has only service.name/service.port: the old fields there make an invalid object.
    return b && v1 && !get(ctx, backend, 'service') ? { ...b, legacyInV1: true } : b;
  };
  const hosts: string[] = [];
  const defaultBackend = readIngressBackend(get(ctx, spec, 'defaultBackend') ?? get(ctx, spec, 'backend'), { isDefault: true });
  if (defaultBackend) backends.push(defaultBackend);
  for (const rule of asSeqItems(ctx, get(ctx, spec, 'rules'))) {
    const host = getString(ctx, rule, 'host');
    if (host) hosts.push(host);
    for (const path of asSeqItems(ctx, getPath(ctx, rule, 'http', 'paths'))) {
      const p = getString(ctx, path, 'path');
      const b = readIngressBackend(get(ctx, path, 'backend'), { ...(host ? { host } : {}), ...(p ? { path: p } : {}) });
      if (b) backends.push(b);
    }
  }
  const tlsHosts: string[] = [];
  for (const tls of asSeqItems(ctx, get(ctx, spec, 'tls'))) {
    for (const h of asSeqItems(ctx, get(ctx, tls, 'hosts'))) {
      const s = scalarOf(ctx, h);
      if (s && typeof s.value === 'string') tlsHosts.push(scalarText(s));
    }
  }
  const ingressClassName = getString(ctx, spec, 'ingressClassName');
  return { ...(ingressClassName ? { ingressClassName } : {}), backends, hosts, tlsHosts };
}

export function readRoute(ctx: NodeContext, spec: Node | undefined, base: Base, kind: 'HTTPRoute' | 'GRPCRoute'): K8sObject {
  const hostnames: string[] = [];
  for (const h of asSeqItems(ctx, get(ctx, spec, 'hostnames'))) {
    const s = scalarOf(ctx, h);
    if (s && typeof s.value === 'string') hostnames.push(scalarText(s));
  }
  const backends: Backend[] = [];
  for (const rule of asSeqItems(ctx, get(ctx, spec, 'rules'))) {
    const firstMatch = asSeqItems(ctx, get(ctx, rule, 'matches'))[0];
    const path = getString(ctx, get(ctx, firstMatch, 'path'), 'value');
    for (const ref of asSeqItems(ctx, get(ctx, rule, 'backendRefs'))) {
      const nameNode = get(ctx, ref, 'name');
      const nsNode = scalarOf(ctx, get(ctx, ref, 'namespace'));
      const port = getIntOrString(ctx, ref, 'port');
      const group = getString(ctx, ref, 'group') ?? '';
      const refKind = getString(ctx, ref, 'kind') ?? 'Service';
      const rSpan = nodeSpan(ctx, ref);
      backends.push({
        targetKind: group === '' || group === 'core' ? refKind : `${refKind}.${group}`,
        serviceName: getString(ctx, ref, 'name') ?? '',
        serviceNameSpan: spanOf(ctx, nameNode) ?? rSpan,
        ...(nsNode && typeof nsNode.value === 'string' ? { explicitNamespace: { value: scalarText(nsNode), span: nodeSpan(ctx, nsNode) } } : {}),
        ...(port ? { port: port.value, portSpan: port.span } : {}),
        ...(hostnames[0] ? { host: hostnames[0] } : {}),
        ...(path ? { path } : {}),
        isDefault: false,
        span: rSpan,
      });
    }
  }
  const parentServices: Array<{ name: string; namespace: string }> = [];
  for (const ref of asSeqItems(ctx, get(ctx, spec, 'parentRefs'))) {
    const group = getString(ctx, ref, 'group') ?? 'gateway.networking.k8s.io';
    if (getString(ctx, ref, 'kind') !== 'Service' || (group !== '' && group !== 'core')) continue;
    parentServices.push({ name: getString(ctx, ref, 'name') ?? '', namespace: getString(ctx, ref, 'namespace') ?? base.namespace });
  }
  // Completed in place, one field at a time (see readObject).
  const route = base as Route;
  route.kind = kind;
  route.type = 'route';
  route.hostnames = hostnames;
  route.parentServices = parentServices;
  route.backends = backends;
  return route;
}

function readPolicyPorts(ctx: NodeContext, rule: Node): PolicyPort[] | undefined {
  const items = asSeqItems(ctx, get(ctx, rule, 'ports'));
  if (items.length === 0) return undefined;
  return items.map((p) => {
    const port = getIntOrString(ctx, p, 'port');
    const endPort = getNumber(ctx, p, 'endPort');
    return {
      protocol: readProtocol(ctx, p),
      ...(port ? { port: port.value, portSpan: port.span } : {}),
      ...(endPort !== undefined ? { endPort } : {}),
      span: nodeSpan(ctx, p),
    };
  });
}

function readIpBlock(ctx: NodeContext, node: Node | undefined): IpBlock | undefined {
  if (!node) return undefined;
  const except: string[] = [];
  for (const e of asSeqItems(ctx, get(ctx, node, 'except'))) {
    const s = scalarOf(ctx, e);
    if (s) except.push(scalarText(s));
  }
  return { cidr: getString(ctx, node, 'cidr') ?? '', except, span: nodeSpan(ctx, node) };
}

function readPolicyRules(ctx: NodeContext, spec: Node | undefined, direction: 'ingress' | 'egress'): PolicyRule[] {
  const peersKey = direction === 'ingress' ? 'from' : 'to';
  return asSeqItems(ctx, get(ctx, spec, direction)).map((rule) => {
    const peerNodes = asSeqItems(ctx, get(ctx, rule, peersKey));
    const peers: PolicyPeer[] = peerNodes.map((peer) => {
      const podSelector = readSelector(ctx, get(ctx, peer, 'podSelector'), false);
      const namespaceSelector = readSelector(ctx, get(ctx, peer, 'namespaceSelector'), false);
      const ipBlock = readIpBlock(ctx, get(ctx, peer, 'ipBlock'));
      const policyPeer = {} as PolicyPeer;
      if (podSelector) policyPeer.podSelector = podSelector;
      if (namespaceSelector) policyPeer.namespaceSelector = namespaceSelector;
      if (ipBlock) policyPeer.ipBlock = ipBlock;
      policyPeer.span = nodeSpan(ctx, peer);
      return policyPeer;
    });
    const ports = readPolicyPorts(ctx, rule);
    const policyRule = {} as PolicyRule;
    if (peers.length > 0) policyRule.peers = peers;
    if (ports) policyRule.ports = ports;
    policyRule.span = nodeSpan(ctx, rule);
    return policyRule;
  });
}

export function readNetworkPolicy(ctx: NodeContext, spec: Node | undefined, base: Base): NetworkPolicy {
  const podSelectorNode = get(ctx, spec, 'podSelector');
  const podSelector = readSelector(ctx, podSelectorNode, false) ?? {
    matchLabels: [],
    matchExpressions: [],
    span: spanOf(ctx, spec) ?? base.nameSpan,
  };
  const ingress = readPolicyRules(ctx, spec, 'ingress');
  const egress = readPolicyRules(ctx, spec, 'egress');
  const written = asSeqItems(ctx, get(ctx, spec, 'policyTypes'))
    .map((n) => scalarOf(ctx, n)?.value)
    .filter((v): v is 'Ingress' | 'Egress' => v === 'Ingress' || v === 'Egress');
  // The API server's defaulting, when policyTypes is absent or empty (`policyTypes: []` included):
  // Ingress always, Egress only when egress rules exist.
  const policyTypes: Array<'Ingress' | 'Egress'> = written.length > 0 ? written : egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  // Completed in place, one field at a time (see readObject).
  const policy = base as NetworkPolicy;
  policy.type = 'networkpolicy';
  policy.podSelector = podSelector;
  policy.policyTypes = policyTypes;
  policy.ingress = ingress;
  policy.egress = egress;
  return policy;
}
