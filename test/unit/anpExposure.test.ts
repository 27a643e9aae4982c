// Exposure (pods the workspace does not define: the entire cluster and representative peers)
// through the AdminNetworkPolicy / BaselineAdminNetworkPolicy tiers, one semantic point per test,
// each with its reason; then the editor verdicts that read the same exposure (lens, hover,
// service-unreachable). netpol-analyzer's own cases are in anpConformance.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReachabilityEngine } from '../../server/src/analysis/reachability';
import { reachViewText } from '../../server/src/analysis/reachability/exposureText';
import { codeLenses } from '../../server/src/features/codeLens';
import { hover } from '../../server/src/features/hover';
import { analysisOf, cursor, deployment, diagnose, indexOf, netpol, service, URI, withCode, y } from './helpers';

function anp(name: string, priority: number, lines: string[]): string {
  return y('---', 'apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: AdminNetworkPolicy', 'metadata:', `  name: ${name}`, 'spec:', `  priority: ${priority}`, ...lines.map((l) => `  ${l}`));
}

function banp(lines: string[]): string {
  return y('---', 'apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: BaselineAdminNetworkPolicy', 'metadata:', '  name: default', 'spec:', ...lines.map((l) => `  ${l}`));
}

const SUBJECT_TWO = ['subject:', '  namespaces:', '    matchLabels:', '      kubernetes.io/metadata.name: two'];
const APPS = deployment('a', { ns: 'one' }) + deployment('b', { ns: 'two' });
const DENY_ALL_TWO = netpol('deny-all', ['podSelector: {}', 'policyTypes: [Ingress, Egress]'], 'two');

/** The exposure section of `reach --exposure`, one line per entry, blanks trimmed. */
function exposure(files: Record<string, string>): string[] {
  const engine = ReachabilityEngine.fromSource(indexOf({ 'file:///w/apps.yaml': APPS, ...files }));
  const text = reachViewText(engine, { exposure: true });
  return text
    .slice(text.indexOf('Exposure Analysis Result:'))
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .filter((l) => l !== '');
}

