// Semantic corrections of issue 8 (SPEC §2–§5): one test per rule, each with the reason it holds.
// Each of them failed before its change.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ReachabilityEngine, formatText, toLines } from '../../server/src/analysis/reachability';
import { codeLenses } from '../../server/src/features/codeLens';
import { hover } from '../../server/src/features/hover';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { displayPath, helmReadOptions, loadPaths } from '../../server/src/index/files';
import { parseFile } from '../../server/src/yaml/parseFile';
import { buildGraph } from '../../server/src/analysis/graph';
import { graphInputOf } from '../../server/src/analysis/graph/fromAnalysis';
import type { AnalysisSettings } from '../../server/src/model/types';
import * as r from '../fixtures/reachability/manifests';
import { analysisOf, codes, deployment, diagnose, indexOf, ingressV1, rangeIn, service, URI, withCode } from './helpers';

function diag(text: string, others: Record<string, string> = {}) {
  return diagnose({ [URI]: text, ...others });
}

function engineOf(yaml: string, settings?: Partial<AnalysisSettings>): ReachabilityEngine {
  return ReachabilityEngine.fromSource(indexOf(yaml, settings));
}

/** The `reach` lines of a workspace. */
function reach(yaml: string): string[] {
  return formatText(toLines(engineOf(yaml).pairs())).split('\n').filter(Boolean);
}

const CTRL = '{ingress-controller}';

describe('Service details the API server enforces', () => {
  it('`targetPort: 0` or `""` stands for the port, as the API server defaults it', () => {
    // Reason: SPEC §3: the API server defaults a zero or empty targetPort to `port`, so the Service
    // ends in container port 8080 and nothing is invalid or unresolved.
    for (const written of ['0', '""']) {
      const text = deployment('web', { ports: ['- containerPort: 8080'] }) + service('web', { ports: ['- port: 8080', `  targetPort: ${written}`] });
      assert.deepEqual(codes(diag(text)), [], `targetPort: ${written}`);
      const svc = indexOf(text).services()[0]!;
      assert.equal(svc.ports[0]!.targetPort, 8080);
    }
  });

  it('a protocol other than TCP, UDP or SCTP is port-invalid, on Service and container ports', () => {
    // Reason: SPEC §3/§5: the API server accepts exactly TCP, UDP and SCTP (case-sensitive).
    const text = deployment('web', { ports: ['- containerPort: 8080', '  name: http', '  protocol: HTTP'] }) + service('web', { ports: ['- port: 80', '  targetPort: http', '  protocol: tcp'] });
    const d = withCode(diag(text), 'port-invalid');
    assert.deepEqual(
      d.map((x) => x.range),
      [rangeIn(text, 'protocol: HTTP', 'HTTP'), rangeIn(text, 'protocol: tcp', 'tcp')],
    );
    assert.match(d[0]!.finding.message, /TCP, UDP or SCTP/);
    const ok = deployment('web', { ports: ['- containerPort: 53', '  name: dns', '  protocol: UDP'] }) + service('web', { ports: ['- port: 53', '  targetPort: dns', '  protocol: UDP'] });
    assert.deepEqual(codes(diag(ok)), []);
  });
});

