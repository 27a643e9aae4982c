// The workspace index (SPEC §2): namespaces from kustomizations, metadata and settings; the
// namespaces the workspace names and their labels; label lookups kept in step with edits.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHelmTemplatePath } from '../../server/src/host/files';
import { kustomizeNamespaces, resolveRelative } from '../../server/src/index/kustomize';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { Links } from '../../server/src/analysis/links';
import type { LabelSelector } from '../../server/src/model/types';
import { deployment, service, y } from './helpers';

const W = 'file:///w';

function nsOf(ix: WorkspaceIndex, kind: string, name: string): string[] {
  return ix
    .allObjects()
    .filter((o) => o.kind === kind && o.name === name)
    .map((o) => o.namespace);
}

function kustomization(namespace: string | undefined, resources: string[]): string {
  return y('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', ...(namespace ? [`namespace: ${namespace}`] : []), 'resources:', ...resources.map((r) => `  - ${r}`));
}

const labelNames = (ix: WorkspaceIndex, ns: string, key: string, value: string) => [...ix.workloadsWithLabel(ns, key, value)].map((w) => w.name).sort();

describe('index: kustomization namespaces', () => {
  it('a directly listed file takes the kustomization namespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('shop', ['svc.yaml']));
    ix.setFile(`${W}/app/svc.yaml`, service('web'));
    ix.setFile(`${W}/other/svc.yaml`, service('other'));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['shop']);
    assert.deepEqual(nsOf(ix, 'Service', 'other'), ['default']);
    assert.equal(ix.lookup('Service', 'shop', 'web').length, 1);
    assert.equal(ix.lookup('Service', 'default', 'web').length, 0);
  });

  it('matches resources by path when the URIs are percent-encoded (spaces, @)', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/my%20app/kustomization.yaml`, kustomization('shop', ['svc 1.yaml', '../team@x']));
    ix.setFile(`${W}/my%20app/svc%201.yaml`, service('web'));
    ix.setFile(`${W}/team%40x/deploy.yaml`, deployment('api'));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['shop']);
    assert.deepEqual(nsOf(ix, 'Deployment', 'api'), ['shop']);
  });

  it('the order in which files arrive does not matter', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/svc.yaml`, service('web'));
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('shop', ['./svc.yaml']));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['shop']);
  });

  it('it overrides metadata.namespace, as kustomize does, and keeps the written one as declaredNamespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('shop', ['svc.yaml']));
    ix.setFile(`${W}/app/svc.yaml`, service('web', { ns: 'elsewhere' }));
    const [svc] = ix.services();
    assert.equal(svc!.namespace, 'shop');
    assert.equal(svc!.declaredNamespace, 'elsewhere');
    assert.deepEqual(ix.namespaceNames(), ['shop']);
  });

  it('a listed folder with its own kustomization: the outer namespace wins over the inner one', () => {
    const ix = new WorkspaceIndex();
    ix.bulk(() => {
      ix.setFile(`${W}/base/kustomization.yaml`, kustomization('base-ns', ['svc.yaml', 'deploy.yaml']));
      ix.setFile(`${W}/base/svc.yaml`, service('web'));
      ix.setFile(`${W}/base/deploy.yaml`, deployment('web'));
      ix.setFile(`${W}/overlays/prod/kustomization.yaml`, kustomization('prod', ['../../base']));
    });
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['prod']);
    assert.deepEqual(nsOf(ix, 'Deployment', 'web'), ['prod']);
    assert.deepEqual(labelNames(ix, 'prod', 'app', 'web'), ['web']);
  });

  it('an overlay without a namespace passes on the inner kustomization namespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/base/kustomization.yaml`, kustomization('base-ns', ['svc.yaml']));
    ix.setFile(`${W}/base/svc.yaml`, service('web'));
    ix.setFile(`${W}/overlays/dev/kustomization.yaml`, kustomization(undefined, ['../../base']));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['base-ns']);
  });

  it('a listed folder without a kustomization covers the manifests under it', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/kustomization.yaml`, kustomization('shop', ['manifests']));
    ix.setFile(`${W}/manifests/a/svc.yaml`, service('web'));
    ix.setFile(`${W}/manifests-old/svc.yaml`, service('old'));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['shop']);
    assert.deepEqual(nsOf(ix, 'Service', 'old'), ['default'], 'a sibling folder whose name starts alike is not covered');
  });

  it('a file created later under a listed folder takes the namespace; removing it leaves the others', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/kustomization.yaml`, kustomization('shop', ['manifests']));
    ix.setFile(`${W}/manifests/a.yaml`, service('a'));
    const change = ix.setFile(`${W}/manifests/b.yaml`, service('b'));
    assert.deepEqual(nsOf(ix, 'Service', 'b'), ['shop']);
    assert.ok(change.namespaces.has('shop'));
    ix.removeFile(`${W}/manifests/b.yaml`);
    assert.deepEqual(nsOf(ix, 'Service', 'a'), ['shop']);
    assert.deepEqual(ix.namespaceNames(), ['shop']);
  });

  it('two overlays that disagree leave the base file its own namespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/base/kustomization.yaml`, kustomization(undefined, ['svc.yaml', 'plain.yaml']));
    ix.setFile(`${W}/base/svc.yaml`, service('web', { ns: 'own' }));
    ix.setFile(`${W}/base/plain.yaml`, service('plain'));
    ix.setFile(`${W}/overlays/a/kustomization.yaml`, kustomization('a', ['../../base']));
    ix.setFile(`${W}/overlays/b/kustomization.yaml`, kustomization('b', ['../../base']));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['own']);
    assert.deepEqual(nsOf(ix, 'Service', 'plain'), ['default']);
  });

  it('two overlays that agree decide the namespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/base/kustomization.yaml`, kustomization(undefined, ['svc.yaml']));
    ix.setFile(`${W}/base/svc.yaml`, service('web', { ns: 'own' }));
    ix.setFile(`${W}/overlays/a/kustomization.yaml`, kustomization('same', ['../../base']));
    ix.setFile(`${W}/overlays/b/kustomization.yaml`, kustomization('same', ['../../base']));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['same']);
  });

  it('removing the kustomization restores the file namespace, and the lookups follow', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('shop', ['deploy.yaml']));
    ix.setFile(`${W}/app/deploy.yaml`, deployment('web', { ns: 'own' }));
    assert.deepEqual(labelNames(ix, 'shop', 'app', 'web'), ['web']);
    const change = ix.removeFile(`${W}/app/kustomization.yaml`);
    assert.deepEqual(nsOf(ix, 'Deployment', 'web'), ['own']);
    assert.deepEqual(labelNames(ix, 'shop', 'app', 'web'), []);
    assert.deepEqual(labelNames(ix, 'own', 'app', 'web'), ['web']);
    assert.ok(change.uris.has(`${W}/app/deploy.yaml`), 'the re-namespaced file is part of the change');
    assert.ok(change.namespaces.has('shop') && change.namespaces.has('own'));
    assert.equal(change.namespacesChanged, true);
  });

  it('editing the kustomization namespace moves the objects', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('one', ['svc.yaml']));
    ix.setFile(`${W}/app/svc.yaml`, service('web'));
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('two', ['svc.yaml']));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['two']);
    assert.deepEqual(ix.namespaceNames(), ['two']);
  });

  it('a kustomization file holds no objects of its own', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/app/kustomization.yaml`, kustomization('shop', ['svc.yaml']));
    assert.deepEqual(ix.allObjects(), []);
    assert.deepEqual(ix.file(`${W}/app/kustomization.yaml`)!.kustomization, { namespace: 'shop', resources: ['svc.yaml'] });
  });

  it('a kustomization cycle does not hang', () => {
    const m = new Map([
      [`${W}/a/kustomization.yaml`, { namespace: 'a', resources: ['../b'] }],
      [`${W}/b/kustomization.yaml`, { namespace: 'b', resources: ['../a', 'svc.yaml'] }],
    ]);
    const result = kustomizeNamespaces(m, [`${W}/b/svc.yaml`]);
    assert.ok(result instanceof Map);
  });

  it('resolveRelative handles ., .. and remote bases', () => {
    assert.equal(resolveRelative('file:///w/overlays/prod', '../../base'), 'file:///w/base');
    assert.equal(resolveRelative('file:///w/app', './svc.yaml'), 'file:///w/app/svc.yaml');
    assert.equal(resolveRelative('file:///w/app', 'https://github.com/x/y//base'), 'https://github.com/x/y//base');
  });
});

describe('index: default namespace', () => {
  it('objects that name no namespace take the defaultNamespace setting', () => {
    const ix = new WorkspaceIndex({ defaultNamespace: 'team' });
    ix.setFile(`${W}/a.yaml`, service('web') + service('api', { ns: 'other' }));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['team']);
    assert.deepEqual(nsOf(ix, 'Service', 'api'), ['other']);
    assert.deepEqual(ix.namespaceNames(), ['other', 'team']);
  });

  it('without the setting the default is `default`', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/a.yaml`, service('web'));
    assert.deepEqual(nsOf(ix, 'Service', 'web'), ['default']);
  });
});

