// Diagnostics of one file (SPEC §5), from the index and the links. Pure: findings out, no connection.
// What the file decides alone comes from fileChecks.ts; this adds what other files decide (links,
// near misses, duplicates, the reachability verdicts). Self-contained rules live in their own
// modules (statefulSetService, reachabilityFindings, adminDiagnostics).
import type { Links } from '../analysis/links';
import { podLabelsOf, targetContainerPorts } from '../analysis/links';
import { byTargetPort } from '../analysis/routing';
import { isEmptySelector, LabelIndex, selectorFingerprint, selectorMatches } from '../analysis/selectors';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { getOrCreate } from '../model/collections';
import type { Backend, Ingress, K8sObject, LabelEntry, LabelSelector, NetworkPolicy, PolicyPeer, Route, Service, Workload } from '../model/types';
import { yamlString } from '../yaml/nodes';
import { compareByPath } from '../model/identity';
import { flattened } from '../model/text';
import { checkStatefulSetService } from './statefulSetService';
import { cutText, describeWorkload, quote } from './text';
import type { Finding, Fix, RuleSeverities } from './rules';
import { checkAdminPolicy } from './adminDiagnostics';
import { addReaderProblems, checkObjectAlone } from './fileChecks';
import { applySettings, FindingSink, relatedTo, sortRelated } from './findingSink';

/** Reachability verdicts the diagnostics need; supplied by the reachability engine when it is present. */
export interface ReachabilityChecks {
  /** Findings about one object (service-unreachable, ingress-blocked), before severity settings. */
  findingsFor(obj: K8sObject): Finding[];
}

export interface DiagnosticContext {
  index: WorkspaceIndex;
  links: Links;
  rules: RuleSeverities;
  reachability?: ReachabilityChecks;
}

/** All findings of a file, after severity settings and `# k8s-netmap-disable-next-line` comments. */
export function diagnoseFile(ctx: DiagnosticContext, uri: string): Finding[] {
  const file = ctx.index.file(uri);
  if (!file) return [];
  const sink = new FindingSink(uri);
  addReaderProblems(sink, file);
  for (const obj of file.objects) {
    checkObjectAlone(sink, obj);
    if (ctx.index.isDuplicate(obj)) {
      // A later copy is not in the analysis (SPEC §2): it gets this note and no link findings.
      checkDuplicate(ctx, sink, obj);
      continue;
    }
    switch (obj.type) {
      case 'workload':
        checkStatefulSetService(ctx, sink, obj);
        break;
      case 'service':
        checkService(ctx, sink, obj);
        break;
      case 'ingress':
      case 'route':
        checkBackends(ctx, sink, obj);
        break;
      case 'networkpolicy':
        checkNetworkPolicy(ctx, sink, obj);
        break;
      case 'adminpolicy':
        checkAdminPolicy(ctx.index, (...args) => sink.add(...args), obj);
        break;
    }
    if (ctx.reachability) {
      for (const f of ctx.reachability.findingsFor(obj)) {
        // Their texts, kept until printed, made one piece each (flattened, in place).
        for (const r of f.related) flattened(r.message);
        sink.findings.push({ ...f, message: flattened(f.message), related: sortRelated([...f.related]) });
      }
    }
  }
  return applySettings(sink.findings, file, ctx.rules);
}

function checkDuplicate(ctx: DiagnosticContext, sink: FindingSink, obj: K8sObject): void {
  const others = ctx.index.copiesOf(obj).filter((o) => o !== obj);
  const first = others[0];
  if (!first) return;
  const where = (o: K8sObject): string => (o.uri === obj.uri ? 'earlier in this file' : `in ${fileName(o.uri)}`);
  sink.add(
    'object-duplicate',
    obj.nameSpan,
    `${obj.kind} ${quote(`${obj.namespace}/${obj.name}`)} is also defined ${where(first)}${others.length > 1 ? ` and ${others.length - 1} more place${others.length > 2 ? 's' : ''}` : ''}; the analysis uses the first copy in path order.`,
    others.map((o) => relatedTo(o, o === first ? `${o.kind} ${o.namespace}/${o.name}: the copy in use` : `${o.kind} ${o.namespace}/${o.name}: another copy`)),
  );
}

function fileName(uri: string): string {
  const i = uri.lastIndexOf('/');
  return quote(decodeURIComponentSafe(i === -1 ? uri : uri.slice(i + 1)));
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}



