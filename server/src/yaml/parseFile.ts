// Reads one file's text into model objects (SPEC §2). The only module, with nodes.ts, flowTabs.ts
// and fastParse.ts (the cold reader, whose documents it reads alike), that knows `yaml`. Past 400 lines: one reader per kind, kept together so that every field path
// of the model is read in one place.
import { parseAllDocuments, type Document, type Node } from 'yaml';
import { computeLineStarts } from '../model/positions';
import type {
  Backend,
  Container,
  ContainerPort,
  FileProblem,
  IpBlock,
  K8sObject,
  Kustomization,
  LabelEntry,
  LabelSelector,
  Located,
  ObjectBase,
  NetworkPolicy,
  ParsedFile,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Protocol,
  SelectorExpression,
  ServicePort,
  Span,
  WorkloadKind,
} from '../model/types';
import { WORKLOAD_KINDS } from '../model/types';
import { ADMIN_API_VERSION, readAdminPolicy, unevaluatedPolicyKind } from './adminPolicies';
import {
  asMap,
  asSeqItems,
  get,
  getIntOrString,
  getNumber,
  getPath,
  getString,
  isMap,
  mapPairs,
  scalarKind,
  scalarOf,
  scalarText,
  nodeSpan,
  spanOf,
  aliasBudgetExceeded,
  documentAliases,
  type AliasTable,
  type NodeContext,
} from './nodes';
import { mapDocumentsBack, widenFlowTabs } from './flowTabs';
import { coldReaderEnabled, fastDocuments } from './fastParse';

