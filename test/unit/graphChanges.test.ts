// The diagram's Changes layer: connectivity diff rows mapped onto the current graph's edges
// (analysis/diff/onGraph.ts) and laid onto the graph (analysis/graph/changes.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffConnectivity, sideOf } from '../../server/src/analysis/diff';
import { changesOnGraph, workloadNodeOfPeer } from '../../server/src/analysis/diff/onGraph';
import { buildGraph } from '../../server/src/analysis/graph';
import { changeCounts, withChanges } from '../../server/src/analysis/graph/changes';
import { graphInputOf } from '../../server/src/analysis/graph/fromAnalysis';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import type { Graph, GraphChanges } from '../../server/src/model/graph';
import { initialState, visibleGraph } from '../../client/src/webview/view';
import { allowWebFromApi, ingressFromCidr, pod } from './diffFixtures';
import { indexOf, y } from './helpers';

const DENY_ALL = y('apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: deny-all, namespace: default}', 'spec: {podSelector: {}, policyTypes: [Ingress]}');
const webFromApi = (port: number): string => allowWebFromApi(port);

const webFromNet = (except: string[]): string => ingressFromCidr('10.0.0.0/8', except);

const base = { 'web.yaml': pod('web', 'web'), 'api.yaml': pod('api', 'api', 8080) };

/** The changes from `before` to `after`, on the graph of `after`. */
function changes(before: Record<string, string>, after: Record<string, string>): { graph: Graph; changes: GraphChanges } {
  const analysis = (files: Record<string, string>): Analysis => new Analysis(indexOf(Object.fromEntries(Object.entries(files).map(([k, v]) => [`file:///w/${k}`, v]))));
  const a = analysis(before);
  const b = analysis(after);
  const graph = buildGraph(graphInputOf(b));
  const diff = diffConnectivity(sideOf(a.reachability()), sideOf(b.reachability()));
  return { graph, changes: changesOnGraph(diff, graph) };
}

const edge = (c: GraphChanges, from: string, to: string) => c.edges.filter((e) => e.from === from && e.to === to);
const WEB = 'Pod/default/web';
const API = 'Pod/default/api';

