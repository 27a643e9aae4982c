// Explain (analysis/explain): which policies and rules decide each connection of a pair, in
// netpol-analyzer's terms, and the `reach --explain` text. One test per rule of the semantics.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { explainAll, formatExplain, type PairExplanation } from '../../server/src/analysis/explain';
import { ReachabilityEngine } from '../../server/src/analysis/reachability';
import { runReach } from '../../server/src/cli/reach';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { deployment, ingress, ns, policy, service } from '../fixtures/reachability/manifests';

const A = 'default/a[Deployment]';
const B = 'default/b[Deployment]';
const C = 'default/c[Deployment]';
const EXT = '0.0.0.0-255.255.255.255[External]';

function setup(yaml: string): { engine: ReachabilityEngine; index: WorkspaceIndex } {
  const index = new WorkspaceIndex();
  index.setFile('file:///w/test.yaml', yaml);
  return { engine: ReachabilityEngine.fromSource(index), index };
}

function pairs(yaml: string, options = {}): PairExplanation[] {
  const { engine, index } = setup(yaml);
  return explainAll(engine, index, options);
}

function pair(yaml: string, src: string, dst: string): PairExplanation {
  const found = pairs(yaml).find((p) => p.src.name === src && p.dst.name === dst);
  assert.ok(found, `no pair ${src} => ${dst}`);
  return found;
}