describe('Ingress backend ports', () => {
  const web = r.deployment('web', { ports: [{ port: 8080 }] }) + r.service('web', { app: 'web' }, [{ port: 80, targetPort: 8080 }]);

  it('a backend number equal to a Service port\'s targetPort routes, in reach and in the verdicts', () => {
    // Reason: SPEC §3: ingress-nginx and netpol-analyzer map such a backend to that Service port, so
    // the controller reaches container port 8080 and the route is not blocked.
    const yaml = web + r.ingress('i', 'web', 8080) + r.policy('in', 'podSelector: {}\ningress:\n  - ports:\n      - port: 8080');
    assert.ok(reach(yaml).includes(`${CTRL} => default/web[Deployment] : TCP 8080`));
    const ix = indexOf(yaml);
    const ing = ix.ingresses()[0]!;
    const b = ReachabilityEngine.fromSource(ix).backendReachability(ing, ing.backends[0]!);
    assert.equal(b.servicePort?.port, 80);
    assert.equal(b.reachable, true);
  });

  it('ingress-port-missing on a backend matching a targetPort is a warning naming the port it matched', () => {
    // Reason: SPEC §3/§5: the route works with ingress-nginx only; other controllers reject it.
    const text = ingressV1('shop', ['service:', '  name: web', '  port:', '    number: 8080']);
    const d = diag(text, { 'file:///w/web.yaml': deployment('web') + service('web', { ports: ['- name: http', '  port: 80', '  targetPort: 8080'] }) });
    assert.deepEqual(codes(d), ['ingress-port-missing']);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'number: 8080', '8080'));
    assert.match(d[0]!.finding.message, /port 80 \(http\)/);
    assert.match(d[0]!.finding.message, /other controllers reject it/);
    assert.equal(d[0]!.finding.fixes?.[0]?.edits[0]?.newText, '80');
  });

  it('a Gateway API route gets no such leniency: its backendRef port must be a Service port', () => {
    // Reason: SPEC §3 names ingress-nginx's and netpol-analyzer's Ingress behaviour only; Gateway
    // implementations resolve backendRefs by Service port.
    const route = [
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r}',
      'spec:',
      '  rules:',
      '    - backendRefs:',
      '        - {name: web, port: 8080}',
      '',
    ].join('\n');
    const d = diag(route, { 'file:///w/web.yaml': deployment('web') + service('web', { ports: ['- name: http', '  port: 80', '  targetPort: 8080'] }) });
    assert.deepEqual(d.map((x) => [x.code, x.severity]), [['ingress-port-missing', 'error']]);
  });
});

describe('networking.k8s.io/v1 Ingress backends', () => {
  const legacy = [
    '---',
    'apiVersion: networking.k8s.io/v1',
    'kind: Ingress',
    'metadata: {name: shop}',
    'spec:',
    '  rules:',
    '    - http:',
    '        paths:',
    '          - path: /',
    '            pathType: Prefix',
    '            backend:',
    '              serviceName: web',
    '              servicePort: 80',
    '',
  ].join('\n');

  it('serviceName/servicePort in a v1 Ingress is ingress-backend-legacy, and the backend routes nowhere', () => {
    // Reason: SPEC §3: v1 has only service.name/service.port; the API server rejects the old
    // fields, so the Ingress routes nothing: no controller line in reach, no link to the Service.
    const web = r.deployment('web', { ports: [{ port: 80 }] }) + r.service('web', { app: 'web' }, [{ port: 80 }]);
    const d = diag(legacy, { 'file:///w/web.yaml': web });
    assert.deepEqual(codes(d), ['ingress-backend-legacy']);
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(d[0]!.range, rangeIn(legacy, 'serviceName: web', 'web'));
    assert.equal(reach(web + legacy).filter((l) => l.startsWith(CTRL)).length, 0);
    // The same backend in a v1beta1 Ingress is valid and routes.
    const beta = legacy.replace('networking.k8s.io/v1', 'networking.k8s.io/v1beta1');
    assert.deepEqual(codes(diag(beta, { 'file:///w/web.yaml': web })), []);
    assert.ok(reach(web + beta).includes(`${CTRL} => default/web[Deployment] : TCP 80`));
    // The diagram draws the route as refused, to the Service that exists, with the reason.
    const g = buildGraph(graphInputOf(analysisOf(web + legacy)));
    const edge = g.edges.find((e) => e.from === 'Ingress/default/shop' && e.to === 'Service/default/web');
    assert.equal(edge?.kind, 'blocked');
    assert.match(edge?.detail?.join('\n') ?? '', /not networking\.k8s\.io\/v1 fields/);
    assert.ok(!g.nodes.some((n) => n.id === 'Service/default/web' && n.missing));
  });
});

