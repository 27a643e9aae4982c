// Diagnostics (SPEC §5): for every rule code, a case where it fires and one where it does not, with
// exact ranges for a representative subset; then rule settings and suppression comments.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { RULES, ruleDocUrl } from '../../server/src/features/rules';
import { readManifestFile, unreadableReason } from '../../server/src/host/files';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { analysisOf, codes, deployment, diagnose, ingressV1, netpol, range, rangeIn, service, URI, withCode, y } from './helpers';

const WEB = deployment('web') + service('web');

/** Diagnostics of the file whose text is given first; other files complete the workspace. */
function diag(text: string, others: Record<string, string> = {}, options: Parameters<typeof diagnose>[1] = {}) {
  return diagnose({ [URI]: text, ...others }, options);
}

describe('diagnostics: a consistent workspace', () => {
  it('a Deployment and the Service that selects it produce no diagnostics', () => {
    assert.deepEqual(codes(diag(WEB)), []);
  });

  it('every diagnostic carries a code of the catalogue, and its doc URL is docs/rules/<code>.md', () => {
    const d = diag(service('web', { selector: { app: 'nope' } }));
    assert.equal(d.length, 1);
    assert.ok(RULES.some((r) => r.code === d[0]!.code));
    assert.match(ruleDocUrl(d[0]!.code), /\/docs\/rules\/service-selects-nothing\.md$/);
  });
});

