// The webview's pure parts: what is shown for a graph and a state, and the page's CSP.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, diagramHtml } from '../../client/src/diagram/html';
import { toElk, fromElk } from '../../client/src/webview/layout';
import { initialState, restoreState, setAllCollapsed, toggleCollapsed, visibleGraph } from '../../client/src/webview/view';
import { demoGraph, HOSTILE_NAME, largeGraph } from '../fixtures/graph/demo';

const measure = (text: string): number => text.length * 7;

describe('diagram view model', () => {
  it('shows every node and edge by default, namespaces as groups', () => {
    const g = demoGraph();
    const v = visibleGraph(g, initialState());
    assert.equal(v.nodes.length, g.nodes.length);
    assert.equal(v.edges.length, g.edges.length);
    assert.deepEqual(v.namespaces, ['data', 'monitoring', 'payments', 'shop']);
    assert.deepEqual(v.groups.map((x) => x.namespace), ['data', 'monitoring', 'payments', 'shop']);
  });

  it('a collapsed namespace is one node; its edges are merged, internal ones dropped', () => {
    const g = demoGraph();
    const s = initialState();
    toggleCollapsed(s, 'shop');
    const v = visibleGraph(g, s);
    const ns = v.nodes.find((n) => n.id === 'ns:shop')!;
    assert.ok(ns.collapsed);
    assert.equal(ns.collapsed.count, g.nodes.filter((n) => n.namespace === 'shop').length);
    assert.ok(!v.nodes.some((n) => n.node?.namespace === 'shop'));
    assert.ok(!v.edges.some((e) => e.from === 'ns:shop' && e.to === 'ns:shop'));
    assert.ok(v.edges.some((e) => e.from === 'internet' && e.to === 'ns:shop'));
    assert.ok(!v.groups.some((x) => x.namespace === 'shop'));
  });

  it('large graphs can start collapsed; expand all undoes it', () => {
    const g = largeGraph(10, 20);
    const s = initialState();
    setAllCollapsed(s, true);
    const v = visibleGraph(g, s);
    assert.equal(v.nodes.filter((n) => n.collapsed).length, 10);
    assert.ok(v.nodes.length <= 11);
    setAllCollapsed(s, false);
    assert.equal(visibleGraph(g, s).nodes.length, g.nodes.length);
  });

  it('filters namespaces and layers; drops external nodes left without edges', () => {
    const g = demoGraph();
    const s = initialState();
    s.hidden = ['payments'];
    s.layers.policy = false;
    const v = visibleGraph(g, s);
    assert.ok(!v.nodes.some((n) => n.node?.namespace === 'payments'));
    assert.ok(!v.edges.some((e) => e.kind === 'allow'));
    assert.ok(!v.nodes.some((n) => n.kind === 'ipBlock' || n.kind === 'ingress-controller'));
    s.layers = { routing: false, policy: true };
    const p = visibleGraph(g, s);
    assert.ok(!p.nodes.some((n) => n.kind === 'Service' || n.kind === 'Ingress' || n.kind === 'internet'));
    assert.ok(p.edges.every((e) => e.kind === 'allow'));
  });

  it('search matches names, kinds, namespaces and hosts', () => {
    const g = demoGraph();
    const s = initialState();
    s.search = 'POST';
    assert.deepEqual(visibleGraph(g, s).matches, ['Service/data/postgres', 'StatefulSet/data/postgres']);
    s.search = 'shop.example';
    assert.deepEqual(visibleGraph(g, s).matches, ['Ingress/shop/storefront']);
    toggleCollapsed(s, 'shop');
    assert.deepEqual(visibleGraph(g, s).matches, ['ns:shop']);
  });

  it('restores whatever state comes back, ignoring junk', () => {
    assert.deepEqual(restoreState(undefined), initialState());
    const s = restoreState({ transform: { x: 1, y: 2, k: 0.5 }, toggled: ['a', 3], hidden: 'x', layers: { policy: false }, search: 'q' });
    assert.deepEqual(s.transform, { x: 1, y: 2, k: 0.5 });
    assert.deepEqual(s.toggled, ['a']);
    assert.deepEqual(s.hidden, []);
    assert.deepEqual(s.layers, { routing: true, policy: false, exposure: false });
    assert.equal(restoreState({ transform: { x: 1, y: 2, k: -1 } }).transform, undefined);
  });

  it('converts to ELK with namespaces as compound nodes and back to absolute positions', () => {
    const v = visibleGraph(demoGraph(), initialState());
    const elk = toElk(v, measure);
    const shop = elk.children!.find((c) => c.id === 'ns:shop')!;
    assert.ok(shop.children!.some((c) => c.id === `Service/shop/${HOSTILE_NAME}`));
    assert.equal(elk.edges!.length, v.edges.length);
    const laid = fromElk({
      id: 'root',
      width: 500,
      height: 400,
      children: [{ id: 'ns:shop', x: 100, y: 50, width: 300, height: 200, children: [{ id: 'a', x: 10, y: 20, width: 50, height: 40 }] }],
      edges: [{ id: 'e', sources: ['a'], targets: ['b'], container: 'ns:shop', sections: [{ id: 's', startPoint: { x: 1, y: 2 }, endPoint: { x: 3, y: 4 } }] }],
    });
    assert.deepEqual(laid.nodes.get('a'), { x: 110, y: 70, width: 50, height: 40 });
    assert.deepEqual(laid.edges.get('e')!.points, [{ x: 101, y: 52 }, { x: 103, y: 54 }]);
  });
});