export interface ParseOptions {
  /** A Helm template (under `templates/` of a chart, or a loose one): not read as manifests. */
  helmTemplate?: boolean;
  /** With helmTemplate: the template belongs to a chart folder, whose `Chart.yaml` carries the one note. */
  inHelmChart?: boolean;
  /** The file is a chart's `Chart.yaml` (beside `templates/`): it carries the chart's one note (SPEC §2). */
  helmChart?: boolean;
  defaultNamespace?: string;
  /** A file not open in an editor: read by the cold reader (fastParse.ts) unless it declines the file. */
  fast?: boolean;
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const K8S_HEADER = /^(?:apiVersion|kind)[ \t]*:|^\s*\{?\s*"(?:apiVersion|kind)"\s*:/m;
const GO_TEMPLATE_ACTION = /(?<!\$)\{\{-?\s*(?:\.|\$|\/\*|(?:include|template|if|else|range|with|define|block|end|toYaml|tpl|required|default)\b)/;
const DIRECTIVE = /#[ \t]*k8s-netmap-disable-next-line(?:[ \t]+([A-Za-z0-9-]+(?:[ \t]*,[ \t]*[A-Za-z0-9-]+)*))?[ \t]*\r?$/gm;

function basename(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i === -1 ? uri : uri.slice(i + 1);
}

function firstLineSpan(text: string): Span {
  const nl = text.indexOf('\n');
  let end = nl === -1 ? text.length : nl;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  return { start: 0, end };
}

/** The alias table of a document without aliases (every document of the cold reader). */
const NO_ALIASES: AliasTable = { targets: new Map(), expandedNodes: 0, expandedAliases: 0 };

/** Shared by every file without suppression comments (most files), so that none holds a Map of its own. */
const NO_SUPPRESSIONS: ReadonlyMap<number, string[]> = new Map();

function parseSuppressions(text: string, lineStarts: number[]): ReadonlyMap<number, string[]> {
  if (!text.includes('k8s-netmap-disable-next-line')) return NO_SUPPRESSIONS;
  const out = new Map<number, string[]>();
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    // Binary search is overkill here: directives are rare.
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= m.index) line++;
    const codes = m[1] ? m[1].split(',').map((c) => c.trim()) : [];
    out.set(line + 1, codes);
  }
  return out;
}

/** Parses a file. Never throws: whatever cannot be read becomes a problem or is ignored (SPEC §2). */
export function parseFile(uri: string, rawText: string, options: ParseOptions = {}): ParsedFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = computeLineStarts(text);
  const result: ParsedFile = {
    uri,
    lineStarts,
    objects: [],
    problems: [],
    suppressions: parseSuppressions(text, lineStarts),
    looksLikeKubernetes: K8S_HEADER.test(text),
  };
  if (options.helmTemplate) {
    if (!options.inHelmChart) result.problems.push(helmNote(text));
    return result;
  }
  if (options.helmChart) result.problems.push(chartNote(text));
  let docs: Document.Parsed[];
  // The cold reader's documents carry only `contents` (and no errors, no aliases), which is all
  // that is read of them below once their alias table is the empty one.
  const fast = options.fast && coldReaderEnabled() ? (fastDocuments(text) as Document.Parsed[] | undefined) : undefined;
  try {
    docs = fast ?? parseDocuments(text);
    if (!fast && docs.some((d) => d.errors.length > 0)) docs = withFlowTabsWidened(text, docs);
  } catch (error) {
    if (result.looksLikeKubernetes) {
      result.problems.push({ code: 'yaml-syntax', severity: 'error', message: `YAML could not be read: ${parserErrorText(String(error))}`, span: firstLineSpan(text) });
    }
    return result;
  }
  const hasErrors = !fast && docs.some((d) => d.errors.length > 0);
  // In a file that is not ours to judge, only a Go template action counts: a broken GitHub
  // workflow with `${{ matrix.os }}` or an Ansible file with `{{ item }}` is ignored silently.
  if (hasErrors && (result.looksLikeKubernetes ? text.includes('{{') : GO_TEMPLATE_ACTION.test(text))) {
    result.problems.push(helmNote(text));
    return result;
  }
  const isKustomization = KUSTOMIZATION_NAMES.has(basename(uri));
  const defaultNamespace = options.defaultNamespace ?? 'default';
  docs.forEach((doc, docIndex) => {
    if (!fast && doc.errors.length > 0) {
      if (result.looksLikeKubernetes) {
        for (const err of doc.errors) {
          const [start, end] = err.pos;
          result.problems.push({
            code: 'yaml-syntax',
            severity: 'error',
            message: parserErrorText(err.message.split('\n')[0] ?? err.message),
            span: { start, end: Math.max(end, start + 1) > text.length ? Math.max(start, text.length) : Math.max(end, start + 1) },
          });
        }
      }
      // A broken document yields no objects: half-read objects would produce misleading links.
      return;
    }
    const root = doc.contents;
    if (!isMap(root)) return;
    const aliases = fast ? NO_ALIASES : documentAliases(doc);
    if (aliasBudgetExceeded(aliases)) {
      if (result.looksLikeKubernetes) {
        result.problems.push({
          code: 'yaml-syntax',
          severity: 'error',
          message: `Excessive aliasing: with its aliases expanded this document would have ${aliases.expandedNodes >= 1e15 ? 'over 10^15' : aliases.expandedNodes.toLocaleString('en-US')} nodes (kubectl refuses it too); it is not read.`,
          span: documentStartSpan(text, root),
        });
      }
      return;
    }
    const ctx: NodeContext = { doc, text, aliasCache: { aliases } };
    const before = result.objects.length;
    try {
      if (isKustomization) {
        result.kustomization = readKustomization(ctx, root);
        return;
      }
      readObjectOrList(ctx, root, uri, `${docIndex}`, defaultNamespace, result.objects);
    } catch (error) {
      // Only a document nested deeper than the stack allows gets here; it yields no objects.
      if (!(error instanceof RangeError)) throw error;
      result.objects.length = before;
      if (result.looksLikeKubernetes) {
        result.problems.push({ code: 'yaml-syntax', severity: 'error', message: parserErrorText(error.message), span: documentStartSpan(text, root) });
      }
    }
  });
  const unevaluated = notEvaluatedNote(result.objects);
  if (unevaluated) result.problems.push(unevaluated);
  return result;
}

/** The parser's words, except where they are the JavaScript engine's: a stack overflow means too deep. */
function parserErrorText(message: string): string {
  return /Maximum call stack size exceeded|too much recursion/i.test(message)
    ? 'Nested too deeply to be read (thousands of levels of lists or maps).'
    : message;
}

/** The first line of a document's root node. */
function documentStartSpan(text: string, root: Node): Span {
  const start = root.range?.[0] ?? 0;
  const nl = text.indexOf('\n', start);
  let end = nl === -1 ? text.length : nl;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, end: Math.max(end, start) };
}