describe('diagnostics: yaml-syntax', () => {
  it('fires on a Kubernetes file that does not parse, over the parser span (duplicate key)', () => {
    const d = diag(y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  name: again'));
    assert.deepEqual(codes(d), ['yaml-syntax']);
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(d[0]!.range, range(4, 2, 4, 3));
  });

  it('does not fire on a broken YAML file that is not a Kubernetes manifest', () => {
    assert.deepEqual(codes(diag(y('jobs:', '  build: [unclosed', 'steps: {a: 1'))), []);
  });
});

describe('diagnostics: helm-template-skipped', () => {
  it('fires once, as info, on the first line of an unparseable file with {{', () => {
    const d = diag(y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: {{ .Values.name }}', '  labels: {{- toYaml .Values.labels | nindent 4 }}'));
    assert.deepEqual(codes(d), ['helm-template-skipped']);
    assert.equal(d[0]!.severity, 'info');
    assert.deepEqual(d[0]!.range, range(0, 0, 0, 14));
  });

  it('does not fire when {{ sits inside a string of a file that parses', () => {
    assert.deepEqual(codes(diag(y('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data:', '  a: "{{PROJECT_ID}}"'))), []);
  });
});

describe('diagnostics: file-not-read (the reasons behind it)', () => {
  it('a file over the size limit or with NUL bytes gets a reason', () => {
    assert.match(unreadableReason(6_000_000, Buffer.from('apiVersion: v1'), 5_000_000) ?? '', /limit/);
    assert.match(unreadableReason(10, Buffer.from([0x61, 0x00, 0x62]), 5_000_000) ?? '', /binary/);
  });

  it('a small text file is read', () => {
    assert.equal(unreadableReason(20, Buffer.from('apiVersion: v1\n'), 5_000_000), undefined);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-unit-'));
    try {
      const file = path.join(dir, 'a.yaml');
      fs.writeFileSync(file, 'apiVersion: v1\n');
      assert.deepEqual(readManifestFile(file), { text: 'apiVersion: v1\n' });
      assert.ok('skipped' in readManifestFile(path.join(dir, 'missing.yaml')));
      assert.ok('skipped' in readManifestFile(file, 3));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('diagnostics: service-selects-nothing', () => {
  it('fires as a warning over the selector value when no workload matches', () => {
    const text = deployment('web') + service('web', { selector: { app: 'webb' } });
    const d = withCode(diag(text), 'service-selects-nothing');
    assert.equal(d.length, 1);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, rangeIn(text, '    app: webb', 'app: webb'));
    // Related information points at the near miss, and a quick fix offers its value.
    assert.ok(d[0]!.finding.related.length >= 1);
    assert.equal(d[0]!.finding.fixes?.[0]?.edits[0]?.newText, 'web');
  });

  it('its quick fix quotes a value that YAML 1.1 would not read as a string', () => {
    const text = deployment('web', { labels: { app: 'web', version: '"1.0"' } }) + service('web', { selector: { app: 'web', version: '"1.1"' } });
    const d = withCode(diag(text), 'service-selects-nothing');
    const edit = d[0]!.finding.fixes?.[0]?.edits[0];
    assert.ok(edit);
    // Writing a bare 1.0 over "1.1" would trade this warning for a label-invalid error.
    assert.equal(edit.newText, '"1.0"');
  });

  it('fires when the matching workload lives in another namespace', () => {
    const d = diag(service('web', { ns: 'shop' }), { 'file:///w/d.yaml': deployment('web', { ns: 'other' }) });
    assert.deepEqual(codes(d), ['service-selects-nothing']);
  });

  it('does not fire for a Service without a selector, with `selector: {}`, or of type ExternalName', () => {
    assert.deepEqual(codes(diag(service('manual', { selector: null }))), []);
    assert.deepEqual(codes(diag(service('empty', { selector: null, extra: ['selector: {}'] }))), []);
    assert.deepEqual(codes(diag(service('ext', { selector: { app: 'nothing' }, extra: ['type: ExternalName', 'externalName: db.example.com'] }))), []);
  });

  it('does not fire when a workload in the same namespace matches', () => {
    assert.deepEqual(codes(diag(service('web', { ns: 'shop' }), { 'file:///w/d.yaml': deployment('web', { ns: 'shop' }) })), []);
  });
});

describe('diagnostics: service-target-port-unresolved', () => {
  it('fires as an error over a named targetPort that no container port has', () => {
    const text = deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: metrics'] });
    const d = diag(text);
    assert.deepEqual(codes(d), ['service-target-port-unresolved']);
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'targetPort: metrics', 'metrics'));
  });

  it('fires when the name matches but the protocol does not', () => {
    const text = deployment('dns', { ports: ['- containerPort: 53', '  name: dns', '  protocol: UDP'] }) + service('dns', { ports: ['- port: 53', '  targetPort: dns'] });
    assert.deepEqual(codes(diag(text)), ['service-target-port-unresolved']);
  });

  it('does not fire when the name and protocol match', () => {
    const text =
      deployment('dns', { ports: ['- containerPort: 53', '  name: dns', '  protocol: UDP'] }) +
      service('dns', { ports: ['- port: 53', '  targetPort: dns', '  protocol: UDP'] });
    assert.deepEqual(codes(diag(text)), []);
  });

  it('a numeric targetPort no container declares is info; a declared one is fine', () => {
    const text = deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: 9090'] });
    const d = diag(text);
    assert.deepEqual(codes(d), ['service-target-port-unresolved']);
    assert.equal(d[0]!.severity, 'info');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'targetPort: 9090', '9090'));
    assert.deepEqual(codes(diag(deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: 8080'] }))), []);
  });

  it('without targetPort the port stands in, and the range is the port value', () => {
    const text = deployment('web') + service('web', { ports: ['- port: 9090'] });
    const d = diag(text);
    assert.deepEqual(codes(d), ['service-target-port-unresolved']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'port: 9090', '9090'));
    assert.deepEqual(codes(diag(deployment('web') + service('web', { ports: ['- port: 8080'] }))), []);
  });
});

describe('diagnostics: ingress-service-missing', () => {
  const backend = (name: string, port: string) => ['service:', `  name: ${name}`, '  port:', `    ${port}`];

  it('fires as an error over the backend service name when no Service has that name', () => {
    const text = ingressV1('shop', backend('nope', 'number: 80'));
    const d = diag(text, { 'file:///w/web.yaml': WEB });
    assert.deepEqual(codes(d), ['ingress-service-missing']);
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'name: nope', 'nope'));
  });

  it('fires when the Service exists only in another namespace', () => {
    const d = diag(ingressV1('shop', backend('web', 'number: 80'), 'front'), { 'file:///w/web.yaml': deployment('web', { ns: 'back' }) + service('web', { ns: 'back' }) });
    assert.deepEqual(codes(d), ['ingress-service-missing']);
  });

  it('does not fire when the Service exists in the Ingress namespace', () => {
    assert.deepEqual(codes(diag(ingressV1('shop', backend('web', 'number: 80')), { 'file:///w/web.yaml': WEB })), []);
  });

  it('fires on a v1beta1 serviceName too', () => {
    const text = y('apiVersion: extensions/v1beta1', 'kind: Ingress', 'metadata: {name: old}', 'spec:', '  backend:', '    serviceName: gone', '    servicePort: 80');
    const d = diag(text, { 'file:///w/web.yaml': WEB });
    assert.deepEqual(codes(d), ['ingress-service-missing']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'serviceName: gone', 'gone'));
  });

  const route = (ref: string[]) =>
    y('apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: r', '  namespace: front', 'spec:', '  rules:', '    - backendRefs:', ...ref.map((l) => `        ${l}`));
  const backNs = deployment('web', { ns: 'back' }) + service('web', { ns: 'back' });
  const grant = (fromNs: string) =>
    y(
      '---',
      'apiVersion: gateway.networking.k8s.io/v1beta1',
      'kind: ReferenceGrant',
      'metadata: {name: g, namespace: back}',
      'spec:',
      `  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: ${fromNs}}]`,
      '  to: [{group: "", kind: Service}]',
    );

  it('a route backend in another namespace without a ReferenceGrant fires, over the namespace value', () => {
    const text = route(['- name: web', '  namespace: back', '  port: 80']);
    const d = diag(text, { 'file:///w/back.yaml': backNs });
    assert.deepEqual(codes(d), ['ingress-service-missing']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'namespace: back', 'back'));
  });

  it('a route backend in another namespace with a ReferenceGrant from the route namespace does not fire', () => {
    assert.deepEqual(codes(diag(route(['- name: web', '  namespace: back', '  port: 80']), { 'file:///w/back.yaml': backNs + grant('front') })), []);
  });

  it('a ReferenceGrant for another source namespace does not help', () => {
    assert.deepEqual(codes(diag(route(['- name: web', '  namespace: back', '  port: 80']), { 'file:///w/back.yaml': backNs + grant('elsewhere') })), ['ingress-service-missing']);
  });

  it('a route backend without namespace looks in the route namespace; other kinds are not Services', () => {
    assert.deepEqual(codes(diag(route(['- name: web', '  port: 80']), { 'file:///w/back.yaml': backNs })), ['ingress-service-missing']);
    assert.deepEqual(codes(diag(route(['- name: imported', '  group: multicluster.x-k8s.io', '  kind: ServiceImport', '  port: 80']), { 'file:///w/back.yaml': backNs })), []);
  });
});

