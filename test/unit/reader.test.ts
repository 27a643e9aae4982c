// The YAML reader (SPEC §2, §3): which documents are Kubernetes objects, what is read from them, and
// where each node stands. Calls parseFile directly on inline text.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeLineStarts, positionAt } from '../../server/src/model/positions';
import type { Ingress, K8sObject, NetworkPolicy, ParsedFile, Route, Service, Span, Workload } from '../../server/src/model/types';
import { parseFile } from '../../server/src/yaml/parseFile';
import { diagnose, rangeOf, spanIn, spanOf, URI, y } from './helpers';

function parse(text: string, options: Parameters<typeof parseFile>[2] = {}): ParsedFile {
  return parseFile(URI, text, options);
}

function only<T extends K8sObject>(f: ParsedFile, type: T['type']): T {
  const objs = f.objects.filter((o) => o.type === type);
  assert.equal(objs.length, 1, `expected one ${type}, got ${f.objects.map((o) => o.kind).join(',')}`);
  return objs[0] as T;
}

function textAt(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

function pos(f: ParsedFile, offset: number) {
  return positionAt(f.lineStarts, offset);
}

const SVC = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector:', '    app: web', '  ports:', '    - port: 80');

describe('reader: documents and lists', () => {
  it('reads every document of a multi-document file, with ids per document', () => {
    const text = SVC + '---\n' + y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop') + '---\n# only a comment\n';
    const f = parse(text);
    assert.deepEqual(
      f.objects.map((o) => [o.kind, o.name, o.id]),
      [
        ['Service', 'web', `${URI}#0`],
        ['Namespace', 'shop', `${URI}#1`],
      ],
    );
    assert.deepEqual(f.problems, []);
  });

  it('reads JSON manifests with exact spans', () => {
    const text = '{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"selector": {"app": "api"}, "ports": [{"port": 80}]}}';
    const f = parse(text);
    const svc = only<Service>(f, 'service');
    assert.equal(svc.name, 'api');
    assert.equal(svc.namespace, 'shop');
    assert.equal(textAt(text, svc.nameSpan), '"api"');
    assert.equal(svc.selector?.matchLabels[0]?.value, 'api');
    assert.equal(f.looksLikeKubernetes, true);
  });

  it('expands kind: List items, each with its own apiVersion and kind', () => {
    const text = y(
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - apiVersion: v1',
      '    kind: Service',
      '    metadata: {name: a}',
      '  - apiVersion: apps/v1',
      '    kind: Deployment',
      '    metadata: {name: b}',
      '  - metadata: {name: no-kind}',
    );
    const f = parse(text);
    assert.deepEqual(
      f.objects.map((o) => [o.kind, o.name, o.id]),
      [
        ['Service', 'a', `${URI}#0.0`],
        ['Deployment', 'b', `${URI}#0.1`],
      ],
    );
  });

  it('PodList items without apiVersion/kind take them from the list', () => {
    const text = y(
      'apiVersion: v1',
      'kind: PodList',
      'items:',
      '  - metadata:',
      '      name: p1',
      '      labels: {app: web}',
      '    spec:',
      '      containers: [{name: c, ports: [{containerPort: 80}]}]',
    );
    const f = parse(text);
    const w = only<Workload>(f, 'workload');
    assert.equal(w.kind, 'Pod');
    assert.equal(w.apiVersion, 'v1');
    assert.equal(w.podLabels[0]?.value, 'web');
    assert.equal(w.containers[0]?.ports[0]?.containerPort, 80);
  });

  it('NamespaceList items become Namespaces', () => {
    const f = parse('{"apiVersion":"v1","kind":"NamespaceList","items":[{"metadata":{"name":"a","labels":{"team":"x"}}},{"metadata":{"name":"b"}}]}');
    assert.deepEqual(
      f.objects.map((o) => [o.type, o.name]),
      [
        ['namespace', 'a'],
        ['namespace', 'b'],
      ],
    );
  });
});

describe('reader: files that are not ours', () => {
  const cases: Record<string, string> = {
    'GitHub workflow': y('name: CI', 'on:', '  push:', '    branches: [main]', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4'),
    'Helm values': y('replicaCount: 2', 'image:', '  repository: nginx', '  tag: "1.25"', 'service:', '  type: ClusterIP', '  port: 80'),
    'compose file': y('services:', '  web:', '    image: nginx', '    ports:', '      - "8080:80"'),
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`ignores a ${name} silently`, () => {
      const f = parse(text);
      assert.deepEqual(f.objects, []);
      assert.deepEqual(f.problems, []);
      assert.equal(f.looksLikeKubernetes, false);
    });
  }

  it('gives no yaml-syntax for a broken file without a top-level apiVersion or kind', () => {
    const f = parse(y('name: CI', 'jobs:', '  build: [unclosed', '  x: : :'));
    assert.deepEqual(f.problems, []);
  });

  it('a mapping with apiVersion but a non-string kind is not an object', () => {
    const f = parse(y('apiVersion: v1', 'kind:', '  nested: map'));
    assert.deepEqual(f.objects, []);
  });
});

describe('reader: Helm templates', () => {
  it('a file flagged helmTemplate gets one helm-template-skipped on its first line and no objects', () => {
    const text = SVC;
    const f = parse(text, { helmTemplate: true });
    assert.deepEqual(f.objects, []);
    assert.deepEqual(
      f.problems.map((p) => [p.code, p.severity, textAt(text, p.span)]),
      [['helm-template-skipped', 'info', 'apiVersion: v1']],
    );
  });

  it('a non-parsing file with {{ gets one helm-template-skipped and never yaml-syntax', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ .Release.Name }}', '  labels:', '    {{- include "x.labels" . | nindent 4 }}', 'spec:', '  ports: [{port: 80}]');
    const f = parse(text);
    assert.deepEqual(
      f.problems.map((p) => p.code),
      ['helm-template-skipped'],
    );
    assert.deepEqual(f.objects, []);
    assert.deepEqual(f.problems[0]!.span, { start: 0, end: 'apiVersion: v1'.length });
  });

  it('a broken GitHub workflow with ${{ }} expressions is not taken for a Helm template', () => {
    const text = y('name: CI', 'on: push', 'jobs:', '  build:', '    runs-on: ${{ matrix.os }}', '    steps:', '      - run: [broken');
    assert.deepEqual(parse(text).problems, []);
  });

  it('a broken file without apiVersion/kind lines but with a Helm action is a Helm template', () => {
    const text = y('{{- include "chart.deployment" . }}', '{{- if .Values.x }}', 'extra: [', '{{- end }}');
    assert.deepEqual(
      parse(text).problems.map((p) => p.code),
      ['helm-template-skipped'],
    );
  });

  it('a {{ inside a string of a file that parses changes nothing', () => {
    const text = y(
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: dashboards',
      'data:',
      '  dash.json: \'{"title": "{{PROJECT_ID}}", "expr": "{{ $labels.pod }}"}\'',
    );
    const f = parse(text);
    assert.deepEqual(f.problems, []);
    assert.deepEqual(
      f.objects.map((o) => [o.kind, o.name]),
      [['ConfigMap', 'dashboards']],
    );
  });
});