describe('StatefulSet serviceName', () => {
  const sts = [
    'apiVersion: apps/v1',
    'kind: StatefulSet',
    'metadata: {name: db}',
    'spec:',
    '  serviceName: db',
    '  selector: {matchLabels: {app: db}}',
    '  template:',
    '    metadata: {labels: {app: db}}',
    '    spec: {containers: [{name: db, ports: [{containerPort: 5432, name: pg}]}]}',
    '',
  ].join('\n');
  const headless = (selector: Record<string, string> | null) => service('db', { selector, ports: ['- port: 5432', '  targetPort: pg'], extra: ['clusterIP: None'] });

  it('a headless serviceName Service that does not select the pods gets statefulset-service-missing', () => {
    // Reason: SPEC §3: per-pod DNS records come from the governing Service's endpoints, so it must
    // be headless AND select the StatefulSet's pods.
    for (const selector of [{ app: 'postgres' }, null]) {
      const d = diag(sts, { 'file:///w/svc.yaml': headless(selector) });
      assert.deepEqual(codes(d), ['statefulset-service-missing'], JSON.stringify(selector));
      assert.equal(d[0]!.severity, 'warning');
      assert.deepEqual(d[0]!.range, rangeIn(sts, 'serviceName: db', 'db'));
      assert.match(d[0]!.finding.message, /does not select/);
    }
    assert.deepEqual(codes(diag(sts, { 'file:///w/svc.yaml': headless({ app: 'db' }) })), []);
  });
});

describe('namespaceSelector: {} admits the whole cluster', () => {
  const shop =
    r.deployment('web', { namespace: 'shop', ports: [{ port: 8080, name: 'http' }] }) +
    r.service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }], 'shop') +
    r.policy('web', 'podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Ingress, Egress]\ningress:\n  - from:\n      - namespaceSelector: {}', 'shop');
  const routed = r.ingress('web', 'web', 80, 'shop');

  it('a target whose own egress is closed stays reachable: every pod of the cluster may connect', () => {
    // Reason: SPEC §3: `namespaceSelector: {}` admits every pod of every namespace, the ones this
    // workspace does not define included; the only workspace pod admitted being the target itself
    // (whose egress is closed) does not make its port unreachable.
    const ix = indexOf(shop);
    const svc = ix.services()[0]!;
    assert.equal(ReachabilityEngine.fromSource(ix).servicePortReachability(svc, svc.ports[0]!).reachable, true);
    assert.deepEqual(codes(diagnose({ 'file:///w/shop.yaml': shop })), []);
    const md = hover(analysisOf(shop), URI, shop.indexOf('name: web', shop.indexOf('kind: Service')) + 6)!.markdown;
    assert.doesNotMatch(md, /nothing may connect/);
    assert.match(md, /elsewhere in the cluster may connect/);
  });

  it('it admits the ingress controller, default or configured', () => {
    // Reason: the controller is a pod of the cluster like any other; `ingress-blocked` must not fire.
    const configured: Partial<AnalysisSettings> = {
      ingressController: { namespace: 'ingress-nginx', namespaceLabels: { team: 'edge' }, podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
      ingressControllerConfigured: true,
    };
    for (const settings of [{}, configured]) {
      assert.ok(reach(shop + routed).includes(`${CTRL} => shop/web[Deployment] : TCP 8080`));
      const d = diagnose({ 'file:///w/ing.yaml': routed, 'file:///w/shop.yaml': shop }, { settings });
      assert.deepEqual(codes(d), []);
      const ix = indexOf(shop + routed, settings);
      const ing = ix.ingresses()[0]!;
      assert.equal(ReachabilityEngine.fromSource(ix).backendReachability(ing, ing.backends[0]!).reachable, true);
    }
  });
});

