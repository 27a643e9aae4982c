// Editor features over the core (SPEC §6): hover, definition/references, completion and code lens.
// Each fixture marks the cursor with `|`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeLenses } from '../../server/src/features/codeLens';
import { complete } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { definition, references, type SourceLocation } from '../../server/src/features/navigation';
import { computeLineStarts, positionAt } from '../../server/src/model/positions';
import type { Span } from '../../server/src/model/types';
import { analysisOf, cursor, deployment, ingressV1, netpol, service, spanIn, URI, y } from './helpers';

const OTHER = 'file:///w/other.yaml';

/** Hover markdown at the `|` of `marked` (the first file); `others` complete the workspace. */
function hoverAt(marked: string, others: Record<string, string> = {}, settings = {}) {
  const { text, offset } = cursor(marked);
  const analysis = analysisOf({ [URI]: text, ...others }, settings);
  return { result: hover(analysis, URI, offset), text };
}

function defAt(marked: string, others: Record<string, string> = {}): { locs: SourceLocation[]; text: string } {
  const { text, offset } = cursor(marked);
  return { locs: definition(analysisOf({ [URI]: text, ...others }), URI, offset), text };
}

function refsAt(marked: string, others: Record<string, string> = {}, includeDeclaration = false): { locs: SourceLocation[]; text: string } {
  const { text, offset } = cursor(marked);
  return { locs: references(analysisOf({ [URI]: text, ...others }), URI, offset, includeDeclaration), text };
}

function completeAt(marked: string, others: Record<string, string> = {}): string[] {
  const { text, offset } = cursor(marked);
  const analysis = analysisOf({ [URI]: text, ...others });
  return complete(analysis, URI, text, offset)
    .map((c) => c.label)
    .sort();
}

/** `line:character` of a span start in a text, for readable location assertions. */
function at(text: string, span: Span): string {
  const p = positionAt(computeLineStarts(text), span.start);
  return `${p.line}:${p.character}`;
}

function locText(texts: Record<string, string>, loc: SourceLocation): string {
  return texts[loc.uri]!.slice(loc.span.start, loc.span.end);
}

describe('hover: Services', () => {
  const workload = deployment('web', { replicas: 3 });

  it('on the selector: the workloads with replicas, the port chain and the DNS name', () => {
    const svc = service('web').replace('    app: web', '    app: w|eb');
    const { result } = hoverAt(svc, { [OTHER]: workload });
    assert.ok(result);
    const md = result.markdown;
    assert.match(md, /Deployment default\/web/);
    assert.match(md, /3 replicas/);
    assert.match(md, /80 → http → web:8080/);
    assert.match(md, /web\.default\.svc\.cluster\.local/);
    assert.match(md, new RegExp(`${OTHER.replace(/[/.]/g, '\\$&')}#L\\d+`), 'links open the file at a line');
  });

  it('the hover range is the selector value', () => {
    const marked = service('web').replace('    app: web', '    app: w|eb');
    const { result, text } = hoverAt(marked, { [OTHER]: workload });
    assert.deepEqual(result!.span, spanIn(text, '    app: web\n', 'app: web'));
  });

  it('on the name: "anyone" can reach it when no policy isolates its pods', () => {
    const marked = service('web').replace('name: web', 'name: w|eb');
    const { result } = hoverAt(marked, { [OTHER]: workload });
    assert.match(result!.markdown, /anyone/);
  });

  it('on a Service without selector: says the endpoints are managed by hand', () => {
    const marked = service('manual', { selector: null }).replace('name: manual', 'name: man|ual');
    assert.match(hoverAt(marked).result!.markdown, /No selector/);
  });
});

