// The connectivity diff model (analysis/diff), its formats, --fail-on and SARIF attribution.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffConnectivity, formatDiffMarkdown, formatDiffText, mergedRuns, sideOf, type ConnectivityDiff } from '../../server/src/analysis/diff';
import { ChangeAttributor } from '../../server/src/analysis/diff/attribution';
import { failOnMatches } from '../../server/src/analysis/diff/failOn';
import { ConnSet, ReachabilityEngine, inputFromSource } from '../../server/src/analysis/reachability';
import { formatDiffSarif } from '../../server/src/cli/diffSarif';
import type { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { changesByWorkload, editEffect, editEffectTitle, editScope } from '../../server/src/features/connectivityChanges';
import { indexOf, y } from './helpers';

function pod(name: string, app: string, port = 80, ns = 'default'): string {
  return y(
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}}`,
    `spec: {containers: [{name: c, image: i, ports: [{containerPort: ${port}}]}]}`,
  );
}

const DENY_ALL = y(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: deny-all, namespace: default}',
  'spec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
);

/** web admits api on `port`, or on the ports written out in `portsYaml` (e.g. `{port: 80}, {port: 81}`). */
function allowWebFromApi(port: number, portsYaml = `{port: ${port}}`): string {
  return y(
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web-from-api, namespace: default}',
    'spec:',
    '  podSelector: {matchLabels: {app: web}}',
    '  ingress:',
    '  - from: [{podSelector: {matchLabels: {app: api}}}]',
    `    ports: [${portsYaml}]`,
  );
}

function ingressFromCidr(cidr: string, except: string[] = []): string {
  return y(
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web-from-net, namespace: default}',
    'spec:',
    '  podSelector: {matchLabels: {app: web}}',
    '  policyTypes: [Ingress]',
    '  ingress:',
    `  - from: [{ipBlock: {cidr: ${cidr}, except: [${except.join(', ')}]}}]`,
  );
}

interface Tree {
  index: WorkspaceIndex;
  engine: ReachabilityEngine;
}

function tree(files: Record<string, string>): Tree {
  const index = indexOf(Object.fromEntries(Object.entries(files).map(([k, v]) => [`file:///w/${k}`, v])));
  return { index, engine: new ReachabilityEngine(inputFromSource(index)) };
}

function diffOf(a: Tree, b: Tree): ConnectivityDiff {
  return diffConnectivity(sideOf(a.engine), sideOf(b.engine));
}

function lines(d: ConnectivityDiff): string[] {
  return formatDiffText(d).split('\n').filter((l) => l !== '');
}

const base = { 'web.yaml': pod('web', 'web'), 'api.yaml': pod('api', 'api', 8080) };