describe('diagnostics: ingress-port-missing', () => {
  const others = { 'file:///w/web.yaml': deployment('web') + service('web', { ports: ['- name: http', '  port: 80', '  targetPort: http'] }) };
  const v1 = (port: string) => ingressV1('shop', ['service:', '  name: web', '  port:', `    ${port}`]);

  it('fires as an error over a port number the Service lacks', () => {
    const text = v1('number: 81');
    const d = diag(text, others);
    assert.deepEqual(codes(d), ['ingress-port-missing']);
    assert.equal(d[0]!.severity, 'error');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'number: 81', '81'));
    assert.equal(d[0]!.finding.fixes?.[0]?.edits[0]?.newText, '80');
  });

  it('fires over a port name the Service lacks', () => {
    const text = v1('name: https');
    const d = diag(text, others);
    assert.deepEqual(codes(d), ['ingress-port-missing']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'name: https', 'https'));
  });

  it('does not fire for the Service port by number or by name', () => {
    assert.deepEqual(codes(diag(v1('number: 80'), others)), []);
    assert.deepEqual(codes(diag(v1('name: http'), others)), []);
  });

  it('fires and does not fire on v1beta1 servicePort', () => {
    const old = (port: string) => y('apiVersion: networking.k8s.io/v1beta1', 'kind: Ingress', 'metadata: {name: old}', 'spec:', '  backend:', '    serviceName: web', `    servicePort: ${port}`);
    assert.deepEqual(codes(diag(old('8080'), others)), ['ingress-port-missing']);
    assert.deepEqual(codes(diag(old('http'), others)), []);
    assert.deepEqual(codes(diag(old('80'), others)), []);
  });
});

describe('diagnostics: workload-selector-mismatch', () => {
  const mismatched = y(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web}',
    'spec:',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: webx}',
    '    spec: {containers: [{name: c}]}',
  );

  it("fires as an error over the selector when it does not match the workload's own template labels", () => {
    const d = diag(mismatched);
    assert.deepEqual(codes(d), ['workload-selector-mismatch']);
    assert.deepEqual(d[0]!.range, range(5, 4, 5, 27));
  });

  it('does not fire when the selector matches, nor for Jobs', () => {
    assert.deepEqual(codes(diag(deployment('web'))), []);
    assert.deepEqual(codes(diag(mismatched.replace('apps/v1', 'batch/v1').replace('Deployment', 'Job'))), []);
  });
});

