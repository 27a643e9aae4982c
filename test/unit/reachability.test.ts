// One test per NetworkPolicy rule the engine implements (SPEC §3–§4), each on a small fixture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ConnSet, ReachabilityEngine, formatText, selectorMatches, toLines } from '../../server/src/analysis/reachability';
import { LabelIndex } from '../../server/src/analysis/selectors';
import { runReach } from '../../server/src/cli/reach';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import type { AnalysisSettings, LabelSelector, Workload } from '../../server/src/model/types';
import { deployment, ingress, ns, pod, policy, service } from '../fixtures/reachability/manifests';

function indexOf(yaml: string, settings?: Partial<AnalysisSettings>): WorkspaceIndex {
  const ix = new WorkspaceIndex(settings);
  ix.setFile('file:///w/test.yaml', yaml);
  for (const f of ix.parsedFiles()) assert.deepEqual(f.problems.filter((p) => p.severity === 'error'), [], 'fixture must parse');
  return ix;
}

function engineOf(yaml: string, settings?: Partial<AnalysisSettings>): ReachabilityEngine {
  return ReachabilityEngine.fromSource(indexOf(yaml, settings));
}

/** The `reach` lines of a workspace. */
function reach(yaml: string, settings?: Partial<AnalysisSettings>): string[] {
  return formatText(toLines(engineOf(yaml, settings).pairs())).split('\n').filter(Boolean);
}

/** The lines between two peers only (both in-cluster workloads or named ranges). */
function between(lines: string[], src: string, dst: string): string | undefined {
  const hit = lines.filter((l) => l.startsWith(`${src} => ${dst} : `));
  assert.ok(hit.length <= 1);
  return hit[0]?.slice(`${src} => ${dst} : `.length);
}

const ALL = 'All Connections';
const EXT = '0.0.0.0-255.255.255.255[External]';
const A = 'default/a[Deployment]';
const B = 'default/b[Deployment]';
const C = 'default/c[Deployment]';

const abc = deployment('a') + deployment('b') + deployment('c');