describe('reader: yaml-syntax', () => {
  it('reports the parser span of an error in a Kubernetes file', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  labels: [a, b', 'spec: {}');
    const f = parse(text);
    assert.ok(f.problems.length >= 1);
    for (const p of f.problems) {
      assert.equal(p.code, 'yaml-syntax');
      assert.equal(p.severity, 'error');
      assert.ok(p.span.end > p.span.start, 'non-empty span');
      assert.ok(pos(f, p.span.start).line >= 4, `span starts at the error, not line 1: ${JSON.stringify(pos(f, p.span.start))}`);
    }
    assert.deepEqual(f.objects, []);
  });

  it('reports a duplicate key at the duplicated key', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  name: web2', 'spec: {}');
    const f = parse(text);
    assert.deepEqual(
      f.problems.map((p) => p.code),
      ['yaml-syntax'],
    );
    // The parser's own span for a duplicate key: the start of the second key.
    assert.deepEqual(pos(f, f.problems[0]!.span.start), { line: 4, character: 2 });
    assert.deepEqual(pos(f, f.problems[0]!.span.end), { line: 4, character: 3 });
  });

  it('a broken document does not hide the good documents of the same file', () => {
    const text = SVC + '---\n' + y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: [broken');
    const f = parse(text);
    assert.deepEqual(
      f.objects.map((o) => o.name),
      ['web'],
    );
    assert.ok(f.problems.every((p) => p.code === 'yaml-syntax') && f.problems.length > 0);
  });
});