describe('connectivity diff model', () => {
  it('an unchanged tree has an empty diff and prints nothing', () => {
    const d = diffOf(tree(base), tree(base));
    assert.equal(d.added.length + d.removed.length + d.changed.length, 0);
    assert.ok(d.unchanged > 0);
    assert.equal(formatDiffText(d), '');
  });

  it('removing a default-deny policy adds exactly the connections it blocked', () => {
    const before = tree({ ...base, 'deny.yaml': DENY_ALL, 'np.yaml': allowWebFromApi(80) });
    const after = tree({ ...base, 'np.yaml': allowWebFromApi(80) });
    assert.deepEqual(lines(diffOf(before, after)), [
      'Connectivity diff:',
      'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: default/api[Pod], ref1: No Connections, ref2: All Connections',
      'diff-type: added, source: default/api[Pod], destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections',
      // the deny-all also denied api's egress: web's own policy still limits it to TCP 80
      'diff-type: added, source: default/api[Pod], destination: default/web[Pod], ref1: No Connections, ref2: TCP 80',
      'diff-type: added, source: default/web[Pod], destination: 0.0.0.0-255.255.255.255[External], ref1: No Connections, ref2: All Connections',
      'diff-type: added, source: default/web[Pod], destination: default/api[Pod], ref1: No Connections, ref2: All Connections',
    ]);
    // and the reverse removes them
    const reverse = diffOf(after, before);
    assert.equal(reverse.removed.length, 5);
    assert.equal(reverse.added.length, 0);
  });

  it('a changed port is `changed` with both sets', () => {
    const d = diffOf(tree({ ...base, 'np.yaml': allowWebFromApi(80) }), tree({ ...base, 'np.yaml': allowWebFromApi(81) }));
    assert.deepEqual(lines(d), [
      'Connectivity diff:',
      'diff-type: changed, source: default/api[Pod], destination: default/web[Pod], ref1: TCP 80, ref2: TCP 81',
    ]);
  });

  it('flags workloads that appear and disappear (workloads-diff-info)', () => {
    const np = allowWebFromApi(80);
    const d = diffOf(tree({ ...base, 'np.yaml': np }), tree({ 'web.yaml': pod('web', 'web'), 'np.yaml': np, 'new.yaml': pod('api2', 'api') }));
    const out = lines(d);
    assert.ok(out.includes('diff-type: added, source: default/api2[Pod], destination: default/web[Pod], ref1: No Connections, ref2: TCP 80, workloads-diff-info: workload default/api2[Pod] added'), out.join('\n'));
    assert.ok(out.includes('diff-type: removed, source: default/api[Pod], destination: default/web[Pod], ref1: TCP 80, ref2: No Connections, workloads-diff-info: workload default/api[Pod] removed'), out.join('\n'));
    // both ends new: "workload A and B added"
    const d2 = diffOf(tree({ 'web.yaml': pod('web', 'web') }), tree({ 'web.yaml': pod('web', 'web'), 'a.yaml': pod('a', 'a'), 'b.yaml': pod('b', 'b') }));
    assert.ok(lines(d2).some((l) => l.endsWith('workloads-diff-info: workload default/a[Pod] and default/b[Pod] added')));
    // a workload present in both trees is not flagged even if its pairs are new
    assert.ok(!lines(d2).some((l) => /workload default\/web\[Pod\]/.test(l)));
  });

  it('compares external ranges address by address when the trees split them differently', () => {
    // before: 10.0.0.0/8 minus 10.1.0.0/16; after: 10.0.0.0/16 (the ranges do not line up)
    const before = tree({ ...base, 'net.yaml': ingressFromCidr('10.0.0.0/8', ['10.1.0.0/16']) });
    const after = tree({ ...base, 'net.yaml': ingressFromCidr('10.0.0.0/16') });
    const out = lines(diffOf(before, after)).filter((l) => l.includes('destination: default/web[Pod]') && l.includes('[External]'));
    assert.deepEqual(out, [
      'diff-type: removed, source: 10.2.0.0-10.255.255.255[External], destination: default/web[Pod], ref1: All Connections, ref2: No Connections',
    ]);
    // 10.0.0.0/16 allowed in both: unchanged, and 10.1.0.0/16 allowed in neither: absent
  });

  it('merges adjacent ranges with the same pair of sets, keeps gaps apart', () => {
    const a = ConnSet.range('TCP', 80, 80);
    const b = ConnSet.range('TCP', 81, 81);
    const runs = [...mergedRuns([[0, 9, a], [10, 19, a], [30, 39, a]], [[0, 4, a], [5, 19, a], [30, 34, b], [35, 39, a]])];
    assert.deepEqual(runs, [
      [0, 19, a, a],
      [30, 34, a, b],
      [35, 39, a, a],
    ]);
  });

  it('puts pairs from the ingress controller after the others, in their own changed/added/removed order', () => {
    const ing = y(
      'apiVersion: networking.k8s.io/v1',
      'kind: Ingress',
      'metadata: {name: web, namespace: default}',
      'spec: {rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}',
      '---',
      'apiVersion: v1',
      'kind: Service',
      'metadata: {name: web, namespace: default}',
      'spec: {selector: {app: web}, ports: [{port: 80}]}',
    );
    const d = diffOf(tree({ ...base, 'deny.yaml': DENY_ALL }), tree({ ...base, 'ing.yaml': ing }));
    const out = lines(d);
    const last = out[out.length - 1]!;
    assert.match(last, /^diff-type: added, source: \{ingress-controller\}, destination: default\/web\[Pod\], ref1: No Connections, ref2: TCP 80$/);
    assert.ok(out.slice(1, -1).every((l) => !l.includes('{ingress-controller}')));
  });
});