describe('diagnostics: networkpolicy-selects-nothing', () => {
  it('fires as a warning over the podSelector when it selects no workload', () => {
    const text = deployment('web') + netpol('p', ['podSelector:', '  matchLabels:', '    app: nope']);
    const d = withCode(diag(text), 'networkpolicy-selects-nothing');
    assert.equal(d.length, 1);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, rangeIn(text, '    matchLabels:\n      app: nope', 'matchLabels:\n      app: nope'));
  });

  it('fires when the matching workload is in another namespace', () => {
    const d = diag(netpol('p', ['podSelector: {matchLabels: {app: web}}'], 'a'), { 'file:///w/d.yaml': deployment('web', { ns: 'b' }) });
    assert.deepEqual(codes(d), ['networkpolicy-selects-nothing']);
  });

  it('does not fire for `podSelector: {}` or a selector that matches', () => {
    assert.deepEqual(codes(diag(netpol('p', ['podSelector: {}']))), []);
    assert.deepEqual(codes(diag(deployment('web') + netpol('p', ['podSelector: {matchLabels: {app: web}}']))), []);
  });
});

describe('diagnostics: networkpolicy-peer-selects-nothing', () => {
  it('fires as a warning over a peer podSelector that selects no pod', () => {
    const text = deployment('web') + netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - podSelector: {matchLabels: {app: ghost}}']);
    const d = diag(text);
    assert.deepEqual(codes(d), ['networkpolicy-peer-selects-nothing']);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, rangeIn(text, '{matchLabels: {app: ghost}}', '{matchLabels: {app: ghost}}'));
  });

  it('is info over a namespaceSelector that matches no namespace of the workspace', () => {
    const text = deployment('web') + netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {matchLabels: {team: ghost}}']);
    const d = diag(text);
    assert.deepEqual(codes(d), ['networkpolicy-peer-selects-nothing']);
    assert.equal(d[0]!.severity, 'info');
    assert.deepEqual(d[0]!.range, rangeIn(text, '{matchLabels: {team: ghost}}', '{matchLabels: {team: ghost}}'));
  });

  it('a namespace named only by Namespace objects filed there does not count: `default` here is info', () => {
    const text = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}'], 'shop');
    const nsShop = y('apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop}');
    const d = diag(text, { 'file:///w/ns.yaml': nsShop, 'file:///w/d.yaml': deployment('web', { ns: 'shop' }) });
    assert.deepEqual(
      d.map((x) => [x.code, x.severity]),
      [['networkpolicy-peer-selects-nothing', 'info']],
    );
  });

  it('does not fire when the namespaceSelector matches a Namespace label and the podSelector a pod there', () => {
    const text = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {matchLabels: {team: a}}', '        podSelector: {matchLabels: {app: web}}'], 'shop');
    const nsA = y('apiVersion: v1', 'kind: Namespace', 'metadata: {name: other, labels: {team: a}}');
    assert.deepEqual(codes(diag(text, { 'file:///w/ns.yaml': nsA, 'file:///w/d.yaml': deployment('web', { ns: 'other' }) })), []);
  });

  it('follows Namespace label edits in one analysis (namespace matches are remembered per namespace table)', () => {
    const text = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {matchLabels: {team: a}}'], 'shop');
    const nsWith = (team: string) => y('apiVersion: v1', 'kind: Namespace', `metadata: {name: other, labels: {team: ${team}}}`);
    const analysis = analysisOf({ [URI]: text, 'file:///w/ns.yaml': nsWith('b'), 'file:///w/d.yaml': deployment('web', { ns: 'other' }) });
    const ctx = createDiagnosticContext(analysis);
    const codesNow = () => diagnoseFile(ctx, URI).map((f) => f.code);
    // Twice each, so that a second answer comes from what the first one remembered.
    for (let i = 0; i < 2; i++) assert.deepEqual(codesNow(), ['networkpolicy-peer-selects-nothing']);
    analysis.index.setFile('file:///w/ns.yaml', nsWith('a'));
    for (let i = 0; i < 2; i++) assert.deepEqual(codesNow(), []);
    analysis.index.setFile('file:///w/ns.yaml', nsWith('c'));
    assert.deepEqual(codesNow(), ['networkpolicy-peer-selects-nothing']);
  });

  it('matches namespaces by kubernetes.io/metadata.name without a Namespace object', () => {
    const text = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: other}}'], 'shop');
    assert.deepEqual(codes(diag(text, { 'file:///w/d.yaml': deployment('web', { ns: 'other' }) })), []);
  });

  it('a peer podSelector looks in the policy namespace only', () => {
    const text = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - podSelector: {matchLabels: {app: web}}'], 'shop');
    assert.deepEqual(codes(diag(text, { 'file:///w/d.yaml': deployment('web', { ns: 'other' }) })), ['networkpolicy-peer-selects-nothing']);
    assert.deepEqual(codes(diag(text, { 'file:///w/d.yaml': deployment('web', { ns: 'shop' }) })), []);
  });

  it('a peer naming the configured ingress controller (namespace and pod labels) selects it', () => {
    // The usual "allow from the ingress controller" policy, in a repo that does not hold the controller's manifests.
    const controller = { namespace: 'ingress-nginx', namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
    const admit = netpol('from-ingress', [
      'podSelector: {matchLabels: {app: web}}',
      'ingress:',
      '  - from:',
      '      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}',
      '        podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}',
    ]);
    const d = diag(admit, { 'file:///w/web.yaml': WEB }, { settings: { ingressController: controller, ingressControllerConfigured: true } });
    assert.deepEqual(codes(d), []);
  });

  it('does not fire on ipBlock peers or empty podSelectors', () => {
    assert.deepEqual(codes(diag(deployment('web') + netpol('p', ['podSelector: {}', 'egress:', '  - to:', '      - ipBlock: {cidr: 10.0.0.0/8}', '      - podSelector: {}']))), []);
  });
});

