// The engine (classes, compiled policies, cached rows, candidate pruning, incremental updates)
// checked against a direct reading of the Kubernetes NetworkPolicy rules on random small
// workspaces. The oracle below is written for clarity, pod pair by pod pair and port by port.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReachabilityEngine, formatText, toLines, type ReachabilityInput } from '../../server/src/analysis/reachability';
import { parseCidr } from '../../server/src/analysis/reachability/ip';
import type {
  LabelSelector,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Protocol,
  Service,
  Span,
  Workload,
} from '../../server/src/model/types';

const SP: Span = { start: 0, end: 0 };
const PROTOS: Protocol[] = ['TCP', 'UDP', 'SCTP'];
const SAMPLE_PORTS = [1, 52, 53, 54, 79, 80, 81, 443, 5000, 8080, 8081, 65535];
const SAMPLE_ADDRS = ['0.0.0.0', '9.255.255.255', '10.0.0.0', '10.1.2.3', '10.1.255.255', '10.2.0.0', '172.16.0.1', '192.168.0.1', '255.255.255.255'];

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  rnd: () => number;
  pick<T>(xs: readonly T[]): T;
  chance(p: number): boolean;
}

function gen(seed: number): Gen {
  const rnd = prng(seed);
  return { rnd, pick: (xs) => xs[Math.floor(rnd() * xs.length)], chance: (p) => rnd() < p };
}

const KEYS = ['app', 'tier', 'team'];
const VALUES = ['x', 'y', 'z'];
const NAMESPACES = ['default', 'blue', 'green'];

function randomLabels(g: Gen): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of KEYS) if (g.chance(0.6)) out[k] = g.pick(VALUES);
  return out;
}

function selector(g: Gen): LabelSelector {
  const matchLabels = KEYS.filter(() => g.chance(0.3)).map((key) => ({ key, value: g.pick(VALUES), keySpan: SP, valueSpan: SP, valueKind: 'string' as const }));
  const matchExpressions = KEYS.filter(() => g.chance(0.2)).map((key) => {
    const operator = g.pick(['In', 'NotIn', 'Exists', 'DoesNotExist']);
    const values = operator === 'In' || operator === 'NotIn' ? VALUES.filter(() => g.chance(0.5)).concat(g.pick(VALUES)) : [];
    return { key, operator, values, keySpan: SP, operatorSpan: SP, valueSpans: [], span: SP };
  });
  return { matchLabels, matchExpressions, span: SP };
}

function base(kind: string, name: string, namespace: string) {
  return { id: `${kind}/${namespace}/${name}`, uri: 'mem:///x.yaml', apiVersion: 'v1', kind, name, namespace, labels: [], span: SP, kindSpan: SP, nameSpan: SP };
}

function workload(g: Gen, i: number): Workload {
  const ports = [
    { name: 'http', containerPort: g.pick([80, 8080]), protocol: 'TCP' as Protocol },
    { name: 'dns', containerPort: 53, protocol: g.pick(['UDP', 'TCP'] as Protocol[]) },
    { name: undefined, containerPort: 443, protocol: 'TCP' as Protocol },
  ].filter(() => g.chance(0.5));
  const labels = randomLabels(g);
  return {
    ...base('Deployment', `w${i}`, g.pick(NAMESPACES)),
    type: 'workload',
    kind: 'Deployment',
    podLabels: Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' })),
    podLabelsSpan: SP,
    containers: [{ name: 'c', init: false, ports: ports.map((p) => ({ ...p, portSpan: SP, span: SP })) }],
    ownerReferences: [],
  };
}

function peer(g: Gen): PolicyPeer {
  const shape = g.pick(['pod', 'ns', 'both', 'ip', 'ip']);
  if (shape === 'ip') {
    const cidr = g.pick(['10.0.0.0/8', '10.1.0.0/16', '0.0.0.0/0', '192.168.0.0/16', '10.1.2.3/32', '2001:db8::/32']);
    const except = g.chance(0.5) ? [g.pick(['10.1.0.0/16', '10.1.2.0/24', '192.168.0.0/24'])] : [];
    return { ipBlock: { cidr, except, span: SP }, span: SP };
  }
  return {
    podSelector: shape !== 'ns' ? selector(g) : undefined,
    namespaceSelector: shape !== 'pod' ? selector(g) : undefined,
    span: SP,
  };
}