describe('reader: exact spans', () => {
  it('counts lines after CRLF line ends and excludes the \\r from values', () => {
    const text = SVC.replace(/\n/g, '\r\n');
    const f = parse(text);
    const svc = only<Service>(f, 'service');
    assert.deepEqual(pos(f, svc.nameSpan.start), { line: 3, character: 8 });
    assert.deepEqual(pos(f, svc.nameSpan.end), { line: 3, character: 11 });
    const sel = svc.selector!;
    assert.equal(textAt(text, sel.span), 'app: web');
    assert.deepEqual(pos(f, sel.span.start), { line: 6, character: 4 });
    assert.deepEqual(pos(f, sel.span.end), { line: 6, character: 12 });
  });

  it('strips a BOM: offsets start after it', () => {
    const f = parse('\uFEFF' + SVC);
    const svc = only<Service>(f, 'service');
    assert.deepEqual(pos(f, svc.kindSpan.start), { line: 1, character: 6 });
    assert.equal(svc.kindSpan.end - svc.kindSpan.start, 'Service'.length);
    assert.equal(f.looksLikeKubernetes, true);
  });

  it('counts columns in UTF-16 units after an emoji', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  annotations: {note: "🚀"}', '  name: web', 'spec:', '  selector: {emoji: "🚀", app: web}');
    const f = parse(text);
    const svc = only<Service>(f, 'service');
    const app = svc.selector!.matchLabels.find((l) => l.key === 'app')!;
    // `  selector: {emoji: "🚀", app: ` — the rocket is two UTF-16 units.
    assert.deepEqual(pos(f, app.valueSpan.start), { line: 6, character: 31 });
    assert.deepEqual(pos(f, app.valueSpan.end), { line: 6, character: 34 });
    assert.equal(textAt(text, app.valueSpan), 'web');
  });

  it('reads flow-style selectors with spans of each key and value', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata: {name: web}', 'spec:', '  selector: {app: web}', '  ports: [{port: 80, targetPort: http}]');
    const f = parse(text);
    const svc = only<Service>(f, 'service');
    assert.deepEqual(svc.selector!.span, spanOf(text, '{app: web}'));
    assert.deepEqual(svc.selector!.matchLabels[0]!.keySpan, spanOf(text, 'app'));
    assert.deepEqual(svc.selector!.matchLabels[0]!.valueSpan, spanOf(text, 'web', 1));
    assert.deepEqual(svc.ports[0]!.targetPortSpan, spanOf(text, 'http'));
    assert.equal(svc.ports[0]!.targetPort, 'http');
  });

  it('follows anchors and aliases; an alias points at the anchored node', () => {
    const text = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  selector:',
      '    matchLabels: &labels',
      '      app: web',
      '  template:',
      '    metadata:',
      '      labels: *labels',
      '    spec:',
      '      containers: [{name: c}]',
    );
    const f = parse(text);
    const w = only<Workload>(f, 'workload');
    assert.deepEqual(
      w.podLabels.map((l) => [l.key, l.value]),
      [['app', 'web']],
    );
    assert.deepEqual(w.podLabels[0]!.valueSpan, spanOf(text, 'web', 1));
  });

  it('merge keys (`<<: *base`, as kubectl reads them) add the anchored pairs; written keys win', () => {
    const text = y(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      '  labels: &common',
      '    app: web',
      '    tier: base',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels:',
      '        <<: *common',
      '        tier: front',
      '    spec:',
      '      containers: [{name: c}]',
    );
    const w = only<Workload>(parse(text), 'workload');
    assert.deepEqual(
      w.podLabels.map((l) => [l.key, l.value]).sort(),
      [
        ['app', 'web'],
        ['tier', 'front'],
      ],
    );
    // The merged label keeps the place where it is written (under the anchor).
    assert.deepEqual(w.podLabels.find((l) => l.key === 'app')!.valueSpan, spanIn(text, '    app: web', 'web'));
    assert.deepEqual(diagnose(text), []);
  });

  it('a quoted "<<" key is an ordinary key, and a list of merge sources merges in order', () => {
    const text = y('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations: {a: &a {x: "1"}, b: &b {x: "2", y: "3"}}', '  labels:', '    <<: [*a, *b]', 'spec: {containers: [{name: c}]}');
    const w = only<Workload>(parse(text), 'workload');
    assert.deepEqual(
      w.labels.map((l) => [l.key, l.value]),
      [
        ['x', '1'],
        ['y', '3'],
      ],
    );
    const quoted = only<Workload>(parse(text.replace('<<:', '"<<":')), 'workload');
    assert.deepEqual(
      quoted.labels.map((l) => l.key),
      ['<<'],
    );
  });

  it('refuses a merge-key bomb with a clear yaml-syntax error instead of reading it (issue 9)', () => {
    const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: lol', '  annotations:', '    a: &a {l0: lol, l1: lol}'];
    let prev = 'a';
    for (const name of 'bcdefghijklmnopqrstuvwxyz') {
      lines.push(`    ${name}: &${name} {<<: [${Array(9).fill(`*${prev}`).join(', ')}], ${name}: x}`);
      prev = name;
    }
    lines.push('  labels: *z', 'spec: {containers: [{name: c}]}');
    const f = parse(y(...lines));
    assert.equal(f.objects.length, 0);
    assert.equal(f.problems.length, 1);
    assert.equal(f.problems[0]!.code, 'yaml-syntax');
    assert.match(f.problems[0]!.message, /^Excessive aliasing: .* over 10\^15 nodes/);
  });

  it('refuses a YAML alias bomb (billion laughs) without expanding it (issue 9)', () => {
    const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: lol', '  annotations:', '    a: &a {l0: lol, l1: lol, l2: lol, l3: lol, l4: lol, l5: lol, l6: lol, l7: lol, l8: lol}'];
    let prev = 'a';
    for (const name of 'bcdefghij') {
      lines.push(`    ${name}: &${name} {${Array.from({ length: 9 }, (_, i) => `l${i}: *${prev}`).join(', ')}}`);
      prev = name;
    }
    lines.push('  labels: *j', 'spec:', '  containers: [{name: c, ports: *j}]');
    const text = y(...lines);
    const before = process.memoryUsage().heapUsed;
    const f = parse(text);
    const diags = diagnose(text);
    assert.ok(process.memoryUsage().heapUsed - before < 500e6);
    assert.equal(f.objects.length, 0);
    assert.deepEqual(diags.map((d) => [d.code, d.range.start.line]), [['yaml-syntax', 0]]);
    assert.match(diags[0]!.finding.message, /^Excessive aliasing: with its aliases expanded this document would have [\d,]+ nodes/);
  });

  it('reads a document with many aliases of one small anchor (not a bomb) with every alias resolved', () => {
    const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: many', '  labels: &l {app: web}', '  annotations:'];
    for (let i = 0; i < 2000; i++) lines.push(`    a${i}: *l`);
    lines.push('spec:', '  containers: [{name: c}]', '  x: *l');
    const f = parse(y(...lines));
    assert.equal(f.problems.length, 0);
    const w = only<Workload>(f, 'workload');
    assert.deepEqual(w.labels.map((l) => `${l.key}=${l.value}`), ['app=web']);
  });

  it('an alias resolves to the anchor named last before it, when an anchor name is used twice', () => {
    const text = y('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations:', '    x: &l {app: one}', '    y: &l {app: two}', '  labels: *l', 'spec: {containers: [{name: c}]}');
    const w = only<Workload>(parse(text), 'workload');
    assert.deepEqual(w.labels.map((l) => l.value), ['two']);
  });

  it('a JSON object spanning lines keeps exact positions', () => {
    const text = '{\n  "apiVersion": "v1",\n  "kind": "Service",\n  "metadata": {"name": "web"}\n}\n';
    const f = parse(text);
    const svc = only<Service>(f, 'service');
    assert.deepEqual(pos(f, svc.nameSpan.start), rangeOf(text, '"web"').start);
  });
});