describe('index: namespaces and their labels', () => {
  it('every namespace an object names exists with kubernetes.io/metadata.name', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/a.yaml`, service('web', { ns: 'shop' }) + deployment('db', { ns: 'data' }));
    assert.deepEqual(Object.fromEntries(ix.namespaceLabels()), {
      shop: { 'kubernetes.io/metadata.name': 'shop' },
      data: { 'kubernetes.io/metadata.name': 'data' },
    });
  });

  it('a Namespace object adds its labels; its metadata.name label cannot be overridden', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(
      `${W}/ns.yaml`,
      y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    team: web', '    kubernetes.io/metadata.name: spoofed'),
    );
    ix.setFile(`${W}/svc.yaml`, service('web', { ns: 'shop' }));
    assert.deepEqual(ix.namespaceLabels().get('shop'), { team: 'web', 'kubernetes.io/metadata.name': 'shop' });
  });

  it('a Namespace object with no other objects still names its namespace', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/ns.yaml`, y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: empty', '  labels: {tier: x}'));
    assert.deepEqual(ix.namespaceLabels().get('empty'), { tier: 'x', 'kubernetes.io/metadata.name': 'empty' });
  });

  it('cluster-scoped objects (a Namespace, a ClusterRole) do not make the namespace they are filed under exist', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/ns.yaml`, y('apiVersion: v1', 'kind: Namespace', 'metadata: {name: shop}', '---', 'apiVersion: rbac.authorization.k8s.io/v1', 'kind: ClusterRole', 'metadata: {name: r}'));
    ix.setFile(`${W}/svc.yaml`, service('web', { ns: 'shop' }));
    assert.deepEqual([...ix.namespaceLabels().keys()], ['shop']);
    assert.deepEqual(ix.namespaceNames(), ['shop']);
    const change = ix.setFile(`${W}/cm.yaml`, y('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}'));
    assert.equal(change.namespacesChanged, true, 'a namespaced object in default makes default exist');
    assert.deepEqual([...ix.namespaceLabels().keys()].sort(), ['default', 'shop']);
    ix.removeFile(`${W}/cm.yaml`);
    assert.deepEqual([...ix.namespaceLabels().keys()], ['shop']);
  });

  it('namespace labels follow edits and removals of the Namespace object', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/svc.yaml`, service('web', { ns: 'shop' }));
    ix.setFile(`${W}/ns.yaml`, y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {team: a}'));
    assert.equal(ix.namespaceLabels().get('shop')!.team, 'a');
    const change = ix.setFile(`${W}/ns.yaml`, y('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {team: b}'));
    assert.equal(change.namespacesChanged, true);
    assert.equal(ix.namespaceLabels().get('shop')!.team, 'b');
    ix.removeFile(`${W}/ns.yaml`);
    assert.deepEqual(ix.namespaceLabels().get('shop'), { 'kubernetes.io/metadata.name': 'shop' });
    ix.removeFile(`${W}/svc.yaml`);
    assert.equal(ix.namespaceLabels().has('shop'), false);
  });
});

