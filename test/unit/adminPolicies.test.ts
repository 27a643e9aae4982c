// AdminNetworkPolicy / BaselineAdminNetworkPolicy: the reader (exact spans, what the API server
// rejects), their diagnostics, the tiers' semantic points one by one (each with its reason), and
// the note on policy kinds that are not evaluated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatText, ReachabilityEngine, toLines } from '../../server/src/analysis/reachability';
import type { AdminPolicy } from '../../server/src/model/types';
import { codeLenses } from '../../server/src/features/codeLens';
import { complete } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { parseFile } from '../../server/src/yaml/parseFile';
import { analysisOf, codes, cursor, deployment, diagnose, indexOf, netpol, rangeIn, rangeOf, spanIn, URI, withCode, y } from './helpers';

function anp(name: string, priority: number | string, lines: string[]): string {
  return y('---', 'apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: AdminNetworkPolicy', 'metadata:', `  name: ${name}`, 'spec:', `  priority: ${priority}`, ...lines.map((l) => `  ${l}`));
}

function banp(name: string, lines: string[]): string {
  return y('---', 'apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: BaselineAdminNetworkPolicy', 'metadata:', `  name: ${name}`, 'spec:', ...lines.map((l) => `  ${l}`));
}

const SUBJECT_NS = (ns: string): string[] => ['subject:', '  namespaces:', '    matchLabels:', `      kubernetes.io/metadata.name: ${ns}`];

/** `reach` lines of a workspace. */
function reach(files: Record<string, string>): string {
  const engine = ReachabilityEngine.fromSource(indexOf(files));
  return formatText(toLines(engine.pairs()));
}

const APPS = deployment('a', { ns: 'one' }) + deployment('b', { ns: 'two', ports: ['- containerPort: 8080', '  name: http', '- containerPort: 53', '  protocol: UDP', '  name: dns'] });

describe('AdminNetworkPolicy reader', () => {
  it('reads priority, subject, rules, actions, peers and the three port forms with exact spans', () => {
    const text = anp('guard', 20, [
      ...SUBJECT_NS('two'),
      'ingress:',
      '  - name: allow-http',
      '    action: Allow',
      '    from:',
      '      - pods:',
      '          namespaceSelector: {}',
      '          podSelector:',
      '            matchLabels: {app: a}',
      '    ports:',
      '      - portNumber: {protocol: UDP, port: 53}',
      '      - namedPort: http',
      '      - portRange: {start: 9000, end: 9100}',
      'egress:',
      '  - name: no-net',
      '    action: Deny',
      '    to:',
      '      - networks: [10.0.0.0/8]',
    ]);
    const obj = parseFile(URI, text).objects[0] as AdminPolicy;
    assert.equal(obj.type, 'adminpolicy');
    assert.deepEqual(obj.issues, []);
    assert.deepEqual(obj.priority, { value: 20, span: spanIn(text, 'priority: 20', '20') });
    assert.deepEqual(obj.subject.namespaces?.matchLabels.map((l) => l.value), ['two']);
    const r = obj.ingress[0]!;
    assert.equal(r.action, 'Allow');
    assert.deepEqual(r.actionSpan, spanIn(text, 'action: Allow', 'Allow'));
    assert.deepEqual(r.peers[0]!.pods?.podSelector.matchLabels.map((l) => `${l.key}=${l.value}`), ['app=a']);
    assert.deepEqual(
      r.ports!.map((p) => [p.form, p.protocol, p.form === 'named' ? p.name : p.port, p.form === 'range' ? p.endPort : undefined]),
      [
        ['number', 'UDP', 53, undefined],
        ['named', 'TCP', 'http', undefined],
        ['range', 'TCP', 9000, 9100],
      ],
    );
    assert.deepEqual(obj.egress[0]!.peers[0]!.networks?.map((n) => n.value), ['10.0.0.0/8']);
  });

  it('a kind of another API version is not read as an ANP', () => {
    const text = anp('x', 1, SUBJECT_NS('two')).replace('v1alpha1', 'v1alpha9');
    assert.equal(parseFile(URI, text).objects[0]!.type, 'other');
  });
});