// ---------- services ----------

function checkService(ctx: DiagnosticContext, sink: FindingSink, svc: Service): void {
  if (svc.serviceType === 'ExternalName' || !svc.selector || isEmptySelector(svc.selector)) return;
  const pods = ctx.links.servicePods(svc);
  if (pods.length === 0) {
    const near = nearMisses(ctx, svc.namespace, svc.selector);
    const hint = near.length ? ` Closest: ${near.map((n) => describeWorkload(n.workload) + ' (' + n.differs + ')').join('; ')}.` : '';
    const fixes: Fix[] = near
      .flatMap(({ entry, value, workload }) => (entry && value !== undefined ? [{ entry, value, workload }] : []))
      .slice(0, 2)
      .map((n) => ({
        title: `Select ${cutText(n.entry.key)}=${cutText(n.value)} (${describeWorkload(n.workload)})`,
        edits: [{ uri: svc.uri, span: n.entry.valueSpan, newText: yamlString(n.value) }],
      }));
    sink.add(
      'service-selects-nothing',
      svc.selector.span,
      `Selector ${selectorText(svc.selector)} matches no workload in namespace ${quote(svc.namespace)}: the Service has no endpoints.${hint}`,
      near.map((n) => relatedTo(n.workload, `pod labels of ${describeWorkload(n.workload)}`, n.workload.podLabelsSpan)),
      undefined,
      fixes,
    );
    return;
  }
  for (const sp of svc.ports) {
    const span = sp.targetPortSpan ?? sp.portSpan;
    const withPort = pods.filter((w) => targetContainerPorts(sp, w).length > 0);
    if (withPort.length > 0) continue;
    const related = pods.slice(0, 5).map((w) => relatedTo(w, `${describeWorkload(w)} declares ${declaredPorts(w)}`));
    if (typeof sp.targetPort === 'string') {
      sink.add(
        'service-target-port-unresolved',
        span,
        `No selected pod has a container port named ${quote(sp.targetPort)} (${sp.protocol}): traffic to port ${sp.port} goes nowhere.`,
        related,
      );
    } else {
      sink.add(
        'service-target-port-unresolved',
        span,
        `No selected container declares port ${sp.targetPort}/${sp.protocol}. This works if the process listens there anyway; declare the port to make it visible.`,
        related,
        'info',
      );
    }
  }
}

function declaredPorts(w: Workload): string {
  const ports = w.containers.filter((c) => !c.init).flatMap((c) => c.ports.map((p) => (p.name ? `${p.name}:${p.containerPort}` : `${p.containerPort}`) + (p.protocol === 'TCP' ? '' : `/${p.protocol}`)));
  return ports.length ? ports.join(', ') : 'no ports';
}

export function selectorText(sel: LabelSelector): string {
  const parts = sel.matchLabels.map((l) => `${cutText(l.key)}=${cutText(l.value)}`);
  for (const x of sel.matchExpressions) parts.push(`${cutText(x.key)} ${cutText(x.operator)}${x.values.length ? ` (${x.values.map((v) => cutText(v)).join(', ')})` : ''}`);
  return quote(parts.join(', ') || '{}');
}

/** Workloads of the namespace that miss the selector by one label: likely typos. */
interface NearMiss {
  workload: Workload;
  differs: string;
  /** The selector entry to change and the workload's value for it, when one value differs. */
  entry?: LabelEntry;
  value?: string;
}

/**
 * Whether pod labels nearly match a selector: a matchLabels-only selector that they miss by one
 * label, or, for a one-label selector, match with a similar value. These are the workloads that
 * service-selects-nothing names as likely typos (and the language server re-checks when they change).
 */
export function nearlyMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  if (sel.matchExpressions.length > 0 || sel.matchLabels.length === 0) return false;
  const misses = sel.matchLabels.filter((l) => labels[l.key] !== l.value);
  const miss = misses[0];
  if (misses.length !== 1 || !miss) return false;
  if (sel.matchLabels.length > 1) return true;
  const value = labels[miss.key];
  return value !== undefined && similar(value, miss.value);
}