/** One note per file naming the policy kinds in it that `reach` does not evaluate. */
function notEvaluatedNote(objects: K8sObject[]): FileProblem | undefined {
  const kinds: string[] = [];
  let first: K8sObject | undefined;
  for (const o of objects) {
    const k = unevaluatedPolicyKind(o.apiVersion, o.kind);
    if (!k) continue;
    first ??= o;
    if (!kinds.includes(k)) kinds.push(k);
  }
  if (!first) return undefined;
  return {
    code: 'policy-kind-not-evaluated',
    severity: 'info',
    message: `${kinds.join(', ')} ${kinds.length > 1 ? 'are' : 'is'} not evaluated: reachability (reach, hovers, diagram) may show connections that ${kinds.length > 1 ? 'these policies' : 'this policy'} deny.`,
    span: first.kindSpan,
  };
}

function parseDocuments(text: string): Document.Parsed[] {
  const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  return Array.isArray(parsed) ? parsed : [];
}

/** A file that fails only on tab-led lines inside flow collections reads as kubectl reads it (flowTabs.ts). */
function withFlowTabsWidened(text: string, docs: Document.Parsed[]): Document.Parsed[] {
  const widened = widenFlowTabs(text);
  if (!widened) return docs;
  const again = parseDocuments(widened.text);
  mapDocumentsBack(again, widened.toOriginal);
  const errors = (ds: Document.Parsed[]) => ds.reduce((n, d) => n + d.errors.length, 0);
  return errors(again) < errors(docs) ? again : docs;
}

const RENDER_HINT = 'Render it (`helm template`) and pipe it to `k8s-netmap check -` to analyse it.';

/** The one note of a skipped Helm template, or of a whole chart on its Chart.yaml (SPEC §2). */
function helmNote(text: string, what = 'Helm template: not read as manifests.'): FileProblem {
  return { code: 'helm-template-skipped', severity: 'info', message: `${what} ${RENDER_HINT}`, span: firstLineSpan(text) };
}

function chartNote(text: string): FileProblem {
  return helmNote(text, 'Helm chart: every file under its templates/ is a template, not read as manifests.');
}

function readKustomization(ctx: NodeContext, root: Node): Kustomization {
  const resources: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    for (const item of asSeqItems(ctx, get(ctx, root, key))) {
      const s = scalarOf(ctx, item);
      if (s && typeof s.value === 'string') resources.push(s.value);
    }
  }
  const namespace = getString(ctx, root, 'namespace');
  return namespace ? { namespace, resources } : { resources };
}

function readObjectOrList(ctx: NodeContext, root: Node, uri: string, id: string, defaultNamespace: string, out: K8sObject[]): void {
  const apiVersion = getString(ctx, root, 'apiVersion');
  const kind = getString(ctx, root, 'kind');
  if (!apiVersion || !kind) return;
  if (kind === 'List' || (kind.endsWith('List') && get(ctx, root, 'items'))) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    asSeqItems(ctx, get(ctx, root, 'items')).forEach((item, i) => {
      if (!isMap(item)) return;
      const obj = readObject(ctx, item, uri, `${id}.${i}`, defaultNamespace, apiVersion, itemKind);
      if (obj) out.push(obj);
    });
    return;
  }
  const obj = readObject(ctx, root, uri, id, defaultNamespace);
  if (obj) out.push(obj);
}