describe('reachability: isolation and rules', () => {
  it('without policies every pair and every address is open', () => {
    // Reason: a pod no policy selects is non-isolated in both directions.
    const lines = reach(deployment('a') + deployment('b'));
    assert.deepEqual(lines, [
      `${EXT} => ${A} : ${ALL}`,
      `${EXT} => ${B} : ${ALL}`,
      `${A} => ${EXT} : ${ALL}`,
      `${A} => ${B} : ${ALL}`,
      `${B} => ${EXT} : ${ALL}`,
      `${B} => ${A} : ${ALL}`,
    ]);
  });

  it('an ingress policy without rules isolates ingress only', () => {
    // Reason: isolation is per direction; in an isolated direction no rules means nothing is allowed.
    const lines = reach(abc + policy('deny', 'podSelector:\n  matchLabels:\n    app: a\npolicyTypes: [Ingress]'));
    assert.equal(between(lines, B, A), undefined);
    assert.equal(between(lines, EXT, A), undefined);
    assert.equal(between(lines, A, B), ALL);
    assert.equal(between(lines, A, EXT), ALL);
  });

  it('an egress policy without rules isolates egress only', () => {
    // Reason: policyTypes [Egress] with no egress rules denies all egress of the selected pods.
    const lines = reach(abc + policy('deny', 'podSelector:\n  matchLabels:\n    app: a\npolicyTypes: [Egress]'));
    assert.equal(between(lines, A, B), undefined);
    assert.equal(between(lines, A, EXT), undefined);
    assert.equal(between(lines, B, A), ALL);
  });

  it('egress rules without policyTypes isolate egress too; `egress: []` does not', () => {
    // Reason: the API server defaults policyTypes to Ingress plus Egress when spec.egress has a rule.
    const withRule = reach(abc + policy('p', 'podSelector:\n  matchLabels:\n    app: a\negress:\n  - to:\n      - podSelector:\n          matchLabels:\n            app: b'));
    assert.equal(between(withRule, A, B), ALL);
    assert.equal(between(withRule, A, C), undefined);
    assert.equal(between(withRule, B, A), undefined); // and Ingress is isolated with no rules
    const emptyEgress = reach(abc + policy('p', 'podSelector:\n  matchLabels:\n    app: a\negress: []'));
    assert.equal(between(emptyEgress, A, C), ALL);
    assert.equal(between(emptyEgress, C, A), undefined);
  });

  it('allowing rules add up across rules and policies', () => {
    // Reason: policies are additive: the union of every rule of every policy selecting the pod.
    const lines = reach(
      abc +
        policy('p1', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: b\n    ports:\n      - port: 80') +
        policy('p2', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: b\n    ports:\n      - port: 443\n  - from:\n      - podSelector:\n          matchLabels:\n            app: c\n    ports:\n      - port: 53\n        protocol: UDP'),
    );
    assert.equal(between(lines, B, A), 'TCP 80,443');
    assert.equal(between(lines, C, A), 'UDP 53');
  });

  it('a connection needs both the source egress and the destination ingress', () => {
    // Reason: traffic passes only if the sender may send it and the receiver may receive it.
    const lines = reach(
      abc +
        policy('in', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n      - port: 80\n      - port: 81') +
        policy('out', 'podSelector:\n  matchLabels:\n    app: b\npolicyTypes: [Egress]\negress:\n  - ports:\n      - port: 81\n      - port: 82'),
    );
    assert.equal(between(lines, B, A), 'TCP 81');
    assert.equal(between(lines, C, A), 'TCP 80-81');
    assert.equal(between(lines, B, C), 'TCP 81-82');
  });

  it('`ingress: [{}]` allows everything from everywhere', () => {
    // Reason: a rule with no from and no ports matches all sources on all ports.
    const lines = reach(abc + policy('all', 'podSelector: {}\ningress:\n  - {}'));
    assert.equal(between(lines, B, A), ALL);
    assert.equal(between(lines, EXT, A), ALL);
  });

  it('a rule without from admits every source, outside addresses included, on its ports', () => {
    // Reason: an absent `from` means all peers; ports still apply.
    const lines = reach(abc + policy('p', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n      - port: 8080'));
    assert.equal(between(lines, B, A), 'TCP 8080');
    assert.equal(between(lines, EXT, A), 'TCP 8080');
  });

  it('a rule without ports admits every port of every protocol', () => {
    // Reason: an absent `ports` means all ports, SCTP and UDP included.
    const lines = reach(abc + policy('p', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: b'));
    assert.equal(between(lines, B, A), ALL);
    assert.equal(between(lines, C, A), undefined);
  });
});

describe('reachability: peers', () => {
  const twoNs =
    ns('x', { team: 'red' }) +
    ns('y', { team: 'blue' }) +
    deployment('a') +
    deployment('b') +
    deployment('b', { namespace: 'x' }) +
    deployment('c', { namespace: 'x', labels: { app: 'c', role: 'db' } }) +
    deployment('b', { namespace: 'y' });
  const XB = 'x/b[Deployment]';
  const XC = 'x/c[Deployment]';
  const YB = 'y/b[Deployment]';
  const target = 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n';

  it('a podSelector alone selects pods of the policy namespace only', () => {
    // Reason: without namespaceSelector the peer is scoped to the policy's own namespace.
    const lines = reach(twoNs + policy('p', `${target}      - podSelector:\n          matchLabels:\n            app: b`));
    assert.equal(between(lines, B, A), ALL);
    assert.equal(between(lines, XB, A), undefined);
  });

  it('a namespaceSelector alone selects every pod of the matching namespaces', () => {
    // Reason: namespaceSelector picks namespaces by their labels, then all their pods.
    const lines = reach(twoNs + policy('p', `${target}      - namespaceSelector:\n          matchLabels:\n            team: red`));
    assert.equal(between(lines, XB, A), ALL);
    assert.equal(between(lines, XC, A), ALL);
    assert.equal(between(lines, YB, A), undefined);
    assert.equal(between(lines, B, A), undefined);
  });

  it('namespaceSelector and podSelector in one peer must both match', () => {
    // Reason: both selectors in one peer element are ANDed.
    const lines = reach(
      twoNs + policy('p', `${target}      - namespaceSelector:\n          matchLabels:\n            team: red\n        podSelector:\n          matchLabels:\n            role: db`),
    );
    assert.equal(between(lines, XC, A), ALL);
    assert.equal(between(lines, XB, A), undefined);
  });

  it('two peer elements are alternatives', () => {
    // Reason: separate elements of `from` are ORed.
    const lines = reach(
      twoNs + policy('p', `${target}      - namespaceSelector:\n          matchLabels:\n            team: blue\n      - podSelector:\n          matchLabels:\n            role: db`),
    );
    assert.equal(between(lines, YB, A), ALL);
    assert.equal(between(lines, XC, A), undefined); // role: db is looked for in the policy's namespace only
    assert.equal(between(lines, XB, A), undefined);
  });

  it('namespaces are matched by kubernetes.io/metadata.name even without a Namespace object', () => {
    // Reason: every namespace carries its name label (SPEC §2).
    const lines = reach(
      deployment('a') + deployment('b', { namespace: 'other' }) + policy('p', `${target}      - namespaceSelector:\n          matchLabels:\n            kubernetes.io/metadata.name: other`),
    );
    assert.equal(between(lines, 'other/b[Deployment]', A), ALL);
  });

  it('an empty namespaceSelector selects all namespaces', () => {
    // Reason: `namespaceSelector: {}` matches every namespace.
    const lines = reach(twoNs + policy('p', `${target}      - namespaceSelector: {}`));
    for (const src of [B, XB, XC, YB]) assert.equal(between(lines, src, A), ALL);
    assert.equal(between(lines, EXT, A), undefined);
  });
});

describe('reachability: ipBlocks and external ranges', () => {
  it('ipBlock with except admits the outside ranges it covers, split at every boundary', () => {
    // Reason: cidr minus excepts; sources are split at ingress ipBlock boundaries.
    const lines = reach(
      deployment('a') +
        deployment('b') +
        policy('p', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except:\n            - 10.1.0.0/16'),
    );
    assert.deepEqual(
      lines.filter((l) => l.endsWith(`=> ${A} : ${ALL}`)),
      [`10.0.0.0-10.0.255.255[External] => ${A} : ${ALL}`, `10.2.0.0-10.255.255.255[External] => ${A} : ${ALL}`],
    );
    assert.equal(between(lines, '10.1.0.0-10.1.255.255[External]', B), ALL);
    assert.equal(between(lines, '0.0.0.0-9.255.255.255[External]', B), ALL);
    assert.equal(between(lines, B, A), undefined); // ipBlocks match outside addresses only
  });

  it('adjacent or nested excepts make one hole: ranges split only at the ends of the merged intervals', () => {
    // Reason: SPEC §4: each ipBlock is first reduced to its cidr minus all excepts; the split points
    // are the ends of those merged intervals, not every except's own edges (10.2.0.0 and 10.1.128.0
    // start no range here).
    const lines = reach(
      deployment('a') +
        deployment('b') +
        policy(
          'p',
          'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - ipBlock:\n          cidr: 10.0.0.0/8\n          except:\n            - 10.1.0.0/16\n            - 10.2.0.0/16\n            - 10.1.128.0/17',
        ),
    );
    assert.deepEqual(
      lines.filter((l) => l.includes('[External] => ' + B)).map((l) => l.slice(0, l.indexOf(' '))),
      [
        '0.0.0.0-9.255.255.255[External]',
        '10.0.0.0-10.0.255.255[External]',
        '10.1.0.0-10.2.255.255[External]',
        '10.3.0.0-10.255.255.255[External]',
        '11.0.0.0-255.255.255.255[External]',
      ],
    );
    assert.equal(between(lines, '10.1.0.0-10.2.255.255[External]', A), undefined);
    assert.equal(between(lines, '10.3.0.0-10.255.255.255[External]', A), ALL);
  });

  it('destinations are split at egress ipBlock boundaries, one address printed as a range', () => {
    // Reason: SPEC §4: per direction splitting; a /32 prints as a.b.c.d-a.b.c.d.
    const lines = reach(
      deployment('a') + policy('p', 'podSelector: {}\npolicyTypes: [Egress]\negress:\n  - to:\n      - ipBlock:\n          cidr: 192.168.1.1/32\n    ports:\n      - port: 53\n        protocol: UDP'),
    );
    assert.deepEqual(lines, [`${EXT} => ${A} : ${ALL}`, `${A} => 192.168.1.1-192.168.1.1[External] : UDP 53`]);
  });
});

describe('reachability: rules out of force', () => {
  it('rules of a direction missing from policyTypes neither allow nor split ranges', () => {
    // Reason: with explicit policyTypes [Ingress], spec.egress is ignored by Kubernetes.
    const lines = reach(
      deployment('a') +
        deployment('b') +
        policy('p', 'podSelector:\n  matchLabels:\n    app: a\npolicyTypes: [Ingress]\negress:\n  - to:\n      - ipBlock:\n          cidr: 10.0.0.0/8'),
    );
    assert.equal(between(lines, A, EXT), ALL);
    assert.equal(between(lines, A, B), ALL);
    assert.equal(between(lines, B, A), undefined);
  });
});

describe('reachability: ports', () => {
  const ab = deployment('a', { ports: [{ port: 8080, name: 'http' }, { port: 5353, name: 'dns', protocol: 'UDP' }] }) + deployment('b');
  const rule = (ports: string): string => policy('p', `podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n${ports}`);

  it('port ranges with endPort are kept as intervals per protocol', () => {
    // Reason: endPort makes a range; protocols print in the order SCTP, TCP, UDP.
    const lines = reach(ab + rule('      - port: 1000\n        endPort: 2000\n      - port: 7\n        protocol: UDP\n      - protocol: SCTP'));
    assert.equal(between(lines, B, A), 'SCTP 1-65535,TCP 1000-2000,UDP 7');
  });

  it('a named port resolves on the destination pod by name and protocol', () => {
    // Reason: `port: http` is the container port named http with the rule's protocol.
    assert.equal(between(reach(ab + rule('      - port: http')), B, A), 'TCP 8080');
    assert.equal(between(reach(ab + rule('      - port: dns\n        protocol: UDP')), B, A), 'UDP 5353');
    assert.equal(between(reach(ab + rule('      - port: dns')), B, A), undefined); // dns is UDP, the rule says TCP
  });

  it('egress named ports resolve on each destination pod', () => {
    // Reason: for egress the named port is the destination's container port.
    const lines = reach(
      deployment('a', { ports: [{ port: 8080, name: 'web' }] }) +
        deployment('b', { ports: [{ port: 9090, name: 'web' }] }) +
        deployment('c') +
        policy('p', 'podSelector:\n  matchLabels:\n    app: c\npolicyTypes: [Egress]\negress:\n  - ports:\n      - port: web'),
    );
    assert.equal(between(lines, C, A), 'TCP 8080');
    assert.equal(between(lines, C, B), 'TCP 9090');
    assert.equal(between(lines, C, EXT), undefined);
  });
});

describe('reachability: ingress controller', () => {
  const web = deployment('web', { ports: [{ port: 8080, name: 'http' }, { port: 9000 }, { port: 53, protocol: 'UDP', name: 'dns' }] });
  const CTRL = '{ingress-controller}';
  const WEB = 'default/web[Deployment]';

  it('reaches only the TCP container port an Ingress routes to, through a named targetPort', () => {
    // Reason: rule → Service → service port → targetPort (by name and protocol) → container port.
    const lines = reach(web + service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }, { port: 90, targetPort: 9000 }]) + ingress('i', 'web', 80));
    assert.equal(between(lines, CTRL, WEB), 'TCP 8080');
    assert.equal(lines[lines.length - 1], `${CTRL} => ${WEB} : TCP 8080`); // sorts last, only ever a source
  });

  it('a backend port by name, and a numeric targetPort the container does not declare', () => {
    // Reason: the controller reaches declared TCP container ports only.
    const svc = service('web', { app: 'web' }, [{ port: 90, name: 'admin', targetPort: 9000 }, { port: 91, name: 'gone', targetPort: 7777 }]);
    assert.equal(between(reach(web + svc + ingress('i', 'web', 'admin')), CTRL, WEB), 'TCP 9000');
    assert.equal(between(reach(web + svc + ingress('i', 'web', 'gone')), CTRL, WEB), undefined);
  });

  it('a Service without selector routes to no pod', () => {
    // Reason: selector-less Services are backed by manual endpoints, not by workloads.
    const lines = reach(web + service('web', undefined, [{ port: 80, targetPort: 8080 }]) + ingress('i', 'web', 80));
    assert.equal(between(lines, CTRL, WEB), undefined);
  });

  it('policies decide: the default identity is a label-less pod in its own namespace', () => {
    // Reason: a podSelector-only peer never admits the controller; namespaceSelector {} does.
    const base = web + service('web', { app: 'web' }, [{ port: 80, targetPort: 8080 }]) + ingress('i', 'web', 80);
    const local = reach(base + policy('p', 'podSelector: {}\ningress:\n  - from:\n      - podSelector: {}'));
    assert.equal(between(local, CTRL, WEB), undefined);
    const anyNs = reach(base + policy('p', 'podSelector: {}\ningress:\n  - from:\n      - namespaceSelector: {}\n    ports:\n      - port: 8080'));
    assert.equal(between(anyNs, CTRL, WEB), 'TCP 8080');
  });

  it('a configured identity is matched by its labels, and its own egress policies apply', () => {
    // Reason: SPEC §3 `k8sNetmap.ingressController`; the controller is a pod like any other.
    const ctrl = { namespace: 'ingress-nginx', namespaceLabels: { role: 'edge' }, podLabels: { app: 'nginx' } };
    const base =
      web +
      service('web', { app: 'web' }, [{ port: 80, targetPort: 8080 }]) +
      ingress('i', 'web', 80) +
      policy('p', 'podSelector: {}\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            role: edge\n        podSelector:\n          matchLabels:\n            app: nginx');
    assert.equal(between(reach(base, { ingressController: ctrl, ingressControllerConfigured: true }), CTRL, WEB), 'TCP 8080');
    assert.equal(between(reach(base), CTRL, WEB), undefined);
    const egressDenied = base + policy('out', 'podSelector: {}\npolicyTypes: [Egress]', 'ingress-nginx');
    assert.equal(between(reach(egressDenied, { ingressController: ctrl, ingressControllerConfigured: true }), CTRL, WEB), undefined);
  });

  it('an HTTPRoute backendRef routes like an Ingress backend', () => {
    // Reason: Gateway API routes carry ingress traffic too (SPEC §3).
    const route = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: default
spec:
  rules:
    - backendRefs:
        - name: web
          port: 80
`;
    const lines = reach(web + service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }]) + route);
    assert.equal(between(lines, CTRL, WEB), 'TCP 8080');
  });
});

describe('reachability: cross-namespace routes', () => {
  const web = deployment('web', { namespace: 'apps', ports: [{ port: 8080, name: 'http' }] });
  const svc = service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }], 'apps');
  const route = `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: r
  namespace: edge
spec:
  rules:
    - backendRefs:
        - name: web
          namespace: apps
          port: 80
`;
  const grant = `---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: allow-edge
  namespace: apps
spec:
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: edge
  to:
    - group: ""
      kind: Service
`;
  it('a backendRef to another namespace counts only with a ReferenceGrant there', () => {
    // Reason: Gateway API refuses cross-namespace references that the target namespace did not grant.
    const CTRL = '{ingress-controller}';
    assert.equal(between(reach(web + svc + route), CTRL, 'apps/web[Deployment]'), undefined);
    assert.equal(between(reach(web + svc + route + grant), CTRL, 'apps/web[Deployment]'), 'TCP 8080');
  });
});

describe('reachability: naming and classes', () => {
  it('names pods by their owner; Node-owned pods by themselves; kindless owners as Pod', () => {
    // Reason: SPEC §4 naming, netpol-analyzer's convention.
    const lines = reach(
      pod('web-1', { owner: { name: 'web-rs', kind: 'ReplicaSet' }, labels: { app: 'web' } }) +
        pod('web-2', { owner: { name: 'web-rs', kind: 'ReplicaSet' }, labels: { app: 'web' } }) +
        pod('etcd-node1', { owner: { name: 'node1', kind: 'Node' } }) +
        pod('x-1', { owner: { name: 'x' } }) +
        pod('solo'),
    );
    const names = [...new Set(lines.map((l) => l.split(' => ')[0]))];
    assert.deepEqual(names, [EXT, 'default/etcd-node1[Pod]', 'default/solo[Pod]', 'default/web-rs[ReplicaSet]', 'default/x[Pod]']);
  });

  it('replicas and look-alike workloads share one class', () => {
    // Reason: cost grows with (namespace, labels, ports) classes, not with pods.
    let yaml = '';
    for (let i = 0; i < 50; i++) yaml += pod(`p-${i}`, { owner: { name: 'rs', kind: 'ReplicaSet' }, labels: { app: 'same' } });
    yaml += deployment('d1', { labels: { app: 'same' } }) + deployment('d2', { labels: { app: 'other' } });
    const engine = engineOf(yaml);
    assert.equal(engine.podClasses().filter((c) => !c.controller).length, 2);
    assert.deepEqual(engine.peers().map((p) => p.name), ['default/d1[Deployment]', 'default/d2[Deployment]', 'default/rs[ReplicaSet]']);
  });

  it('pods of one owner with different labels are one peer with the union of what each may do', () => {
    // Reason: netpol-analyzer merges them; a policy that looks at the differing label is reported.
    const yaml =
      pod('p1', { owner: { name: 'o' }, labels: { app: 'one', tier: 't' } }) +
      pod('p2', { owner: { name: 'o' }, labels: { app: 'two', tier: 't' } }) +
      pod('q', { labels: { app: 'q' } }) +
      policy('p', 'podSelector:\n  matchLabels:\n    app: q\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: one\n    ports:\n      - port: 90');
    const engine = engineOf(yaml);
    const lines = formatText(toLines(engine.pairs())).split('\n');
    assert.ok(lines.includes('default/o[Pod] => default/q[Pod] : TCP 90'));
    const gaps = engine.labelGapFindings();
    assert.equal(gaps.length, 1);
    assert.deepEqual([gaps[0].peer.name, gaps[0].label, gaps[0].policy.name], ['default/o[Pod]', 'app', 'p']);
  });

  it('lines are in byte order', () => {
    // Reason: SPEC §4 `LC_ALL=C sort`: digits before upper case before lower case before `{`.
    const lines = reach(deployment('a') + deployment('a-b') + deployment('a0') + deployment('b', { namespace: 'A' }));
    const sorted = [...lines].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(lines, sorted);
    assert.deepEqual([...new Set(lines.map((l) => l.split(' => ')[0]))], [EXT, 'A/b[Deployment]', 'default/a-b[Deployment]', 'default/a0[Deployment]', A]);
  });
});

describe('reachability: building blocks', () => {
  const sel = (ml: Record<string, string>, mx: Array<[string, string, string[]]> = []): LabelSelector => ({
    matchLabels: Object.entries(ml).map(([key, value]) => ({ key, value, keySpan: sp, valueSpan: sp, valueKind: 'string' })),
    matchExpressions: mx.map(([key, operator, values]) => ({ key, operator, values, keySpan: sp, operatorSpan: sp, valueSpans: [], span: sp })),
    span: sp,
  });
  const sp = { start: 0, end: 0 };

  it('label selectors: matchLabels, In, NotIn, Exists, DoesNotExist; empty matches all', () => {
    // Reason: Kubernetes label selector semantics; requirements are ANDed.
    const labels = { app: 'web', tier: 'front' };
    assert.ok(selectorMatches(sel({}), labels));
    assert.ok(selectorMatches(sel({ app: 'web' }), labels));
    assert.ok(!selectorMatches(sel({ app: 'web', x: 'y' }), labels));
    assert.ok(selectorMatches(sel({}, [['tier', 'In', ['front', 'back']]]), labels));
    assert.ok(!selectorMatches(sel({}, [['tier', 'NotIn', ['front']]]), labels));
    assert.ok(selectorMatches(sel({}, [['zone', 'NotIn', ['a']]]), labels)); // a missing key is "not in"
    assert.ok(selectorMatches(sel({}, [['app', 'Exists', []]]), labels));
    assert.ok(selectorMatches(sel({}, [['zone', 'DoesNotExist', []]]), labels));
    assert.ok(!selectorMatches(sel({}, [['app', 'Bogus', []]]), labels)); // invalid operators select nothing
    assert.ok(!selectorMatches(sel({}, [['app', 'In', []]]), labels)); // In needs values
  });

  it('a label index gives, in order, every item a selector may match and no item it cannot', () => {
    // Reason: namespaceSelector peers are looked up through it (policies, representatives, diagnostics).
    const items: Array<{ name: string; labels: Record<string, string> }> = [
      { name: 'a', labels: { team: 'x', env: 'prod' } },
      { name: 'b', labels: { team: 'y' } },
      { name: 'c', labels: { team: 'x' } },
    ];
    const index = new LabelIndex(items, (i) => i.labels);
    const names = (s: LabelSelector): string[] => index.candidates(s).map((i) => i.name);
    assert.deepEqual(names(sel({ team: 'x' })), ['a', 'c']);
    assert.deepEqual(names(sel({ team: 'z' })), []);
    assert.deepEqual(names(sel({ env: 'prod', team: 'y' })), ['a']); // by the first pair; selectorMatches decides the rest
    assert.deepEqual(names(sel({})), ['a', 'b', 'c']);
    assert.deepEqual(names(sel({}, [['team', 'In', ['x']]])), ['a', 'b', 'c']); // expressions only: every item
    for (const s of [sel({ team: 'x' }), sel({ env: 'prod' }), sel({}, [['team', 'NotIn', ['x']]])]) {
      assert.deepEqual(
        index.candidates(s).filter((i) => selectorMatches(s, i.labels)),
        items.filter((i) => selectorMatches(s, i.labels)),
      );
    }
  });

  it('connection sets are interval sets with the reach notation', () => {
    // Reason: SPEC §4 conns grammar; never enumerated port by port.
    const a = ConnSet.range('TCP', 80, 80).union(ConnSet.range('TCP', 81, 90)).union(ConnSet.range('UDP', 53, 53));
    assert.equal(a.toString(), 'TCP 80-90,UDP 53');
    assert.equal(a.intersect(ConnSet.range('TCP', 85, 100)).toString(), 'TCP 85-90');
    assert.ok(ConnSet.allOf('TCP').union(ConnSet.allOf('UDP')).union(ConnSet.allOf('SCTP')).isAll);
    assert.equal(ConnSet.ALL.toString(), 'All Connections');
    assert.equal(ConnSet.range('TCP', 1, 65535).toString(), 'TCP 1-65535');
    assert.equal(a, ConnSet.range('UDP', 53, 53).union(ConnSet.range('TCP', 80, 90))); // interned
  });
});

describe('reachability: hover and diagnostics API', () => {
  const yaml =
    deployment('web', { ports: [{ port: 8080, name: 'http' }] }) +
    deployment('db', { ports: [{ port: 5432 }] }) +
    service('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }]) +
    service('db', { app: 'db' }, [{ port: 5432 }]) +
    ingress('i', 'web', 80) +
    policy('db-deny', 'podSelector:\n  matchLabels:\n    app: db\npolicyTypes: [Ingress]');
  const ix = indexOf(yaml);
  const engine = ReachabilityEngine.fromSource(ix);
  const wl = (name: string): Workload => ix.workloads().find((w) => w.name === name)!;

  it('reports per workload the deciding policies and allowed peers per direction', () => {
    // Reason: hover shows sources/destinations with ports, or "not isolated".
    const db = engine.reachabilityOf(wl('db'));
    assert.equal(db.ingress.isolated, true);
    assert.deepEqual(db.ingress.policies.map((p) => p.name), ['db-deny']);
    assert.deepEqual(db.ingress.allowed, []);
    assert.equal(db.egress.isolated, false);
    const web = engine.reachabilityOf(wl('web'));
    assert.equal(web.ingress.isolated, false);
    assert.deepEqual(
      web.ingress.allowed.map((a) => `${a.peer.name} ${a.conns}`),
      [`${EXT} ${ALL}`, `default/db[Deployment] ${ALL}`, '{ingress-controller} TCP 8080'],
    );
    assert.deepEqual(engine.policiesDeciding(wl('web'), 'ingress'), []);
  });

  it('tells whether a Service target port can be reached and whether an Ingress backend reaches its pods', () => {
    // Reason: service-unreachable and ingress-blocked diagnostics need these facts.
    const db = ix.services().find((s) => s.name === 'db')!;
    assert.equal(engine.servicePortReachability(db, db.ports[0]).reachable, false);
    const web = ix.services().find((s) => s.name === 'web')!;
    const r = engine.servicePortReachability(web, web.ports[0]);
    assert.equal(r.reachable, true);
    assert.equal(r.targets[0].port, 8080);
    const ing = ix.ingresses()[0];
    const b = engine.backendReachability(ing, ing.backends[0]);
    assert.equal(b.service?.name, 'web');
    assert.deepEqual(b.targets.map((t) => [t.workload.name, t.port, t.reachable]), [['web', 8080, true]]);
  });
});

describe('reachability: explanations', () => {
  it('names the rules that admit a connection on each side, or says the side is open', () => {
    // Reason: hover and diagnostics point at the policy rules that decide a flow.
    const engine = engineOf(
      abc +
        policy('p1', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: c\n  - from:\n      - podSelector:\n          matchLabels:\n            app: b\n    ports:\n      - port: 80') +
        policy('p2', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n      - port: 81'),
    );
    const e = engine.explain(engine.peer(B)!, engine.peer(A)!);
    assert.equal(e.conns.toString(), 'TCP 80-81');
    assert.equal(e.egress.open, true);
    assert.equal(e.ingress.open, false);
    assert.deepEqual(e.ingress.rules.map((r) => `${r.policy.name}#${r.index} ${r.conns}`), ['p1#1 TCP 80', 'p2#0 TCP 81']);
    const fromOutside = engine.explain(engine.externalPeers('ingress')[0], engine.peer(A)!);
    assert.deepEqual(fromOutside.ingress.rules.map((r) => `${r.policy.name}#${r.index} ${r.conns}`), ['p2#0 TCP 81']);
  });
});

describe('reachability: service port reachability counts both ends', () => {
  it('a port admitted by the destination is unreachable when every admitted source may not send', () => {
    // Reason: service-unreachable must account for the sources' egress policies too.
    const yaml =
      deployment('web') +
      deployment('db', { ports: [{ port: 5432 }] }) +
      service('db', { app: 'db' }, [{ port: 5432 }]) +
      policy('db-in', 'podSelector:\n  matchLabels:\n    app: db\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: web\n    ports:\n      - port: 5432');
    const open = ReachabilityEngine.fromSource(indexOf(yaml));
    const ix = indexOf(yaml + policy('web-out', 'podSelector:\n  matchLabels:\n    app: web\npolicyTypes: [Egress]'));
    const closed = ReachabilityEngine.fromSource(ix);
    const svc = ix.services()[0];
    assert.equal(open.servicePortReachability(svc, svc.ports[0]).reachable, true);
    assert.equal(closed.servicePortReachability(svc, svc.ports[0]).reachable, false);
    assert.deepEqual(open.allowedFrom('default/db[Deployment]').map((a) => `${a.peer.name} ${a.conns}`), ['default/web[Deployment] TCP 5432']);
    assert.deepEqual(closed.allowedTo('default/web[Deployment]'), []);
  });
});

describe('reachability: incremental updates', () => {
  it('editing one policy recompiles only that policy and gives the same answer as a fresh engine', () => {
    // Reason: the language server re-evaluates per edit; cost must follow the edit, not the workspace.
    const base = abc + policy('p1', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n      - port: 80');
    const other = policy('p2', 'podSelector:\n  matchLabels:\n    app: b\ningress:\n  - ports:\n      - port: 81', 'default');
    const ix = new WorkspaceIndex();
    ix.setFile('file:///w/base.yaml', base);
    ix.setFile('file:///w/other.yaml', other);
    const engine = ReachabilityEngine.fromSource(ix);
    const before = formatText(toLines(engine.pairs()));
    ix.setFile('file:///w/other.yaml', other.replace('port: 81', 'port: 82'));
    engine.update(inputOf(ix));
    assert.equal(engine.lastUpdate.policiesCompiled, 1);
    const after = formatText(toLines(engine.pairs()));
    assert.notEqual(after, before);
    assert.equal(after, formatText(toLines(ReachabilityEngine.fromSource(ix).pairs())));
    // A new workload (a new class) patches the unchanged policies instead of recompiling them.
    ix.setFile('file:///w/more.yaml', deployment('d', { labels: { app: 'a', extra: 'x' } }));
    engine.update(inputOf(ix));
    assert.equal(engine.lastUpdate.policiesCompiled, 0);
    assert.equal(formatText(toLines(engine.pairs())), formatText(toLines(ReachabilityEngine.fromSource(ix).pairs())));
  });
});

describe('reachability: applyChange with the index', () => {
  it("each edit's IndexChange.objects, applied in place, answers like a fresh engine", () => {
    // Reason: the language server feeds the index's own change records (an edited file's old and
    // new objects, objects re-filed by a kustomization) to applyChange instead of a full update.
    const ix = new WorkspaceIndex();
    const files: Record<string, string> = {
      'file:///w/apps.yaml': deployment('a') + deployment('b', { namespace: 'team' }) + service('a', { app: 'a' }, [{ port: 80, targetPort: 8080 }]),
      'file:///w/ns.yaml': ns('team', { purpose: 'apps' }),
      'file:///w/pol.yaml': policy('deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]') +
        policy('from-monitoring', 'podSelector: {}\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            purpose: monitoring', 'default') +
        policy('out', 'podSelector: {}\negress:\n  - {}', 'team'),
      'file:///w/ing.yaml': ingress('web', 'a', 80),
    };
    for (const [uri, text] of Object.entries(files)) ix.setFile(uri, text);
    const engine = ReachabilityEngine.fromSource(ix);
    const answers = (e: ReachabilityEngine): string => {
      const svc = ix.services()[0];
      const ingressObj = ix.ingresses()[0];
      return [
        formatText(toLines(e.pairs())),
        JSON.stringify(e.servicePortReachability(svc, svc.ports[0]).targets.map((t) => [t.workload.name, t.reachable])),
        JSON.stringify(e.backendReachability(ingressObj, ingressObj.backends[0]).targets.map((t) => [t.workload.name, t.reachable])),
        ...ix.workloads().map((w) => JSON.stringify(e.reachabilityOf(w).ingress.allowed.map((x) => `${x.peer.name} ${x.conns}`))),
      ].join('\n');
    };
    answers(engine);
    const edits: Array<[string, string]> = [
      ['file:///w/ns.yaml', ns('team', { purpose: 'monitoring' })], // namespace labels: team's pods now match from-monitoring
      ['file:///w/apps.yaml', files['file:///w/apps.yaml'].replace('app: b', 'app: b2')],
      ['file:///w/pol.yaml', files['file:///w/pol.yaml'].replace('egress:\n  - {}', 'egress: []')],
      ['file:///w/more.yaml', deployment('c', { namespace: 'team', labels: { app: 'a' } })],
      ['file:///w/kustomization.yaml', 'namespace: moved\nresources:\n  - more.yaml\n'], // re-files more.yaml's objects
      ['file:///w/ns.yaml', ''],
    ];
    for (const [uri, text] of edits) {
      const change = ix.setFile(uri, text);
      engine.applyChange({ objects: change.objects }, ix.settings);
      assert.equal(answers(engine), answers(ReachabilityEngine.fromSource(ix)), `after editing ${uri}`);
    }
    assert.ok(ix.workloads().some((w) => w.namespace === 'moved'), 'the kustomization re-filed the Deployment');
  });

  it("a Service edit works out again only the controller's routes that end in its namespace, and answers like a fresh engine", () => {
    // Reason: issue 11: a Service edit started the routes over (every backend resolved again, ~45 ms
    // at L); now only the backends filed under its namespace are, those naming a missing Service too.
    const ix = new WorkspaceIndex();
    const onlyController = 'podSelector: {}\ningress:\n  - from:\n      - namespaceSelector:\n          matchLabels:\n            kubernetes.io/metadata.name: ingress-controller-ns';
    const files: Record<string, string> = {
      'file:///w/apps.yaml': deployment('a', { ports: [{ port: 8080 }] }) + deployment('b', { ports: [{ port: 8080 }] }),
      'file:///w/svc-a.yaml': service('a', { app: 'a' }, [{ port: 80, targetPort: 8080 }]),
      'file:///w/pol.yaml': policy('only-controller', onlyController),
      // One backend names a Service that is not there yet.
      'file:///w/ing.yaml': ingress('web', 'a', 80) + ingress('later', 'b', 80),
    };
    for (const [uri, text] of Object.entries(files)) ix.setFile(uri, text);
    const engine = ReachabilityEngine.fromSource(ix);
    // The backends' verdicts read the routes (the controller reaches only where it is routed); the Services' may too.
    const answers = (e: ReachabilityEngine): string =>
      [
        ...ix.services().map((svc) => JSON.stringify(e.servicePortReachability(svc, svc.ports[0]!).targets.map((t) => [svc.name, t.workload.name, t.reachable]))),
        ...ix.ingresses().map((ing) => JSON.stringify(e.backendReachability(ing, ing.backends[0]!).targets.map((t) => [ing.name, t.workload.name, t.reachable]))),
      ].join('\n');
    answers(engine);
    const edits: Array<[string, string]> = [
      ['file:///w/svc-b.yaml', service('b', { app: 'b' }, [{ port: 80, targetPort: 8080 }])], // the waiting backend resolves
      ['file:///w/svc-a.yaml', service('a', { app: 'b' }, [{ port: 80, targetPort: 8080 }])],
      ['file:///w/svc-b.yaml', ''],
      ['file:///w/svc-a.yaml', service('a', { app: 'a' }, [{ port: 80, targetPort: 9090 }])],
    ];
    for (const [uri, text] of edits) {
      const change = ix.setFile(uri, text);
      engine.applyChange({ objects: change.objects }, ix.settings);
      assert.equal(answers(engine), answers(ReachabilityEngine.fromSource(ix)), `after editing ${uri}`);
      assert.equal(engine.lastUpdate.routesStartedOver, false, `after editing ${uri}`);
      if (uri.endsWith('svc-b.yaml') && text) assert.ok(answers(engine).includes('["later","b",true]'), 'the Service added behind the waiting backend is reached through it');
    }
  });
});

function inputOf(ix: WorkspaceIndex) {
  return {
    workloads: ix.workloads(),
    networkPolicies: ix.networkPolicies(),
    namespaceLabels: ix.namespaceLabels(),
    services: ix.services(),
    ingresses: ix.ingresses(),
    routes: ix.routes(),
    settings: ix.settings,
  };
}

describe('reach command', () => {
  const fixtures = fixturesDir();
  async function run(args: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runReach(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: fixtures, readStdin: async () => stdin });
    return { code, out, err };
  }
  const yaml = deployment('a') + deployment('b') + policy('p', 'podSelector:\n  matchLabels:\n    app: a\ningress:\n  - ports:\n      - port: 80');

  it('reads standard input with `-` and prints text or JSON', async () => {
    // Reason: SPEC §4 formats; `-` reads a stream.
    const text = await run(['-'], yaml);
    assert.equal(text.code, 0);
    assert.ok(text.out.includes(`${B} => ${A} : TCP 80\n`));
    const json = await run(['-', '--format', 'json'], yaml);
    const parsed = JSON.parse(json.out) as Array<{ src: string; dst: string; conn: string }>;
    assert.deepEqual(parsed.find((x) => x.src === B && x.dst === A), { src: B, dst: A, conn: 'TCP 80' });
  });

  it('--focus keeps the pairs of one peer, --focus-direction one side of them', async () => {
    // Reason: SPEC §4 --focus; the peer may be named with or without its kind.
    const all = await run(['-', '--focus', 'default/a'], yaml);
    assert.ok(all.out.split('\n').filter(Boolean).every((l) => l.includes(A)));
    const ing = await run(['-', '--focus', A, '--focus-direction', 'ingress'], yaml);
    assert.deepEqual(ing.out.split('\n').filter(Boolean), [`${EXT} => ${A} : TCP 80`, `${B} => ${A} : TCP 80`]);
  });

  it('exit 2 on bad usage or no readable input; a broken file is reported and skipped', async () => {
    // Reason: SPEC §4 exit codes and robustness.
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['-', '--format', 'xml'], yaml)).code, 2);
    assert.equal((await run(['does-not-exist'])).code, 2);
    const r = await run(['broken-and-good']);
    assert.equal(r.code, 0);
    assert.match(r.err, /broken\.yaml:\d+:\d+: error yaml-syntax/);
    assert.ok(r.out.includes('default/good[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections\n'));
  });
});

/** test/fixtures/reachability, found upward from this file (bundled into test/out/…) or the working folder. */
function fixturesDir(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
      const candidate = path.join(dir, 'test/fixtures/reachability');
      if (fs.existsSync(candidate)) return candidate;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('test/fixtures/reachability not found');
}
