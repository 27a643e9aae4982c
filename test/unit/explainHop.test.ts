// The path query's per-hop reason: the exact rule (policy, direction, number, place) that allows a hop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExplainContext } from '../../server/src/analysis/explain';
import { hopRules, peerOfNode } from '../../server/src/analysis/explain/hop';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { indexOf, y } from './helpers';

function pod(name: string, app: string, port = 80): string {
  return y('apiVersion: v1', 'kind: Pod', `metadata: {name: ${name}, namespace: default, labels: {app: ${app}}}`, `spec: {containers: [{name: c, image: i, ports: [{containerPort: ${port}}]}]}`);
}

// Rule 1 admits another app; rule 2 admits api on 80; the egress policy on api allows it by its rule 1.
const POLICIES = y(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: web-in, namespace: default}',
  'spec:',
  '  podSelector: {matchLabels: {app: web}}',
  '  ingress:',
  '  - from: [{podSelector: {matchLabels: {app: other}}}]',
  '  - from: [{podSelector: {matchLabels: {app: api}}}]',
  '    ports: [{port: 80}]',
  '---',
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: api-out, namespace: default}',
  'spec:',
  '  podSelector: {matchLabels: {app: api}}',
  '  policyTypes: [Egress]',
  '  egress:',
  '  - to: [{podSelector: {matchLabels: {app: web}}}]',
  '  - to: [{ipBlock: {cidr: 10.0.0.0/8}}]',
);

function setup(files: Record<string, string>) {
  const index = indexOf(Object.fromEntries(Object.entries(files).map(([k, v]) => [`file:///w/${k}`, v])));
  const analysis = new Analysis(index);
  const ctx = new ExplainContext(analysis.reachability(), index);
  return { ctx, workloads: index.workloads(), text: files };
}

describe('path query: the rule that decides a hop', () => {
  it('names the policy, direction and rule number of each side, with the rule’s place', () => {
    const { ctx, workloads, text } = setup({ 'web.yaml': pod('web', 'web'), 'api.yaml': pod('api', 'api'), 'np.yaml': POLICIES });
    const src = peerOfNode(ctx, workloads, 'Pod/default/api', 'src')!;
    const dst = peerOfNode(ctx, workloads, 'Pod/default/web', 'dst')!;
    const rules = hopRules(ctx, src, dst);
    assert.deepEqual(
      rules.map((r) => r.text),
      ['NetworkPolicy default/api-out: egress rule #1 (TCP 80)', 'NetworkPolicy default/web-in: ingress rule #2 (TCP 80)'],
    );
    const ingress = rules[1]!;
    assert.equal(ingress.uri, 'file:///w/np.yaml');
    const ruleText = text['np.yaml']!.slice(ingress.span!.start, ingress.span!.end);
    assert.match(ruleText, /app: api/);
    assert.doesNotMatch(ruleText, /app: other/);
  });

  it('an outside range node and an undecided hop', () => {
    const { ctx, workloads } = setup({ 'web.yaml': pod('web', 'web'), 'api.yaml': pod('api', 'api'), 'np.yaml': POLICIES });
    const api = peerOfNode(ctx, workloads, 'Pod/default/api', 'src')!;
    const net = peerOfNode(ctx, workloads, 'ipBlock/10.0.0.0-10.255.255.255', 'dst');
    assert.ok(net, 'the range node stands for an engine peer');
    assert.deepEqual(hopRules(ctx, api, net!).map((r) => r.text), ['NetworkPolicy default/api-out: egress rule #2 (All Connections)']);
    // web → api: no policy decides (api's ingress and web's egress are open): no rule to name.
    const web = peerOfNode(ctx, workloads, 'Pod/default/web', 'src')!;
    const apiDst = peerOfNode(ctx, workloads, 'Pod/default/api', 'dst')!;
    assert.deepEqual(hopRules(ctx, web, apiDst), []);
    assert.equal(peerOfNode(ctx, workloads, 'Service/default/web', 'dst'), undefined);
  });
});
