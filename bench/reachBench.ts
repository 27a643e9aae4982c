// Benchmark of the reachability engine on a generated workspace (our own deterministic generator,
// model objects in memory): 2,000 workloads, 500 NetworkPolicies, 50 namespaces. Prints nothing;
// returns figures for `npm run bench`.

import type {
  Backend,
  Container,
  Ingress,
  LabelEntry,
  LabelSelector,
  NetworkPolicy,
  PolicyPeer,
  PolicyPort,
  PolicyRule,
  Protocol,
  SelectorExpression,
  Service,
  Span,
  Workload,
} from '../server/src/model/types';
import { prng } from './prng';
import { ReachabilityEngine, type PodClass, type ReachabilityInput } from '../server/src/analysis/reachability/engine';
import { computeClassMatrix, refreshRowsOf } from './reachMatrix';
import { reachViewText } from '../server/src/analysis/reachability/exposureText';

const SP: Span = { start: 0, end: 0 };

function entries(labels: Record<string, string>): LabelEntry[] {
  return Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' }));
}

function selector(labels: Record<string, string>, exprs: Array<[string, string, string[]]> = []): LabelSelector {
  const matchExpressions: SelectorExpression[] = exprs.map(([key, operator, values]) => ({
    key,
    operator,
    values,
    keySpan: SP,
    operatorSpan: SP,
    valueSpans: values.map(() => SP),
    span: SP,
  }));
  return { matchLabels: entries(labels), matchExpressions, span: SP };
}

function base(kind: string, name: string, namespace: string, id: string) {
  return { id, uri: `bench:///${namespace}/${name}.yaml`, apiVersion: 'v1', kind, name, namespace, labels: [], span: SP, kindSpan: SP, nameSpan: SP };
}

export interface BenchWorkspace {
  input: ReachabilityInput;
  /** Replaces policy `i` by an edited copy (another port), as an editor change would. */
  editPolicy(i: number, variant: number): ReachabilityInput;
}

const TIERS = ['web', 'api', 'worker', 'db', 'cache'];
const TEAMS = ['red', 'blue', 'green', 'gold', 'black'];

/**
 * `strict`: every namespace has a namespace-wide policy (default deny, or open within the
 * namespace) and DNS rules, so most pairs are closed. `sparse`: policies select single apps or
 * tiers only, so most pairs are open: the largest output and the most pairs to intersect.
 */
