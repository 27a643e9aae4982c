// check --cache after a few files changed (cli/recheckedFindings.ts, features/recheck.ts): the
// recorded findings brought up to date, only the files the edits may move diagnosed again, equal a
// cold run's findings exactly, after random edits of every kind of file (Deployments' labels and
// ports, StatefulSets, Services, Ingresses, routes and ReferenceGrants, NetworkPolicies, Namespaces,
// ConfigMaps, a kustomization, the ingress controller; files added, removed, or only moved; pod
// labels that no selector names).
// Reason: issue 11: one changed file made `check --cache` diagnose every file again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../bench/prng';
import { locatedFindings, recheckedFindings } from '../../server/src/cli/recheckedFindings';
import type { LocatedFinding } from '../../server/src/host/resultCache';
import type { ParsedFile } from '../../server/src/model/types';
import { parseFile } from '../../server/src/yaml/parseFile';
import { deployment, indexOf, ingressV1, netpol, policyDraws, service, y } from './helpers';

const U = (name: string) => `file:///w/${name}.yaml`;
const NAMESPACES = ['a', 'b', 'c'];
const TEAMS = ['red', 'blue'];
const APPS = ['web', 'api', 'db'];
/** Service names: some a likely typo of another (ingress-service-missing names those). */
const SERVICES = ['web', 'webb', 'api', 'db'];
/** Workspaces drawn, and steps of one to three edits on each. */
const SEEDS = 25;
const STEPS = 12;