describe('diff --fail-on', () => {
  it('added: any added pair or a changed pair that allows more; not a narrowing', () => {
    const p80 = tree({ ...base, 'np.yaml': allowWebFromApi(80) });
    const deny = tree({ ...base, 'np.yaml': allowWebFromApi(80), 'deny.yaml': DENY_ALL });
    assert.equal(failOnMatches(diffOf(deny, p80), 'added'), true);
    assert.equal(failOnMatches(diffOf(p80, deny), 'added'), false, 'only removals');
    const wide = allowWebFromApi(80, '{port: 80}, {port: 81}');
    const d = diffOf(p80, tree({ ...base, 'np.yaml': wide }));
    assert.equal(d.changed.length, 1);
    assert.equal(failOnMatches(d, 'added'), true, 'widened');
    assert.equal(failOnMatches(diffOf(tree({ ...base, 'np.yaml': wide }), p80), 'added'), false, 'narrowed');
  });

  it('exposure-added: only when the new connection comes from outside the cluster', () => {
    const denyIngress = y(
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata: {name: deny-in, namespace: default}',
      'spec: {podSelector: {}, policyTypes: [Ingress]}',
    );
    const inClusterOnly = tree({ ...base, 'deny.yaml': denyIngress, 'np.yaml': allowWebFromApi(80) });
    const closed = tree({ ...base, 'deny.yaml': denyIngress });
    const d1 = diffOf(closed, inClusterOnly);
    assert.equal(failOnMatches(d1, 'added'), true);
    assert.equal(failOnMatches(d1, 'exposure-added'), false, 'api → web is in-cluster');
    const d2 = diffOf(closed, tree({ ...base, 'deny.yaml': denyIngress, 'net.yaml': ingressFromCidr('0.0.0.0/0') }));
    assert.equal(failOnMatches(d2, 'exposure-added'), true);
  });
});