describe('reader: Ingress forms', () => {
  it('reads a networking.k8s.io/v1 Ingress: rules, port number and name, defaultBackend, tls, class', () => {
    const text = y(
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: {name: shop}',
      'spec:',
      '  ingressClassName: nginx',
      '  defaultBackend:',
      '    service: {name: fallback, port: {number: 8080}}',
      '  tls:',
      '    - hosts: [shop.example.com]',
      '  rules:',
      '    - host: shop.example.com',
      '      http:',
      '        paths:',
      '          - path: /api',
      '            pathType: Prefix',
      '            backend:',
      '              service:',
      '                name: api',
      '                port:',
      '                  name: http',
      '          - path: /',
      '            pathType: Prefix',
      '            backend:',
      '              service:',
      '                name: web',
      '                port:',
      '                  number: 80',
    );
    const ing = only<Ingress>(parse(text), 'ingress');
    assert.equal(ing.ingressClassName, 'nginx');
    assert.deepEqual(ing.hosts, ['shop.example.com']);
    assert.deepEqual(ing.tlsHosts, ['shop.example.com']);
    assert.deepEqual(
      ing.backends.map((b) => [b.serviceName, b.port, b.isDefault, b.host, b.path]),
      [
        ['fallback', 8080, true, undefined, undefined],
        ['api', 'http', false, 'shop.example.com', '/api'],
        ['web', 80, false, 'shop.example.com', '/'],
      ],
    );
    assert.deepEqual(ing.backends[1]!.serviceNameSpan, spanIn(text, 'name: api', 'api'));
    assert.deepEqual(ing.backends[1]!.portSpan, spanIn(text, 'name: http', 'http'));
    assert.deepEqual(ing.backends[2]!.portSpan, spanIn(text, 'number: 80\n', '80'));
  });

  for (const apiVersion of ['extensions/v1beta1', 'networking.k8s.io/v1beta1']) {
    it(`reads a ${apiVersion} Ingress: serviceName/servicePort and spec.backend`, () => {
      const text = y(
        `apiVersion: ${apiVersion}`,
        'kind: Ingress',
        'metadata: {name: old}',
        'spec:',
        '  backend:',
        '    serviceName: fallback',
        '    servicePort: 8080',
        '  rules:',
        '    - http:',
        '        paths:',
        '          - path: /',
        '            backend:',
        '              serviceName: web',
        '              servicePort: http',
      );
      const ing = only<Ingress>(parse(text), 'ingress');
      assert.deepEqual(
        ing.backends.map((b) => [b.serviceName, b.port, b.isDefault]),
        [
          ['fallback', 8080, true],
          ['web', 'http', false],
        ],
      );
      assert.deepEqual(ing.backends[1]!.serviceNameSpan, spanIn(text, 'serviceName: web', 'web'));
      assert.deepEqual(ing.backends[1]!.portSpan, spanIn(text, 'servicePort: http', 'http'));
    });
  }
});