/** A random workspace, as slots (file name → a drawing of its text), drawn from `seed`. */
function slots(seed: number) {
  const rnd = prng(seed);
  const { pick, matchLabels, peer } = policyDraws(rnd, TEAMS, APPS);
  const rules = (dir: 'ingress' | 'egress'): string[] => {
    const out: string[] = [];
    for (let i = Math.floor(rnd() * 3); i > 0; i--) {
      const peers = Array.from({ length: 1 + Math.floor(rnd() * 1.3) }, () => peer(dir)).flat();
      out.push(`  - ${dir === 'ingress' ? 'from' : 'to'}:`, ...peers.map((l) => `      ${l}`), ...(rnd() < 0.3 ? ['    ports:', `      - port: ${pick(['8080', 'http', '9090'])}`] : []));
    }
    return [`${dir}:`, ...out];
  };
  // As verdictSweep.test.ts draws them: np0 decides ingress, the others mostly egress (no rule: none
  // allowed), so that a Service whose only senders, elsewhere, lose their egress is drawn often.
  const policy = (name: string, ns: string) => () => {
    const types = name === 'np0' ? pick([['Ingress'], ['Ingress'], ['Ingress', 'Egress']]) : pick([['Egress'], ['Egress'], ['Ingress']]);
    const spec = ['podSelector:', ...matchLabels('  ', rnd() < 0.5 ? [] : [`app: ${pick(APPS)}`]), `policyTypes: [${types.join(', ')}]`];
    if (types.includes('Ingress')) spec.push(...rules('ingress'));
    if (types.includes('Egress')) spec.push(...rules('egress'));
    return netpol(name, spec, ns);
  };
  const ports = () => pick([['- containerPort: 8080', '  name: http'], ['- containerPort: 9090', '  name: grpc'], []]);
  const out: Record<string, () => string> = {};
  for (const [i, ns] of NAMESPACES.entries()) {
    // At first every namespace has a team and its pods: then representatives have real pods
    // standing for them, and whether a Service is reachable turns on the senders' egress.
    let drawn = 0;
    out[`ns-${ns}`] = () => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}`, '  labels:', `    team: ${drawn++ === 0 ? TEAMS[i % TEAMS.length] : pick(TEAMS)}`);
    for (const app of APPS) {
      // Pod labels the Deployment's selector does not name: `tier`, which some Services select, and
      // `version`, which no selector names (an edit of it alone moves no other file's findings).
      // The Deployment's own labels no other file reads.
      const podLabels = () => ({ ...(rnd() < 0.3 ? { tier: 'x' } : {}), ...(rnd() < 0.5 ? { version: pick(['v1', 'v2']) } : {}) });
      out[`${app}-${ns}`] = () => deployment(app, { ns, labels: { app: pick([app, app, 'wep']) }, podLabels: podLabels(), metadataLabels: { version: pick(['v1', 'v2']) }, ports: ports() });
      out[`svc-${app}-${ns}`] = () =>
        service(pick(SERVICES), { ns, selector: { app: pick([...APPS, 'wep']), ...(rnd() < 0.2 ? { tier: 'x' } : {}) }, ports: ['- port: 80', `  targetPort: ${pick(['http', 'grpc', '8080'])}`] });
    }
    out[`sts-${ns}`] = () =>
      y('apiVersion: apps/v1', 'kind: StatefulSet', 'metadata:', '  name: store', `  namespace: ${ns}`, 'spec:', `  serviceName: ${pick(SERVICES)}`, '  selector:', '    matchLabels:', '      app: store', '  template:', '    metadata:', '      labels:', '        app: store', '    spec:', '      containers:', '        - name: s', '          image: x');
    out[`ing-${ns}`] = () => ingressV1('front', ['service:', `  name: ${pick(SERVICES)}`, '  port:', rnd() < 0.7 ? '    number: 80' : `    name: ${pick(['http', 'web'])}`], ns);
    for (let i = 0; i < 3; i++) out[`np${i}-${ns}`] = policy(`np${i}`, ns);
    // Two ConfigMaps of the same name in two files: an object-duplicate, until one is renamed.
    for (let i = 0; i < 2; i++) out[`cm${i}-${ns}`] = () => y('apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${pick(['config', 'settings'])}`, `  namespace: ${ns}`, 'data:', `  ttl: "${Math.floor(rnd() * 100)}"`);
  }
  out['route-a'] = () =>
    y('apiVersion: gateway.networking.k8s.io/v1', 'kind: HTTPRoute', 'metadata:', '  name: r', '  namespace: a', 'spec:', '  rules:', '    - backendRefs:', `        - name: ${pick(SERVICES)}`, `          namespace: ${pick(['b', 'c'])}`, '          port: 80');
  out['grant-b'] = () => y('apiVersion: gateway.networking.k8s.io/v1beta1', 'kind: ReferenceGrant', 'metadata:', '  name: g', '  namespace: b', 'spec:', '  from:', '    - group: gateway.networking.k8s.io', '      kind: HTTPRoute', `      namespace: ${pick(['a', 'c'])}`, '  to:', '    - group: ""', '      kind: Service');
  out['ctrl'] = () => deployment('ingress-nginx', { ns: pick(['ingress-nginx', 'c']), labels: { 'app.kubernetes.io/name': 'ingress-nginx', app: 'ingress-nginx' } });
  out['kz/kustomization'] = () => y('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', `namespace: ${pick(NAMESPACES)}`, 'resources:', '  - svc.yaml');
  out['kz/svc'] = () => service(pick(SERVICES), { selector: { app: pick(APPS) } });
  return { slots: out, rnd, pick };
}

/** One to three files changed, added, removed or only moved: uri → text ('' : removed). */
function edits(files: Record<string, string>, draw: ReturnType<typeof slots>): Map<string, string> {
  const { slots: all, rnd, pick } = draw;
  const out = new Map<string, string>();
  for (let n = rnd() < 0.75 ? 1 : 2 + Math.floor(rnd() * 2); n > 0; n--) {
    const slot = pick(Object.keys(all));
    const uri = U(slot);
    const r = rnd();
    if (files[uri] !== undefined && r < 0.15) out.set(uri, '');
    else if (files[uri] !== undefined && r < 0.25) out.set(uri, `# moved\n${files[uri]}`);
    else out.set(uri, all[slot]!());
  }
  return out;
}