describe('diagnostics: service-unreachable', () => {
  const denyAll = netpol('deny', ['podSelector: {}', 'policyTypes: [Ingress]']);

  it('fires as a warning over the targetPort when policies let nothing in', () => {
    const text = WEB + denyAll;
    const d = diag(text);
    assert.deepEqual(codes(d), ['service-unreachable']);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'targetPort: http', 'http'));
    assert.ok(d[0]!.finding.related.some((r) => r.message.includes('default/deny')));
  });

  it('does not fire without policies, or when a policy lets someone reach the port', () => {
    assert.deepEqual(codes(diag(WEB)), []);
    const allowFromClient =
      WEB + deployment('client') + denyAll + netpol('allow', ['podSelector: {matchLabels: {app: web}}', 'ingress:', '  - from: [{podSelector: {matchLabels: {app: client}}}]', '    ports: [{port: 8080}]']);
    assert.deepEqual(codes(diag(allowFromClient)), []);
  });

  it('fires when the only allowed port is another one', () => {
    const text = WEB + deployment('client') + netpol('allow', ['podSelector: {matchLabels: {app: web}}', 'ingress:', '  - ports: [{port: 9999}]']);
    assert.deepEqual(codes(diag(text)), ['service-unreachable']);
  });
});

describe('diagnostics: ingress-blocked', () => {
  const backend = ['service:', '  name: web', '  port:', '    number: 80'];
  const denyAll = netpol('deny', ['podSelector: {}', 'policyTypes: [Ingress]']);
  const controller = { namespace: 'ingress-nginx', namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };

  it('is info with the default controller identity, over the backend service name', () => {
    const text = ingressV1('shop', backend);
    const d = diag(text, { 'file:///w/web.yaml': WEB + denyAll });
    assert.deepEqual(codes(d), ['ingress-blocked']);
    assert.equal(d[0]!.severity, 'info');
    assert.deepEqual(d[0]!.range, rangeIn(text, 'name: web', 'web'));
  });

  it('is a warning when the controller identity is configured', () => {
    const d = diag(ingressV1('shop', backend), { 'file:///w/web.yaml': WEB + denyAll }, { settings: { ingressController: controller, ingressControllerConfigured: true } });
    assert.deepEqual(codes(d), ['ingress-blocked']);
    assert.equal(d[0]!.severity, 'warning');
  });

  it('does not fire without policies, or when a policy admits the configured controller', () => {
    assert.deepEqual(codes(diag(ingressV1('shop', backend), { 'file:///w/web.yaml': WEB })), []);
    const admit = netpol('from-ingress', [
      'podSelector: {matchLabels: {app: web}}',
      'ingress:',
      '  - from:',
      '      - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}',
      '        podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}',
    ]);
    const d = diag(ingressV1('shop', backend), { 'file:///w/web.yaml': WEB + denyAll + admit }, { settings: { ingressController: controller, ingressControllerConfigured: true } });
    assert.deepEqual(codes(d), []);
  });
});