function readObject(
  ctx: NodeContext,
  node: Node,
  uri: string,
  id: string,
  defaultNamespace: string,
  listApiVersion?: string,
  listItemKind?: string,
): K8sObject | undefined {
  const apiVersion = getString(ctx, node, 'apiVersion') ?? listApiVersion;
  const kind = getString(ctx, node, 'kind') ?? listItemKind;
  if (!apiVersion || !kind) return undefined;
  const span = nodeSpan(ctx, node);
  const kindSpan = spanOf(ctx, get(ctx, node, 'kind')) ?? { start: span.start, end: span.start };
  const metadata = get(ctx, node, 'metadata');
  const nameNode = get(ctx, metadata, 'name');
  const name = getString(ctx, metadata, 'name') ?? getString(ctx, metadata, 'generateName') ?? '';
  const declaredNamespace = getString(ctx, metadata, 'namespace');
  const base = {
    id: `${uri}#${id}`,
    uri,
    apiVersion,
    kind,
    name,
    namespace: declaredNamespace || defaultNamespace,
    ...(declaredNamespace ? { declaredNamespace } : {}),
    labels: readLabelMap(ctx, get(ctx, metadata, 'labels')),
    span,
    kindSpan,
    nameSpan: spanOf(ctx, nameNode) ?? kindSpan,
  };
  const spec = get(ctx, node, 'spec');
  if (WORKLOAD_KINDS.has(kind) && apiVersion !== 'metrics.k8s.io/v1beta1') {
    return readWorkload(ctx, node, spec, kind as WorkloadKind, base, metadata);
  }
  switch (kind) {
    case 'Service':
      if (apiVersion !== 'v1') break;
      return readService(ctx, spec, base);
    case 'Ingress':
      return { ...base, type: 'ingress', ...readIngress(ctx, spec, apiVersion === 'networking.k8s.io/v1') };
    case 'HTTPRoute':
    case 'GRPCRoute':
      if (!apiVersion.startsWith('gateway.networking.k8s.io/')) break;
      return readRoute(ctx, spec, base, kind);
    case 'NetworkPolicy':
      if (apiVersion !== 'networking.k8s.io/v1' && apiVersion !== 'extensions/v1beta1') break;
      return readNetworkPolicy(ctx, spec, base);
    case 'AdminNetworkPolicy':
    case 'BaselineAdminNetworkPolicy':
      if (apiVersion !== ADMIN_API_VERSION) break;
      return readAdminPolicy(ctx, spec, base, kind, readSelector);
    case 'Namespace':
      if (apiVersion !== 'v1') break;
      return { ...base, type: 'namespace' };
    case 'ReferenceGrant':
      if (!apiVersion.startsWith('gateway.networking.k8s.io/')) break;
      return {
        ...base,
        type: 'referencegrant',
        from: asSeqItems(ctx, get(ctx, spec, 'from')).map((f) => ({
          group: getString(ctx, f, 'group') ?? '',
          kind: getString(ctx, f, 'kind') ?? '',
          namespace: getString(ctx, f, 'namespace') ?? '',
        })),
        to: asSeqItems(ctx, get(ctx, spec, 'to')).map((t) => {
          const toName = getString(ctx, t, 'name');
          return { group: getString(ctx, t, 'group') ?? '', kind: getString(ctx, t, 'kind') ?? '', ...(toName ? { name: toName } : {}) };
        }),
      };
  }
  return { ...base, type: 'other' };
}

type Base = ObjectBase;