function port(g: Gen): PolicyPort {
  const protocol = g.pick(PROTOS.concat('TCP', 'TCP'));
  const kind = g.pick(['num', 'num', 'range', 'named', 'all']);
  if (kind === 'all') return { protocol, span: SP };
  if (kind === 'named') return { protocol, port: g.pick(['http', 'dns', 'nope']), span: SP };
  const p = g.pick([53, 80, 443, 8080]);
  return { protocol, port: p, endPort: kind === 'range' ? p + g.pick([0, 1, 100, -5]) : undefined, span: SP };
}

function rule(g: Gen): PolicyRule {
  return {
    peers: g.chance(0.25) ? undefined : Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => peer(g)),
    ports: g.chance(0.3) ? undefined : Array.from({ length: 1 + Math.floor(g.rnd() * 2) }, () => port(g)),
    span: SP,
  };
}

function netpol(g: Gen, i: number): NetworkPolicy {
  const types = g.pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']] as Array<Array<'Ingress' | 'Egress'>>);
  const rules = (): PolicyRule[] => Array.from({ length: Math.floor(g.rnd() * 3) }, () => rule(g));
  return {
    ...base('NetworkPolicy', `np${i}`, g.pick(NAMESPACES)),
    type: 'networkpolicy',
    podSelector: selector(g),
    policyTypes: types,
    ingress: rules(),
    egress: rules(),
  };
}

function nsLabels(g: Gen): Map<string, Record<string, string>> {
  return new Map(NAMESPACES.map((ns) => [ns, { ...randomLabels(g), 'kubernetes.io/metadata.name': ns }]));
}

function randomInput(seed: number): ReachabilityInput {
  const g = gen(seed);
  return {
    workloads: Array.from({ length: 3 + Math.floor(g.rnd() * 6) }, (_, i) => workload(g, i)),
    networkPolicies: Array.from({ length: Math.floor(g.rnd() * 5) }, (_, i) => netpol(g, i)),
    namespaceLabels: nsLabels(g),
  };
}

// ------------------------------------------------------------------ the oracle

const labelsOf = (w: Workload): Record<string, string> => Object.fromEntries(w.podLabels.map((e) => [e.key, e.value]));

function matches(sel: LabelSelector, labels: Record<string, string>): boolean {
  return (
    sel.matchLabels.every((e) => labels[e.key] === e.value) &&
    sel.matchExpressions.every((x) => {
      const has = x.key in labels;
      if (x.operator === 'In') return x.values.length > 0 && has && x.values.includes(labels[x.key]);
      if (x.operator === 'NotIn') return x.values.length > 0 && !(has && x.values.includes(labels[x.key]));
      if (x.operator === 'Exists') return has;
      if (x.operator === 'DoesNotExist') return !has;
      return false;
    })
  );
}