describe('connectivity changes on the graph', () => {
  it('names a workload peer as its node', () => {
    assert.deepEqual(workloadNodeOfPeer('shop/web[Deployment]'), { id: 'Deployment/shop/web', kind: 'Deployment', namespace: 'shop', name: 'web' });
    assert.equal(workloadNodeOfPeer('10.0.0.0-10.255.255.255[External]'), undefined);
    assert.equal(workloadNodeOfPeer('{ingress-controller}'), undefined);
  });

  it('a removed connection is an edge the current graph does not have; withChanges draws it', () => {
    const r = changes({ ...base, 'np.yaml': DENY_ALL, 'web.np.yaml': webFromApi(80) }, { ...base, 'np.yaml': DENY_ALL });
    assert.deepEqual(
      r.changes.edges.map((e) => [e.from, e.to, e.change, e.ports]),
      [[API, WEB, 'removed', 'TCP 80']],
    );
    assert.equal(r.graph.edges.some((e) => e.from === API && e.to === WEB), false);
    const shown = withChanges(r.graph, r.changes);
    assert.deepEqual(shown.edges.filter((e) => e.from === API && e.to === WEB).map((e) => [e.kind, e.change]), [['allow', 'removed']]);
    assert.equal(shown.edges.length, r.graph.edges.length + 1);
  });

  it('an added connection flags the edge the graph already draws (no second edge)', () => {
    const r = changes({ ...base, 'np.yaml': DENY_ALL }, { ...base, 'np.yaml': DENY_ALL, 'web.np.yaml': webFromApi(80) });
    assert.deepEqual(edge(r.changes, API, WEB).map((e) => [e.change, e.ports]), [['added', 'TCP 80']]);
    const shown = withChanges(r.graph, r.changes);
    assert.equal(shown.edges.length, r.graph.edges.length);
    const flagged = shown.edges.filter((e) => e.from === API && e.to === WEB);
    assert.deepEqual(flagged.map((e) => e.change), ['added']);
    assert.ok(flagged[0]!.detail!.some((l) => l.startsWith('added since the revision')), flagged[0]!.detail!.join('\n'));
    assert.deepEqual(changeCounts(r.changes), { added: 1, removed: 0, changed: 0 });
  });

  it('a changed connection carries the new ports and says what it was', () => {
    const r = changes({ ...base, 'np.yaml': webFromApi(80) }, { ...base, 'np.yaml': webFromApi(81) });
    const [e] = edge(r.changes, API, WEB);
    assert.equal(e?.change, 'changed');
    assert.equal(e?.ports, 'TCP 81');
    assert.ok(e?.detail?.includes('before: TCP 80') && e.detail.includes('now: TCP 81'), e?.detail?.join('\n'));
  });

  it('a workload that disappeared gets a node marked gone; one that appeared is the graph’s own node', () => {
    const policies = { 'np.yaml': DENY_ALL, 'web.np.yaml': webFromApi(80) };
    const lost = changes({ ...base, ...policies }, { 'web.yaml': pod('web', 'web'), ...policies });
    // The lost pod's egress to every address is gone too: the whole range gets a node (no gone mark).
    assert.deepEqual(lost.changes.nodes.map((n) => [n.id, n.gone]), [[API, true], ['ipBlock/0.0.0.0-255.255.255.255', undefined]]);
    assert.deepEqual(edge(lost.changes, API, WEB).map((e) => e.change), ['removed']);
    assert.ok(edge(lost.changes, API, WEB)[0]!.detail!.some((l) => l === 'lost workload: default/api[Pod]'));
    const shown = withChanges(lost.graph, lost.changes);
    assert.ok(shown.nodes.some((n) => n.id === API && n.gone));

    const appeared = changes({ 'web.yaml': pod('web', 'web'), ...policies }, { ...base, ...policies });
    // Its node is the graph's; only the whole range its new egress reaches is added.
    assert.deepEqual(appeared.changes.nodes.map((n) => n.id), ['ipBlock/0.0.0.0-255.255.255.255']);
    assert.deepEqual(edge(appeared.changes, API, WEB).map((e) => e.change), ['added']);
    assert.ok(appeared.graph.nodes.some((n) => n.id === API));
  });

  it('external ranges: one the graph no longer has gets its own node; one inside a drawn range joins it', () => {
    const narrowed = changes({ ...base, 'np.yaml': webFromNet([]) }, { ...base, 'np.yaml': webFromNet(['10.1.0.0/16']) });
    assert.deepEqual(
      narrowed.changes.edges.map((e) => [e.from, e.to, e.change]),
      [['ipBlock/10.1.0.0-10.1.255.255', WEB, 'removed']],
    );
    assert.deepEqual(narrowed.changes.nodes.map((n) => [n.id, n.kind]), [['ipBlock/10.1.0.0-10.1.255.255', 'ipBlock']]);

    const widened = changes({ ...base, 'np.yaml': webFromNet(['10.1.0.0/16']) }, { ...base, 'np.yaml': webFromNet([]) });
    const holder = widened.graph.nodes.find((n) => n.kind === 'ipBlock');
    assert.equal(holder?.name, '10.0.0.0-10.255.255.255');
    assert.deepEqual(widened.changes.edges.map((e) => [e.from, e.to, e.change]), [[holder!.id, WEB, 'added']]);
    assert.deepEqual(widened.changes.nodes, []);
  });

  it('nothing changed: nothing to draw, and withChanges returns the graph itself', () => {
    const r = changes({ ...base, 'np.yaml': webFromApi(80) }, { ...base, 'np.yaml': webFromApi(80) });
    assert.deepEqual(r.changes, { edges: [], nodes: [] });
    assert.equal(withChanges(r.graph, r.changes), r.graph);
  });

  it('the view draws changes as edges of their own kind: never a mark, not folded with unchanged edges, shown with the policy layer off', () => {
    // api loses its egress to every address (a mark when unchanged) and web → api is added.
    const r = changes({ ...base, 'np.yaml': DENY_ALL }, { ...base, 'np.yaml': DENY_ALL, 'web.np.yaml': webFromApi(80) });
    const shown = withChanges(r.graph, r.changes);
    const state = { ...initialState(), layers: { routing: true, policy: false, changes: true } };
    const v = visibleGraph(shown, state);
    assert.deepEqual(
      v.edges.filter((e) => e.change).map((e) => [e.id, e.change]),
      [[`${API}->${WEB}:allow:added`, 'added']],
    );
    // Changes layer off: with the policy layer off too, no allow edge at all.
    assert.deepEqual(visibleGraph(shown, { ...state, layers: { routing: true, policy: false, changes: false } }).edges.filter((e) => e.kind === 'allow'), []);
    // A removed edge from every address stays an edge (not the internet mark).
    const whole = { from: 'ipBlock/0.0.0.0-255.255.255.255', to: WEB, kind: 'allow' as const, ports: 'TCP 80', change: 'removed' as const };
    const g = withChanges(r.graph, { edges: [whole], nodes: [{ id: whole.from, kind: 'ipBlock', name: '0.0.0.0-255.255.255.255', namespace: '' }] });
    const v2 = visibleGraph(g, { ...state, layers: { routing: true, policy: true, changes: true } });
    assert.ok(v2.edges.some((e) => e.from === whole.from && e.to === WEB && e.change === 'removed'), JSON.stringify(v2.edges.map((e) => e.id)));
    assert.equal(v2.nodes.find((n) => n.id === WEB)?.marks?.internet, undefined);
  });

  it('maxEdges caps what is drawn', () => {
    const r = changes({ ...base, 'np.yaml': DENY_ALL }, base);
    const diff = { added: [], removed: [], changed: [], unchanged: 0 };
    assert.equal(changesOnGraph(diff, r.graph, { maxEdges: 0 }).edges.length, 0);
    assert.ok(r.changes.edges.length >= 1);
  });
});