describe('index: label lookups and changes', () => {
  it('setFile replacing a file replaces its label entries', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/d.yaml`, deployment('web', { labels: { app: 'web', tier: 'front' } }));
    assert.deepEqual(labelNames(ix, 'default', 'tier', 'front'), ['web']);
    ix.setFile(`${W}/d.yaml`, deployment('web', { labels: { app: 'web', tier: 'back' } }));
    assert.deepEqual(labelNames(ix, 'default', 'tier', 'front'), []);
    assert.deepEqual(labelNames(ix, 'default', 'tier', 'back'), ['web']);
    assert.equal(ix.workloads().length, 1);
    assert.equal(ix.lookup('Deployment', 'default', 'web').length, 1);
  });

  it('Links.anyWorkloadMatches answers as workloadsMatching does, by first label or by expressions only', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/d.yaml`, deployment('web', { labels: { app: 'web', tier: 'front' } }) + deployment('api', { ns: 'b', labels: { app: 'api' } }));
    const links = new Links(ix);
    const sel = (matchLabels: Record<string, string>, matchExpressions: LabelSelector['matchExpressions'] = []): LabelSelector => {
      const span = { start: 0, end: 0 };
      const entries = Object.entries(matchLabels).map(([key, value]) => ({ key, value, keySpan: span, valueSpan: span, valueKind: 'string' as const }));
      return { matchLabels: entries, matchExpressions, span };
    };
    const exists = (key: string, operator: string) => [{ key, operator, values: [], keySpan: { start: 0, end: 0 }, operatorSpan: { start: 0, end: 0 }, valueSpans: [], span: { start: 0, end: 0 } }];
    const cases: Array<[string, LabelSelector, boolean]> = [
      ['default', sel({ app: 'web' }), true],
      ['default', sel({ app: 'web', tier: 'back' }), false],
      ['default', sel({ app: 'api' }), false],
      ['b', sel({ app: 'api' }), true],
      ['default', sel({}), true],
      ['c', sel({}), false],
      ['default', sel({}, exists('tier', 'Exists')), true],
      ['b', sel({}, exists('tier', 'Exists')), false],
      ['b', sel({}, exists('tier', 'DoesNotExist')), true],
    ];
    for (const [ns, selector, expected] of cases) {
      assert.equal(links.anyWorkloadMatches(ns, selector), expected, `${ns} ${JSON.stringify(selector.matchLabels.map((l) => l.key))}`);
      assert.equal(links.workloadsMatching(ns, selector).length > 0, expected);
    }
  });

  it('removeFile drops its objects from every table', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/d.yaml`, deployment('web'));
    ix.setFile(`${W}/e.yaml`, deployment('api', { labels: { app: 'web', role: 'api' } }));
    assert.deepEqual(labelNames(ix, 'default', 'app', 'web'), ['api', 'web']);
    ix.removeFile(`${W}/d.yaml`);
    assert.deepEqual(labelNames(ix, 'default', 'app', 'web'), ['api']);
    assert.equal(ix.lookup('Deployment', 'default', 'web').length, 0);
    assert.deepEqual(
      ix.workloads().map((w) => w.name),
      ['api'],
    );
    assert.equal(ix.hasFile(`${W}/d.yaml`), false);
    assert.equal(ix.fileCount, 1);
  });

  it('the same name in two namespaces is two objects; duplicates in one namespace are both kept', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/a.yaml`, service('web', { ns: 'a' }) + service('web', { ns: 'b' }));
    ix.setFile(`${W}/dup.yaml`, service('web', { ns: 'a' }));
    assert.equal(ix.lookup('Service', 'a', 'web').length, 2);
    assert.equal(ix.lookup('Service', 'b', 'web').length, 1);
  });

  it('IndexChange names the file and the old and new namespaces', () => {
    const ix = new WorkspaceIndex();
    const first = ix.setFile(`${W}/d.yaml`, deployment('web', { ns: 'one' }));
    assert.deepEqual([...first.uris], [`${W}/d.yaml`]);
    assert.deepEqual([...first.namespaces], ['one']);
    assert.equal(first.namespacesChanged, true, 'a new namespace appeared');
    const same = ix.setFile(`${W}/d.yaml`, deployment('web', { ns: 'one', replicas: 3 }));
    assert.deepEqual([...same.namespaces], ['one']);
    assert.equal(same.namespacesChanged, false, 'same namespaces, no Namespace object');
    const moved = ix.setFile(`${W}/d.yaml`, deployment('web', { ns: 'two' }));
    assert.deepEqual([...moved.namespaces].sort(), ['one', 'two']);
    assert.equal(moved.namespacesChanged, true);
    const removed = ix.removeFile(`${W}/d.yaml`);
    assert.deepEqual([...removed.namespaces], ['two']);
    assert.equal(removed.namespacesChanged, true);
    const none = ix.removeFile(`${W}/never.yaml`);
    assert.equal(none.uris.size, 0);
  });

  it('bulk returns the union of its changes and bumps the generation', () => {
    const ix = new WorkspaceIndex();
    const g = ix.generation;
    const change = ix.bulk(() => {
      ix.setFile(`${W}/a.yaml`, service('a', { ns: 'x' }));
      ix.setFile(`${W}/b.yaml`, service('b', { ns: 'y' }));
    });
    assert.deepEqual([...change.uris].sort(), [`${W}/a.yaml`, `${W}/b.yaml`]);
    assert.deepEqual([...change.namespaces].sort(), ['x', 'y']);
    assert.ok(ix.generation > g);
  });

  it('typed views list each kind', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(
      `${W}/all.yaml`,
      deployment('web') +
        service('web') +
        y('---', 'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata: {name: p}', 'spec: {podSelector: {}}') +
        y('---', 'apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata: {name: i}', 'spec: {}') +
        y('---', 'apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata: {name: r}', 'spec: {}') +
        y('---', 'apiVersion: gateway.networking.k8s.io/v1beta1', 'kind: ReferenceGrant', 'metadata: {name: g}', 'spec: {from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: a}], to: [{group: "", kind: Service}]}') +
        y('---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}'),
    );
    assert.deepEqual(
      [ix.workloads(), ix.services(), ix.networkPolicies(), ix.ingresses(), ix.routes(), ix.referenceGrants()].map((l) => l.length),
      [1, 1, 1, 1, 1, 1],
    );
    assert.deepEqual(ix.referenceGrants()[0]!.from, [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'a' }]);
    assert.equal(ix.allObjects().length, 7);
  });
});

