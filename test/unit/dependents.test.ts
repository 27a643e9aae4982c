// Which files the language server re-diagnoses after a change (features/dependents.ts): the files
// whose link diagnostics may change, by namespace and label, and no more.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changedObjects, dependentFiles, reachSensitiveFiles } from '../../server/src/features/dependents';
import { nearlyMatches } from '../../server/src/features/diagnostics';
import { deployment, diagnose, indexOf, ingressV1, netpol, service, y } from './helpers';

const U = (name: string) => `file:///w/${name}.yaml`;

describe('dependent files', () => {
  const files = {
    [U('web')]: deployment('web'),
    [U('svc')]: service('web'),
    [U('typo')]: service('typo', { selector: { app: 'wep' } }),
    [U('other-svc')]: service('api', { selector: { app: 'api' } }),
    [U('other-ns')]: service('web', { ns: 'elsewhere' }),
    [U('policy')]: netpol('web', ['podSelector:', '  matchLabels:', '    app: web', 'policyTypes: [Ingress]']),
    [U('ns-policy')]: netpol('from-default', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector: {}', '        podSelector:', '          matchLabels:', '            app: web'], 'team'),
  };

  it("a workload's label change re-checks the Services and policies that (nearly) select it, in its namespace and through namespaceSelectors", () => {
    const index = indexOf(files);
    const change = index.setFile(U('web'), deployment('web', { labels: { app: 'webz' } }));
    const dirty = dependentFiles(index, change);
    assert.deepEqual([...dirty].sort(), [U('ns-policy'), U('policy'), U('svc'), U('typo'), U('web')].sort());
  });

  it('a Service change re-checks the backends and StatefulSets that name it', () => {
    const index = indexOf({
      ...files,
      [U('ing')]: y('apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: front', 'spec:', '  defaultBackend:', '    service:', '      name: web', '      port:', '        number: 80'),
    });
    const change = index.setFile(U('svc'), service('web', { ports: ['- port: 81'] }));
    assert.ok(dependentFiles(index, change).has(U('ing')));
    assert.ok(!dependentFiles(index, change).has(U('other-svc')));
  });

  it('re-reading identical objects changes nothing for other files', () => {
    const index = indexOf(files);
    const change = index.setFile(U('web'), '# a comment moves the object\n' + deployment('web'));
    assert.deepEqual(changedObjects(change), []);
    assert.deepEqual([...dependentFiles(index, change)], [U('web')]);
  });

  it('reachability: a policy change re-checks the Services of its namespace only', () => {
    const index = indexOf(files);
    const change = index.setFile(U('policy'), netpol('web', ['podSelector: {}', 'policyTypes: [Ingress]']));
    const sensitive = reachSensitiveFiles(index, change);
    assert.ok(sensitive.has(U('svc')) && sensitive.has(U('typo')));
    assert.ok(!sensitive.has(U('other-ns')));
  });
});

describe('dependent files of a Namespace label edit', () => {
  const ns = (name: string, labels: Record<string, string>) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`));
  /** A policy in `namespace` admitting pods of the namespaces labelled team=`team`. */
  const fromTeam = (name: string, namespace: string, team: string) =>
    netpol(name, ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', `            team: ${team}`], namespace);
  const files = {
    [U('ns-a')]: ns('a', { team: 'red' }),
    [U('web-a')]: deployment('web', { ns: 'a' }),
    [U('from-red')]: fromTeam('from-red', 'b', 'red'),
    [U('from-blue')]: fromTeam('from-blue', 'c', 'blue'),
    [U('from-green')]: fromTeam('from-green', 'd', 'green'),
    [U('svc-a')]: service('web', { ns: 'a' }),
    [U('svc-b')]: service('api', { ns: 'b' }),
    [U('svc-c')]: service('api', { ns: 'c' }),
    [U('svc-d')]: service('api', { ns: 'd' }),
  };

  it('re-checks the policies whose namespaceSelector matches the old or the new labels, and no other', () => {
    const index = indexOf(files);
    const change = index.setFile(U('ns-a'), ns('a', { team: 'blue' }));
    assert.deepEqual([...dependentFiles(index, change)].sort(), [U('from-blue'), U('from-red'), U('ns-a')].sort());
  });

  it("reachability: re-checks the Services of those policies' namespaces (their sources changed), and of the namespace itself", () => {
    const index = indexOf(files);
    const change = index.setFile(U('ns-a'), ns('a', { team: 'blue' }));
    const sensitive = reachSensitiveFiles(index, change);
    assert.ok(sensitive.has(U('svc-a')) && sensitive.has(U('svc-b')) && sensitive.has(U('svc-c')));
    assert.ok(!sensitive.has(U('svc-d')));
  });
});

describe('dependent files after policy edits (the namespaceSelector table kept with the index)', () => {
  // Reason: issue 11: the policies' namespaceSelector peers are grouped once per index and kept up
  // to date from its changes; a policy edit the table misses would show here as other dependents
  // than those worked out on an index read afresh.
  const ns = (name: string, team: string) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', `    team: ${team}`);
  const fromTeam = (name: string, namespace: string, team: string, app: string) =>
    netpol(name, ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', `            team: ${team}`, '        podSelector:', '          matchLabels:', `            app: ${app}`], namespace);
  const teams = ['red', 'blue', 'green'];
  const apps = ['web', 'api'];

  it('every step answers as an index built from the same files', () => {
    let files: Record<string, string> = {
      [U('ns-a')]: ns('a', 'red'),
      [U('ns-b')]: ns('b', 'blue'),
      [U('web-a')]: deployment('web', { ns: 'a' }),
      [U('api-b')]: deployment('api', { ns: 'b' }),
      [U('svc-c')]: service('web', { ns: 'c' }),
      [U('p1')]: fromTeam('p1', 'c', 'green', 'web'),
      [U('p2')]: fromTeam('p2', 'c', 'green', 'api'),
    };
    const kept = indexOf(files);
    let seed = 7;
    const pick = <T>(xs: readonly T[]): T => xs[(seed = (seed * 1103515245 + 12345) % 2147483648) % xs.length]!;
    let differentSteps = 0;
    for (let step = 0; step < 60; step++) {
      // Alternately a policy edit (its namespaceSelector or pod selector, or the file emptied) and
      // a workload or Namespace edit that a policy's peers may see.
      const edits: Array<[string, string]> =
        step % 2 === 0
          ? [[pick([U('p1'), U('p2'), U('p3')]), pick([fromTeam('p', 'c', pick(teams), pick(apps)), fromTeam('p', 'd', pick(teams), pick(apps)), ''])]]
          : [pick([[U('web-a'), deployment('web', { ns: 'a', labels: { app: pick(apps) } })], [U('api-b'), deployment('api', { ns: 'b', labels: { app: pick(apps) } })], [U('ns-a'), ns('a', pick(teams))], [U('ns-b'), ns('b', pick(teams))]] as Array<[string, string]>)];
      const [uri, text] = edits[0]!;
      const fresh = indexOf(files);
      const keptChange = kept.setFile(uri, text);
      const freshChange = fresh.setFile(uri, text);
      files = { ...files, [uri]: text };
      const keptDirty = [...dependentFiles(kept, keptChange)].sort();
      assert.deepEqual(keptDirty, [...dependentFiles(fresh, freshChange)].sort(), `step ${step}`);
      assert.deepEqual([...reachSensitiveFiles(kept, keptChange)].sort(), [...reachSensitiveFiles(fresh, freshChange)].sort(), `step ${step}`);
      if (keptDirty.length > 1) differentSteps++;
    }
    assert.ok(differentSteps > 10, `steps with dependents: ${differentSteps}`);
  });
});

describe('nearlyMatches (the near misses of service-selects-nothing)', () => {
  /** A podSelector as the reader makes it, with `expression` as one matchExpressions entry. */
  const sel = (labels: Record<string, string>, expression?: string) => {
    const lines = ['podSelector:', '  matchLabels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`), ...(expression ? ['  matchExpressions:', `    - ${expression}`] : [])];
    const np = indexOf(netpol('p', lines)).networkPolicies()[0];
    assert.ok(np);
    return np.podSelector;
  };
  it('one label off of several, or a similar value of a one-label selector', () => {
    assert.equal(nearlyMatches(sel({ app: 'web', tier: 'front' }), { app: 'web', tier: 'back' }), true);
    assert.equal(nearlyMatches(sel({ app: 'web', tier: 'front' }), { app: 'web' }), true);
    assert.equal(nearlyMatches(sel({ app: 'web', tier: 'front' }), { app: 'api' }), false);
    assert.equal(nearlyMatches(sel({ app: 'web' }), { app: 'wep' }), true);
    assert.equal(nearlyMatches(sel({ app: 'web' }), { app: 'database' }), false);
    assert.equal(nearlyMatches(sel({ app: 'web' }), { app: 'web' }), false, 'a match is not a near miss');
    assert.equal(nearlyMatches(sel({ app: 'web' }, '{key: tier, operator: Exists}'), { app: 'wep' }), false, 'selectors with expressions get no hints');
  });
});