export function generateWorkspace(
  opts: { namespaces?: number; workloads?: number; policies?: number; seed?: number; isolation?: 'strict' | 'sparse' } = {},
): BenchWorkspace {
  const nNs = opts.namespaces ?? 50;
  const nW = opts.workloads ?? 2000;
  const nP = opts.policies ?? 500;
  const rnd = prng(opts.seed ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const namespaces = Array.from({ length: nNs }, (_, i) => `ns-${String(i).padStart(2, '0')}`);
  const namespaceLabels = new Map<string, Record<string, string>>();
  namespaces.forEach((ns, i) => namespaceLabels.set(ns, { 'kubernetes.io/metadata.name': ns, team: TEAMS[i % TEAMS.length], env: i % 3 ? 'prod' : 'dev' }));

  const workloads: Workload[] = [];
  const services: Service[] = [];
  const ingresses: Ingress[] = [];
  for (let i = 0; i < nW; i++) {
    const ns = namespaces[i % nNs];
    const app = `app-${i}`;
    const tier = TIERS[i % TIERS.length];
    const podLabels = { app, tier, 'app.kubernetes.io/part-of': `system-${i % 7}` };
    const port = tier === 'db' ? 5432 : tier === 'cache' ? 6379 : 8080;
    const containers: Container[] = [
      {
        name: 'main',
        init: false,
        ports: [
          { name: 'http', containerPort: port, portSpan: SP, protocol: 'TCP', span: SP },
          { name: 'metrics', containerPort: 9090, portSpan: SP, protocol: 'TCP', span: SP },
        ],
      },
    ];
    const kind = i % 10 === 0 ? 'StatefulSet' : i % 17 === 0 ? 'DaemonSet' : 'Deployment';
    workloads.push({
      ...base(kind, app, ns, `w${i}`),
      type: 'workload',
      kind,
      replicas: 1 + (i % 5),
      selector: selector({ app }),
      podLabels: entries(podLabels),
      podLabelsSpan: SP,
      containers,
      ownerReferences: [],
    });
    services.push({
      ...base('Service', app, ns, `s${i}`),
      type: 'service',
      serviceType: 'ClusterIP',
      headless: false,
      selector: selector({ app }),
      ports: [{ name: 'http', port: 80, portSpan: SP, targetPort: 'http', protocol: 'TCP', span: SP }],
    });
    if (tier === 'web') {
      const backend: Backend = { targetKind: 'Service', serviceName: app, serviceNameSpan: SP, port: 80, isDefault: false, span: SP };
      ingresses.push({ ...base('Ingress', app, ns, `i${i}`), type: 'ingress', backends: [backend], hosts: [], tlsHosts: [] });
    }
  }

  const rule = (peers: PolicyPeer[] | undefined, ports: PolicyPort[] | undefined): PolicyRule => ({ peers, ports, span: SP });
  const tcp = (port: number | string, endPort?: number, protocol: Protocol = 'TCP'): PolicyPort => ({ protocol, port, endPort, span: SP });
  const policies: NetworkPolicy[] = [];
  const makePolicy = (i: number, variant: number): NetworkPolicy => {
    const ns = namespaces[i % nNs];
    let kind = Math.floor(i / nNs) % 10; // ten policies per namespace, one of each shape
    if (opts.isolation === 'sparse' && (kind <= 2 || kind >= 4 && kind <= 7)) kind = kind % 2 ? 3 : 9;
    const target = `app-${(i % nNs) + nNs * ((i * 7) % Math.floor(nW / nNs))}`;
    const p = { ...base('NetworkPolicy', `np-${i}`, ns, `p${i}`), type: 'networkpolicy' as const };
    const mk = (podSelector: LabelSelector, types: Array<'Ingress' | 'Egress'>, ingress: PolicyRule[], egress: PolicyRule[]): NetworkPolicy => ({
      ...p,
      podSelector,
      policyTypes: types,
      ingress,
      egress,
    });
    const extra = variant ? [tcp(10000 + variant)] : [];
    switch (kind) {
      case 0: // even namespaces: default deny both ways; odd ones: open within the namespace
        if ((i % nNs) % 2 === 0) return mk(selector({}), ['Ingress', 'Egress'], [], []);
        return mk(selector({}), ['Ingress'], [rule([{ podSelector: selector({}), span: SP }], variant ? extra : undefined)], []);
      case 1: // DNS: served by the first namespace, egress to it for everyone else
        if (i % nNs === 0) return mk(selector({}), ['Ingress'], [rule([{ namespaceSelector: selector({}), span: SP }], [tcp(53, undefined, 'UDP'), tcp(53), ...extra])], []);
        return mk(selector({}), ['Egress'], [], [rule([{ namespaceSelector: selector({ 'kubernetes.io/metadata.name': namespaces[0] }), span: SP }], [tcp(53, undefined, 'UDP'), tcp(53), ...extra])]);
      case 2: // tier to tier within the namespace, named port
        return mk(selector({ tier: pick(TIERS) }), ['Ingress'], [rule([{ podSelector: selector({ tier: pick(TIERS) }), span: SP }], [tcp('http'), ...extra])], []);
      case 3: // from namespaces of a team (matchExpressions)
        return mk(selector({ app: target }), ['Ingress'], [rule([{ namespaceSelector: selector({}, [['team', 'In', [pick(TEAMS), pick(TEAMS)]]]), span: SP }], [tcp(8080), tcp(9090), ...extra])], []);
      case 4: // namespace AND pod selector
        return mk(selector({ tier: 'db' }), ['Ingress'], [rule([{ namespaceSelector: selector({ env: 'prod' }), podSelector: selector({ tier: 'api' }), span: SP }], [tcp(5432), ...extra])], []);
      case 5: // external addresses with excepts
        return mk(selector({ tier: 'web' }), ['Ingress'], [rule([{ ipBlock: { cidr: `10.${i % 256}.0.0/16`, except: [`10.${i % 256}.${variant % 256}.0/24`], span: SP }, span: SP }], [tcp(443), ...extra])], []);
      case 6: // egress to the cache tier anywhere, port range
        return mk(selector({ tier: 'api' }), ['Egress'], [], [rule([{ namespaceSelector: selector({}), podSelector: selector({ tier: 'cache' }), span: SP }], [tcp(6379, 6380), ...extra])]);
      case 7: // metrics from a monitoring namespace, all workloads
        return mk(selector({}, [['app.kubernetes.io/part-of', 'Exists', []]]), ['Ingress'], [rule([{ namespaceSelector: selector({ 'kubernetes.io/metadata.name': namespaces[1] }), span: SP }], [tcp('metrics'), ...extra])], []);
      case 8: // egress to external services
        return mk(selector({ tier: 'worker' }), ['Egress'], [], [rule([{ ipBlock: { cidr: '0.0.0.0/0', except: [`192.168.${i % 256}.0/24`], span: SP }, span: SP }], [tcp(443), ...extra])]);
      default: // allow all ingress on a port to one app
        return mk(selector({ app: target }), ['Ingress'], [rule(undefined, [tcp(8080), ...extra])], []);
    }
  };
  for (let i = 0; i < nP; i++) policies.push(makePolicy(i, 0));

  const input: ReachabilityInput = { workloads, networkPolicies: policies, namespaceLabels, services, ingresses, routes: [] };
  return {
    input,
    editPolicy(i: number, variant: number): ReachabilityInput {
      const next = policies.slice();
      next[i] = makePolicy(i, variant);
      return { ...input, networkPolicies: next };
    },
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * Figures (milliseconds, megabytes): engine construction (classes + policy compilation), the full
 * class matrix, peak heap, and re-evaluation after editing one policy (update + rebuilding the
 * rows that policy decides), median and p95 over 50 edits applied with applyChange, and the
 * median of 10 edits through the full update(input). Open world: `reach --exposure` from scratch
 * (a new engine, every pair, the representatives and the exposure section as text), and 50 policy
 * edits through applyChange each followed by what the editor asks next (the representatives, and
 * the exposure of every class in the policy's namespace, both directions).
 */
export async function runReachBench(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const isolation of ['strict', 'sparse'] as const) {
    const figures = await benchOne(isolation);
    for (const [k, v] of Object.entries(figures)) out[`${isolation}.${k}`] = v;
  }
  return out;
}

async function benchOne(isolation: 'strict' | 'sparse'): Promise<Record<string, number>> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heapStart = process.memoryUsage().heapUsed;
  const ws = generateWorkspace({ isolation });
  gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peak = heapBefore;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };

  const t0 = performance.now();
  const engine = new ReachabilityEngine(ws.input);
  const tBuild = performance.now() - t0;
  sample();
  const t1 = performance.now();
  const m = computeClassMatrix(engine);
  const tMatrix = performance.now() - t1;
  sample();

  const edits: number[] = [];
  const rowsRebuilt: number[] = [];
  let current = ws.input;
  const held = ws.input.networkPolicies.slice();
  for (let e = 0; e < 50; e++) {
    const i = (e * 37) % ws.input.networkPolicies.length;
    current = ws.editPolicy(i, e + 1);
    const s = performance.now();
    // The edited file's old object leaves and its new one joins, as the language server applies it.
    engine.applyChange({ removed: [held[i]], added: [current.networkPolicies[i]] });
    held[i] = current.networkPolicies[i];
    rowsRebuilt.push(refreshRowsOf(engine, current.networkPolicies[i].id));
    edits.push(performance.now() - s);
    sample();
  }
  // The full path, for comparison: a whole new snapshot after an edit.
  const fullUpdates: number[] = [];
  for (let e = 50; e < 60; e++) {
    const i = (e * 37) % ws.input.networkPolicies.length;
    current = ws.editPolicy(i, e + 1);
    const s = performance.now();
    engine.update(current);
    refreshRowsOf(engine, current.networkPolicies[i].id);
    fullUpdates.push(performance.now() - s);
  }
  // After the edits, the whole matrix again (rows untouched by the edits are reused).
  const t2 = performance.now();
  computeClassMatrix(engine);
  const tMatrixAfterEdits = performance.now() - t2;
  sample();

  // For comparison: every peer pair as `reach` lists them (peer level, strings not built).
  const t3 = performance.now();
  let pairCount = 0;
  for (const _ of engine.pairs()) pairCount++;
  const tPairs = performance.now() - t3;
  sample();

  // Open world: reach --exposure from scratch.
  const t4 = performance.now();
  const cold = new ReachabilityEngine(current);
  const exposureText = reachViewText(cold, { exposure: true });
  const tExposure = performance.now() - t4;
  const representatives = cold.openWorld().representatives().length;
  sample();

  // Open world: one policy edit through applyChange, then the exposure answers of its namespace.
  const classesByNs = new Map<string, PodClass[]>();
  for (const c of engine.podClasses()) if (!c.controller) (classesByNs.get(c.namespace) ?? classesByNs.set(c.namespace, []).get(c.namespace)!).push(c);
  const heldNow = current.networkPolicies.slice();
  const openEdits: number[] = [];
  for (let e = 60; e < 110; e++) {
    const i = (e * 37) % ws.input.networkPolicies.length;
    current = ws.editPolicy(i, e + 1);
    const s = performance.now();
    engine.applyChange({ removed: [heldNow[i]], added: [current.networkPolicies[i]] });
    heldNow[i] = current.networkPolicies[i];
    const world = engine.openWorld();
    world.representatives();
    for (const c of classesByNs.get(current.networkPolicies[i].namespace) ?? []) {
      world.exposure(c, 'ingress');
      world.exposure(c, 'egress');
    }
    openEdits.push(performance.now() - s);
    sample();
  }

  gc?.();
  const retained = process.memoryUsage().heapUsed - heapBefore;
  if (engine.peers().length === 0) throw new Error('bench: no peers'); // keeps the engine alive until measured

  return {
    workloads: ws.input.workloads.length,
    networkPolicies: ws.input.networkPolicies.length,
    namespaces: 50,
    podClasses: m.classes,
    allowedClassPairs: m.allowedPairs,
    distinctConnSets: m.distinctConnSets,
    buildMs: round(tBuild),
    fullMatrixMs: round(tMatrix),
    fullMatrixTotalMs: round(tBuild + tMatrix),
    /** Heap in use at its highest (sampled after each step), the generated model objects included. */
    peakHeapMB: round(peak / 1048576),
    workspaceHeapMB: round((heapBefore - heapStart) / 1048576),
    engineHeapGrowthMB: round((peak - heapBefore) / 1048576),
    /** What the engine keeps (classes, compiled policies, rows) after a collection. */
    engineRetainedMB: round(retained / 1048576),
    editMedianMs: round(median(edits)),
    editP95Ms: round(percentile(edits, 95)),
    editRowsRebuiltMedian: median(rowsRebuilt),
    fullUpdateEditMedianMs: round(median(fullUpdates)),
    matrixAfterEditsMs: round(tMatrixAfterEdits),
    reachPairs: pairCount,
    reachPairsMs: round(tPairs),
    representativePeers: representatives,
    exposureLines: exposureText.split('\n').length,
    /** `reach --exposure` from scratch: engine, pairs, representatives, exposure section (target ≤ 2,000 ms). */
    reachExposureColdMs: round(tExposure),
    /** applyChange of one policy, then representatives and the exposure of its namespace's classes (target p95 ≤ 10 ms). */
    openWorldEditMedianMs: round(median(openEdits)),
    openWorldEditP95Ms: round(percentile(openEdits, 95)),
  };
}