describe('hostNetwork pods', () => {
  const hostPod = [
    '---',
    'apiVersion: apps/v1',
    'kind: DaemonSet',
    'metadata: {name: agent}',
    'spec:',
    '  selector: {matchLabels: {app: agent}}',
    '  template:',
    '    metadata: {labels: {app: agent}}',
    '    spec:',
    '      hostNetwork: true',
    '      containers: [{name: agent, image: x, ports: [{containerPort: 9100, name: metrics}]}]',
    '',
  ].join('\n');
  const closed = r.service('agent', { app: 'agent' }, [{ port: 9100, targetPort: 'metrics' }]) + r.ingress('agent', 'agent', 9100) + r.policy('deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]');

  it('no warning asserts that a host-network pod is unreachable', () => {
    // Reason: SPEC §3: NetworkPolicy behaviour for hostNetwork pods is undefined and most plugins do
    // not isolate them: service-unreachable and ingress-blocked would state a certainty we lack.
    assert.equal(indexOf(hostPod).workloads()[0]!.hostNetwork, true);
    assert.deepEqual(codes(diagnose({ 'file:///w/a.yaml': hostPod + closed })), []);
    // The same workload without hostNetwork gets both warnings (the check is not simply off).
    const plain = hostPod.replace('      hostNetwork: true\n', '');
    assert.deepEqual(codes(diagnose({ 'file:///w/a.yaml': plain + closed })).sort(), ['ingress-blocked', 'service-unreachable']);
  });

  it('a host-network pod admitted as a source keeps its target reachable, whatever its egress policies', () => {
    // Reason: SPEC §3: egress policies may not police a host-network pod, so a port it is admitted
    // to is not certainly unreachable.
    const db =
      r.deployment('db', { ports: [{ port: 5432 }] }) +
      r.service('db', { app: 'db' }, [{ port: 5432 }]) +
      r.policy('db-in', 'podSelector:\n  matchLabels:\n    app: db\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: agent') +
      r.policy('no-egress', 'podSelector: {}\npolicyTypes: [Egress]');
    assert.deepEqual(codes(diagnose({ 'file:///w/a.yaml': db + hostPod })), []);
    assert.deepEqual(codes(diagnose({ 'file:///w/a.yaml': db + hostPod.replace('      hostNetwork: true\n', '') })), ['service-unreachable']);
  });

  it('the diagram never draws a route to them as blocked', () => {
    // Reason: SPEC §3: a blocked edge is a certain verdict; the same route without hostNetwork is.
    const kindOf = (yaml: string) => buildGraph(graphInputOf(analysisOf(yaml))).edges.find((e) => e.from === 'Ingress/default/agent')?.kind;
    assert.equal(kindOf(hostPod + closed), 'route');
    assert.equal(kindOf(hostPod.replace('      hostNetwork: true\n', '') + closed), 'blocked');
  });

  it('hover and lens say that NetworkPolicy behaviour is undefined for them', () => {
    // Reason: SPEC §3: verdicts about hostNetwork pods say so; "ingress: denied" would sound certain.
    const text = hostPod + closed;
    const analysis = analysisOf(text);
    const md = hover(analysis, URI, text.indexOf('name: agent}') + 6)!.markdown;
    assert.match(md, /hostNetwork: true/);
    assert.match(md, /NetworkPolicy behaviour is undefined/);
    const svcMd = hover(analysis, URI, text.indexOf('name: agent', text.indexOf('kind: Service')) + 6)!.markdown;
    assert.match(svcMd, /NetworkPolicy behaviour is undefined/);
    const lens = codeLenses(analysis, URI)[0]!.title;
    assert.match(lens, /^ingress: undefined \(hostNetwork\) · egress: undefined \(hostNetwork\)/);
    assert.doesNotMatch(lens, /denied/);
  });
});