describe('diagnostics: adminnetworkpolicy-invalid (the API server would reject the object; it is not evaluated)', () => {
  it('fires on a priority outside 0–1000, on the value', () => {
    const text = anp('p', 1001, [...SUBJECT_NS('two'), 'ingress:', '  - {name: r, action: Deny, from: [{namespaces: {}}]}']);
    const d = withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-invalid');
    assert.equal(d.length, 1);
    assert.deepEqual(d[0]!.range, rangeOf(text, '1001'));
    // Reason: an object the API server refuses does not exist in the cluster, so it denies nothing.
    assert.match(reach({ [URI]: text, 'file:///w/apps.yaml': APPS }), /one\/a\[Deployment\] => two\/b\[Deployment\] : All Connections/);
  });

  it('fires on an unknown action, and on Pass in a BaselineAdminNetworkPolicy', () => {
    const a = anp('p', 3, [...SUBJECT_NS('two'), 'ingress:', '  - {name: r, action: Reject, from: [{namespaces: {}}]}']);
    assert.deepEqual(withCode(diagnose(a), 'adminnetworkpolicy-invalid')[0]!.range, rangeOf(a, 'Reject'));
    const b = banp('default', [...SUBJECT_NS('two'), 'ingress:', '  - {name: r, action: Pass, from: [{namespaces: {}}]}']);
    assert.deepEqual(withCode(diagnose(b), 'adminnetworkpolicy-invalid')[0]!.range, rangeOf(b, 'Pass'));
  });

  it('fires on a BaselineAdminNetworkPolicy not named default, and on a subject with two fields', () => {
    const b = banp('baseline', [...SUBJECT_NS('two')]);
    assert.deepEqual(withCode(diagnose(b), 'adminnetworkpolicy-invalid')[0]!.range, rangeOf(b, 'baseline'));
    const two = anp('p', 3, ['subject:', '  namespaces: {}', '  pods: {namespaceSelector: {}, podSelector: {}}']);
    assert.match(withCode(diagnose(two), 'adminnetworkpolicy-invalid')[0]!.finding.message, /exactly one of namespaces, pods/);
  });

  it('does not fire on a valid ANP and BANP', () => {
    const ok = anp('p', 0, [...SUBJECT_NS('two'), 'egress:', '  - {name: r, action: Pass, to: [{networks: [10.0.0.0/8]}]}']) + banp('default', [...SUBJECT_NS('two')]);
    assert.deepEqual(withCode(diagnose({ [URI]: ok, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-invalid'), []);
  });
});

describe('diagnostics: adminnetworkpolicy-priority-conflict and baselineadminnetworkpolicy-duplicate', () => {
  it('two ANPs of one priority: a warning on each priority when they select a common workload, naming it', () => {
    const text = anp('x', 5, SUBJECT_NS('two')) + anp('y', 5, ['subject:', '  pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: b}}}']);
    const d = withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-priority-conflict');
    assert.deepEqual(d.map((x) => [x.severity, x.range]), [
      ['warning', rangeIn(text, 'priority: 5', '5', 0)],
      ['warning', rangeIn(text, 'priority: 5', '5', 1)],
    ]);
    assert.match(d[0]!.finding.message, /'two\/b'/);
  });

  it('an info note when no workload of the workspace is selected by both; nothing for distinct priorities', () => {
    const text = anp('x', 5, SUBJECT_NS('one')) + anp('y', 5, SUBJECT_NS('two'));
    assert.deepEqual(withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-priority-conflict').map((x) => x.severity), ['info', 'info']);
    const distinct = anp('x', 5, SUBJECT_NS('two')) + anp('y', 6, SUBJECT_NS('two'));
    assert.deepEqual(withCode(diagnose({ [URI]: distinct, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-priority-conflict'), []);
  });

  it('a second BANP is reported on its name, in the file where it stands', () => {
    // Both must be named `default`, so the second is another copy of the same cluster-scoped object:
    // the duplicate-object rule (SPEC §2) names it, and the first copy is the one evaluated.
    const first = banp('default', SUBJECT_NS('two'));
    const second = banp('default', SUBJECT_NS('one'));
    assert.deepEqual(codes(diagnose({ 'file:///w/a.yaml': first, 'file:///w/b.yaml': second, 'file:///w/apps.yaml': APPS }, { uri: 'file:///w/a.yaml' })), []);
    const d = diagnose({ 'file:///w/a.yaml': first, 'file:///w/b.yaml': second, 'file:///w/apps.yaml': APPS }, { uri: 'file:///w/b.yaml' });
    assert.deepEqual(codes(d), ['object-duplicate']);
    assert.deepEqual(d.map((x) => x.range), [rangeOf(second, 'default')]);
  });
});

describe('diagnostics: adminnetworkpolicy-selects-nothing', () => {
  it('a pods subject whose podSelector matches no workload in the matching namespaces: a warning on the podSelector', () => {
    const text = anp('x', 5, ['subject:', '  pods:', '    namespaceSelector: {}', '    podSelector: {matchLabels: {app: nope}}']);
    const d = withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-selects-nothing');
    assert.deepEqual(d.map((x) => [x.severity, x.range]), [['warning', rangeOf(text, '{matchLabels: {app: nope}}')]]);
  });

  it('a peer naming a namespace the workspace does not define: info (it may exist in the cluster)', () => {
    const text = anp('x', 5, [...SUBJECT_NS('two'), 'ingress:', '  - {name: r, action: Deny, from: [{namespaces: {matchLabels: {team: elsewhere}}}]}']);
    const d = withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-selects-nothing');
    assert.deepEqual(d.map((x) => [x.severity, x.range]), [['info', rangeOf(text, '{matchLabels: {team: elsewhere}}')]]);
  });

  it('does not fire when the subject and peers select workloads', () => {
    const text = anp('x', 5, [...SUBJECT_NS('two'), 'ingress:', '  - {name: r, action: Deny, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}}]}']);
    assert.deepEqual(withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-selects-nothing'), []);
  });
});

describe('diagnostics: policy-kind-not-evaluated', () => {
  it('one info note per file, on the first such kind, naming every such kind of the file', () => {
    const text = y(
      'apiVersion: cilium.io/v2',
      'kind: CiliumNetworkPolicy',
      'metadata: {name: c}',
      '---',
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkPolicy',
      'metadata: {name: g}',
      '---',
      'apiVersion: cilium.io/v2',
      'kind: CiliumNetworkPolicy',
      'metadata: {name: d}',
    );
    const d = diagnose(text);
    assert.deepEqual(d.map((x) => [x.code, x.severity, x.range]), [['policy-kind-not-evaluated', 'info', rangeOf(text, 'CiliumNetworkPolicy')]]);
    assert.match(d[0]!.finding.message, /CiliumNetworkPolicy, Calico GlobalNetworkPolicy are not evaluated/);
  });

  it('covers ClusterNetworkPolicy and MultiNetworkPolicy; not a Kubernetes NetworkPolicy', () => {
    const cnp = y('apiVersion: policy.networking.k8s.io/v1alpha2', 'kind: ClusterNetworkPolicy', 'metadata: {name: c}');
    assert.deepEqual(codes(diagnose(cnp)), ['policy-kind-not-evaluated']);
    const multi = y('apiVersion: k8s.cni.cncf.io/v1beta1', 'kind: MultiNetworkPolicy', 'metadata: {name: m}');
    assert.deepEqual(codes(diagnose(multi)), ['policy-kind-not-evaluated']);
    assert.deepEqual(codes(diagnose(netpol('np', ['podSelector: {}']))), []);
  });
});

describe('tiers: semantic points', () => {
  const deny = (prio: number, name = 'deny-all'): string =>
    anp(name, prio, [...SUBJECT_NS('two'), 'ingress:', '  - name: deny', '    action: Deny', '    from:', '      - namespaces: {}']);
  const allowNp = netpol('allow-a', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {}'], 'two');

  it('a cluster-wide Deny ANP wins over a namespace NetworkPolicy that allows', () => {
    // Reason: ANPs are evaluated before NetworkPolicies; a Deny there is final.
    const out = reach({ 'file:///w/apps.yaml': APPS, 'file:///w/np.yaml': allowNp, 'file:///w/anp.yaml': deny(10) });
    assert.doesNotMatch(out, /one\/a\[Deployment\] => two\/b/);
    assert.match(reach({ 'file:///w/apps.yaml': APPS, 'file:///w/np.yaml': allowNp }), /one\/a\[Deployment\] => two\/b\[Deployment\] : All Connections/);
  });

  it('Pass hands the connection to the NetworkPolicies, skipping lower-priority ANPs', () => {
    // Reason: Pass skips every remaining ANP (the Deny at priority 20) and NetworkPolicies decide.
    const pass = anp('pass', 5, [...SUBJECT_NS('two'), 'ingress:', '  - {name: p, action: Pass, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}']);
    const np = netpol('only-8080', ['podSelector: {}', 'ingress:', '  - ports: [{port: 8080}]'], 'two');
    const out = reach({ 'file:///w/apps.yaml': APPS, 'file:///w/np.yaml': np, 'file:///w/anp.yaml': pass + deny(20) });
    assert.match(out, /^one\/a\[Deployment\] => two\/b\[Deployment\] : TCP 8080$/m);
  });

  it('the lower priority number decides where two ANPs match the same traffic', () => {
    // Reason: priority orders ANPs (0 first); within an ANP, the first matching rule decides.
    const allow = anp('allow', 1, [...SUBJECT_NS('two'), 'ingress:', '  - {name: a, action: Allow, from: [{namespaces: {}}], ports: [{namedPort: dns}]}']);
    const out = reach({ 'file:///w/apps.yaml': APPS, 'file:///w/anp.yaml': allow + deny(2) });
    assert.match(out, /^one\/a\[Deployment\] => two\/b\[Deployment\] : UDP 53$/m);
  });

  it('the BANP applies only where no NetworkPolicy isolates the pod; its pod peers do not match addresses', () => {
    // Reason: the baseline sits below NetworkPolicies; an isolating NetworkPolicy decides instead.
    const base = banp('default', [...SUBJECT_NS('two'), 'ingress:', '  - {name: d, action: Deny, from: [{namespaces: {}}]}']);
    const out = reach({ 'file:///w/apps.yaml': APPS, 'file:///w/banp.yaml': base });
    assert.doesNotMatch(out, /one\/a\[Deployment\] => two\/b/);
    assert.match(out, /^0\.0\.0\.0-255\.255\.255\.255\[External\] => two\/b\[Deployment\] : All Connections$/m);
    assert.match(reach({ 'file:///w/apps.yaml': APPS, 'file:///w/banp.yaml': base, 'file:///w/np.yaml': allowNp }), /one\/a\[Deployment\] => two\/b\[Deployment\] : All Connections/);
  });

  it('egress networks deny an address range, split at its ends', () => {
    // Reason: `networks` selects addresses outside the cluster; ranges are split where rules change.
    const net = anp('net', 1, ['subject:', '  namespaces: {}', 'egress:', '  - {name: n, action: Deny, to: [{networks: [10.0.0.0/8]}]}']);
    const out = reach({ 'file:///w/apps.yaml': APPS, 'file:///w/anp.yaml': net });
    assert.match(out, /^one\/a\[Deployment\] => 0\.0\.0\.0-9\.255\.255\.255\[External\] : All Connections$/m);
    assert.doesNotMatch(out, /=> 10\.0\.0\.0-10\.255\.255\.255/);
    assert.match(out, /^one\/a\[Deployment\] => 11\.0\.0\.0-255\.255\.255\.255\[External\] : All Connections$/m);
  });

  it('a port an ANP opens to every pod stays reachable though every workspace pod has closed egress', () => {
    // Reason: pods elsewhere in the cluster match `namespaces: {}`; the workspace is not the whole cluster (SPEC §3).
    const open = anp('open-8080', 1, [...SUBJECT_NS('two'), 'ingress:', '  - {name: all, action: Allow, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}']);
    const closed = netpol('deny-all', ['podSelector: {}', 'policyTypes: [Ingress, Egress]'], 'one') + netpol('deny-all', ['podSelector: {}', 'policyTypes: [Ingress, Egress]'], 'two');
    const svc = y('---', 'apiVersion: v1', 'kind: Service', 'metadata: {name: b, namespace: two}', 'spec: {selector: {app: b}, ports: [{port: 80, targetPort: 8080}]}');
    const files = { 'file:///w/apps.yaml': APPS + svc, 'file:///w/np.yaml': closed };
    const verdict = (extra: Record<string, string>): boolean => {
      const index = indexOf({ ...files, ...extra });
      const s = index.services()[0]!;
      return ReachabilityEngine.fromSource(index).servicePortReachability(s, s.ports[0]!).reachable;
    };
    assert.equal(verdict({}), false);
    assert.equal(verdict({ 'file:///w/anp.yaml': open }), true);
  });

  it('tierDecisions names the ANP rule, its action, and the NetworkPolicy tier for what it passes', () => {
    const index = indexOf({ 'file:///w/apps.yaml': APPS, 'file:///w/np.yaml': allowNp, 'file:///w/anp.yaml': deny(10) });
    const engine = ReachabilityEngine.fromSource(index);
    const t = engine.tierDecisions(engine.peer('one/a[Deployment]')!, engine.peer('two/b[Deployment]')!)!;
    assert.deepEqual(
      t.ingress.map((x) => [x.tier, x.allowed, x.policy?.name, x.rule?.name, x.conns.toString()]),
      [['adminnetworkpolicy', false, 'deny-all', 'deny', 'All Connections']],
    );
    assert.deepEqual(t.egress.map((x) => [x.tier, x.allowed, x.conns.toString()]), [['default', true, 'All Connections']]);
  });

  it('tierDecisions names the ANP Pass rule that handed connections to the NetworkPolicies', () => {
    // Reason: an explanation says "passes by rule p" before "NetworkPolicy … allows/denies".
    const pass = anp('pass', 5, [...SUBJECT_NS('two'), 'ingress:', '  - {name: p, action: Pass, from: [{namespaces: {}}], ports: [{portNumber: {protocol: TCP, port: 8080}}]}']);
    const np = netpol('only-8080', ['podSelector: {}', 'ingress:', '  - ports: [{port: 8080}]'], 'two');
    const engine = ReachabilityEngine.fromSource(indexOf({ 'file:///w/apps.yaml': APPS, 'file:///w/np.yaml': np, 'file:///w/anp.yaml': pass }));
    const t = engine.tierDecisions(engine.peer('one/a[Deployment]')!, engine.peer('two/b[Deployment]')!)!;
    assert.deepEqual(
      t.ingress.map((x) => [x.tier, x.allowed, x.conns.toString(), (x.passedBy ?? []).map((p) => `${p.policy.name}/${p.rule.name}/${p.conns}`)]),
      [
        ['networkpolicy', true, 'TCP 8080', ['pass/p/TCP 8080']],
        ['networkpolicy', false, 'SCTP 1-65535,TCP 1-8079,8081-65535,UDP 1-65535', []],
      ],
    );
  });
});

describe('editor: ANP/BANP hover, lens and completion', () => {
  const guard = anp('guard', 7, [...SUBJECT_NS('two'), 'ingress:', '  - name: no-one', '    action: Deny', '    from:', '      - pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}']);

  it('a rule peer hover lists the workloads it names cluster-wide, with the rule and its action', () => {
    const { text, offset } = cursor(guard.replace('podSelector: {matchLabels', 'podSelector: {|matchLabels'));
    const h = hover(analysisOf({ [URI]: text, 'file:///w/apps.yaml': APPS }), URI, offset)!;
    assert.match(h.markdown, /\*\*From\*\* pods `app=a` in namespaces matching `\{\}` — rule `no-one`: `Deny` of `AdminNetworkPolicy guard \(priority 7\)`/);
    assert.match(h.markdown, /Deployment one\/a/);
    assert.doesNotMatch(h.markdown, /Deployment two\/b/);
  });

  it('the policy hover (on its name) says where its tier stands and lists its rules in order', () => {
    const { text, offset } = cursor(guard.replace('name: guard', 'name: gu|ard'));
    const h = hover(analysisOf({ [URI]: text, 'file:///w/apps.yaml': APPS }), URI, offset)!;
    assert.match(h.markdown, /Evaluated before NetworkPolicies, by priority/);
    assert.match(h.markdown, /ingress rule `no-one`: `Deny`/);
  });

  it('a workload hover no longer says "open to all" where an ANP denies, and lists the tier', () => {
    const { text, offset } = cursor(APPS.replace('name: b', 'name: |b'));
    const h = hover(analysisOf({ [URI]: text, 'file:///w/anp.yaml': guard }), URI, offset)!;
    assert.match(h.markdown, /\*\*Ingress:\*\* no NetworkPolicy isolates it; allowed sources:/);
    // Not among the allowed sources; listed among the peers the tier denies (issue 14).
    const [allowedPart, deniedPart] = h.markdown.split('Denied by the cluster tiers (ingress):');
    assert.doesNotMatch(allowedPart!, /`one\/a\[Deployment\]`/);
    assert.match(deniedPart ?? '', /`one\/a\[Deployment\]`: `All Connections` denied by \[AdminNetworkPolicy guard/);
    assert.match(h.markdown, /Cluster tiers \(ingress\), in order: \[AdminNetworkPolicy guard/);
  });

  it('each allowed peer in a workload hover names the tier that allowed it', () => {
    // Reason: the hover must say which tier decides (here the ANP allows what the NetworkPolicy denies).
    const allow = anp('let-a', 3, [...SUBJECT_NS('two'), 'ingress:', '  - {name: a-in, action: Allow, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: a}}}}]}']);
    const denyAll = netpol('deny-all', ['podSelector: {}', 'policyTypes: [Ingress]'], 'two');
    const { text, offset } = cursor(APPS.replace('name: b', 'name: |b'));
    const h = hover(analysisOf({ [URI]: text, 'file:///w/anp.yaml': allow, 'file:///w/np.yaml': denyAll }), URI, offset)!;
    assert.match(h.markdown, /`one\/a\[Deployment\]`: `All Connections` — allowed by `AdminNetworkPolicy let-a \(priority 3\) rule a-in`/);
  });

  it('a lens on the ANP counts what its subject selects; the workload lens counts peers instead of "open"', () => {
    const analysis = analysisOf({ [URI]: guard, 'file:///w/apps.yaml': APPS });
    assert.deepEqual(codeLenses(analysis, URI).map((l) => l.title), ['priority 7 · subject: 1 workload in 1 namespace · 1 ingress rule, 0 egress rules']);
    const titles = codeLenses(analysis, 'file:///w/apps.yaml').map((l) => l.title);
    // The Deny names only app=a pods: the rest of the cluster (pods this workspace does not define) may still connect.
    assert.match(titles[1]!, /^ingress: 1 peer \+ entire cluster · egress: open/);
  });

  it('completes pod label keys and values cluster-wide in an ANP podSelector, namespace labels under namespaces', () => {
    const labels = (marked: string): string[] => {
      const { text, offset } = cursor(marked);
      return complete(analysisOf({ [URI]: text, 'file:///w/apps.yaml': APPS }), URI, text, offset).map((c) => c.label).sort();
    };
    const base = (tail: string[]): string => anp('c', 1, ['subject:', ...tail]);
    assert.deepEqual(labels(base(['  pods:', '    namespaceSelector: {}', '    podSelector:', '      matchLabels:', '        app: |'])), ['a', 'b']);
    assert.deepEqual(labels(base(['  namespaces:', '    matchLabels:', '      |'])), ['kubernetes.io/metadata.name']);
  });
});

describe('hostile ANP input', () => {
  const H = (spec: string[]): string => y('apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: AdminNetworkPolicy', 'metadata: {name: x}', 'spec:', ...spec.map((l) => `  ${l}`));
  it('fields of the wrong type are reported as invalid (never read as "select everything"), and nothing crashes', () => {
    // Reason: a selector written as a list or a scalar must not widen what a policy selects.
    const cases: Array<[string, RegExp]> = [
      [H(['priority: 1', 'subject: [a]', 'ingress: 5']), /subject must be a map/],
      [H(['priority: 1', 'subject: {namespaces: 3}']), /namespaces must be a label selector/],
      [H(['priority: 1', 'subject: {pods: {namespaceSelector: [], podSelector: {}}}']), /pods\.namespaceSelector must be a label selector/],
      [H(['priority: 1', 'subject: {namespaces: {}}', 'egress: [{action: Deny, to: [{networks: [1, "x/99"]}], ports: [{portRange: {start: 9, end: 2}}, {}]}]']), /is not a CIDR/],
      [H(['priority: "5"', 'subject: {namespaces: {}}']), /priority must be an integer/],
    ];
    for (const [text, expected] of cases) {
      const d = withCode(diagnose({ [URI]: text, 'file:///w/apps.yaml': APPS }), 'adminnetworkpolicy-invalid');
      assert.ok(d.some((x) => expected.test(x.finding.message)), `${expected} in ${d.map((x) => x.finding.message).join(' | ')}`);
      assert.match(reach({ [URI]: text, 'file:///w/apps.yaml': APPS }), /one\/a\[Deployment\] => two\/b\[Deployment\] : All Connections/);
    }
  });

  it('a name with markdown and HTML is escaped in the policy hover', () => {
    const text = y('apiVersion: policy.networking.k8s.io/v1alpha1', 'kind: AdminNetworkPolicy', 'metadata: {name: "<img src=x>**"}', 'spec: {priority: 3, subject: {namespaces: {}}}');
    const { offset } = { offset: text.indexOf('img') };
    const h = hover(analysisOf({ [URI]: text }), URI, offset)!;
    assert.doesNotMatch(h.markdown.replace(/`[^`]*`/g, ''), /<img/);
  });
});

describe('reach: warnings about what is not evaluated', () => {
  it('names an invalid ANP, ANPs sharing a priority, and a policy kind it does not evaluate, on stderr', async () => {
    const { runReach } = await import('../../server/src/cli/reach');
    const cilium = y('---', 'apiVersion: cilium.io/v2', 'kind: CiliumNetworkPolicy', 'metadata: {name: c}');
    const input = APPS + anp('bad', 2000, SUBJECT_NS('two')) + anp('x', 4, SUBJECT_NS('two')) + anp('y', 4, SUBJECT_NS('one')) + cilium;
    let stdout = '';
    let stderr = '';
    const code = await runReach(['-'], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd: '/', readStdin: async () => input });
    assert.equal(code, 0);
    assert.match(stdout, /one\/a\[Deployment\] => two\/b\[Deployment\] : All Connections/);
    assert.match(stderr, /^warning: AdminNetworkPolicy 'bad' is not evaluated: priority 2000 is outside 0–1000$/m);
    assert.match(stderr, /^warning: AdminNetworkPolicies 'x', 'y' share priority 4: evaluated by name/m);
    assert.match(stderr, /note: CiliumNetworkPolicy is not evaluated: reachability \(reach, hovers, diagram\) may show connections/);
  });
});

describe('diff and the editor\'s connectivity changes with ANP/BANP', () => {
  const treeOf = (files: Record<string, string>) => {
    const index = indexOf(files);
    return { index, engine: ReachabilityEngine.fromSource(index) };
  };
  const guard = anp('guard', 7, [...SUBJECT_NS('two'), 'ingress:', '  - {name: no-a, action: Deny, from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: one}}}]}']);

  it('a pair an ANP closes is attributed to the ANP', async () => {
    // Reason: the object that caused a change must be named (SARIF locations, the editor's reveal).
    const { diffConnectivity, sideOf } = await import('../../server/src/analysis/diff');
    const { ChangeAttributor } = await import('../../server/src/analysis/diff/attribution');
    const before = treeOf({ 'file:///w/apps.yaml': APPS });
    const after = treeOf({ 'file:///w/apps.yaml': APPS, 'file:///w/anp.yaml': guard });
    const d = diffConnectivity(sideOf(before.engine), sideOf(after.engine));
    const removed = d.removed.find((e) => e.src.name === 'one/a[Deployment]' && e.dst.name === 'two/b[Deployment]');
    assert.ok(removed, 'one/a → two/b is removed');
    const causes = new ChangeAttributor(before, after).causes(removed);
    assert.deepEqual(causes.map((c) => [c.object.kind, c.object.name, c.change]), [['AdminNetworkPolicy', 'guard', 'added']]);
  });

  it('editScope of an ANP file covers the sides of the workloads its subject selects', async () => {
    const { editScope } = await import('../../server/src/features/connectivityChanges');
    const live = treeOf({ 'file:///w/apps.yaml': APPS, 'file:///w/anp.yaml': guard });
    const scope = editScope([live.engine], 'file:///w/anp.yaml', new Set(['one', 'two']));
    assert.deepEqual([[...scope.ingress], [...scope.egress]], [['two/b[Deployment]'], []]);
  });
});