/** The pair's block of the `--explain` text, as lines without the blank ones. */
function block(yaml: string, src: string, dst: string): string[] {
  const text = formatExplain([pair(yaml, src, dst)]);
  return text.split('\n').filter((l) => l.trim() !== '' && !/^[#-]+$/.test(l) && !l.startsWith('# '));
}

const twoRules = [
  deployment('a', { ports: [{ port: 80 }, { port: 81 }] }),
  deployment('b', { ports: [{ port: 80 }, { port: 81 }] }),
  policy(
    'b-in',
    `podSelector:
  matchLabels:
    app: b
ingress:
  - from:
      - podSelector:
          matchLabels:
            app: a
    ports:
      - port: 80
  - from:
      - namespaceSelector: {}
        podSelector:
          matchExpressions:
            - {key: app, operator: In, values: [a]}
    ports:
      - port: 80
        endPort: 81`,
  ),
].join('');

describe('explain: one policy', () => {
  it('a port goes to the first rule that allows it; the rest to the first selecting rule, with its reason', () => {
    assert.deepEqual(block(twoRules, A, B), [
      `Connections between ${A} => ${B}:`,
      'Allowed connections:',
      '\tAllowed TCP:[80] due to the following policies and rules:',
      '\t\tEgress (Allowed) due to the system default (Allow all)',
      '\t\tIngress (Allowed)',
      "\t\t\tNetworkPolicy 'default/b-in' allows connections by Ingress rule #1",
      '\tAllowed TCP:[81] due to the following policies and rules:',
      '\t\tEgress (Allowed) due to the system default (Allow all)',
      '\t\tIngress (Allowed)',
      "\t\t\tNetworkPolicy 'default/b-in' allows connections by Ingress rule #2",
      'Denied connections:',
      '\tDenied TCP:[1-79,82-65535], UDP, SCTP due to the following policies and rules:',
      '\t\tEgress (Allowed) due to the system default (Allow all)',
      '\t\tIngress (Denied)',
      `\t\t\tNetworkPolicy 'default/b-in' selects ${B}, and Ingress rule #1 selects ${A}, but the protocols and ports do not match`,
    ]);
  });

  it('a peer no rule selects, and a policy without rules, say so', () => {
    const yaml = [
      twoRules,
      deployment('c'),
      policy('c-out', `podSelector:\n  matchLabels:\n    app: c\npolicyTypes:\n  - Egress`),
    ].join('');
    const cb = block(yaml, C, B);
    assert.ok(cb.includes(`\t\t\tNetworkPolicy 'default/b-in' selects ${B}, but ${C} is not allowed by any Ingress rule`), cb.join('\n'));
    assert.ok(cb.includes(`\t\t\tNetworkPolicy 'default/c-out' selects ${C}, but ${B} is not allowed by any Egress rule (no rules defined)`), cb.join('\n'));
    assert.ok(cb.includes('\tDenied TCP, UDP, SCTP due to the following policies and rules:'));
  });

  it('named ports that do not resolve on the destination are the reason', () => {
    const yaml = [
      deployment('a'),
      deployment('b', { ports: [{ port: 8956, name: 'newport', protocol: 'SCTP' }] }),
      policy(
        'b-in',
        `podSelector:\n  matchLabels:\n    app: b\ningress:\n  - from:\n      - namespaceSelector: {}\n    ports:\n      - port: newport\n        protocol: UDP`,
      ),
    ].join('');
    const p = pair(yaml, A, B);
    assert.ok(p.conns.isEmpty);
    assert.match(
      formatExplain([p]),
      /NetworkPolicy 'default\/b-in' selects default\/b\[Deployment\], and Ingress rule #1 selects default\/a\[Deployment\], but named ports of the rule have no match in the configuration of the destination peer/,
    );
  });
});

describe('explain: several policies', () => {
  const yaml = [
    twoRules,
    policy('deny-all', `podSelector: {}\npolicyTypes:\n  - Ingress`),
    policy('b-udp', `podSelector:\n  matchLabels:\n    app: b\ningress:\n  - ports:\n      - port: 80\n        protocol: TCP\n      - protocol: UDP`),
  ].join('');

  it('an allowed connection lists the policies that allow it; a denied one every policy, sorted, as a list', () => {
    const text = formatExplain([pair(yaml, A, B)]);
    assert.match(
      text,
      /\tAllowed TCP:\[80\] due to the following policies and rules:\n\t\tEgress \(Allowed\) due to the system default \(Allow all\)\n\t\tIngress \(Allowed\)\n\t\t\tNetworkPolicy list:\n\t\t\t\t- NetworkPolicy 'default\/b-in' allows connections by Ingress rule #1\n\t\t\t\t- NetworkPolicy 'default\/b-udp' allows connections by Ingress rule #1\n/,
    );
    assert.match(text, /\tAllowed UDP due to [^\n]*\n[^\n]*\n\t\tIngress \(Allowed\)\n\t\t\tNetworkPolicy 'default\/b-udp' allows connections by Ingress rule #1\n/);
    assert.match(
      text,
      /\tDenied TCP:\[1-79,82-65535\], SCTP due to the following policies and rules:\n[^\n]*\n\t\tIngress \(Denied\)\n\t\t\tNetworkPolicy list:\n\t\t\t\t- NetworkPolicy 'default\/b-in' selects [^\n]*, and Ingress rule #1 selects [^\n]*, but the protocols and ports do not match\n\t\t\t\t- NetworkPolicy 'default\/b-udp' selects [^\n]*, and Ingress rule #1 selects [^\n]*, but the protocols and ports do not match\n\t\t\t\t- NetworkPolicy 'default\/deny-all' selects default\/b\[Deployment\], but default\/a\[Deployment\] is not allowed by any Ingress rule \(no rules defined\)\n/,
    );
  });

  it('what explain allows is what reach allows, for every pair', () => {
    const { engine, index } = setup(yaml);
    for (const p of explainAll(engine, index)) assert.equal(p.conns, engine.conns(p.src, p.dst), `${p.src.name} => ${p.dst.name}`);
  });
});

describe('explain: pairs and sections', () => {
  const yaml = [deployment('a'), deployment('b'), policy('b-in', `podSelector:\n  matchLabels:\n    app: b\ningress:\n  - from:\n      - podSelector:\n          matchLabels:\n            app: a`)].join('');

  it('lists every ordered pair (not a peer to itself, not range to range); pairs no policy decides go to the system-default section', () => {
    const text = formatExplain(pairs(yaml));
    const specific = text.slice(0, text.indexOf('# All Connections'));
    const heads = [...specific.matchAll(/^Connections between (.*):$/gm)].map((m) => m[1]);
    assert.deepEqual(heads, [`${EXT} => ${B}`, `${A} => ${B}`]);
    const defaults = text.slice(text.indexOf('# All Connections due to the system default (Allow all) #'));
    assert.deepEqual(defaults.split('\n').filter((l) => l.includes(' => ')), [`${EXT} => ${A}`, `${A} => ${EXT}`, `${B} => ${EXT}`, `${B} => ${A}`]);
  });

  it('--explain-only allow keeps the pairs with something allowed; deny those with nothing allowed', () => {
    const names = (o: object): string[] => pairs(yaml, o).map((p) => `${p.src.name} => ${p.dst.name}`);
    assert.deepEqual(names({ only: 'deny' }), [`${EXT} => ${B}`]);
    assert.ok(!names({ only: 'allow' }).includes(`${EXT} => ${B}`));
    assert.ok(names({ only: 'allow' }).includes(`${A} => ${B}`));
  });

  it('a focus connection narrows every pair to that port; system-default pairs are explained in place', () => {
    const focused = pairs(yaml, { focusConn: { protocol: 'TCP', port: 8080 } });
    const text = formatExplain(focused);
    assert.ok(!text.includes('# All Connections'), text);
    assert.match(text, /Connections between default\/b\[Deployment\] => default\/a\[Deployment\]:\n\nAllowed connections:\n\tAllowed TCP:\[8080\] due to the system default \(Allow all\)\n/);
    assert.match(text, /Connections between 0\.0\.0\.0-255\.255\.255\.255\[External\] => default\/b\[Deployment\]:\n\nDenied connections:\n\tDenied TCP:\[8080\] due to the following policies and rules:\n/);
    const denied = pairs(yaml, { focusConn: { protocol: 'TCP', port: 8080 }, only: 'deny' }).map((p) => `${p.src.name} => ${p.dst.name}`);
    assert.deepEqual(denied, [`${EXT} => ${B}`]);
  });

  it('the ingress controller: its routes join the ingress facts, and the pair is listed only when something is allowed', () => {
    const withIngress = [
      ns('ingress-controller-ns'),
      yaml,
      service('b', { app: 'b' }, [{ port: 80, targetPort: 8080 }]),
      deployment('b2', { labels: { app: 'b' }, ports: [{ port: 8080 }] }),
      ingress('web', 'b', 80),
      policy('b-ctrl', `podSelector:\n  matchLabels:\n    app: b\ningress:\n  - from:\n      - namespaceSelector: {}\n    ports:\n      - port: 8080`),
    ].join('');
    const p = pairs(withIngress).filter((x) => x.src.name === '{ingress-controller}');
    assert.deepEqual(p.map((x) => x.dst.name), ['default/b2[Deployment]']);
    const text = formatExplain(p);
    assert.match(text, /\tAllowed TCP:\[8080\] due to the following policies and rules:\n\t\tEgress \(Allowed\) due to the system default \(Allow all\)\n\t\tIngress \(Allowed\)\n\t\t\tIngress 'default\/web' allows ingress connections through service b\n\t\t\tNetworkPolicy 'default\/b-ctrl' allows connections by Ingress rule #1\n/);
    assert.match(text, /\t\t\tIngress 'default\/web' allows ingress to service b, but the protocols and ports do not match\n/);
    assert.ok(!text.includes('# All Connections'), 'the controller pair is never a system-default pair');
  });

  it('toward a pod no policy isolates, the controller pair shows the routes alone (no system-default line for its ingress)', () => {
    const open = [ns('ingress-controller-ns'), deployment('d', { ports: [{ port: 9000 }] }), service('d', { app: 'd' }, [{ port: 80, targetPort: 9000 }]), ingress('web-d', 'd', 80)].join('');
    const text = formatExplain(pairs(open).filter((x) => x.src.name === '{ingress-controller}'));
    assert.match(
      text,
      /^\n#+\n# Specific connections and their reasons #\n#+\n-+\nConnections between \{ingress-controller\} => default\/d\[Deployment\]:\n\nAllowed connections:\n\tAllowed TCP:\[9000\] due to the following policies and rules:\n\t\tEgress \(Allowed\) due to the system default \(Allow all\)\n\t\tIngress \(Allowed\)\n\t\t\tIngress 'default\/web-d' allows ingress connections through service d\n\n/,
    );
    assert.ok(!text.includes('# All Connections'));
  });
});

describe('reach --explain (CLI)', () => {
  async function run(args: string[], yaml: string): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runReach(['-', ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: '/', readStdin: async () => yaml });
    return { code, out, err };
  }
  const yaml = [deployment('a'), deployment('b'), policy('b-in', `podSelector:\n  matchLabels:\n    app: b\ningress: []`)].join('');

  it('prints the explanation; --explain-only deny keeps the denied pairs', async () => {
    const all = await run(['--explain'], yaml);
    assert.equal(all.code, 0, all.err);
    assert.match(all.out, /^\n#+\n# Specific connections and their reasons #\n#+\n-{160}\nConnections between 0\.0\.0\.0-255\.255\.255\.255\[External\] => default\/b\[Deployment\]:\n/);
    const deny = await run(['--explain', '--explain-only', 'deny'], yaml);
    assert.equal(deny.code, 0, deny.err);
    assert.ok(!deny.out.includes('# All Connections'));
    assert.deepEqual([...deny.out.matchAll(/^Connections between (.*):$/gm)].map((m) => m[1]), [`${EXT} => ${B}`, `${A} => ${B}`]);
  });

  it('rejects a bad --explain-only, --explain-only without --explain, and --explain with json', async () => {
    for (const args of [['--explain', '--explain-only', 'maybe'], ['--explain-only', 'allow'], ['--explain', '--format', 'json']]) {
      const r = await run(args, yaml);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /explain/);
    }
  });
});