describe('reader: Gateway API routes', () => {
  it('reads HTTPRoute backendRefs: kind defaults to Service, namespace only when written, other kinds kept apart', () => {
    const text = y(
      'apiVersion: gateway.networking.k8s.io/v1',
      'kind: HTTPRoute',
      'metadata: {name: r, namespace: front}',
      'spec:',
      '  hostnames: [shop.example.com]',
      '  rules:',
      '    - matches: [{path: {type: PathPrefix, value: /api}}]',
      '      backendRefs:',
      '        - name: api',
      '          port: 8080',
      '        - name: other',
      '          namespace: back',
      '          port: 80',
      '        - name: imported',
      '          group: multicluster.x-k8s.io',
      '          kind: ServiceImport',
    );
    const r = only<Route>(parse(text), 'route');
    assert.equal(r.kind, 'HTTPRoute');
    assert.deepEqual(r.hostnames, ['shop.example.com']);
    assert.deepEqual(
      r.backends.map((b) => [b.targetKind, b.serviceName, b.port, b.explicitNamespace?.value, b.path]),
      [
        ['Service', 'api', 8080, undefined, '/api'],
        ['Service', 'other', 80, 'back', '/api'],
        ['ServiceImport.multicluster.x-k8s.io', 'imported', undefined, undefined, '/api'],
      ],
    );
    assert.deepEqual(r.backends[1]!.explicitNamespace!.span, spanIn(text, 'namespace: back', 'back'));
  });

  it('reads a GRPCRoute the same way', () => {
    const text = y('apiVersion: gateway.networking.k8s.io/v1', 'kind: GRPCRoute', 'metadata: {name: g}', 'spec:', '  rules:', '    - backendRefs:', '        - {name: grpc, port: 9090}');
    const r = only<Route>(parse(text), 'route');
    assert.equal(r.kind, 'GRPCRoute');
    assert.deepEqual(
      r.backends.map((b) => [b.targetKind, b.serviceName, b.port]),
      [['Service', 'grpc', 9090]],
    );
  });
});