function readLabelMap(ctx: NodeContext, node: unknown): LabelEntry[] {
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

function readSelector(ctx: NodeContext, node: unknown, plainMap: boolean): LabelSelector | undefined {
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
  const p = getString(ctx, node, 'protocol');
  return p === 'UDP' || p === 'SCTP' ? p : 'TCP';
}

/** A written `protocol` the API server rejects (anything but TCP, UDP, SCTP, case included), for port-invalid. */
function invalidProtocol(ctx: NodeContext, node: unknown): { invalidProtocol: Located<string> } | Record<string, never> {
  const n = scalarOf(ctx, get(ctx, node, 'protocol'));
  if (!n || n.value === null) return {};
  const text = scalarText(n);
  return text === 'TCP' || text === 'UDP' || text === 'SCTP' ? {} : { invalidProtocol: { value: text, span: nodeSpan(ctx, n) } };
}

function readContainers(ctx: NodeContext, podSpec: unknown): Container[] {
  const out: Container[] = [];
  for (const [key, init] of [['containers', false], ['initContainers', true]] as const) {
    for (const c of asSeqItems(ctx, get(ctx, podSpec, key))) {
      const ports: ContainerPort[] = [];
      for (const p of asSeqItems(ctx, get(ctx, c, 'ports'))) {
        const portNode = get(ctx, p, 'containerPort');
        const num = getNumber(ctx, p, 'containerPort');
        const nameNode = get(ctx, p, 'name');
        const portName = getString(ctx, p, 'name');
        const pSpan = nodeSpan(ctx, p);
        ports.push({
          ...(portName !== undefined ? { name: portName } : {}),
          ...(nameNode ? { nameSpan: nodeSpan(ctx, nameNode) } : {}),
          containerPort: num ?? NaN,
          portSpan: spanOf(ctx, portNode) ?? pSpan,
          protocol: readProtocol(ctx, p),
          ...invalidProtocol(ctx, p),
          span: pSpan,
        });
      }
      const nameNode = get(ctx, c, 'name');
      out.push({
        name: getString(ctx, c, 'name') ?? '',
        ...(nameNode ? { nameSpan: nodeSpan(ctx, nameNode) } : {}),
        init,
        ports,
      });
    }
  }
  return out;
}

function readWorkload(ctx: NodeContext, node: Node, spec: Node | undefined, kind: WorkloadKind, base: Base, metadata: Node | undefined): K8sObject {
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
  return {
    ...base,
    kind,
    type: 'workload',
    ...(replicas !== undefined ? { replicas } : {}),
    ...(selector ? { selector } : {}),
    podLabels: readLabelMap(ctx, labelsNode),
    podLabelsSpan: nodeSpan(ctx, labelsNode ?? podMetadata ?? template ?? node),
    containers: readContainers(ctx, podSpec),
    ...(scalarOf(ctx, get(ctx, podSpec, 'hostNetwork'))?.value === true ? { hostNetwork: true } : {}),
    ...(serviceNameNode && typeof serviceNameNode.value === 'string'
      ? { serviceName: { value: serviceNameNode.value, span: nodeSpan(ctx, serviceNameNode) } }
      : {}),
    ownerReferences,
  };
}

function readService(ctx: NodeContext, spec: Node | undefined, base: Base): K8sObject {
  const ports: ServicePort[] = [];
  for (const p of asSeqItems(ctx, get(ctx, spec, 'ports'))) {
    const pSpan = nodeSpan(ctx, p);
    const portNode = get(ctx, p, 'port');
    const port = getNumber(ctx, p, 'port') ?? NaN;
    const target = getIntOrString(ctx, p, 'targetPort');
    const nameNode = get(ctx, p, 'name');
    const portName = getString(ctx, p, 'name');
    const nodePort = getNumber(ctx, p, 'nodePort');
    ports.push({
      ...(portName !== undefined ? { name: portName } : {}),
      ...(nameNode ? { nameSpan: nodeSpan(ctx, nameNode) } : {}),
      port,
      portSpan: spanOf(ctx, portNode) ?? pSpan,
      // The API server defaults a targetPort of 0 or "" to the port, as it does an absent one.
      targetPort: target && target.value !== 0 && target.value !== '' ? target.value : port,
      ...(target ? { targetPortSpan: target.span } : {}),
      protocol: readProtocol(ctx, p),
      ...invalidProtocol(ctx, p),
      ...(nodePort !== undefined ? { nodePort } : {}),
      span: pSpan,
    });
  }
  const selector = readSelector(ctx, get(ctx, spec, 'selector'), true);
  const externalName = getString(ctx, spec, 'externalName');
  return {
    ...base,
    type: 'service',
    serviceType: getString(ctx, spec, 'type') ?? 'ClusterIP',
    headless: getString(ctx, spec, 'clusterIP') === 'None',
    ...(externalName ? { externalName } : {}),
    ...(selector ? { selector } : {}),
    ports,
  };
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

function readIngress(
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
      if (s && typeof s.value === 'string') tlsHosts.push(s.value);
    }
  }
  const ingressClassName = getString(ctx, spec, 'ingressClassName');
  return { ...(ingressClassName ? { ingressClassName } : {}), backends, hosts, tlsHosts };
}

function readRoute(ctx: NodeContext, spec: Node | undefined, base: Base, kind: 'HTTPRoute' | 'GRPCRoute'): K8sObject {
  const hostnames: string[] = [];
  for (const h of asSeqItems(ctx, get(ctx, spec, 'hostnames'))) {
    const s = scalarOf(ctx, h);
    if (s && typeof s.value === 'string') hostnames.push(s.value);
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
        ...(nsNode && typeof nsNode.value === 'string' ? { explicitNamespace: { value: nsNode.value, span: nodeSpan(ctx, nsNode) } } : {}),
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
  return { ...base, kind, type: 'route', hostnames, parentServices, backends };
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
      return {
        ...(podSelector ? { podSelector } : {}),
        ...(namespaceSelector ? { namespaceSelector } : {}),
        ...(ipBlock ? { ipBlock } : {}),
        span: nodeSpan(ctx, peer),
      };
    });
    const ports = readPolicyPorts(ctx, rule);
    return {
      ...(peers.length > 0 ? { peers } : {}),
      ...(ports ? { ports } : {}),
      span: nodeSpan(ctx, rule),
    };
  });
}

function readNetworkPolicy(ctx: NodeContext, spec: Node | undefined, base: Base): NetworkPolicy {
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
  return { ...base, type: 'networkpolicy', podSelector, policyTypes, ingress, egress };
}
