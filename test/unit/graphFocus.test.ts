// The graph model's reading aids (SPEC §7): aggregation, focus on one object's neighbourhood, the
// path query (`k8s-netmap graph --focus` is tested in graphCli.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aggregateGraph, foldEdges, WHOLE_INTERNET_RANGE } from '../../server/src/analysis/graph/aggregate';
import { focusGraph, resolveFocus } from '../../server/src/analysis/graph/focus';
import { findPath } from '../../server/src/analysis/graph/path';
import type { Graph, GraphEdge, GraphNode } from '../../server/src/model/graph';
import { buildGraph } from '../../server/src/analysis/graph/builder';
import { demoGraph } from '../fixtures/graph/demo';
import { simpleInput, workload } from '../fixtures/graph/objects';

const node = (kind: string, namespace: string, name: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id: namespace ? `${kind}/${namespace}/${name}` : kind === 'internet' ? 'internet' : `${kind}/${name}`,
  kind,
  name,
  namespace,
  ...extra,
});
const edge = (from: string, to: string, kind: GraphEdge['kind'], ports: string, detail?: string[]): GraphEdge => ({ from, to, kind, ports, ...(detail ? { detail } : {}) });
const ids = (g: Graph): string[] => g.nodes.map((n) => n.id).sort();
const edgeText = (g: Graph): string[] => g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to} : ${e.ports}`).sort();

/** A shop: internet → Ingress → Service → web; web → api → db; every workload → the whole internet; all → metrics. */
function shop(): Graph {
  const wl = ['web', 'api', 'db', 'worker', 'metrics'].map((n) => node('Deployment', 'shop', n));
  const inet = node('ipBlock', '', WHOLE_INTERNET_RANGE, { id: `ipBlock/${WHOLE_INTERNET_RANGE}` });
  const nodes = [
    node('internet', '', 'Internet'),
    node('Ingress', 'shop', 'front'),
    node('Service', 'shop', 'web'),
    node('Service', 'shop', 'api'),
    ...wl,
    inet,
    node('Deployment', 'other', 'batch'),
  ];
  const edges: GraphEdge[] = [
    edge('internet', 'Ingress/shop/front', 'route', 'TCP 80'),
    edge('Ingress/shop/front', 'Service/shop/web', 'route', 'TCP 80', ['shop.example.com/ → web:80']),
    edge('Service/shop/web', 'Deployment/shop/web', 'select', 'TCP 8080'),
    edge('Service/shop/api', 'Deployment/shop/api', 'select', 'TCP 9090'),
    edge('Deployment/shop/web', 'Deployment/shop/api', 'allow', 'TCP 9090', ['ingress of api decided by api-from-web']),
    edge('Deployment/shop/api', 'Deployment/shop/db', 'allow', 'TCP 5432'),
    edge('Deployment/other/batch', 'Deployment/shop/db', 'allow', 'TCP 5432'),
  ];
  for (const w of wl) edges.push(edge(w.id, inet.id, 'allow', 'All Connections'));
  for (const w of [...wl, nodes[nodes.length - 1]]) if (w.name !== 'metrics') edges.push(edge(w.id, 'Deployment/shop/metrics', 'allow', w.name === 'db' ? 'TCP 9100,9200' : 'TCP 9100'));
  return { nodes, edges };
}

describe('graph aggregation', () => {
  it('flows to the whole internet become a mark on the node, and the ipBlock node goes', () => {
    const g = aggregateGraph(shop());
    assert.ok(!g.nodes.some((n) => n.kind === 'ipBlock'), 'no ipBlock node left');
    assert.ok(!g.edges.some((e) => e.to.startsWith('ipBlock/')), 'no edge to the internet range');
    const web = g.nodes.find((n) => n.id === 'Deployment/shop/web')!;
    assert.deepEqual(web.marks?.internet, { out: 'All Connections' });
    // The input graph is left as it was.
    assert.ok(shop().nodes.every((n) => !n.marks));
  });

  it('flows from every address or the entire cluster (a representative peer) become marks on their target', () => {
    const g = shop();
    g.nodes.push(node('representative', '', 'entire cluster', { id: 'representative/entire cluster', entireCluster: true }));
    g.edges.push(edge(`ipBlock/${WHOLE_INTERNET_RANGE}`, 'Deployment/shop/web', 'allow', 'TCP 8080'));
    g.edges.push(edge('representative/entire cluster', 'Deployment/shop/api', 'allow', 'TCP 9090'));
    g.edges.push(edge('Deployment/shop/db', 'representative/entire cluster', 'allow', 'UDP 53'));
    const a = aggregateGraph(g);
    const get = (id: string): GraphNode => a.nodes.find((n) => n.id === id)!;
    assert.deepEqual(get('Deployment/shop/web').marks?.internet, { in: 'TCP 8080', out: 'All Connections' });
    assert.deepEqual(get('Deployment/shop/api').marks?.cluster, { in: 'TCP 9090' });
    assert.deepEqual(get('Deployment/shop/db').marks?.cluster, { out: 'UDP 53' });
    assert.ok(!a.nodes.some((n) => n.kind === 'representative'), 'the representative node is folded away');
    // A representative peer that is not the whole cluster stays a node of its own.
    g.nodes.push(node('representative', '', 'namespaces with role=edge', { id: 'representative/edge' }));
    g.edges.push(edge('representative/edge', 'Deployment/shop/web', 'allow', 'TCP 8080'));
    assert.ok(aggregateGraph(g).edges.some((e) => e.from === 'representative/edge'));
  });

  it('the builder draws representative peers as nodes of their own (the hook for open-world peers)', () => {
    const api = workload('api', { namespace: 'shop', ports: [{ name: 'http', port: 8080 }] });
    const g = buildGraph(
      simpleInput({
        workloads: [api],
        policy: {
          isolation: () => ({ ingress: true, egress: false }),
          flows: () => [
            { src: { type: 'representative', name: 'entire-cluster', entireCluster: true }, dst: { type: 'workload', workload: api }, ports: 'TCP 8080' },
            { src: { type: 'representative', name: '[namespace with {role=edge}]/[all pods]', entireCluster: false }, dst: { type: 'workload', workload: api }, ports: 'TCP 8080' },
          ],
          ingressControllerAllowed: () => false,
          externalAllowed: () => false,
        },
      }),
    );
    const reps = g.nodes.filter((n) => n.kind === 'representative');
    assert.deepEqual(reps.map((n) => [n.id, n.entireCluster ?? false]), [
      ['representative/[namespace with {role=edge}]/[all pods]', false],
      ['representative/entire-cluster', true],
    ]);
    const a = aggregateGraph(g);
    assert.deepEqual(a.nodes.find((n) => n.name === 'api')?.marks?.cluster, { in: 'TCP 8080' });
    assert.deepEqual(a.nodes.filter((n) => n.kind === 'representative').map((n) => n.name), ['[namespace with {role=edge}]/[all pods]']);
  });

  it('flows from every other workload become one mark with the union of their ports', () => {
    const g = aggregateGraph(shop());
    const metrics = g.nodes.find((n) => n.id === 'Deployment/shop/metrics')!;
    assert.deepEqual(metrics.marks?.workloads, { in: 'TCP 9100,9200' });
    assert.ok(!g.edges.some((e) => e.to === 'Deployment/shop/metrics'));
    // A workload that only some reach keeps its edges.
    assert.deepEqual(edgeText(g).filter((e) => e.includes('-> Deployment/shop/db')), [
      'Deployment/other/batch -allow-> Deployment/shop/db : TCP 5432',
      'Deployment/shop/api -allow-> Deployment/shop/db : TCP 5432',
    ]);
  });

  it('with fewer workloads than the threshold, every edge stays', () => {
    const g = aggregateGraph(shop(), 10);
    assert.equal(g.edges.filter((e) => e.to === 'Deployment/shop/metrics').length, 5);
  });

  it('parallel edges between the same groups fold into one with a count and the union of ports', () => {
    const g = shop();
    const groupOf = (id: string): string | undefined => {
      const n = g.nodes.find((x) => x.id === id);
      if (!n) return undefined;
      return n.namespace === 'shop' ? 'ns:shop' : n.id;
    };
    const folded = foldEdges(g.edges, groupOf);
    const toShop = folded.find((e) => e.from === 'Deployment/other/batch' && e.to === 'ns:shop' && e.kind === 'allow')!;
    assert.equal(toShop.count, 2);
    assert.equal(toShop.ports, 'TCP 5432,9100');
    assert.ok(!folded.some((e) => e.from === 'ns:shop' && e.to === 'ns:shop'), 'edges inside a group are dropped');
    const fromShop = folded.find((e) => e.from === 'ns:shop' && e.to === `ipBlock/${WHOLE_INTERNET_RANGE}`)!;
    assert.equal(fromShop.count, 5);
    assert.equal(fromShop.ports, 'All Connections');
  });
});

describe('graph focus', () => {
  it('a workload: what routes to it, whom it may reach and who may reach it, with the edges followed', () => {
    const f = focusGraph(shop(), ['Deployment/shop/api']);
    assert.deepEqual(f.focus, ['Deployment/shop/api']);
    assert.deepEqual(ids(f.graph), [
      'Deployment/shop/api',
      'Deployment/shop/db',
      'Deployment/shop/metrics',
      'Deployment/shop/web',
      'Service/shop/api',
      `ipBlock/${WHOLE_INTERNET_RANGE}`,
    ]);
    assert.ok(edgeText(f.graph).includes('Deployment/shop/web -allow-> Deployment/shop/api : TCP 9090'));
    // An edge between two neighbours is not part of the neighbourhood.
    assert.ok(!edgeText(f.graph).some((e) => e.startsWith('Deployment/shop/web -allow-> Deployment/shop/metrics')));
  });

  it('an Ingress: the whole chain to its pods, and their policy neighbours', () => {
    const f = focusGraph(shop(), ['Ingress/shop/front']);
    assert.deepEqual(ids(f.graph), [
      'Deployment/shop/api',
      'Deployment/shop/metrics',
      'Deployment/shop/web',
      'Ingress/shop/front',
      'Service/shop/web',
      'internet',
      `ipBlock/${WHOLE_INTERNET_RANGE}`,
    ]);
  });

  it('depth 2 reaches one hop further', () => {
    const one = focusGraph(shop(), ['Deployment/shop/web'], 1);
    const two = focusGraph(shop(), ['Deployment/shop/web'], 2);
    assert.ok(!ids(one.graph).includes('Deployment/shop/db'));
    assert.ok(ids(two.graph).includes('Deployment/shop/db'));
    // batch reaches metrics, one of web's neighbours: two hops away.
    assert.ok(!ids(one.graph).includes('Deployment/other/batch'));
    assert.ok(ids(two.graph).includes('Deployment/other/batch'));
  });

  it('resolves ns/name to every kind of that name, ns/Kind/name and ids', () => {
    assert.deepEqual(resolveFocus(shop(), 'shop/api'), ['Deployment/shop/api', 'Service/shop/api']);
    assert.deepEqual(resolveFocus(shop(), 'shop/Service/api'), ['Service/shop/api']);
    assert.deepEqual(resolveFocus(shop(), 'Deployment/shop/db'), ['Deployment/shop/db']);
    assert.deepEqual(resolveFocus(shop(), 'shop/nothing'), []);
    assert.deepEqual(focusGraph(shop(), []).graph, { nodes: [], edges: [] });
  });
});

describe('graph path query', () => {
  it('from the internet: each hop with what decides it', () => {
    const p = findPath(shop(), 'internet', 'Deployment/shop/api');
    assert.equal(p.blocked, undefined);
    assert.deepEqual(
      p.hops.map((h) => `${h.edge.from} -${h.edge.kind}-> ${h.edge.to}`),
      [
        'internet -route-> Ingress/shop/front',
        'Ingress/shop/front -route-> Service/shop/web',
        'Service/shop/web -select-> Deployment/shop/web',
        'Deployment/shop/web -allow-> Deployment/shop/api',
      ],
    );
    assert.deepEqual(p.hops[3].why, ['ingress of api decided by api-from-web']);
  });

  it('a blocked route says where and why', () => {
    const g = demoGraph();
    const p = findPath(g, 'internet', 'Deployment/shop/frontend');
    assert.equal(p.hops.length, 0);
    assert.ok(p.blocked, 'blocked');
    assert.equal(p.blocked.edge?.kind, 'blocked');
    assert.ok(p.blocked.why.some((l) => /NetworkPolicies close every target pod/.test(l)), p.blocked.why.join('\n'));
  });

  it('no flow at all names what isolates the target', () => {
    const g = shop();
    g.nodes.find((n) => n.id === 'Deployment/shop/db')!.detail = ['ingress: isolated by db-only-api'];
    const p = findPath(g, 'Deployment/shop/web', 'Deployment/shop/db');
    assert.ok(p.hops.length === 2, 'web → api → db is a path');
    const q = findPath(g, 'Deployment/shop/metrics', 'Deployment/shop/db');
    assert.equal(q.hops.length, 0);
    assert.ok(q.blocked?.why.some((l) => l.includes('isolated by db-only-api')), JSON.stringify(q.blocked));
  });
});

describe('representative peers from the open-world engine', () => {
  it('examples/: policies admitting pods outside the workspace give representative nodes and an entire-cluster mark', async () => {
    const path = await import('node:path');
    const fs = await import('node:fs');
    const { loadPaths } = await import('../../server/src/index/files');
    const { Analysis } = await import('../../server/src/analysis/workspaceAnalysis');
    const { graphInputOf } = await import('../../server/src/analysis/graph/fromAnalysis');
    let root = __dirname;
    while (!fs.existsSync(path.join(root, 'examples/shop')) && path.dirname(root) !== root) root = path.dirname(root);
    const { index } = await loadPaths([path.join(root, 'examples')], root);
    const g = buildGraph(graphInputOf(new Analysis(index)));
    const edges = g.edges.filter((e) => e.from.startsWith('representative/') || e.to.startsWith('representative/')).map((e) => `${e.from} -> ${e.to} : ${e.ports}`);
    assert.ok(edges.includes('representative/monitoring/[all pods] -> Deployment/shop-backend/cart : TCP 9090'), edges.join('\n'));
    assert.ok(edges.includes('Deployment/shop-backend/payments -> representative/entire-cluster : TCP 53,UDP 53'), edges.join('\n'));
    const a = aggregateGraph(g);
    assert.deepEqual(a.nodes.find((n) => n.id === 'Deployment/shop-backend/payments')?.marks?.cluster, { out: 'TCP 53,UDP 53' });
    assert.ok(a.nodes.some((n) => n.id === 'representative/monitoring/[all pods]'), 'a representative that is not the whole cluster stays a node');
  });
});
