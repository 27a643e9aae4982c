// The idle sweep's share of an edit (features/dependents.ts verdictFilesBeyond): after random edits
// of policies, namespaces, workloads, Services and Ingresses, every file whose NetworkPolicy
// verdicts differ between the analysis before and a cold analysis after is among the files the
// edit's update re-checks (its files and reachSensitiveFiles) or the sweep's. So the lists after
// the sweep equal a cold full analysis's.
// Reason: issue 11: the idle sweep re-checked every Service and route after any policy or namespace
// edit (~1.4 s CPU at L); it now re-checks only those the change can move.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../bench/prng';
import { reachSensitiveFiles, verdictFilesBeyond } from '../../server/src/features/dependents';
import { reachabilityChecks } from '../../server/src/features/reachabilityFindings';
import type { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { analysisOf, deployment, indexOf, ingressV1, netpol, policyDraws, service, y } from './helpers';

const U = (name: string) => `file:///w/${name}.yaml`;
const NAMESPACES = ['a', 'b', 'c', 'd'];
const TEAMS = ['red', 'blue', 'green'];
const APPS = ['web', 'api', 'db'];

/** Each file's verdicts (service-unreachable, ingress-blocked) as text. */
function verdicts(analysis: Analysis): Map<string, string> {
  const checks = reachabilityChecks(analysis);
  const out = new Map<string, string>();
  for (const o of [...analysis.index.services(), ...analysis.index.ingresses(), ...analysis.index.routes()]) {
    const found = checks.findingsFor(o).map((f) => `${f.code} ${f.span.start} ${f.message}`);
    out.set(o.uri, [out.get(o.uri) ?? '', ...found].join('\n'));
  }
  return out;
}

/** A random workspace and random edits of it, drawn from `seed`. */
function draws(seed: number) {
  const rnd = prng(seed);
  const { pick, matchLabels, peer } = policyDraws(rnd, TEAMS, APPS);
  const rules = (dir: 'ingress' | 'egress', most: number): string[] => {
    const out: string[] = [];
    for (let i = Math.floor(rnd() * (most + 1)); i > 0; i--) {
      if (rnd() < 0.05) {
        out.push('  - {}'); // every peer
        continue;
      }
      const peers = Array.from({ length: 1 + Math.floor(rnd() * 1.3) }, () => peer(dir)).flat();
      out.push(`  - ${dir === 'ingress' ? 'from' : 'to'}:`, ...peers.map((l) => `      ${l}`), ...(rnd() < 0.3 ? ['    ports:', '      - port: 8080'] : []));
    }
    return [`${dir}:`, ...out];
  };
  // np0 decides ingress, the others mostly egress (no rule: none allowed): a Service whose only
  // senders, elsewhere, lose their egress is the case the sweep is for.
  const policy = (name: string, ns: string): string => {
    const types = name === 'np0' ? pick([['Ingress'], ['Ingress'], ['Ingress', 'Egress']]) : pick([['Egress'], ['Egress'], ['Ingress']]);
    const spec = ['podSelector:', ...matchLabels('  ', rnd() < 0.6 ? [] : [`app: ${pick(APPS)}`]), `policyTypes: [${types.join(', ')}]`];
    if (types.includes('Ingress')) spec.push(...rules('ingress', 1));
    if (types.includes('Egress')) spec.push(...rules('egress', 2));
    return netpol(name, spec, ns);
  };
  const namespace = (ns: string, team = pick(TEAMS)) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}`, '  labels:', `    team: ${team}`);
  const files: Record<string, string> = {};
  // Every team has a namespace and every namespace its pods at first: then representatives have
  // real pods standing for them, and whether a Service is reachable turns on the senders' egress.
  for (const [i, ns] of NAMESPACES.entries()) {
    files[U(`ns-${ns}`)] = namespace(ns, TEAMS[i]);
    for (const app of APPS) {
      files[U(`${app}-${ns}`)] = deployment(app, { ns });
      if (rnd() < 0.7) files[U(`svc-${app}-${ns}`)] = service(app, { ns, selector: { app: pick(APPS) } });
    }
    if (rnd() < 0.5) files[U(`ing-${ns}`)] = ingressV1('front', ['service:', `  name: ${pick(APPS)}`, '  port:', '    number: 80'], ns);
    for (let i = 0; i < 3; i++) if (rnd() < 0.8) files[U(`np${i}-${ns}`)] = policy(`np${i}`, ns);
  }
  const edit = (): [string, string] => {
    const ns = pick(NAMESPACES);
    const r = rnd();
    const app = pick(APPS);
    if (r < 0.7) {
      const name = `np${Math.floor(rnd() * 3)}`;
      return [U(`${name}-${ns}`), rnd() < 0.15 ? '' : policy(name, ns)];
    }
    if (r < 0.78) return [U(`ns-${ns}`), namespace(ns)];
    if (r < 0.86) return [U(`${app}-${ns}`), deployment(app, { ns, labels: { app: pick(APPS) } })];
    if (r < 0.94) return [U(`svc-${app}-${ns}`), service(app, { ns, selector: { app: pick(APPS) } })];
    return [U(`ing-${ns}`), ingressV1('front', ['service:', `  name: ${pick(APPS)}`, '  port:', '    number: 80'], ns)];
  };
  return { files, edit };
}

describe('the idle sweep re-checks only what an edit can move', () => {
  it('after random edits, every verdict that moved is in the update re-check or the sweep (the lists then equal a cold analysis)', () => {
    let narrowed = 0;
    let moved = 0;
    /** Verdicts that moved beyond the update's own re-check: the sweep's share. */
    let far = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const { files: start, edit } = draws(seed);
      let files = { ...start };
      const kept = indexOf(files);
      let before = analysisOf(files);
      let beforeVerdicts = verdicts(before);
      for (let step = 0; step < 12; step++) {
        const [uri, text] = edit();
        const controllerBefore = JSON.stringify(before.ingressControllerInfo());
        files = { ...files, [uri]: text };
        const change = kept.setFile(uri, text);
        const after = analysisOf(files);
        const afterVerdicts = verdicts(after);
        const beforeVerdictsOf = beforeVerdicts;
        before = after;
        beforeVerdicts = afterVerdicts;
        // The server sweeps every file when the controller identity in force changed.
        if (JSON.stringify(after.ingressControllerInfo()) !== controllerBefore) continue;
        const beyond = verdictFilesBeyond(kept, change, after.ingressControllerInfo().identity.namespace);
        if (beyond === 'all') continue;
        narrowed++;
        const near = new Set([...change.uris, ...reachSensitiveFiles(kept, change)]);
        for (const file of new Set([...beforeVerdictsOf.keys(), ...afterVerdicts.keys()])) {
          if (beforeVerdictsOf.get(file) === afterVerdicts.get(file)) continue;
          moved++;
          if (!near.has(file)) far++;
          assert.ok(near.has(file) || beyond.has(file), `seed ${seed} step ${step}: ${uri} edited; the verdicts of ${file} moved but it is not re-checked\nbefore: ${beforeVerdictsOf.get(file)}\nafter: ${afterVerdicts.get(file)}\n${text}`);
        }
      }
    }
    // The draws must move verdicts often enough for this to say something.
    assert.ok(narrowed > 300 && moved > 100 && far > 5, `narrowed ${narrowed}, moved ${moved}, far ${far}`);
  });

  it('a policy elsewhere whose peer stands for a representative that a rule of another namespace admits moves that namespace\'s verdict', () => {
    // c admits the pods app=api of team=red namespaces: a's pod stands for that representative, and
    // may send nowhere. A policy in d (ingress only, nothing to do with a or c) names the same pods
    // with matchExpressions: a real pod no longer makes the representative redundant, and c's rule admits it.
    const nsOf = (name: string, team: string) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', `    team: ${team}`);
    const peer = (form: 'matchLabels' | 'matchExpressions') =>
      form === 'matchLabels'
        ? ['      - namespaceSelector:', '          matchLabels:', '            team: red', '        podSelector:', '          matchLabels:', '            app: api']
        : ['      - namespaceSelector:', '          matchExpressions:', '            - { key: team, operator: In, values: [red] }', '        podSelector:', '          matchExpressions:', '            - { key: app, operator: In, values: [api] }'];
    const files: Record<string, string> = {
      [U('ns-a')]: nsOf('a', 'red'),
      [U('ns-c')]: nsOf('c', 'blue'),
      [U('ns-d')]: nsOf('d', 'blue'),
      [U('api-a')]: deployment('api', { ns: 'a' }),
      [U('deny-out-a')]: netpol('deny-out', ['podSelector: {}', 'policyTypes: [Egress]'], 'a'),
      [U('web-c')]: deployment('web', { ns: 'c' }),
      [U('svc-c')]: service('web', { ns: 'c' }),
      [U('from-red-c')]: netpol('from-red', ['podSelector: {}', 'ingress:', '  - from:', ...peer('matchLabels')], 'c'),
    };
    const index = indexOf(files);
    const before = verdicts(analysisOf(files));
    const other = netpol('other', ['podSelector: {}', 'policyTypes: [Ingress]', 'ingress:', '  - from:', ...peer('matchExpressions')], 'd');
    const change = index.setFile(U('other-d'), other);
    const after = verdicts(analysisOf({ ...files, [U('other-d')]: other }));
    assert.match(before.get(U('svc-c')) ?? '', /service-unreachable/);
    assert.equal(after.get(U('svc-c')), '', 'the verdict in c moves');
    assert.ok(!reachSensitiveFiles(index, change).has(U('svc-c')));
    const beyond = verdictFilesBeyond(index, change, 'ingress-controller-ns');
    assert.ok(beyond !== 'all' && beyond.has(U('svc-c')));
  });
});