function ipToNum(a: string): number {
  return a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function inBlock(peer: PolicyPeer, addr: number): boolean {
  const b = peer.ipBlock!;
  const c = parseCidr(b.cidr);
  if (!c || addr < c[0] || addr > c[1]) return false;
  return !b.except.some((e) => {
    const x = parseCidr(e);
    return x !== undefined && addr >= x[0] && addr <= x[1];
  });
}

type End = { pod: Workload } | { addr: number };

function portAllowed(pp: PolicyPort, proto: Protocol, port: number, dst: End): boolean {
  if (pp.protocol !== proto) return false;
  if (pp.port === undefined) return true;
  if (typeof pp.port === 'number') {
    const end = pp.endPort !== undefined && pp.endPort >= pp.port ? pp.endPort : pp.port;
    return port >= pp.port && port <= end;
  }
  if (!('pod' in dst)) return false;
  return dst.pod.containers.some((c) => c.ports.some((cp) => cp.name === pp.port && cp.protocol === proto && cp.containerPort === port));
}

function peerAllows(p: PolicyPeer, policyNs: string, other: End, nsl: Map<string, Record<string, string>>): boolean {
  if ('addr' in other) return p.ipBlock !== undefined && inBlock(p, other.addr);
  if (!p.podSelector && !p.namespaceSelector) return false;
  const w = other.pod;
  if (p.namespaceSelector ? !matches(p.namespaceSelector, nsl.get(w.namespace) ?? {}) : w.namespace !== policyNs) return false;
  return !p.podSelector || matches(p.podSelector, labelsOf(w));
}

/** Whether `self` allows traffic with `other` in a direction, on proto/port toward `dst`. */
function sideAllows(
  input: ReachabilityInput, self: Workload, dir: 'Ingress' | 'Egress', other: End, proto: Protocol, port: number, dst: End): boolean {
  const nsl = new Map(input.namespaceLabels!);
  const deciding = input.networkPolicies.filter((p) => p.namespace === self.namespace && p.policyTypes.includes(dir) && matches(p.podSelector, labelsOf(self)));
  if (deciding.length === 0) return true;
  return deciding.some((p) =>
    (dir === 'Ingress' ? p.ingress : p.egress).some(
      (r) =>
        (r.peers === undefined || r.peers.some((x) => peerAllows(x, p.namespace, other, nsl))) &&
        (r.ports === undefined || r.ports.some((pp) => portAllowed(pp, proto, port, dst))),
    ),
  );
}

// ------------------------------------------------------------------ the comparison

/** A Service selecting exactly the pods with d's labels (undefined when d has none: `{}` selects nothing). */
function serviceFor(d: Workload): Service | undefined {
  if (d.podLabels.length === 0) return undefined;
  return {
    ...base('Service', `s-${d.name}`, d.namespace),
    type: 'service',
    serviceType: 'ClusterIP',
    headless: false,
    selector: { matchLabels: d.podLabels.map((e) => ({ ...e })), matchExpressions: [], span: SP },
    ports: [],
  };
}

function compare(input: ReachabilityInput, engine: ReachabilityEngine, seed: number): void {
  const peerOf = (w: Workload) => engine.peerOf(w)!;
  const sample = (dstPorts: number[]): number[] => [...new Set([...SAMPLE_PORTS, ...dstPorts])];
  for (const s of input.workloads) {
    for (const d of input.workloads) {
      if (s === d) continue;
      const conns = engine.conns(peerOf(s), peerOf(d));
      const dPorts = d.containers.flatMap((c) => c.ports.map((p) => p.containerPort));
      for (const proto of PROTOS) {
        for (const port of sample(dPorts)) {
          const expected =
            sideAllows(input, s, 'Egress', { pod: d }, proto, port, { pod: d }) && sideAllows(input, d, 'Ingress', { pod: s }, proto, port, { pod: d });
          assert.equal(conns.has(proto, port), expected, `seed ${seed}: ${s.name} → ${d.name} ${proto}/${port}`);
        }
      }
    }
    for (const a of SAMPLE_ADDRS) {
      const addr = ipToNum(a);
      const out = engine.externalPeers('egress').find((p) => p.range![0] <= addr && addr <= p.range![1])!;
      const inn = engine.externalPeers('ingress').find((p) => p.range![0] <= addr && addr <= p.range![1])!;
      const toExt = engine.conns(peerOf(s), out);
      const fromExt = engine.conns(inn, peerOf(s));
      for (const proto of PROTOS) {
        for (const port of SAMPLE_PORTS) {
          assert.equal(toExt.has(proto, port), sideAllows(input, s, 'Egress', { addr }, proto, port, { addr }), `seed ${seed}: ${s.name} → ${a} ${proto}/${port}`);
          assert.equal(fromExt.has(proto, port), sideAllows(input, s, 'Ingress', { addr }, proto, port, { pod: s }), `seed ${seed}: ${a} → ${s.name} ${proto}/${port}`);
        }
      }
    }
  }
  // servicePortReachability (summarised per ingress row and port) against the rules: some pod
  // (the target's own replicas included) or outside address may open that port on the target.
  const sources: End[] = [
    ...input.workloads.map((pod) => ({ pod })),
    ...engine.externalPeers('ingress').map((p) => ({ addr: p.range![0] })),
  ];
  for (const d of input.workloads) {
    const svc = serviceFor(d);
    if (!svc) continue;
    for (const proto of PROTOS) {
      for (const p of [53, 80, 443, 8080, 'http', 'dns'] as Array<number | string>) {
        const sp = { port: 1, portSpan: SP, targetPort: p, protocol: proto, span: SP };
        const got = engine.servicePortReachability(svc, sp);
        for (const t of got.targets) {
          const expected =
            t.port !== undefined &&
            sources.some(
              (src) =>
                ('addr' in src || sideAllows(input, src.pod, 'Egress', { pod: t.workload }, proto, t.port!, { pod: t.workload })) &&
                sideAllows(input, t.workload, 'Ingress', src, proto, t.port!, { pod: t.workload }),
            );
          assert.equal(t.reachable, expected, `seed ${seed}: service port ${proto}/${p} → ${t.workload.name}`);
        }
        assert.equal(got.reachable, got.targets.some((t) => t.reachable));
      }
    }
  }
  // allowedFrom/allowedTo (pruned by the rows' named classes) agree with conns() too.
  for (const p of engine.peers()) {
    const from = engine.allowedFrom(p).map((a) => `${a.peer.name} ${a.conns}`);
    const to = engine.allowedTo(p).map((a) => `${a.peer.name} ${a.conns}`);
    const all = [...engine.externalPeers('ingress'), ...engine.peers(), engine.peer('{ingress-controller}')!];
    const expFrom = all.filter((x) => x !== p && !engine.conns(x, p).isEmpty).map((x) => `${x.name} ${engine.conns(x, p)}`);
    const expTo = [...engine.peers(), ...engine.externalPeers('egress')].filter((x) => x !== p && !engine.conns(p, x).isEmpty).map((x) => `${x.name} ${engine.conns(p, x)}`);
    assert.deepEqual(from, expFrom, `seed ${seed}: allowedFrom ${p.name}`);
    assert.deepEqual(to, expTo, `seed ${seed}: allowedTo ${p.name}`);
  }
  // pairs() (with its candidate pruning) agrees with conns() pair by pair.
  const fromPairs = new Map<string, string>();
  for (const p of engine.pairs()) fromPairs.set(`${p.src.name} ${p.dst.name}`, p.conns.toString());
  for (const s of engine.peers()) {
    for (const d of engine.peers()) {
      if (s === d) continue;
      const c = engine.conns(s, d);
      assert.equal(fromPairs.get(`${s.name} ${d.name}`), c.isEmpty ? undefined : c.toString(), `seed ${seed}: pairs() ${s.name} → ${d.name}`);
    }
  }
}

describe('reachability engine against a direct reading of the rules', () => {
  it('agrees on 300 random workspaces (pods, addresses, protocols, ports)', () => {
    // Reason: every optimisation (classes, compiled policies, rows, pruning) must keep the semantics.
    for (let seed = 1; seed <= 300; seed++) {
      const input = randomInput(seed);
      compare(input, new ReachabilityEngine(input), seed);
    }
  });

  it('an engine updated edit by edit answers like a fresh one', () => {
    // Reason: incremental updates (patched policies, revalidated rows) must not leave stale answers.
    for (let seed = 1; seed <= 100; seed++) {
      const g = gen(seed * 7919);
      let input = randomInput(seed);
      const engine = new ReachabilityEngine(input);
      formatText(toLines(engine.pairs())); // warm every cache before editing
      for (let step = 0; step < 5; step++) {
        const policies = input.networkPolicies.slice();
        const workloads = input.workloads.slice();
        const what = g.pick(['policy', 'policy', 'add-policy', 'drop-policy', 'workload', 'drop-workload', 'namespace']);
        if (what === 'policy' && policies.length) policies[Math.floor(g.rnd() * policies.length)] = { ...netpol(g, 90 + step), id: policies[0].id };
        else if (what === 'add-policy' || what === 'policy') policies.push(netpol(g, 100 + step));
        else if (what === 'drop-policy' && policies.length) policies.splice(Math.floor(g.rnd() * policies.length), 1);
        else if (what === 'workload') workloads.push(workload(g, 100 + step));
        else if (what === 'drop-workload' && workloads.length > 1) workloads.splice(Math.floor(g.rnd() * workloads.length), 1);
        input = { ...input, workloads, networkPolicies: policies, namespaceLabels: what === 'namespace' ? nsLabels(g) : input.namespaceLabels };
        engine.update(input);
        const fresh = new ReachabilityEngine(input);
        assert.equal(formatText(toLines(engine.pairs())), formatText(toLines(fresh.pairs())), `seed ${seed} step ${step} (${what})`);
        compare(input, engine, seed);
      }
    }
  });
});