describe('exposure through the ANP/BANP tiers', () => {
  it('an ANP peer is a representative: what the ANP allows it shows though a NetworkPolicy denies everything', () => {
    // Reason: ANP Allow is above NetworkPolicies; netpol-analyzer takes representatives from ANP peers too.
    const allow = anp('let-x', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: x, action: Allow, from: [{namespaces: {matchLabels: {team: x}}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}']);
    const lines = exposure({ 'file:///w/np.yaml': DENY_ALL_TWO, 'file:///w/anp.yaml': allow });
    assert.ok(lines.includes('two/b[Deployment] <= [namespace with {team=x}]/[all pods] : TCP 8080'), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('two/b[Deployment] <= entire-cluster')), lines.join('\n'));
  });

  it('an ANP Deny on a namespace selector hides the representative a NetworkPolicy admits', () => {
    // Reason: the Deny decides before the NetworkPolicy tier; nothing is left to show for that representative.
    const np = netpol('from-x', ['podSelector: {}', 'policyTypes: [Ingress]', 'ingress:', '  - from: [{namespaceSelector: {matchLabels: {team: x}}}]'], 'two');
    const deny = anp('deny-x', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: x, action: Deny, from: [{namespaces: {matchLabels: {team: x}}}]}']);
    assert.ok(exposure({ 'file:///w/np.yaml': np }).includes('two/b[Deployment] <= [namespace with {team=x}]/[all pods] : All Connections'));
    const lines = exposure({ 'file:///w/np.yaml': np, 'file:///w/anp.yaml': deny });
    assert.ok(!lines.some((l) => l.includes('[namespace with {team=x}]')), lines.join('\n'));
  });

  it('an ANP Deny of one representative under an open entire cluster is a "No Connections" line, and the pod counts as protected', () => {
    // Reason: netpol-analyzer lists the exception to the entire-cluster exposure; an ANP subject protects the pod though no NetworkPolicy does.
    const deny = anp('deny-x', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: x, action: Deny, from: [{namespaces: {matchLabels: {team: x}}}]}']);
    const lines = exposure({ 'file:///w/anp.yaml': deny });
    assert.ok(lines.includes('two/b[Deployment] <= entire-cluster : All Connections'), lines.join('\n'));
    assert.ok(lines.includes('two/b[Deployment] <= [namespace with {team=x}]/[all pods] : No Connections'), lines.join('\n'));
    assert.ok(!lines.includes('two/b[Deployment] is not protected on Ingress'), lines.join('\n'));
    assert.ok(lines.includes('two/b[Deployment] is not protected on Egress'), 'the ANP has no egress rules');
  });

  it('an ANP Deny of every namespace leaves no entire-cluster exposure', () => {
    // Reason: `namespaces: {}` is the entire cluster; its Deny decides before everything else.
    const deny = anp('deny-all', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: all, action: Deny, from: [{namespaces: {}}]}']);
    const lines = exposure({ 'file:///w/anp.yaml': deny });
    assert.ok(!lines.some((l) => l.startsWith('two/b[Deployment] <= entire-cluster')), lines.join('\n'));
    assert.ok(!lines.includes('two/b[Deployment] is not protected on Ingress'), lines.join('\n'));
  });

  it('a Pass falls to the NetworkPolicy tier: the entire cluster gets what the NetworkPolicies allow', () => {
    // Reason: Pass skips the remaining ANPs; the NetworkPolicy (only 8080 from everywhere) then decides port 80 too.
    const np = netpol('only-8080', ['podSelector: {}', 'policyTypes: [Ingress]', 'ingress:', '  - from: [{namespaceSelector: {}}]', '    ports: [{port: 8080}]'], 'two');
    const rule = (action: string): string =>
      anp('p', 5, [...SUBJECT_TWO, 'ingress:', `  - {name: r, action: ${action}, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}`]);
    assert.ok(exposure({ 'file:///w/np.yaml': np, 'file:///w/anp.yaml': rule('Pass') }).includes('two/b[Deployment] <= entire-cluster : TCP 8080'));
    assert.ok(exposure({ 'file:///w/np.yaml': np, 'file:///w/anp.yaml': rule('Allow') }).includes('two/b[Deployment] <= entire-cluster : TCP 80,8080'));
  });

  it('a Pass where no NetworkPolicy isolates the pod falls to the BANP', () => {
    // Reason: without a NetworkPolicy the BANP is next; its Deny of every namespace then closes what was passed.
    const pass = anp('p', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: r, action: Pass, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}']);
    const base = banp([...SUBJECT_TWO, 'ingress:', '  - {name: no, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}']);
    const lines = exposure({ 'file:///w/anp.yaml': pass + base });
    assert.ok(lines.includes('two/b[Deployment] <= entire-cluster : SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535'), lines.join('\n'));
  });

  it('a BANP Deny sits below the NetworkPolicies: what they allow stays allowed', () => {
    // Reason: the baseline only decides for pods no NetworkPolicy isolates in that direction.
    const np = netpol('only-8080', ['podSelector: {}', 'policyTypes: [Ingress]', 'ingress:', '  - from: [{namespaceSelector: {}}]', '    ports: [{port: 8080}]'], 'two');
    const base = banp([...SUBJECT_TWO, 'ingress:', '  - {name: no, action: Deny, from: [{namespaces: {}}]}']);
    const isolated = exposure({ 'file:///w/np.yaml': np, 'file:///w/banp.yaml': base });
    assert.ok(isolated.includes('two/b[Deployment] <= entire-cluster : TCP 8080'), isolated.join('\n'));
    const open = exposure({ 'file:///w/banp.yaml': base });
    assert.ok(!open.some((l) => l.startsWith('two/b[Deployment] <= entire-cluster')), open.join('\n'));
    assert.ok(!open.includes('two/b[Deployment] is not protected on Ingress'), 'the BANP subject protects it');
  });

  it("a representative's own side counts: an ANP whose subject is that representative denies its egress", () => {
    // Reason: netpol-analyzer evaluates the representative's egress too when an ANP subject selects it (same selectors, or an empty one).
    const np = netpol('from-x', ['podSelector: {}', 'policyTypes: [Ingress]', 'ingress:', '  - from: [{namespaceSelector: {matchLabels: {team: x}}}]'], 'two');
    const xOut = anp('x-out', 5, ['subject:', '  namespaces: {matchLabels: {team: x}}', 'egress:', '  - {name: no-b, action: Deny, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: two}}}]}']);
    const lines = exposure({ 'file:///w/np.yaml': np, 'file:///w/anp.yaml': xOut });
    assert.ok(!lines.some((l) => l.startsWith('two/b[Deployment] <= [namespace with {team=x}]')), lines.join('\n'));
  });
});

describe('editor verdicts read the tiered exposure', () => {
  const svc = service('b', { ns: 'two', ports: ['- port: 80', '  targetPort: 8080'] });
  const denyIngress = netpol('deny-in', ['podSelector: {}', 'policyTypes: [Ingress]'], 'two');

  it('no service-unreachable when an ANP lets a namespace the workspace does not define in', () => {
    // Reason: `namespaces: {team: x}` stands for pods elsewhere (a representative); they may reach the port.
    const allow = anp('let-x', 5, [...SUBJECT_TWO, 'ingress:', '  - {name: x, action: Allow, from: [{namespaces: {matchLabels: {team: x}}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}']);
    const files = { 'file:///w/svc.yaml': APPS + svc, 'file:///w/np.yaml': denyIngress };
    assert.equal(withCode(diagnose(files), 'service-unreachable').length, 1);
    assert.deepEqual(withCode(diagnose({ ...files, 'file:///w/anp.yaml': allow }), 'service-unreachable'), []);
  });

  it('the lens and hover do not claim the entire cluster where an ANP denies it, and name the representative the ANP admits', () => {
    // Reason: a hover line "reachable from the entire cluster" under a cluster-wide Deny would be false.
    const guard = anp('guard', 5, [
      ...SUBJECT_TWO,
      'ingress:',
      '  - {name: x, action: Allow, from: [{namespaces: {matchLabels: {team: x}}}]}',
      '  - {name: rest, action: Deny, from: [{namespaces: {}}]}',
    ]);
    const analysis = analysisOf({ 'file:///w/apps.yaml': APPS, 'file:///w/anp.yaml': guard });
    const title = codeLenses(analysis, 'file:///w/apps.yaml')[1]!.title;
    assert.doesNotMatch(title, /entire cluster/);
    assert.match(title, /team=x/);
    const { text, offset } = cursor(APPS.replace('name: b', 'name: |b'));
    const h = hover(analysisOf({ [URI]: text, 'file:///w/anp.yaml': guard }), URI, offset)!;
    assert.doesNotMatch(h.markdown, /entire cluster/i);
    assert.match(h.markdown, /team=x/);
  });
});