function nearMisses(ctx: DiagnosticContext, namespace: string, sel: LabelSelector): NearMiss[] {
  if (sel.matchExpressions.length > 0 || sel.matchLabels.length === 0) return [];
  const candidates = new Set<Workload>();
  for (const l of sel.matchLabels) for (const w of ctx.index.workloadsWithLabel(namespace, l.key, l.value)) candidates.add(w);
  const out: NearMiss[] = [];
  // A one-label selector has no candidates by label (they would match): any workload with the key may be one.
  const pool = sel.matchLabels.length === 1 ? ctx.index.workloadsIn(namespace) : candidates;
  for (const w of [...pool].sort(compareByPath)) {
    const labels = podLabelsOf(w);
    if (!nearlyMatches(sel, labels)) continue;
    const m = sel.matchLabels.find((l) => labels[l.key] !== l.value);
    if (!m) continue;
    const value = labels[m.key];
    out.push(value !== undefined ? { workload: w, differs: `has ${m.key}=${value}`, entry: m, value } : { workload: w, differs: `has no ${m.key}` });
    if (out.length >= 3) break;
  }
  return out;
}

/** Likely typos of each other: a small edit distance for their length. */
export function similar(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 2) return false;
  return editDistance(a, b) <= Math.max(1, Math.floor(Math.min(a.length, b.length) / 4));
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

// ---------- ingress and routes ----------

function checkBackends(ctx: DiagnosticContext, sink: FindingSink, owner: Ingress | Route): void {
  for (const b of owner.backends) checkBackend(ctx, sink, owner, b);
}

function checkBackend(ctx: DiagnosticContext, sink: FindingSink, owner: Ingress | Route, b: Backend): void {
  if (b.targetKind !== 'Service') return;
  if (b.legacyInV1) return; // reported as the file's own finding (fileChecks.ts)
  if (b.serviceName === '') return;
  const link = ctx.links.resolveBackend(owner, b);
  if (link.namespace === undefined) {
    sink.add(
      'ingress-service-missing',
      b.explicitNamespace?.span ?? b.serviceNameSpan,
      `No ReferenceGrant in namespace ${quote(b.explicitNamespace?.value ?? '')} lets this ${owner.kind} in ${quote(owner.namespace)} refer to Service ${quote(b.serviceName)}: the reference is refused.`,
    );
    return;
  }
  if (!link.service) {
    // A Service of that name elsewhere: by name in each namespace, not by copying every Service.
    const others = ctx.index
      .namespaceNames()
      .filter((ns) => ns !== link.namespace)
      .flatMap((ns) => ctx.index.lookup('Service', ns, b.serviceName).slice(0, 1))
      .slice(0, 3);
    const where = others.length ? ` (a Service of that name exists in ${others.map((s) => quote(s.namespace)).join(', ')})` : '';
    const lookalikes = [...ctx.index.objectsIn(link.namespace)].filter((o) => o.type === 'service' && similar(o.name, b.serviceName)).slice(0, 2);
    sink.add(
      'ingress-service-missing',
      b.serviceNameSpan,
      `No Service ${quote(b.serviceName)} in namespace ${quote(link.namespace)} in this workspace${where}${lookalikes.length ? `; did you mean ${lookalikes.map((o) => quote(o.name)).join(' or ')}?` : '.'}`,
      [...others, ...lookalikes].map((s) => relatedTo(s, `Service ${s.namespace}/${s.name}`)),
      undefined,
      lookalikes.map((o) => ({ title: `Change to ${quote(o.name)}`, edits: [{ uri: owner.uri, span: b.serviceNameSpan, newText: o.name }] })),
    );
    return;
  }
  if (link.servicePort && byTargetPort(link.servicePort, b.port) && b.portSpan) {
    const sp = link.servicePort;
    sink.add(
      'ingress-port-missing',
      b.portSpan,
      `Service ${quote(link.service.name)} has no port ${b.port}; it matches the targetPort of port ${sp.port}${sp.name ? ` (${sp.name})` : ''}. ingress-nginx routes it, other controllers reject it.`,
      [relatedTo(link.service, 'the Service', sp.portSpan)],
      'warning',
      [{ title: `Use the Service's port ${sp.port}`, edits: [{ uri: owner.uri, span: b.portSpan, newText: String(sp.port) }] }],
    );
    return;
  }
  if (b.port !== undefined && !link.servicePort) {
    const available = link.service.ports.map((p) => (p.name ? `${p.port} (${p.name})` : `${p.port}`)).join(', ') || 'none';
    const only = link.service.ports.length === 1 ? link.service.ports[0] : undefined;
    const replacement = only && b.portSpan ? (typeof b.port === 'number' ? String(only.port) : only.name) : undefined;
    sink.add(
      'ingress-port-missing',
      b.portSpan ?? b.serviceNameSpan,
      `Service ${quote(link.service.name)} has no port ${typeof b.port === 'number' ? b.port : `named ${quote(b.port)}`}. Its ports: ${available}.`,
      [relatedTo(link.service, 'the Service')],
      undefined,
      replacement && b.portSpan ? [{ title: `Use the Service's port ${replacement}`, edits: [{ uri: owner.uri, span: b.portSpan, newText: replacement }] }] : [],
    );
  }
}