/** The model a run read a file as (the index reads every file under the default namespace `default`). */
function modelOf(uri: string, text: string): ParsedFile {
  return parseFile(uri, text, { defaultNamespace: 'default' });
}

/** Findings recorded for `files`, then brought up to date after `changes` (uri → text, '': removed), and a cold run's after them. */
function recheck(files: Record<string, string>, changes: Record<string, string>) {
  const live = indexOf(files);
  const recorded = locatedFindings(indexOf(files), {});
  const before = new Map<string, ParsedFile | undefined>();
  const after = { ...files };
  for (const [uri, text] of Object.entries(changes)) {
    before.set(uri, files[uri] === undefined ? undefined : modelOf(uri, files[uri]!));
    if (text === '') {
      delete after[uri];
      live.removeFile(uri);
    } else {
      after[uri] = text;
      live.setParsed(uri, modelOf(uri, text));
    }
  }
  return { rechecked: recheckedFindings(recorded, before, live, {}), cold: locatedFindings(indexOf(after), {}), recorded };
}

describe('check --cache brings the recorded findings up to date after a few files changed', () => {
  it('after random edits of every kind, the rechecked findings equal a cold run\'s, with fewer files diagnosed', () => {
    let steps = 0;
    let diagnosed = 0;
    let total = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const draw = slots(seed);
      let files: Record<string, string> = {};
      for (const [slot, text] of Object.entries(draw.slots)) if (/^(?:ns|web|api|db)-/.test(slot) || draw.rnd() < 0.85) files[U(slot)] = text();
      const live = indexOf(files);
      let recorded: LocatedFinding[] = locatedFindings(indexOf(files), {});
      for (let step = 0; step < STEPS; step++) {
        const changes = edits(files, draw);
        const before = new Map<string, ParsedFile | undefined>();
        const next = { ...files };
        for (const [uri, text] of changes) {
          before.set(uri, files[uri] === undefined ? undefined : modelOf(uri, files[uri]!));
          if (text === '') delete next[uri];
          else next[uri] = text;
        }
        // A file added and removed in one step (or not there at all) is no difference.
        for (const uri of changes.keys()) if (files[uri] === undefined && next[uri] === undefined) before.delete(uri);
        files = next;
        for (const uri of before.keys()) {
          if (files[uri] === undefined) live.removeFile(uri);
          else live.setParsed(uri, modelOf(uri, files[uri]!));
        }
        const cold = locatedFindings(indexOf(files), {});
        const rechecked = recheckedFindings(recorded, before, live, {});
        assert.ok(rechecked, `seed ${seed} step ${step}: not rechecked`);
        assert.deepEqual(rechecked.findings, cold, `seed ${seed} step ${step}: ${[...changes].map(([uri, text]) => `${uri}:\n${text || '(removed)'}`).join('\n')}`);
        recorded = rechecked.findings;
        steps++;
        diagnosed += rechecked.diagnosed;
        total += Object.keys(files).length;
      }
    }
    // The edits must keep most files' findings for this to say something.
    assert.ok(steps === SEEDS * STEPS && diagnosed < total * 0.5, `${steps} steps, ${diagnosed} of ${total} files diagnosed again`);
  });

  it("a sender's egress closed in another namespace moves a Service's verdict there (the idle sweep's share)", () => {
    const nsOf = (name: string, team: string) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', `    team: ${team}`);
    // c's web admits the api pods of team=red namespaces only: a's.
    const files = {
      [U('ns-a')]: nsOf('a', 'red'),
      [U('ns-c')]: nsOf('c', 'blue'),
      [U('api-a')]: deployment('api', { ns: 'a' }),
      [U('web-c')]: deployment('web', { ns: 'c' }),
      [U('svc-web-c')]: service('web', { ns: 'c' }),
      [U('np-c')]: netpol('from-red', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', '            team: red', '        podSelector:', '          matchLabels:', '            app: api'], 'c'),
    };
    const { rechecked, cold, recorded } = recheck(files, { [U('deny-out-a')]: netpol('deny-out', ['podSelector: {}', 'policyTypes: [Egress]'], 'a') });
    assert.ok(cold.some((f) => f.code === 'service-unreachable' && f.uri === U('svc-web-c')) && !recorded.some((f) => f.code === 'service-unreachable'));
    assert.deepEqual(rechecked?.findings, cold);
  });

  it('a pod label no selector names (and a metadata label) moves no other file (only its own is diagnosed again); one a Service names moves the Service', () => {
    const web = (podLabels: Record<string, string>) => deployment('web', { ns: 'a', podLabels, metadataLabels: { version: podLabels.version ?? '' } });
    const files = {
      [U('web-a')]: web({ tier: 'x', version: 'v1' }),
      [U('svc-web-a')]: service('web', { ns: 'a', selector: { app: 'web', tier: 'x' } }),
      [U('deny-a')]: netpol('deny', ['podSelector: {}', 'policyTypes: [Ingress]'], 'a'),
    };
    const bumped = recheck(files, { [U('web-a')]: web({ tier: 'x', version: 'v2' }) });
    assert.ok(bumped.cold.some((f) => f.code === 'service-unreachable' && f.uri === U('svc-web-a')));
    assert.deepEqual(bumped.rechecked?.findings, bumped.cold);
    assert.equal(bumped.rechecked?.diagnosed, 1);
    const moved = recheck(files, { [U('web-a')]: web({ tier: 'y', version: 'v1' }) });
    assert.ok(moved.cold.some((f) => f.code === 'service-selects-nothing' && f.uri === U('svc-web-a')));
    assert.deepEqual(moved.rechecked?.findings, moved.cold);
  });

  it('a kustomization that moves a Service to another namespace moves the findings of the backends that name it', () => {
    const kustomization = (ns: string) => y('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', `namespace: ${ns}`, 'resources:', '  - svc.yaml');
    const files = {
      [U('kz/kustomization')]: kustomization('a'),
      [U('kz/svc')]: service('db'),
      [U('ing-b')]: ingressV1('front', ['service:', '  name: db', '  port:', '    number: 80'], 'b'),
    };
    const { rechecked, cold, recorded } = recheck(files, { [U('kz/kustomization')]: kustomization('c') });
    assert.notDeepEqual(cold, recorded);
    assert.deepEqual(rechecked?.findings, cold);
  });

  it('an ingress controller defined in the workspace moves the verdicts of the Ingresses elsewhere', () => {
    const files = {
      [U('web-a')]: deployment('web', { ns: 'a' }),
      [U('svc-web-a')]: service('web', { ns: 'a' }),
      [U('ing-a')]: ingressV1('front', ['service:', '  name: web', '  port:', '    number: 80'], 'a'),
      [U('np-a')]: netpol('from-controller', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', '            kubernetes.io/metadata.name: ingress-nginx'], 'a'),
    };
    const controller = deployment('ingress-nginx', { ns: 'c', labels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
    const { rechecked, cold, recorded } = recheck(files, { [U('ctrl')]: controller });
    assert.ok(cold.some((f) => f.uri === U('ing-a')) && !recorded.some((f) => f.uri === U('ing-a')));
    assert.deepEqual(rechecked?.findings, cold);
  });

  it('a copy of a Service with the same content, earlier in path order, moves what the findings elsewhere point to', () => {
    const statefulSet = y('apiVersion: apps/v1', 'kind: StatefulSet', 'metadata:', '  name: store', 'spec:', '  serviceName: web', '  selector:', '    matchLabels:', '      app: store', '  template:', '    metadata:', '      labels:', '        app: store', '    spec:', '      containers:', '        - name: s', '          image: x');
    const files = { [U('sts')]: statefulSet, [U('svc-web')]: service('web') };
    const { rechecked, cold } = recheck(files, { [U('svc-0')]: service('web') });
    assert.ok(cold.some((f) => f.uri === U('sts') && f.related.some((r) => r.uri === U('svc-0'))));
    assert.deepEqual(rechecked?.findings, cold);
  });
});