describe('diff formats', () => {
  it('md: a heading with counts and a table whose cells cannot break out', () => {
    const d = diffOf(tree({ ...base, 'deny.yaml': DENY_ALL }), tree(base));
    const md = formatDiffMarkdown(d, { ref1: 'main|x', ref2: 'working tree' });
    assert.match(md, /^### Connectivity changes: main\\\|x → working tree\n\n\*\*\d+ added\*\*, \*\*0 removed\*\*, \*\*0 changed\*\*/);
    assert.ok(md.includes('| diff-type | source | destination | main\\|x | working tree | workloads-diff-info |'));
    assert.ok(md.includes('| added | default/api[Pod] | default/web[Pod] | No Connections | All Connections |  |'));
    assert.match(formatDiffMarkdown(diffOf(tree(base), tree(base))), /No connection was added, removed or changed/);
  });

  it('sarif: each opened connection located on the object change that causes it', () => {
    const before = tree({ ...base, 'deny.yaml': DENY_ALL, 'np.yaml': allowWebFromApi(80) });
    const after = tree({ ...base, 'np.yaml': allowWebFromApi(81) });
    const sarif = JSON.parse(formatDiffSarif(diffOf(before, after), before, after, '/w'));
    const results = sarif.runs[0].results as Array<{ ruleId: string; message: { text: string }; locations?: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
    const apiToWeb = results.find((r) => r.message.text.startsWith('default/api[Pod] → default/web[Pod]'));
    assert.ok(apiToWeb, JSON.stringify(results.map((r) => r.message.text)));
    // the edited policy deciding web's ingress comes before the removed default-deny
    assert.equal(apiToWeb.locations?.[0]?.physicalLocation.artifactLocation.uri, 'np.yaml');
    const webToApi = results.find((r) => r.message.text.startsWith('default/web[Pod] → default/api[Pod]'));
    assert.equal(webToApi?.locations?.[0]?.physicalLocation.artifactLocation.uri, 'deny.yaml', 'the removed policy, where it was');
    assert.match(webToApi!.message.text, /NetworkPolicy default\/deny-all \(removed\)/);
    const exposure = results.find((r) => r.message.text.startsWith('0.0.0.0-255.255.255.255[External]'));
    assert.equal(exposure?.ruleId, 'exposure-added');
  });

  it('attribution ignores objects that only moved or were reformatted', () => {
    const moved = tree({ 'a.yaml': `# comment\n${pod('web', 'web')}`, 'b.yaml': pod('api', 'api', 8080) });
    const attributor = new ChangeAttributor(tree(base), moved);
    assert.equal(attributor.changedObjects().size, 0);
  });
});

describe('editor: connectivity changes and the unsaved-edit summary', () => {
  it('editEffect counts sources and ports gained and lost around the given workloads only', () => {
    const wide = allowWebFromApi(80, '{port: 80}, {port: 90, endPort: 99}');
    const saved = tree({ ...base, 'np.yaml': allowWebFromApi(80) });
    const live = tree({ ...base, 'np.yaml': wide });
    const effect = editEffect(saved.engine, live.engine, { ingress: new Set(['default/web[Pod]']), egress: new Set<string>() });
    assert.deepEqual(effect, { sourcesAdded: 0, sourcesRemoved: 0, destinationsAdded: 0, destinationsRemoved: 0, portsAdded: 10, portsRemoved: 0 });
    assert.equal(editEffectTitle(effect), 'unsaved edit: +10 ports (vs saved)');
    assert.equal(editEffectTitle(editEffect(live.engine, saved.engine, { ingress: new Set(['default/web[Pod]']), egress: new Set<string>() })), 'unsaved edit: −10 ports (vs saved)');
    // the same edit seen from a workload it does not touch
    assert.equal(editEffectTitle(editEffect(saved.engine, live.engine, { ingress: new Set(['default/nothing[Pod]']), egress: new Set<string>() })), 'unsaved edit: no change in connectivity (vs saved)');
    // a deny-all removed: sources of web and api, destinations of both
    const closed = tree({ ...base, 'deny.yaml': DENY_ALL });
    const both = new Set(['default/web[Pod]', 'default/api[Pod]']);
    const opened = editEffect(closed.engine, tree(base).engine, { ingress: both, egress: both });
    assert.equal(opened.sourcesAdded, 4, 'web→api, api→web, and addresses to each');
    assert.equal(opened.destinationsAdded, 2, 'addresses from each');
  });

  it('editScope: the ingress and egress sides that the policies of one file decide, in either engine', () => {
    const egressOfApi = y(
      'apiVersion: networking.k8s.io/v1',
      'kind: NetworkPolicy',
      'metadata: {name: api-out, namespace: default}',
      'spec: {podSelector: {matchLabels: {app: api}}, policyTypes: [Egress]}',
    );
    const saved = tree({ ...base, 'np.yaml': allowWebFromApi(80) });
    const live = tree({ ...base, 'np.yaml': egressOfApi });
    const scope = editScope([live.engine, saved.engine], 'file:///w/np.yaml', new Set(['default']));
    assert.deepEqual([[...scope.ingress], [...scope.egress]], [['default/web[Pod]'], ['default/api[Pod]']]);
    const other = editScope([live.engine], 'file:///w/other.yaml', new Set(['default']));
    assert.deepEqual([other.ingress.size, other.egress.size], [0, 0]);
  });

  it('changesByWorkload lists each change under its destination workload (its source for addresses), with causes', () => {
    const before = tree({ ...base, 'deny.yaml': DENY_ALL });
    const after = tree(base);
    const groups = changesByWorkload(diffOf(before, after), new ChangeAttributor(before, after));
    assert.deepEqual(groups.map((g) => [g.workload, g.changes.length]), [
      ['default/api[Pod]', 3],
      ['default/web[Pod]', 3],
    ]);
    const c = groups[1]!.changes.find((x) => x.row.src === 'default/api[Pod]')!;
    assert.deepEqual(c.causes.map((x) => [x.object.name, x.change, x.tree]), [['deny-all', 'removed', 'before']]);
  });
});