describe('diagram page', () => {
  it('has a strict CSP with the nonce and no inline content', () => {
    const csp = contentSecurityPolicy('https://res.example', 'abc123');
    assert.equal(
      csp,
      "default-src 'none'; script-src 'nonce-abc123'; style-src https://res.example 'nonce-abc123'; img-src https://res.example data:; worker-src blob:; font-src https://res.example",
    );
    const page = diagramHtml({ cspSource: 'https://res.example', nonce: 'abc123', scriptUri: 'https://res.example/dist/webview.js', styleUri: 'https://res.example/dist/webview.css' });
    assert.ok(page.includes(`content="${csp.replace(/'/g, "'")}"`));
    assert.match(page, /<script nonce="abc123" src="https:\/\/res.example\/dist\/webview.js"><\/script>/);
    assert.equal((page.match(/<script/g) ?? []).length, 1);
    assert.ok(!/style="/.test(page));
  });
});

describe('ipBlock labels', () => {
  it('names ranges as CIDR blocks, or a block less its exceptions', async () => {
    const { ipBlockLabel } = await import('../../client/src/webview/view');
    assert.equal(ipBlockLabel('0.0.0.0-255.255.255.255'), 'any address');
    assert.equal(ipBlockLabel('0.0.0.0-203.0.112.255, 203.0.113.128-255.255.255.255'), 'any address except 203.0.113.0/25');
    assert.equal(ipBlockLabel('203.0.113.0-203.0.113.127'), '203.0.113.0/25');
    assert.equal(ipBlockLabel('10.0.0.0-10.95.255.255, 10.112.0.0-10.255.255.255'), '10.0.0.0/8 except 10.96.0.0/12');
    assert.equal(ipBlockLabel('not a range'), 'not a range');
  });
});

describe('diagram scopes and first view', () => {
  it('more than a few dozen objects in several namespaces start collapsed; one namespace never does', async () => {
    const { collapseByDefaultFor } = await import('../../client/src/webview/view');
    assert.equal(collapseByDefaultFor(demoGraph()), false);
    assert.equal(collapseByDefaultFor(largeGraph(3, 12)), true);
    assert.equal(collapseByDefaultFor(largeGraph(1, 40)), false);
  });

  it('focus shows the neighbourhood, marked, and never collapses; an unknown id falls back to the workspace', () => {
    const g = demoGraph();
    const s = initialState();
    setAllCollapsed(s, true);
    s.scope = { kind: 'focus', ids: ['Deployment/shop/checkout'] };
    const v = visibleGraph(g, s);
    assert.deepEqual(v.scope, { kind: 'focus', ids: ['Deployment/shop/checkout'] });
    assert.ok(!v.nodes.some((n) => n.collapsed), 'nothing collapsed in focus');
    assert.deepEqual(v.nodes.filter((n) => n.focused).map((n) => n.id), ['Deployment/shop/checkout']);
    const ids = v.nodes.map((n) => n.id).sort();
    for (const id of ['Service/shop/checkout', 'Ingress/shop/storefront', 'Deployment/payments/payments', 'Deployment/shop/frontend']) assert.ok(ids.includes(id), `${id} in ${ids}`);
    assert.ok(!ids.includes('StatefulSet/data/redis'), 'not a neighbour');
    s.scope = { kind: 'focus', ids: ['Deployment/shop/gone'] };
    assert.equal(visibleGraph(g, s).scope.kind, 'workspace');
  });

  it('a collapsed namespace shows its exposure; folded edges carry the union of their ports', () => {
    const g = demoGraph();
    const s = initialState();
    toggleCollapsed(s, 'shop');
    toggleCollapsed(s, 'data');
    const v = visibleGraph(g, s);
    assert.equal(v.nodes.find((n) => n.id === 'ns:shop')?.collapsed?.fromInternet, true);
    assert.equal(v.nodes.find((n) => n.id === 'ns:data')?.collapsed?.fromInternet, undefined);
    const shopToData = v.edges.find((e) => e.from === 'ns:shop' && e.to === 'ns:data' && e.kind === 'allow')!;
    assert.equal(shopToData.count, 2);
    assert.equal(shopToData.ports, 'TCP 5432,6379 (×2)');
  });

  it('restores a saved scope and depth, and refuses malformed ones', () => {
    assert.deepEqual(restoreState({ scope: { kind: 'focus', ids: ['a', 3] }, depth: 2 }).scope, { kind: 'focus', ids: ['a'] });
    assert.equal(restoreState({ depth: 2 }).depth, 2);
    assert.equal(restoreState({ depth: 99 }).depth, 1);
    assert.equal(restoreState({ scope: { kind: 'namespace' } }).scope, undefined);
  });
});

describe('exposure overlay', () => {
  it('colours what the internet reaches along open routes, and what everything may reach through marks', async () => {
    const { exposureOf } = await import('../../client/src/webview/view');
    const e = exposureOf(demoGraph());
    assert.equal(e.get('Ingress/shop/storefront'), 'internet');
    assert.equal(e.get('Deployment/shop/checkout'), 'internet', 'storefront → checkout Service → its pods');
    assert.equal(e.get('Deployment/shop/frontend'), undefined, 'its route is blocked');
    assert.equal(e.get('Deployment/payments/payments'), undefined, 'closed behind its LoadBalancer');
    assert.equal(e.get('StatefulSet/data/redis'), undefined);
    const g = demoGraph();
    g.nodes.find((n) => n.id === 'StatefulSet/data/redis')!.marks = { workloads: { in: 'TCP 6379' } };
    assert.equal(exposureOf(g).get('StatefulSet/data/redis'), 'cluster');
    const s = initialState();
    toggleCollapsed(s, 'shop');
    assert.equal(visibleGraph(demoGraph(), s).nodes.find((n) => n.id === 'ns:shop')?.exposure, 'internet');
  });
});

describe('representative peer labels', () => {
  it('reads as SPEC §7 words them', async () => {
    const { representativeLabel } = await import('../../client/src/webview/view');
    assert.equal(representativeLabel('entire-cluster'), 'entire cluster');
    assert.equal(representativeLabel('[namespace with {role=edge}]/[all pods]'), 'namespaces with role=edge');
    assert.equal(representativeLabel('[namespace with {team=ops}]/[pod with {app=prometheus}]'), 'pods with app=prometheus in namespaces with team=ops');
    assert.equal(representativeLabel('monitoring/[all pods]'), 'all pods of monitoring');
    assert.equal(representativeLabel('shop-data/[pod with {app=pg-backup}]'), 'pods with app=pg-backup in shop-data');
    assert.equal(representativeLabel('something else'), 'something else');
  });
});
