// Benchmark of the ANP/BANP tiers: the reach benchmark's workspace (2,000 workloads, 500
// NetworkPolicies, 50 namespaces) plus 50 AdminNetworkPolicies and a BaselineAdminNetworkPolicy.
// Prints nothing; returns figures for `npm run bench`.
import type { AdminPolicy, AdminRule, AdminSelection, LabelSelector, Span } from '../server/src/model/types';
import { generateWorkspace } from './reachBench';
import { prng } from './prng';
import { ReachabilityEngine } from '../server/src/analysis/reachability/engine';
import { formatText, toLines } from '../server/src/analysis/reachability/format';

const SP: Span = { start: 0, end: 0 };
const TEAMS = ['red', 'blue', 'green', 'gold', 'black'];
const TIERS = ['web', 'api', 'worker', 'db', 'cache'];

function sel(labels: Record<string, string>): LabelSelector {
  return { matchLabels: Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' as const })), matchExpressions: [], span: SP };
}

const ns = (labels: Record<string, string>): AdminSelection => ({ namespaces: sel(labels), span: SP });
const pods = (nsLabels: Record<string, string>, podLabels: Record<string, string>): AdminSelection => ({
  pods: { namespaceSelector: sel(nsLabels), podSelector: sel(podLabels), span: SP },
  span: SP,
});

function rule(name: string, action: string, peers: AdminSelection[], ports?: AdminRule['ports']): AdminRule {
  return { name, action, actionSpan: SP, peers, ...(ports ? { ports } : {}), span: SP };
}

/** ANP `i` (priority i + 1); `variant` changes a port, as an edit would. */
export function benchAnp(i: number, variant: number, seed = 7): AdminPolicy {
  const rnd = prng(seed + i);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  const port = 5432 + variant;
  const shape = i % 5;
  const subject =
    shape === 0 ? ns({ team: pick(TEAMS) }) : shape === 1 ? pods({}, { tier: pick(TIERS) }) : shape === 2 ? ns({ env: pick(['prod', 'dev']) }) : pods({ team: pick(TEAMS) }, { tier: pick(TIERS) });
  const ingress: AdminRule[] = [];
  const egress: AdminRule[] = [];
  if (shape === 0) ingress.push(rule('deny-dev', 'Deny', [ns({ env: 'dev' })], [{ form: 'number', protocol: 'TCP', port, span: SP }]));
  if (shape === 1) {
    ingress.push(rule('allow-api', 'Allow', [pods({}, { tier: 'api' })], [{ form: 'named', protocol: 'TCP', name: 'http', span: SP }]));
    ingress.push(rule('pass-rest', 'Pass', [ns({})]));
  }
  if (shape === 2) egress.push(rule('deny-net', 'Deny', [{ networks: [{ value: `10.${i}.0.0/16`, span: SP }], span: SP }], [{ form: 'range', protocol: 'TCP', port: 1, endPort: port, span: SP }]));
  if (shape === 3) ingress.push(rule('monitoring', 'Pass', [ns({ 'kubernetes.io/metadata.name': 'ns-01' })], [{ form: 'named', protocol: 'TCP', name: 'metrics', span: SP }]));
  if (shape === 4) egress.push(rule('to-cache', 'Allow', [pods({ team: pick(TEAMS) }, { tier: 'cache' })], [{ form: 'number', protocol: 'TCP', port: 6379, span: SP }]));
  return {
    id: `anp${i}`,
    uri: `bench:///anp-${i}.yaml`,
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    name: `anp-${i}`,
    namespace: 'default',
    labels: [],
    span: SP,
    kindSpan: SP,
    nameSpan: SP,
    type: 'adminpolicy',
    priority: { value: i + 1, span: SP },
    subject,
    ingress,
    egress,
    issues: [],
  };
}

function benchBanp(): AdminPolicy {
  return {
    ...benchAnp(0, 0),
    id: 'banp',
    kind: 'BaselineAdminNetworkPolicy',
    name: 'default',
    priority: undefined,
    subject: ns({ env: 'prod' }),
    ingress: [rule('deny-dev', 'Deny', [ns({ env: 'dev' })])],
    egress: [],
  };
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const round = (x: number): number => Math.round(x * 100) / 100;

/**
 * Figures (ms): `reach` without I/O (engine built from the model, every pair, the text), and one
 * ANP edited through applyChange: the change alone, and the change followed by the allowed
 * sources of a workload it selects (what a hover asks), median and p95 over 50 edits.
 */
export function runAdminBench(): Record<string, number> {
  const ws = generateWorkspace({ isolation: 'strict' });
  const anps = Array.from({ length: 50 }, (_, i) => benchAnp(i, 0));
  const input = { ...ws.input, adminPolicies: [...anps, benchBanp()] };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const engine = new ReachabilityEngine(input);
  const text = formatText(toLines(engine.pairs()));
  const reachMs = performance.now() - t0;
  const reachCpuMs = process.cpuUsage(cpu0).user / 1000;

  const change: number[] = [];
  const changeCpu: number[] = [];
  const withHover: number[] = [];
  const peers = engine.peers();
  for (let e = 0; e < 50; e++) {
    const i = (e * 7) % anps.length;
    const next = benchAnp(i, e + 1);
    const s = performance.now();
    const c0 = process.cpuUsage();
    engine.applyChange({ removed: [anps[i]], added: [next] });
    change.push(performance.now() - s);
    changeCpu.push(process.cpuUsage(c0).user / 1000);
    anps[i] = next;
    engine.allowedFrom(peers[(e * 41) % peers.length]);
    withHover.push(performance.now() - s);
  }
  return {
    adminNetworkPolicies: anps.length,
    reachLines: text.split('\n').length - 1,
    reachMs: round(reachMs),
    /** CPU time of the same work (user), less sensitive to a shared machine than the wall clock. */
    reachCpuMs: round(reachCpuMs),
    anpEditApplyChangeMedianMs: round(percentile(change, 50)),
    anpEditApplyChangeP95Ms: round(percentile(change, 95)),
    anpEditApplyChangeCpuP95Ms: round(percentile(changeCpu, 95)),
    anpEditWithHoverMedianMs: round(percentile(withHover, 50)),
    anpEditWithHoverP95Ms: round(percentile(withHover, 95)),
  };
}