describe('index: Helm chart files', () => {
  const chartAt = (dir: string) => (p: string) => p === `${dir}/Chart.yaml`;

  it('a file under templates/ (at any depth) of a folder with Chart.yaml is a Helm template', () => {
    assert.equal(isHelmTemplatePath('/repo/charts/web/templates/deployment.yaml', chartAt('/repo/charts/web')), true);
    assert.equal(isHelmTemplatePath('/repo/charts/web/templates/sub/svc.yaml', chartAt('/repo/charts/web')), true);
  });

  it('templates/ without a Chart.yaml beside it, or a file beside Chart.yaml, is not', () => {
    assert.equal(isHelmTemplatePath('/repo/k8s/templates/deployment.yaml', chartAt('/repo/charts/web')), false);
    assert.equal(isHelmTemplatePath('/repo/charts/web/values.yaml', chartAt('/repo/charts/web')), false);
  });

  it('setFile with helmTemplate keeps the file out of the objects, with its note', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(`${W}/chart/templates/svc.yaml`, service('web'), { helmTemplate: true });
    assert.deepEqual(ix.allObjects(), []);
    assert.deepEqual(
      ix.file(`${W}/chart/templates/svc.yaml`)!.problems.map((p) => p.code),
      ['helm-template-skipped'],
    );
  });
});