describe('reader: NetworkPolicy policyTypes defaulting', () => {
  const np = (spec: string[]) => only<NetworkPolicy>(parse(y('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: p}', 'spec:', ...spec.map((l) => `  ${l}`))), 'networkpolicy');

  it('absent policyTypes: Ingress only', () => {
    assert.deepEqual(np(['podSelector: {}']).policyTypes, ['Ingress']);
  });
  it('absent policyTypes with egress rules: Ingress and Egress', () => {
    assert.deepEqual(np(['podSelector: {}', 'egress:', '  - to: [{podSelector: {}}]']).policyTypes, ['Ingress', 'Egress']);
  });
  it('absent policyTypes with `egress: []`: egress is not isolated', () => {
    assert.deepEqual(np(['podSelector: {}', 'egress: []']).policyTypes, ['Ingress']);
  });
  it('`policyTypes: []` or an empty value is defaulted like an absent one', () => {
    assert.deepEqual(np(['podSelector: {}', 'policyTypes: []']).policyTypes, ['Ingress']);
    assert.deepEqual(np(['podSelector: {}', 'policyTypes:', 'egress: [{}]']).policyTypes, ['Ingress', 'Egress']);
  });
  it('written policyTypes are kept as written', () => {
    assert.deepEqual(np(['podSelector: {}', 'policyTypes: [Egress]']).policyTypes, ['Egress']);
  });
  it('reads peers (pod, namespace, ipBlock with except), ports with protocol and endPort; empty from means every peer', () => {
    const p = np([
      'podSelector: {matchLabels: {app: db}}',
      'ingress:',
      '  - from:',
      '      - podSelector: {matchLabels: {app: api}}',
      '        namespaceSelector: {matchLabels: {team: a}}',
      '      - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}',
      '    ports:',
      '      - {protocol: UDP, port: 53, endPort: 60}',
      '      - port: http',
      '  - ports: [{port: 5432}]',
    ]);
    assert.equal(p.ingress.length, 2);
    const [a, b] = p.ingress;
    assert.equal(a!.peers!.length, 2);
    assert.ok(a!.peers![0]!.podSelector && a!.peers![0]!.namespaceSelector);
    assert.deepEqual(a!.peers![1]!.ipBlock && [a!.peers![1]!.ipBlock.cidr, a!.peers![1]!.ipBlock.except], ['10.0.0.0/8', ['10.1.0.0/16']]);
    assert.deepEqual(
      a!.ports!.map((x) => [x.protocol, x.port, x.endPort]),
      [
        ['UDP', 53, 60],
        ['TCP', 'http', undefined],
      ],
    );
    assert.equal(b!.peers, undefined);
  });
});