describe('diagnostics: the cluster tiers alone (no NetworkPolicy in the namespace)', () => {
  const backend = ['service:', '  name: web', '  port:', '    number: 80'];
  const controller = { namespace: 'ingress-nginx', namespaceLabels: {}, podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
  const guard = (from: string): string =>
    y(
      '---',
      'apiVersion: policy.networking.k8s.io/v1alpha1',
      'kind: AdminNetworkPolicy',
      'metadata: {name: guard}',
      'spec:',
      '  priority: 5',
      '  subject: {namespaces: {}}',
      '  ingress:',
      `    - {name: no-way-in, action: Deny, from: [${from}]}`,
    );

  it('ingress-blocked fires where an ANP Deny keeps the configured controller out, naming the ANP', () => {
    const text = ingressV1('shop', backend);
    const d = diag(text, { 'file:///w/web.yaml': WEB, 'file:///w/anp.yaml': guard('{namespaces: {matchLabels: {kubernetes.io/metadata.name: ingress-nginx}}}') }, { settings: { ingressController: controller, ingressControllerConfigured: true } });
    assert.deepEqual(codes(d), ['ingress-blocked']);
    assert.equal(d[0]!.severity, 'warning');
    assert.match(d[0]!.finding.message, /^NetworkPolicies and the cluster tiers \(ANP\/BANP\) do not let the ingress controller/);
    assert.ok(d[0]!.finding.related.some((r) => r.message === 'AdminNetworkPolicy guard decides ingress here'), JSON.stringify(d[0]!.finding.related));
  });

  it('ingress-blocked stays silent where the ANP denies other namespaces only', () => {
    const d = diag(ingressV1('shop', backend), { 'file:///w/web.yaml': WEB, 'file:///w/anp.yaml': guard('{namespaces: {matchLabels: {kubernetes.io/metadata.name: tools}}}') }, { settings: { ingressController: controller, ingressControllerConfigured: true } });
    assert.deepEqual(codes(d), []);
  });

  it('service-unreachable stays silent under an ANP that denies every pod: addresses still reach the port', () => {
    // Reason: ANP/BANP ingress peers are pods and namespaces only; without a NetworkPolicy no address is kept out.
    assert.deepEqual(codes(diag(WEB, { 'file:///w/anp.yaml': guard('{namespaces: {}}') })), []);
  });
});

describe('diagnostics: statefulset-service-missing', () => {
  const sts = (serviceName: string) =>
    y(
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata: {name: db}',
      'spec:',
      `  serviceName: ${serviceName}`,
      '  selector: {matchLabels: {app: db}}',
      '  template:',
      '    metadata: {labels: {app: db}}',
      '    spec: {containers: [{name: db, ports: [{containerPort: 5432, name: pg}]}]}',
    );

  it('fires as a warning over serviceName when no Service has that name', () => {
    const text = sts('db-headless');
    const d = diag(text);
    assert.deepEqual(codes(d), ['statefulset-service-missing']);
    assert.equal(d[0]!.severity, 'warning');
    assert.deepEqual(d[0]!.range, range(4, 15, 4, 26));
  });

  it('fires when the Service is not headless', () => {
    const d = diag(sts('db'), { 'file:///w/svc.yaml': service('db', { ports: ['- port: 5432', '  targetPort: pg'] }) });
    assert.deepEqual(codes(d), ['statefulset-service-missing']);
  });

  it('does not fire with a headless Service of that name', () => {
    assert.deepEqual(codes(diag(sts('db'), { 'file:///w/svc.yaml': service('db', { ports: ['- port: 5432', '  targetPort: pg'], extra: ['clusterIP: None'] }) })), []);
  });
});

describe('diagnostics: label-invalid', () => {
  const pod = (labels: string[]) => y('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', ...labels.map((l) => `    ${l}`), 'spec: {containers: [{name: c}]}');

  for (const value of ['on', 'yes', 'off', '1.0', '0644', 'true', '8080']) {
    it(`fires over an unquoted \`${value}\` label value that YAML 1.1 reads as a bool or number`, () => {
      const text = pod([`flag: ${value}`]);
      const d = diag(text);
      assert.deepEqual(codes(d), ['label-invalid']);
      assert.equal(d[0]!.severity, 'error');
      assert.deepEqual(d[0]!.range, rangeIn(text, `flag: ${value}`, value));
      assert.equal(d[0]!.finding.fixes?.[0]?.edits[0]?.newText, JSON.stringify(value));
    });
  }

  it('does not fire for quoted values or versions', () => {
    assert.deepEqual(codes(diag(pod(['a: "on"', "b: 'yes'", 'c: "1.0"', 'd: 1.15.1', 'e: v1', 'f: ""']))), []);
  });

  it('fires over a bad key and a bad value', () => {
    const text = pod(['-bad: x', 'ok: has space', 'UPPER.example.com/x: z', `long: ${'a'.repeat(64)}`]);
    const d = diag(text);
    assert.deepEqual(codes(d), ['label-invalid', 'label-invalid', 'label-invalid', 'label-invalid']);
    const ranges = d.map((x) => x.range);
    assert.deepEqual(ranges[0], rangeIn(text, '-bad: x', '-bad'));
    assert.deepEqual(ranges[1], rangeIn(text, 'ok: has space', 'has space'));
    assert.deepEqual(ranges[2], rangeIn(text, 'UPPER.example.com/x: z', 'UPPER.example.com/x'));
    assert.deepEqual(ranges[3], range(8, 10, 8, 74));
  });

  it('does not fire for prefixed keys and the usual values', () => {
    assert.deepEqual(codes(diag(pod(['app.kubernetes.io/name: web', 'tier: front-end_1.x']))), []);
  });

  it('fires over a selector with an unknown operator, In without values, Exists with values', () => {
    const text = netpol('p', [
      'podSelector:',
      '  matchExpressions:',
      '    - {key: app, operator: Equals, values: [web]}',
      '    - {key: tier, operator: In, values: []}',
      '    - {key: env, operator: Exists, values: [x]}',
    ]);
    const d = withCode(diag(text), 'label-invalid');
    assert.deepEqual(
      d.map((x) => x.range),
      [rangeIn(text, 'operator: Equals', 'Equals'), rangeIn(text, 'operator: In', 'In'), rangeIn(text, 'operator: Exists', 'Exists')],
    );
  });

  it('fires over an unquoted boolean in a Service selector, but not in valid expressions', () => {
    const text = service('web', { selector: { canary: 'yes' } });
    assert.deepEqual(withCode(diag(text), 'label-invalid').map((x) => x.range), [rangeIn(text, 'canary: yes', 'yes')]);
    const ok = netpol('p', ['podSelector:', '  matchExpressions:', '    - {key: app, operator: In, values: [web]}', '    - {key: env, operator: DoesNotExist}']);
    assert.deepEqual(withCode(diag(ok), 'label-invalid'), []);
  });
});

describe('diagnostics: port-invalid', () => {
  it('fires over a container port out of range', () => {
    const text = deployment('web', { ports: ['- containerPort: 70000'] });
    const d = diag(text);
    assert.deepEqual(codes(d), ['port-invalid']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'containerPort: 70000', '70000'));
  });

  it('fires over a Service port 0 and a targetPort out of range', () => {
    const text = deployment('web') + service('web', { ports: ['- port: 0', '  targetPort: 65536'] });
    const d = withCode(diag(text), 'port-invalid');
    assert.deepEqual(
      d.map((x) => x.range),
      [rangeIn(text, 'port: 0', '0'), rangeIn(text, 'targetPort: 65536', '65536')],
    );
  });

  it('fires over a port name longer than 15 characters or malformed', () => {
    const text = deployment('web', { ports: ['- containerPort: 8080', '  name: this-name-is-too-long', '- containerPort: 8081', '  name: Http'] });
    const d = diag(text);
    assert.deepEqual(
      d.map((x) => [x.code, x.range]),
      [
        ['port-invalid', rangeIn(text, 'name: this-name-is-too-long', 'this-name-is-too-long')],
        ['port-invalid', rangeIn(text, 'name: Http', 'Http')],
      ],
    );
  });

  it('a Service port name is a DNS label (up to 63 characters), not a 15-character IANA name', () => {
    // The API server validates Service port names with ValidateDNS1123Label; only container port
    // names (and a named targetPort) are IANA service names. Seen in sock-shop's jaeger.yaml.
    const text = deployment('db', { ports: ['- containerPort: 4444'] }) + service('db', { ports: ['- name: state-snapshot-transfer', '  port: 4444'] });
    assert.deepEqual(codes(diag(text)), []);
    const bad = deployment('db', { ports: ['- containerPort: 4444'] }) + service('db', { ports: ['- name: State_Transfer', '  port: 4444'] });
    assert.deepEqual(codes(diag(bad)), ['port-invalid']);
  });

  it('fires over the second of two container ports with the same name', () => {
    const text = deployment('web', { ports: ['- containerPort: 8080', '  name: http', '- containerPort: 8081', '  name: http'] });
    const d = diag(text);
    assert.deepEqual(codes(d), ['port-invalid']);
    assert.deepEqual(d[0]!.range, rangeIn(text, 'name: http', 'http', 1));
  });

  it('fires over each unnamed port of a multi-port Service', () => {
    const text = deployment('web', { ports: ['- containerPort: 80', '- containerPort: 443'] }) + service('web', { ports: ['- port: 80', '- port: 443'] });
    const d = diag(text);
    assert.deepEqual(
      d.map((x) => [x.code, x.range]),
      [
        ['port-invalid', rangeIn(text, '- port: 80', '80')],
        ['port-invalid', rangeIn(text, '- port: 443', '443')],
      ],
    );
  });

  it('fires over a duplicate Service port name', () => {
    const text = deployment('web', { ports: ['- containerPort: 80', '- containerPort: 443'] }) + service('web', { ports: ['- {name: web, port: 80}', '- {name: web, port: 443}'] });
    assert.deepEqual(codes(diag(text)), ['port-invalid']);
  });

  it('does not fire for valid, named, unique ports', () => {
    const text =
      deployment('web', { ports: ['- {containerPort: 80, name: http}', '- {containerPort: 443, name: https}'] }) +
      service('web', { ports: ['- {name: http, port: 80, targetPort: http}', '- {name: https, port: 443, targetPort: https}'] });
    assert.deepEqual(codes(diag(text)), []);
    assert.deepEqual(codes(diag(deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: 8080'] }))), []);
  });
});

describe('diagnostics: ranges in awkward files', () => {
  it('a CRLF file with a BOM and a second document keeps exact ranges', () => {
    const text = '\uFEFF' + (deployment('web') + service('web', { selector: { app: 'webb' } })).replace(/\n/g, '\r\n');
    const d = diag(text);
    assert.deepEqual(codes(d), ['service-selects-nothing']);
    // Line 24 of the file (0-based) holds `    app: webb`; the BOM is not a column.
    const lines = text.slice(1).split('\r\n');
    const line = lines.indexOf('    app: webb');
    assert.deepEqual(d[0]!.range, range(line, 4, line, 13));
  });

  it('a flow-style selector with an emoji before it counts UTF-16 columns', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata: {name: "🚀", annotations: {a: "🚀🚀"}}', 'spec:', '  ports: [{port: 80}]', '  selector: {note: "é🚀", app: nope}');
    const d = withCode(diag(text), 'service-selects-nothing');
    assert.deepEqual(d[0]!.range, range(5, 12, 5, 36)); // é is one unit, the rocket two
  });
});

describe('diagnostics: k8sNetmap.rules', () => {
  const text = service('web', { selector: { app: 'nope' } });

  it('off removes a code', () => {
    assert.deepEqual(codes(diag(text, {}, { rules: { 'service-selects-nothing': 'off' } })), []);
  });

  it('a severity overrides the default', () => {
    for (const sev of ['error', 'info', 'hint'] as const) {
      const d = diag(text, {}, { rules: { 'service-selects-nothing': sev } });
      assert.deepEqual(
        d.map((x) => x.severity),
        [sev],
      );
    }
  });

  it('overrides every default of a code, including the info variant', () => {
    const numeric = deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: 9090'] });
    assert.deepEqual(
      diag(numeric, {}, { rules: { 'service-target-port-unresolved': 'warning' } }).map((x) => x.severity),
      ['warning'],
    );
  });

  it('a setting for another code changes nothing', () => {
    assert.deepEqual(
      diag(text, {}, { rules: { 'label-invalid': 'off' } }).map((x) => [x.code, x.severity]),
      [['service-selects-nothing', 'warning']],
    );
  });
});

describe('diagnostics: # k8s-netmap-disable-next-line', () => {
  const withDirective = (directive: string) =>
    y('apiVersion: v1', 'kind: Service', 'metadata: {name: web}', 'spec:', `  ${directive}`, '  selector: {app: nope, flag: on}', '  ports: [{port: 80}]');

  it('without codes it suppresses every code on the next line', () => {
    assert.deepEqual(codes(diag(withDirective('# k8s-netmap-disable-next-line'))), []);
  });

  it('with one code it suppresses only that code', () => {
    assert.deepEqual(codes(diag(withDirective('# k8s-netmap-disable-next-line label-invalid'))), ['service-selects-nothing']);
  });

  it('with several codes it suppresses each of them', () => {
    assert.deepEqual(codes(diag(withDirective('# k8s-netmap-disable-next-line label-invalid, service-selects-nothing'))), []);
  });

  it('a directive for another code, or on another line, suppresses nothing', () => {
    assert.deepEqual(codes(diag(withDirective('# k8s-netmap-disable-next-line port-invalid'))), ['label-invalid', 'service-selects-nothing']);
    assert.deepEqual(codes(diag(withDirective('# unrelated comment'))), ['label-invalid', 'service-selects-nothing']);
  });
});