// ---------- network policies ----------

function checkNetworkPolicy(ctx: DiagnosticContext, sink: FindingSink, np: NetworkPolicy): void {
  if (!isEmptySelector(np.podSelector) && ctx.links.policyPods(np).length === 0) {
    sink.add(
      'networkpolicy-selects-nothing',
      np.podSelector.span,
      `podSelector ${selectorText(np.podSelector)} selects no workload in namespace ${quote(np.namespace)}: this policy isolates and allows nothing.`,
    );
  }
  for (const rule of [...np.ingress, ...np.egress]) for (const peer of rule.peers ?? []) checkPeer(ctx, sink, np, peer);
}

/** Whether a peer selects the configured ingress controller (which often lives outside the repository). */
function selectsConfiguredController(ctx: DiagnosticContext, np: NetworkPolicy, peer: PolicyPeer): boolean {
  const settings = ctx.index.settings;
  if (!settings.ingressControllerConfigured) return false;
  const ic = settings.ingressController;
  const nsLabels = { ...ic.namespaceLabels, 'kubernetes.io/metadata.name': ic.namespace };
  const nsOk = peer.namespaceSelector ? selectorMatches(peer.namespaceSelector, nsLabels) : np.namespace === ic.namespace;
  return nsOk && (!peer.podSelector || selectorMatches(peer.podSelector, ic.podLabels));
}

function checkPeer(ctx: DiagnosticContext, sink: FindingSink, np: NetworkPolicy, peer: PolicyPeer): void {
  if (peer.ipBlock || selectsConfiguredController(ctx, np, peer)) return;
  let namespaces: string[];
  if (peer.namespaceSelector) {
    const sel = peer.namespaceSelector;
    namespaces = namespacesMatching(ctx, sel);
    if (namespaces.length === 0) {
      sink.add(
        'networkpolicy-peer-selects-nothing',
        sel.span,
        `namespaceSelector ${selectorText(sel)} matches no namespace defined in this workspace (it may match namespaces defined elsewhere).`,
        [],
        'info',
      );
      return;
    }
  } else namespaces = [np.namespace];
  const podSel = peer.podSelector;
  if (!podSel || isEmptySelector(podSel)) return;
  if (namespaces.some((ns) => ctx.links.anyWorkloadMatches(ns, podSel))) return;
  const where = peer.namespaceSelector ? `the selected namespaces (${namespaces.map(quote).join(', ')})` : `namespace ${quote(np.namespace)}`;
  sink.add('networkpolicy-peer-selects-nothing', podSel.span, `podSelector ${selectorText(podSel)} selects no workload in ${where}: this peer allows nothing.`);
}

// Namespaces a namespaceSelector matches, per namespace table (the index makes a new one whenever a
// namespace or its labels change): a workspace's many policies repeat a few selectors, and every
// peer otherwise tests every namespace.
const namespaceMatches = new WeakMap<ReadonlyMap<string, Record<string, string>>, { bySelector: Map<string, string[]>; byLabel: LabelIndex<[string, Record<string, string>]> }>();

function namespacesMatching(ctx: DiagnosticContext, sel: LabelSelector): string[] {
  const table = ctx.index.namespaceLabels();
  const memo = getOrCreate(namespaceMatches, table, () => ({ bySelector: new Map<string, string[]>(), byLabel: new LabelIndex([...table], ([, labels]) => labels) }));
  return getOrCreate(memo.bySelector, selectorFingerprint(sel), () => memo.byLabel.candidates(sel).filter(([, labels]) => selectorMatches(sel, labels)).map(([ns]) => ns));
}