describe('reader: YAML 1.1 scalar kinds', () => {
  const labelKinds = (values: string[]) => {
    const text = y('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', ...values.map((v, i) => `    k${i}: ${v}`));
    return only<Workload>(parse(text), 'workload').labels.map((l) => [l.value, l.valueKind]);
  };

  it('unquoted on/yes/off/y are not strings to kubectl', () => {
    assert.deepEqual(labelKinds(['on', 'yes', 'off', 'y', 'NO']), [
      ['on', 'yaml11-non-string'],
      ['yes', 'yaml11-non-string'],
      ['off', 'yaml11-non-string'],
      ['y', 'yaml11-non-string'],
      ['NO', 'yaml11-non-string'],
    ]);
  });
  it('true, numbers and null are typed values; 0644 and 1.0 keep their source text', () => {
    assert.deepEqual(labelKinds(['true', '8080', '0644', '1.0', '~']), [
      ['true', 'boolean'],
      ['8080', 'number'],
      ['0644', 'number'],
      ['1.0', 'number'],
      ['', 'null'],
    ]);
  });
  it('quoted values are strings', () => {
    assert.deepEqual(labelKinds(['"on"', "'yes'", '"1.0"', '"0644"']), [
      ['on', 'string'],
      ['yes', 'string'],
      ['1.0', 'string'],
      ['0644', 'string'],
    ]);
  });
  it('a version such as 1.15.1 or a word stays a string', () => {
    assert.deepEqual(labelKinds(['1.15.1', 'web', 'v1.0']), [
      ['1.15.1', 'string'],
      ['web', 'string'],
      ['v1.0', 'string'],
    ]);
  });
});

describe('reader: suppression comments', () => {
  it('maps the line after each directive to its codes (none: all)', () => {
    const text = y(
      'apiVersion: v1',
      'kind: Service',
      '# k8s-netmap-disable-next-line',
      'metadata: {name: a}',
      'spec:',
      '  # k8s-netmap-disable-next-line service-selects-nothing',
      '  selector: {app: x}',
      '  # k8s-netmap-disable-next-line port-invalid, label-invalid',
      '  ports: [{port: 80}]',
      '  # not a directive: k8s-netmap-disable-next-line-please',
    );
    const f = parse(text);
    assert.deepEqual(
      [...f.suppressions].sort((a, b) => a[0] - b[0]),
      [
        [3, []],
        [6, ['service-selects-nothing']],
        [8, ['port-invalid', 'label-invalid']],
      ],
    );
  });

  it('reads directives in a CRLF file', () => {
    const f = parse(y('apiVersion: v1', 'kind: Service', '# k8s-netmap-disable-next-line label-invalid', 'metadata: {name: a}').replace(/\n/g, '\r\n'));
    assert.deepEqual([...f.suppressions], [[3, ['label-invalid']]]);
  });
});

describe('reader: positions helper', () => {
  it('positionAt puts a \\r before \\n on the line it ends', () => {
    const ls = computeLineStarts('ab\r\ncd');
    assert.deepEqual(positionAt(ls, 2), { line: 0, character: 2 });
    assert.deepEqual(positionAt(ls, 4), { line: 1, character: 0 });
  });
});
