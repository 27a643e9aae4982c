import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildGraph, MAX_TIER_DENIED_EDGES } from '../../server/src/analysis/graph/builder';
import { findPath } from '../../server/src/analysis/graph/path';
import type { Flow, PolicyView } from '../../server/src/analysis/graph/input';
import { mergePorts, PortSet } from '../../server/src/analysis/graph/ports';
import { rangeToCidrs } from '../../server/src/analysis/graph/external';
import type { Graph } from '../../server/src/model/graph';
import type { Workload } from '../../server/src/model/types';
import { backend, httpRoute, ingress, service, simpleInput, workload } from '../fixtures/graph/objects';

function edgeList(g: Graph): string[] {
  return g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to} : ${e.ports}`);
}

function shop() {
  const web = workload('web', { namespace: 'shop', labels: { app: 'web' }, ports: [{ name: 'http', port: 8080 }], replicas: 3 });
  const api = workload('api', { namespace: 'shop', labels: { app: 'api' }, ports: [{ name: 'grpc', port: 9090 }] });
  const db = workload('db', { namespace: 'data', kind: 'StatefulSet', labels: { app: 'db' }, ports: [{ port: 5432 }] });
  const webSvc = service('web', { namespace: 'shop', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const apiSvc = service('api', { namespace: 'shop', selector: { app: 'api' }, type: 'LoadBalancer', ports: [{ port: 443, targetPort: 9090 }] });
  const dbSvc = service('db', { namespace: 'data', selector: { app: 'db' }, ports: [{ port: 5432 }] });
  const ing = ingress('shop', [backend('web', 'http', { host: 'shop.example.com', path: '/' }), backend('gone', 80, { host: 'shop.example.com', path: '/old' })], {
    namespace: 'shop',
    hosts: ['shop.example.com'],
    tls: true,
  });
  return { web, api, db, webSvc, apiSvc, dbSvc, ing };
}

describe('graph builder', () => {
  it('draws internet → Ingress → Service → workloads with stable ids and ports', () => {
    const s = shop();
    const g = buildGraph(simpleInput({ workloads: [s.web, s.api, s.db], services: [s.webSvc, s.apiSvc, s.dbSvc], ingresses: [s.ing] }));
    assert.deepEqual(
      g.nodes.map((n) => `${n.id} ${n.kind}`),
      [
        'Deployment/shop/api Deployment',
        'Deployment/shop/web Deployment',
        'Ingress/shop/shop Ingress',
        'Service/data/db Service',
        'Service/shop/api Service',
        'Service/shop/gone Service',
        'Service/shop/web Service',
        'StatefulSet/data/db StatefulSet',
        'internet internet',
      ],
    );
    assert.deepEqual(edgeList(g), [
      'Ingress/shop/shop -route-> Service/shop/gone : TCP 80',
      'Ingress/shop/shop -route-> Service/shop/web : TCP 80',
      'Service/data/db -select-> StatefulSet/data/db : TCP 5432',
      'Service/shop/api -select-> Deployment/shop/api : TCP 9090',
      'Service/shop/web -select-> Deployment/shop/web : TCP 8080',
      'internet -route-> Ingress/shop/shop : TCP 80,443',
      'internet -route-> Service/shop/api : TCP 443',
    ]);
    const gone = g.nodes.find((n) => n.id === 'Service/shop/gone')!;
    assert.equal(gone.missing, true);
    assert.equal(gone.uri, undefined);
    const web = g.nodes.find((n) => n.id === 'Deployment/shop/web')!;
    assert.equal(web.replicas, 3);
    assert.equal(web.ports, 'TCP 8080');
    assert.equal(web.uri, s.web.uri);
    assert.deepEqual(web.span, s.web.nameSpan);
    assert.deepEqual(g.nodes.find((n) => n.kind === 'Ingress')!.hosts, ['shop.example.com']);
  });

  it('is deterministic whatever the input order', () => {
    const s = shop();
    const a = buildGraph(simpleInput({ workloads: [s.web, s.api, s.db], services: [s.webSvc, s.apiSvc, s.dbSvc], ingresses: [s.ing] }));
    const b = buildGraph(simpleInput({ workloads: [s.db, s.api, s.web], services: [s.dbSvc, s.webSvc, s.apiSvc], ingresses: [s.ing] }));
    assert.deepEqual(a, b);
  });

  it('shows a Pod with an owner as its owner, and the owner object wins', () => {
    const pod1 = workload('web-abc', { kind: 'Pod', labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-5d' } });
    const pod2 = workload('web-def', { kind: 'Pod', labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-5d' } });
    const rs = workload('web-5d', { kind: 'ReplicaSet', labels: { app: 'web' } });
    const staticPod = workload('etcd-node1', { kind: 'Pod', labels: { app: 'etcd' }, owner: { kind: 'Node', name: 'node1' } });
    const noKind = workload('x-1', { kind: 'Pod', labels: { app: 'x' }, owner: { name: 'x' } });
    const svc = service('web', { selector: { app: 'web' } });
    const g = buildGraph(simpleInput({ workloads: [pod1, pod2, rs, staticPod, noKind], services: [svc] }));
    assert.deepEqual(
      g.nodes.map((n) => n.id),
      ['Pod/default/etcd-node1', 'Pod/default/x', 'ReplicaSet/default/web-5d', 'Service/default/web'],
    );
    assert.equal(g.nodes.find((n) => n.id === 'ReplicaSet/default/web-5d')!.uri, rs.uri);
    assert.deepEqual(edgeList(g), ['Service/default/web -select-> ReplicaSet/default/web-5d : TCP 8080']);
  });

  it('draws HTTPRoute backends, cross-namespace ones where resolved', () => {
    const w = workload('echo', { namespace: 'apps', ports: [{ port: 5678 }] });
    const svc = service('echo', { namespace: 'apps', selector: { app: 'echo' }, ports: [{ port: 80, targetPort: 5678 }] });
    const route = httpRoute('echo', [backend('echo', 80, { explicitNamespace: { value: 'apps', span: { start: 0, end: 1 } } })], {
      namespace: 'gw',
      hostnames: ['echo.example.com'],
    });
    const g = buildGraph(simpleInput({ workloads: [w], services: [svc], routes: [route] }));
    assert.deepEqual(edgeList(g), [
      'HTTPRoute/gw/echo -route-> Service/apps/echo : TCP 80',
      'Service/apps/echo -select-> Deployment/apps/echo : TCP 5678',
      'internet -route-> HTTPRoute/gw/echo : ',
    ]);
  });

  it('leaves named target ports that no container declares out of the select edge ports', () => {
    const w = workload('web', { ports: [{ name: 'http', port: 8080, protocol: 'UDP' }] });
    const svc = service('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] });
    const g = buildGraph(simpleInput({ workloads: [w], services: [svc] }));
    assert.deepEqual(edgeList(g), ['Service/default/web -select-> Deployment/default/web : ']);
    assert.match(g.edges[0].detail!.join('\n'), /no such container port/);
  });

  describe('with NetworkPolicy verdicts', () => {
    function policyFor(opts: { isolated: Workload[]; flows: Flow[]; controllerClosed?: Workload[]; externalClosed?: Workload[] }): PolicyView {
      return {
        isolation: (w) => ({ ingress: opts.isolated.includes(w), egress: false }),
        flows: () => opts.flows,
        ingressControllerAllowed: (w) => !(opts.controllerClosed ?? []).includes(w),
        externalAllowed: (w) => !(opts.externalClosed ?? []).includes(w),
      };
    }

    it('marks a route blocked when every target pod is closed to the ingress controller', () => {
      const s = shop();
      const policy = policyFor({ isolated: [s.web, s.api], flows: [], controllerClosed: [s.web], externalClosed: [s.api] });
      const g = buildGraph(simpleInput({ workloads: [s.web, s.api], services: [s.webSvc, s.apiSvc], ingresses: [s.ing], policy }));
      const edges = edgeList(g);
      assert.ok(edges.includes('Ingress/shop/shop -blocked-> Service/shop/web : TCP 80'), edges.join('\n'));
      assert.ok(edges.includes('internet -blocked-> Service/shop/api : TCP 443'), edges.join('\n'));
      const blocked = g.edges.find((e) => e.kind === 'blocked' && e.to === 'Service/shop/web')!;
      assert.match(blocked.detail!.join('\n'), /web 8080\/TCP/);
    });

    it('draws allowed flows only where a policy has a say, merging pods of one owner', () => {
      const s = shop();
      const podA = workload('client-1', { namespace: 'shop', kind: 'Pod', owner: { kind: 'Job', name: 'client' } });
      const podB = workload('client-2', { namespace: 'shop', kind: 'Pod', owner: { kind: 'Job', name: 'client' } });
      const flows: Flow[] = [
        { src: { type: 'workload', workload: s.web }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090' },
        { src: { type: 'workload', workload: podA }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090' },
        { src: { type: 'workload', workload: podB }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090,UDP 53' },
        // the destination is not isolated: not drawn
        { src: { type: 'workload', workload: s.api }, dst: { type: 'workload', workload: s.web }, ports: 'All Connections' },
        { src: { type: 'external', range: '10.0.0.0-10.255.255.255' }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090' },
        { src: { type: 'ingress-controller' }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090' },
        { src: { type: 'workload', workload: s.api }, dst: { type: 'workload', workload: s.api }, ports: 'TCP 9090' },
      ];
      const g = buildGraph(simpleInput({ workloads: [s.web, s.api, podA, podB], services: [], policy: policyFor({ isolated: [s.api], flows }) }));
      assert.deepEqual(edgeList(g), [
        'Deployment/shop/web -allow-> Deployment/shop/api : TCP 9090',
        'Job/shop/client -allow-> Deployment/shop/api : TCP 9090,UDP 53',
        'ingress-controller -allow-> Deployment/shop/api : TCP 9090',
        'ipBlock/10.0.0.0-10.255.255.255 -allow-> Deployment/shop/api : TCP 9090',
      ]);
      const ip = g.nodes.find((n) => n.kind === 'ipBlock')!;
      assert.equal(ip.namespace, '');
      assert.deepEqual(g.nodes.find((n) => n.id === 'Deployment/shop/web')!.open, { ingress: true, egress: true });
      assert.deepEqual(g.nodes.find((n) => n.id === 'Deployment/shop/api')!.open, { ingress: false, egress: true });
    });

    it('leaves out allowed flows to workloads that serve none of the allowed ports', () => {
      const dns = workload('coredns', { namespace: 'kube-system', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
      const web = workload('web', { ports: [{ port: 8080 }] });
      const bare = workload('bare');
      const client = workload('client');
      const flows: Flow[] = [dns, web, bare].map((d) => ({ src: { type: 'workload', workload: client }, dst: { type: 'workload', workload: d }, ports: 'TCP 53,UDP 53' }));
      const policy: PolicyView = {
        isolation: (w) => ({ ingress: false, egress: w === client }),
        flows: () => flows,
        ingressControllerAllowed: () => true,
        externalAllowed: () => true,
      };
      const g = buildGraph(simpleInput({ workloads: [dns, web, bare, client], policy }));
      assert.deepEqual(edgeList(g), [
        'Deployment/default/client -allow-> Deployment/default/bare : TCP 53,UDP 53',
        'Deployment/default/client -allow-> Deployment/kube-system/coredns : TCP 53,UDP 53',
      ]);
    });

    it('draws what a cluster tier denies as tier-denied edges with their rules, at most MAX_TIER_DENIED_EDGES, never on a path', () => {
      const web = workload('web', { namespace: 'shop', ports: [{ port: 8080 }] });
      const scrapers = Array.from({ length: MAX_TIER_DENIED_EDGES + 5 }, (_, i) => workload(`scraper-${String(i).padStart(3, '0')}`, { namespace: 'tools' }));
      const rule = 'denied by AdminNetworkPolicy guard (priority 5), ingress rule deny-tools: Deny';
      const policy: PolicyView = {
        isolation: () => ({ ingress: true, egress: false }),
        flows: () => [],
        tierDenied: () => scrapers.map((w) => ({ src: { type: 'workload', workload: w }, dst: { type: 'workload', workload: web }, ports: 'TCP 8080', detail: [rule] })),
        ingressControllerAllowed: () => true,
        externalAllowed: () => true,
      };
      const g = buildGraph(simpleInput({ workloads: [web, ...scrapers], policy }));
      const denied = g.edges.filter((e) => e.kind === 'tier-denied');
      assert.equal(denied.length, MAX_TIER_DENIED_EDGES);
      assert.deepEqual(edgeList({ nodes: [], edges: denied.slice(0, 1) }), ['Deployment/tools/scraper-000 -tier-denied-> Deployment/shop/web : TCP 8080']);
      assert.deepEqual(denied[0].detail, [rule]);
      assert.deepEqual(findPath(g, 'Deployment/tools/scraper-000', 'Deployment/shop/web').hops, []);
    });
  });
});

describe('reach port notation', () => {
  it('merges and prints ranges in SCTP, TCP, UDP order', () => {
    assert.equal(mergePorts('TCP 80', 'TCP 81'), 'TCP 80-81');
    assert.equal(mergePorts('UDP 53,TCP 8000', 'SCTP 9-10,TCP 8090'), 'SCTP 9-10,TCP 8000,8090,UDP 53');
    assert.equal(mergePorts('TCP 10053-10054', 'UDP 10053'), 'TCP 10053-10054,UDP 10053');
    assert.equal(mergePorts('TCP 1-65535,UDP 1-65535', 'SCTP 1-65535'), 'All Connections');
    assert.equal(mergePorts('All Connections', 'TCP 80'), 'All Connections');
    assert.equal(mergePorts('', 'TCP 80'), 'TCP 80');
    assert.equal(new PortSet().toString(), '');
  });
});

describe('external ranges', () => {
  it('merges ranges with the same flows into one ipBlock node, adjacent ranges coalesced', () => {
    const client = workload('client');
    const ext = (range: string, ports: string): Flow => ({ src: { type: 'workload', workload: client }, dst: { type: 'external', range }, ports });
    const policy: PolicyView = {
      isolation: () => ({ ingress: false, egress: true }),
      flows: () => [
        ext('0.0.0.0-203.0.112.255', 'TCP 53,UDP 53'),
        ext('203.0.113.0-203.0.113.127', 'TCP 53,443,UDP 53'),
        ext('203.0.113.128-203.0.113.255', 'TCP 53,UDP 53'),
        ext('203.0.114.0-255.255.255.255', 'TCP 53,UDP 53'),
      ],
      ingressControllerAllowed: () => true,
      externalAllowed: () => true,
    };
    const g = buildGraph(simpleInput({ workloads: [client], policy }));
    assert.deepEqual(edgeList(g), [
      'Deployment/default/client -allow-> ipBlock/0.0.0.0-203.0.112.255, 203.0.113.128-255.255.255.255 : TCP 53,UDP 53',
      'Deployment/default/client -allow-> ipBlock/203.0.113.0-203.0.113.127 : TCP 53,443,UDP 53',
    ]);
    const small = g.nodes.find((n) => n.id === 'ipBlock/203.0.113.0-203.0.113.127')!;
    assert.deepEqual(small.detail, ['203.0.113.0-203.0.113.127 (203.0.113.0/25)']);
  });
});

describe('CIDR forms', () => {
  it('splits a range into the fewest CIDR blocks', () => {
    assert.deepEqual(rangeToCidrs([0, 2 ** 32 - 1]), ['0.0.0.0/0']);
    assert.deepEqual(rangeToCidrs([167772160, 167772160 + 255]), ['10.0.0.0/24']);
    assert.deepEqual(rangeToCidrs([167772160 + 1, 167772160 + 4]), ['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/32']);
  });
});