describe('dependent files of lookups by name and of a kustomization', () => {
  /** The files whose findings differ between two workspaces (each file diagnosed in both). */
  const moved = (before: Record<string, string>, after: Record<string, string>): string[] => {
    const messages = (files: Record<string, string>, uri: string) => (uri in files ? diagnose(files, { uri }).map((d) => `${d.code} ${d.finding.message}`) : []);
    return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((uri) => JSON.stringify(messages(before, uri)) !== JSON.stringify(messages(after, uri))).sort();
  };
  const backendTo = (service: string, ns: string) => ingressV1('front', ['service:', `  name: ${service}`, '  port:', '    number: 80'], ns);

  it('a Service added elsewhere, or of a similar name, re-checks the Ingresses that miss a Service of that name', () => {
    const before = { [U('ing')]: backendTo('db', 'b'), [U('typo')]: backendTo('dbx', 'a'), [U('svc')]: service('api', { ns: 'a' }) };
    const after = { ...before, [U('svc')]: service('db', { ns: 'a' }) };
    assert.deepEqual(moved(before, after), [U('ing'), U('svc'), U('typo')].sort(), 'the messages name the Service elsewhere, and the lookalike');
    const index = indexOf(before);
    const dirty = dependentFiles(index, index.setFile(U('svc'), after[U('svc')]));
    for (const uri of moved(before, after)) assert.ok(dirty.has(uri), `${uri} re-checked`);
  });

  it('a kustomization that moves its objects to another namespace re-checks what they meet there', () => {
    const kz = (ns: string) => y('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', `namespace: ${ns}`, 'resources:', '  - svc.yaml');
    const before = { 'file:///w/kz/kustomization.yaml': kz('a'), 'file:///w/kz/svc.yaml': service('web'), [U('web-c')]: deployment('web', { ns: 'c' }), [U('ing-c')]: backendTo('web', 'c') };
    const after = { ...before, 'file:///w/kz/kustomization.yaml': kz('c') };
    assert.ok(moved(before, after).includes(U('ing-c')), 'the Ingress in c finds the Service once it moves there');
    const index = indexOf(before);
    const change = index.setFile('file:///w/kz/kustomization.yaml', after['file:///w/kz/kustomization.yaml']);
    assert.ok(changedObjects(change).some((o) => o.type === 'service' && o.namespace === 'a'), 'the Service as it was');
    const dirty = dependentFiles(index, change);
    for (const uri of moved(before, after)) assert.ok(dirty.has(uri), `${uri} re-checked`);
  });
});