describe('Helm chart folders (SPEC §2)', () => {
  it('a chart folder is one unit: every file under templates/ is skipped, with one note per chart on its Chart.yaml', async () => {
    // Reason: SPEC §2: plain files under a chart's templates/ are templates too (their Service would
    // otherwise select nothing or the wrong pods), and the chart gets one note, not one per file.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-chart-'));
    try {
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      };
      write('web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: 0.1.0\n');
      write('web/templates/service.yaml', service('web', { selector: { app: 'nothing-here' } }));
      write('web/templates/sub/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n');
      write('web/templates/broken.yaml', 'kind: Service\nmetadata: {name: x\n');
      write('web/crds/service.yaml', service('crd-side', { selector: { app: 'nothing-here' } }));
      const { index } = await loadPaths([dir], dir);
      const analysis = new Analysis(index);
      const ctx = createDiagnosticContext(analysis);
      const found = [...index.fileUris()]
        .flatMap((uri) => diagnoseFile(ctx, uri).map((f) => `${displayPath(uri, dir)} ${f.code}`))
        .sort();
      assert.deepEqual(found, ['web/Chart.yaml helm-template-skipped', 'web/crds/service.yaml service-selects-nothing']);
      assert.deepEqual(index.allObjects().map((o) => o.name), ['crd-side']);
      // Templates named without their Chart.yaml: the chart's one note goes on the first of them.
      const named = await loadPaths(['web/templates/sub/deploy.yaml', 'web/templates/service.yaml'], dir);
      assert.deepEqual(
        [...named.index.fileUris()].map((uri) => [displayPath(uri, dir), named.index.file(uri)!.problems.map((p) => p.code)]).sort(),
        [['web/templates/service.yaml', ['helm-template-skipped']], ['web/templates/sub/deploy.yaml', []]],
      );
      // A chart without templates/ (a library chart) gets no note; a loose template keeps its own.
      assert.deepEqual(helmReadOptions('/repo/lib/Chart.yaml', () => false), {});
      assert.deepEqual(helmReadOptions('/repo/web/templates/a.yaml', (p) => p === '/repo/web/Chart.yaml'), { helmTemplate: true, inHelmChart: true });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tabs in flow collections', () => {
  it('a tab at the start of a continuation line inside a flow collection is accepted, with exact spans', () => {
    // Reason: kubectl's YAML reader (libyaml rules) allows tabs as separation in flow context and
    // checks no indentation there; the yaml package alone reports BAD_INDENT and drops the values.
    const text = [
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web,',
      '\tlabels: {app: web}}',
      'spec:',
      '  selector: {app: web,',
      '\t\ttier: front}',
      '  ports: [{port: 80,',
      '\t  targetPort: 8080}, {port: 443,',
      '\tname: https}]',
      '',
    ].join('\n');
    const f = parseFile(URI, text);
    assert.deepEqual(f.problems, []);
    const svc = f.objects[0]!;
    assert.ok(svc.type === 'service');
    assert.deepEqual(svc.labels.map((l) => [l.key, l.value]), [['app', 'web']]);
    assert.deepEqual(svc.selector!.matchLabels.map((l) => [l.key, l.value]), [['app', 'web'], ['tier', 'front']]);
    assert.deepEqual(svc.ports.map((p) => [p.port, p.targetPort, p.name]), [[80, 8080, undefined], [443, 443, 'https']]);
    // Spans point into the original text (tabs and all).
    const tier = svc.selector!.matchLabels[1]!;
    assert.equal(text.slice(tier.keySpan.start, tier.keySpan.end), 'tier');
    assert.equal(text.slice(tier.valueSpan.start, tier.valueSpan.end), 'front');
    assert.equal(text.slice(svc.ports[0]!.targetPortSpan!.start, svc.ports[0]!.targetPortSpan!.end), '8080');
    assert.equal(text.slice(svc.ports[1]!.nameSpan!.start, svc.ports[1]!.nameSpan!.end), 'https');
    assert.equal(text.slice(svc.selector!.span.start, svc.selector!.span.end), '{app: web,\n\t\ttier: front}');
    // A long list with a tab on every line reads too (the lines of one collection are fixed together).
    const long = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {k: [0,\n' + Array.from({ length: 200 }, (_, i) => `\t${i},`).join('\n') + '\n\t]}\n';
    assert.deepEqual(parseFile(URI, long).problems, []);
    // A tab that indents a block mapping is still an error, as it is for kubectl.
    assert.deepEqual(parseFile(URI, 'apiVersion: v1\nkind: Service\nmetadata:\n\tname: web\n').problems.map((p) => p.code), ['yaml-syntax']);
  });
});