describe('hover: workloads', () => {
  it('shows "open to all" when no policy isolates it', () => {
    const marked = deployment('web').replace('name: web', 'name: w|eb');
    const md = hoverAt(marked, { [OTHER]: service('web') }).result!.markdown;
    assert.match(md, /open to all/);
    assert.match(md, /Service default\/web/);
  });

  it('shows isolation and the allowed peers under a policy', () => {
    const marked = deployment('web').replace('name: web', 'name: w|eb');
    const others = {
      [OTHER]:
        deployment('client') +
        netpol('web-in', ['podSelector: {matchLabels: {app: web}}', 'ingress:', '  - from: [{podSelector: {matchLabels: {app: client}}}]', '    ports: [{port: 8080}]']),
    };
    const md = hoverAt(marked, others).result!.markdown;
    assert.match(md, /Ingress:\*\* isolated by/);
    assert.match(md, /NetworkPolicy default\/web\\?-in/);
    assert.match(md, /default\/client\[Deployment\]/);
    assert.match(md, /TCP 8080/);
    assert.match(md, /Egress:\*\* not isolated — open to all/);
  });

  it('under each allowed peer, one line per deciding rule, linked to that rule (both ends)', () => {
    const marked = deployment('web').replace('name: web', 'name: w|eb');
    const policies = [
      netpol('web-in', ['podSelector: {matchLabels: {app: web}}', 'ingress:', '  - from: [{podSelector: {matchLabels: {app: other}}}]', '  - from: [{podSelector: {matchLabels: {app: client}}}]', '    ports: [{port: 8080}]']),
      netpol('client-out', ['podSelector: {matchLabels: {app: client}}', 'egress:', '  - to: [{podSelector: {matchLabels: {app: web}}}]']),
    ].join('');
    const others = { [OTHER]: deployment('client') + policies };
    const md = hoverAt(marked, others).result!.markdown;
    const text = deployment('client') + policies;
    const lineOf = (needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const ingressRule = lineOf('  - from: [{podSelector: {matchLabels: {app: client}}}]');
    const egressRule = lineOf('  - to: [{podSelector: {matchLabels: {app: web}}}]');
    assert.ok(ingressRule > 0 && egressRule > 0);
    assert.ok(md.includes(`  - \`TCP 8080\` allowed by [NetworkPolicy default/web\\-in, ingress rule \\#2](${OTHER}#L${ingressRule})`), md);
    assert.ok(md.includes(`  - \`TCP 8080\` allowed by [NetworkPolicy default/client\\-out, egress rule \\#1](${OTHER}#L${egressRule})`), md);
    assert.ok(!md.includes('web\\-in, ingress rule \\#1'), 'rule #1 does not admit the client');
  });

  it('a hostile policy name in a rule line is escaped and cut', () => {
    const marked = deployment('web').replace('name: web', 'name: w|eb');
    const hostileName = `<img src=x onerror=alert(1)>${'x'.repeat(300)}`;
    const others = {
      [OTHER]: deployment('client') + netpol('web-in', ['podSelector: {matchLabels: {app: web}}', 'ingress:', '  - from: [{podSelector: {matchLabels: {app: client}}}]']).replace('name: web-in', `name: "${hostileName}"`),
    };
    const md = hoverAt(marked, others).result!.markdown;
    const ruleLines = md.split('\n').filter((l) => l.includes(' allowed by '));
    assert.equal(ruleLines.length, 1, md);
    assert.match(ruleLines[0], /allowed by \[NetworkPolicy default\/&lt;img/, md);
    assert.doesNotMatch(md, /<img/i, md);
    assert.doesNotMatch(ruleLines[0], /x{100}/, md);
  });

  it('an isolating policy without rules: every ingress connection denied', () => {
    const marked = deployment('web').replace('name: web', 'name: w|eb');
    const md = hoverAt(marked, { [OTHER]: netpol('deny', ['podSelector: {}', 'policyTypes: [Ingress]']) }).result!.markdown;
    assert.match(md, /isolated by/);
    assert.match(md, /denied/);
  });
});

describe('hover: manifest text is escaped', () => {
  const hostile = '<img src=x onerror=alert(1)>';

  it('a hostile Service name does not reach the markdown as HTML', () => {
    const marked = y('apiVersion: v1', 'kind: Service', 'metadata:', `  name: "${hostile}|"`, 'spec:', '  selector: {app: web}', '  ports: [{port: 80}]');
    const md = hoverAt(marked, { [OTHER]: deployment('web') }).result!.markdown;
    assert.doesNotMatch(md, /<img/i, md);
  });

  it('a hostile workload name does not reach the markdown as HTML', () => {
    const marked = deployment('web').replace('name: web', `name: "${hostile}|"`);
    const md = hoverAt(marked, { [OTHER]: service('web') }).result!.markdown;
    assert.doesNotMatch(md, /<img/i, md);
  });

  it('a hostile workload name in a Service hover (a link label) is escaped', () => {
    const marked = service('web').replace('    app: web', '    app: w|eb');
    const md = hoverAt(marked, { [OTHER]: deployment('web').replace('name: web', `name: "${hostile}"`) }).result!.markdown;
    assert.doesNotMatch(md, /<img/i, md);
  });

  it('backticks in a name cannot close the inline code around it', () => {
    const marked = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: "a`**b**`|c"', 'spec:', '  ports: [{port: 80}]');
    const md = hoverAt(marked).result!.markdown;
    assert.doesNotMatch(md, /a`\*\*b/, md);
  });
});

describe('hover: backends, policies, StatefulSets', () => {
  it('on an Ingress backend: the Service, port and the pods it ends in', () => {
    const marked = ingressV1('shop', ['service:', '  name: w|eb', '  port:', '    number: 80']);
    const md = hoverAt(marked, { [OTHER]: deployment('web') + service('web') }).result!.markdown;
    assert.match(md, /Service default\/web/);
    assert.match(md, /Deployment default\/web/);
    assert.match(md, /80 → http → web:8080/);
  });

  it('on a backend naming a missing Service: says so', () => {
    const marked = ingressV1('shop', ['service:', '  name: gh|ost', '  port:', '    number: 80']);
    assert.match(hoverAt(marked).result!.markdown, /No Service/);
  });

  it('on a policy podSelector: what it selects', () => {
    const marked = netpol('p', ['podSelector:', '  matchLabels:', '    app: w|eb']);
    const md = hoverAt(marked, { [OTHER]: deployment('web') + deployment('api') }).result!.markdown;
    assert.match(md, /Deployment default\/web/);
    assert.doesNotMatch(md, /Deployment default\/api/);
  });

  it('on a policy peer: namespaces and workloads it selects', () => {
    const marked = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - podSelector: {matchLabels: {app: a|pi}}']);
    const md = hoverAt(marked, { [OTHER]: deployment('web') + deployment('api') }).result!.markdown;
    assert.match(md, /Deployment default\/api/);
    assert.doesNotMatch(md, /Deployment default\/web/);
  });

  it('nothing to say on plain keys', () => {
    const marked = service('web').replace('apiVersion', 'apiVer|sion');
    assert.equal(hoverAt(marked).result, undefined);
  });
});

describe('definition and references', () => {
  const workloads = deployment('web') + deployment('api');

  it('backend service name → the Service', () => {
    const { locs } = defAt(ingressV1('shop', ['service:', '  name: w|eb', '  port:', '    number: 80']), { [OTHER]: service('web') + workloads });
    assert.equal(locs.length, 1);
    assert.equal(locs[0]!.uri, OTHER);
    assert.equal(locText({ [OTHER]: service('web') + workloads }, locs[0]!), 'web');
  });

  it('backend port → the Service port', () => {
    const others = { [OTHER]: service('web') + workloads };
    const { locs } = defAt(ingressV1('shop', ['service:', '  name: web', '  port:', '    number: 8|0']), others);
    assert.equal(locs.length, 1);
    assert.match(locText(others, locs[0]!), /port: 80/);
  });

  it('v1beta1 backend → the Service', () => {
    const marked = y('apiVersion: extensions/v1beta1', 'kind: Ingress', 'metadata: {name: old}', 'spec:', '  backend:', '    serviceName: w|eb', '    servicePort: 80');
    const { locs } = defAt(marked, { [OTHER]: service('web') });
    assert.equal(locs.length, 1);
    assert.equal(locs[0]!.uri, OTHER);
  });

  it('Service selector → the selected workloads (their pod labels)', () => {
    const others = { [OTHER]: workloads };
    const { locs } = defAt(service('web').replace('    app: web', '    app: |web'), others);
    assert.equal(locs.length, 1);
    assert.equal(locText(others, locs[0]!), 'app: web');
  });

  it('targetPort → the container port', () => {
    const others = { [OTHER]: workloads };
    const { locs } = defAt(service('web').replace('targetPort: http', 'targetPort: ht|tp'), others);
    assert.equal(locs.length, 1);
    assert.match(locText(others, locs[0]!), /containerPort: 8080/);
  });

  it('StatefulSet serviceName → the Service', () => {
    const sts = y(
      'apiVersion: apps/v1',
      'kind: StatefulSet',
      'metadata: {name: db}',
      'spec:',
      '  serviceName: db-he|adless',
      '  selector: {matchLabels: {app: db}}',
      '  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db}]}}',
    );
    const others = { [OTHER]: service('db-headless', { selector: { app: 'db' }, extra: ['clusterIP: None'] }) };
    const { locs } = defAt(sts, others);
    assert.equal(locs.length, 1);
    assert.equal(locText(others, locs[0]!), 'db-headless');
  });

  it('policy podSelector → the selected workloads', () => {
    const others = { [OTHER]: workloads };
    const { locs } = defAt(netpol('p', ['podSelector: {matchLabels: {app: a|pi}}']), others);
    assert.equal(locs.length, 1);
    assert.equal(locText(others, locs[0]!), 'app: api');
  });

  it('policy peer podSelector → the workloads it admits', () => {
    const others = { [OTHER]: workloads };
    const { locs } = defAt(netpol('p', ['podSelector: {}', 'ingress:', '  - from: [{podSelector: {matchLabels: {app: w|eb}}}]']), others);
    assert.deepEqual(
      locs.map((l) => locText(others, l)),
      ['app: web'],
    );
  });

  it('references of a Service: the backends and StatefulSets naming it, plus itself when asked', () => {
    const ing = ingressV1('shop', ['service:', '  name: web', '  port:', '    number: 80']);
    const sts = y('---', 'apiVersion: apps/v1', 'kind: StatefulSet', 'metadata: {name: s}', 'spec:', '  serviceName: web', '  selector: {matchLabels: {app: s}}', '  template: {metadata: {labels: {app: s}}, spec: {containers: [{name: s}]}}');
    const others = { [OTHER]: ing + sts + deployment('web') };
    const marked = service('web').replace('name: web', 'name: w|eb');
    const { locs, text } = refsAt(marked, others);
    const texts = { [URI]: text, ...others };
    assert.deepEqual(locs.map((l) => `${l.uri === URI ? 'self' : 'other'}:${locText(texts, l)}`).sort(), ['other:web', 'other:web']);
    assert.equal(refsAt(marked, others, true).locs.length, 3);
  });

  it('references of a workload: the Services and policies that select it', () => {
    const others = { [OTHER]: service('web') + netpol('p', ['podSelector: {matchLabels: {app: web}}']) + service('api') };
    const { locs } = refsAt(deployment('web').replace('name: web', 'name: w|eb'), others);
    assert.deepEqual(
      locs.map((l) => locText(others, l)).sort(),
      ['app: web', '{matchLabels: {app: web}}'],
    );
  });

  it('no definition on plain keys', () => {
    assert.deepEqual(defAt(service('web').replace('apiVersion', 'api|Version')).locs, []);
  });
});

describe('completion', () => {
  const others = {
    [OTHER]:
      deployment('web', { labels: { app: 'web', tier: 'front' } }) +
      deployment('api', { labels: { app: 'api', tier: 'back' } }) +
      service('web', { ports: ['- name: http', '  port: 80', '  targetPort: http', '- name: admin', '  port: 9000', '  targetPort: 9000'] }) +
      service('api') +
      service('elsewhere', { ns: 'other' }),
  };

  it('Service names in a v1 backend (same namespace only)', () => {
    assert.deepEqual(completeAt(ingressV1('shop', ['service:', '  name: |']), others), ['api', 'web']);
  });

  it('Service port numbers and names in a v1 backend', () => {
    assert.deepEqual(completeAt(ingressV1('shop', ['service:', '  name: web', '  port:', '    number: |']), others), ['80', '9000']);
    assert.deepEqual(completeAt(ingressV1('shop', ['service:', '  name: web', '  port:', '    name: |']), others), ['admin', 'http']);
  });

  it('Service names and ports in a v1beta1 backend', () => {
    const old = (lines: string[]) => y('apiVersion: extensions/v1beta1', 'kind: Ingress', 'metadata: {name: old}', 'spec:', '  rules:', '    - http:', '        paths:', '          - backend:', ...lines.map((l) => `              ${l}`));
    assert.deepEqual(completeAt(old(['serviceName: |']), others), ['api', 'web']);
    assert.deepEqual(completeAt(old(['serviceName: web', 'servicePort: |']), others), ['80', '9000']);
  });

  it('ports come from the Service of the same backend when several backends are near', () => {
    const old = y(
      'apiVersion: extensions/v1beta1',
      'kind: Ingress',
      'metadata: {name: old}',
      'spec:',
      '  rules:',
      '    - http:',
      '        paths:',
      '          - path: /web',
      '            backend:',
      '              serviceName: web',
      '              servicePort: |',
      '          - path: /api',
      '            backend:',
      '              serviceName: api',
      '              servicePort: 80',
    );
    const v1 = ingressV1('shop', ['service:', '  name: web', '  port:', '    number: |']).replace(
      '    number: \n',
      '    number: \n          - path: /api\n            pathType: Prefix\n            backend:\n              service:\n                name: api\n                port:\n                  number: 80\n',
    );
    assert.deepEqual(
      { v1beta1: completeAt(old, others), v1: completeAt(v1, others) },
      { v1beta1: ['80', '9000'], v1: ['80', '9000'] },
    );
  });

  it('label keys and values in a Service selector', () => {
    const keys = service('x', { selector: null, extra: ['selector:', '  |'] });
    assert.deepEqual(completeAt(keys, others), ['app', 'tier']);
    const values = service('x', { selector: null, extra: ['selector:', '  tier: |'] });
    assert.deepEqual(completeAt(values, others), ['back', 'front']);
  });

  it('label keys and values in a NetworkPolicy matchLabels', () => {
    assert.deepEqual(completeAt(netpol('p', ['podSelector:', '  matchLabels:', '    app: |']), others), ['api', 'web']);
  });

  it('namespace labels in a namespaceSelector', () => {
    const marked = netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', '            |']);
    assert.deepEqual(completeAt(marked, others), ['kubernetes.io/metadata.name']);
  });

  const front = {
    [OTHER]:
      deployment('web', { ns: 'front' }) +
      service('web', { ns: 'front' }) +
      service('api', { ns: 'front', ports: ['- name: grpc', '  port: 9090'] }) +
      service('elsewhere', { ns: 'back' }),
  };
  const route = (ref: string[]) =>
    y('apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: r', '  namespace: front', 'spec:', '  rules:', '    - backendRefs:', ...ref.map((l) => `        ${l}`));

  it('Service names and ports in route backendRefs, from the route namespace', () => {
    assert.deepEqual(completeAt(route(['- name: |', '  port: 80']), front), ['api', 'web']);
    assert.deepEqual(completeAt(route(['- name: api', '  port: |', '  weight: 1']), front), ['9090']);
  });

  it('at the end of a document the namespace is still the object one (cursor after `name: `)', () => {
    // The object span ends at its last non-blank character; the cursor after `name: ` is past it.
    assert.deepEqual(completeAt(route(['- name: |']), front), ['api', 'web']);
    const deploymentSelector = y('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: x, namespace: front}', 'spec:', '  selector:', '    matchLabels:', '      |');
    assert.deepEqual(completeAt(deploymentSelector, front), ['app']);
  });

  it('Service names in a v1 defaultBackend', () => {
    const marked = y('apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata: {name: i, namespace: front}', 'spec:', '  defaultBackend:', '    service:', '      name: |', '      port: {number: 80}');
    assert.deepEqual(completeAt(marked, front), ['api', 'web']);
  });

  it('nothing outside those places', () => {
    assert.deepEqual(completeAt(service('web').replace('name: web', 'name: |web'), others), []);
  });
});

describe('code lens', () => {
  it('titles above a Service, a workload, an Ingress and a NetworkPolicy', () => {
    const text =
      deployment('web', { replicas: 3 }) +
      service('web') +
      ingressV1('shop', ['service:', '  name: web', '  port:', '    number: 80']) +
      netpol('p', ['podSelector: {matchLabels: {app: web}}', 'policyTypes: [Ingress]']) +
      y('---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}');
    const analysis = analysisOf(text);
    const lenses = codeLenses(analysis, URI);
    const kindAt = (kind: string) => at(text, spanIn(text, `kind: ${kind}`, kind));
    assert.deepEqual(
      lenses.map((l) => [at(text, l.span), l.title]),
      [
        [kindAt('Deployment'), 'ingress: denied · egress: open · 1 Service'],
        [kindAt('Service'), '→ 1 workload (3 pods) · routed from 1 backend'],
        [kindAt('Ingress'), '1/1 backend resolved · → 1 workload'],
        [kindAt('NetworkPolicy'), 'selects 1 workload · isolates ingress'],
      ],
    );
  });

  it('a Service that selects nothing, an ExternalName, and one without selector', () => {
    const text =
      service('web') + service('ext', { selector: null, extra: ['type: ExternalName', 'externalName: db.example.com'] }) + service('manual', { selector: null });
    const titles = codeLenses(analysisOf(text), URI).map((l) => l.title);
    assert.deepEqual(titles, ['selects nothing', 'ExternalName → db.example.com', 'no selector: endpoints managed by hand']);
  });
});

describe('features never throw', () => {
  it('hover, definition, references, completion and lenses at every offset of a mixed workspace', () => {
    const files: Record<string, string> = {
      [URI]:
        deployment('web', { replicas: 2 }) +
        service('web') +
        ingressV1('shop', ['service:', '  name: web', '  port:', '    name: http']) +
        netpol('p', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {}', '        podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}', '      - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}', 'egress: [{}]']) +
        y(
          '---',
          'apiVersion: apps/v1',
          'kind: StatefulSet',
          'metadata: {name: db}',
          'spec:',
          '  serviceName: db',
          '  replicas: 5',
          '  selector: {matchLabels: {app: db}}',
          '  template: {metadata: {labels: {app: db}}, spec: {containers: [{name: db, ports: [{containerPort: 5432, name: pg}]}]}}',
        ) +
        y('---', 'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata: {name: r}', 'spec:', '  rules:', '    - backendRefs: [{name: web, port: 80}, {name: x, kind: ServiceImport, group: multicluster.x-k8s.io}]') +
        y('---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: ext}', 'spec: {type: ExternalName, externalName: x.example.com}') +
        y('---', 'apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: cj}', 'spec: {jobTemplate: {spec: {template: {metadata: {labels: {app: cj}}, spec: {containers: [{name: c}]}}}}}'),
    };
    const analysis = analysisOf(files);
    const text = files[URI]!;
    assert.ok(codeLenses(analysis, URI).length >= 5);
    for (let offset = 0; offset <= text.length; offset++) {
      hover(analysis, URI, offset);
      definition(analysis, URI, offset);
      references(analysis, URI, offset, true);
      complete(analysis, URI, text, offset);
    }
  });
});
