// Namespace label edits on the reach benchmark's workspace (2,000 workloads, 500 NetworkPolicies,
// 50 namespaces, given as Namespace objects): the CPU time of applyChange for one edited
// Namespace, median and p95 over 100 edits that change a label some policies select on (env or
// team) or one none does. Prints nothing; returns figures for `npm run bench`.

import { ReachabilityEngine } from '../server/src/analysis/reachability/engine';
import type { LabelEntry, Namespace, Span } from '../server/src/model/types';
import { generateWorkspace } from './reachBench';

const SP: Span = { start: 0, end: 0 };

function namespaceObject(name: string, labels: Record<string, string>, variant: number): Namespace {
  const entries: LabelEntry[] = Object.entries(labels).map(([key, value]) => ({ key, value, keySpan: SP, valueSpan: SP, valueKind: 'string' }));
  return { id: `Namespace/${name}#${variant}`, uri: `bench:///${name}/namespace.yaml`, apiVersion: 'v1', kind: 'Namespace', name, namespace: '', labels: entries, span: SP, kindSpan: SP, nameSpan: SP, type: 'namespace' };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
}

/** CPU milliseconds (user + system) of one call. */
function cpuMs(f: () => void): number {
  const before = process.cpuUsage();
  f();
  const d = process.cpuUsage(before);
  return (d.user + d.system) / 1000;
}

export function runNamespaceEditBench(isolation: 'strict' | 'sparse' = 'strict'): Record<string, number> {
  const ws = generateWorkspace({ isolation });
  const labels = new Map(ws.input.namespaceLabels);
  const held = new Map<string, Namespace>();
  for (const [name, l] of labels) held.set(name, namespaceObject(name, l, 0));
  const engine = new ReachabilityEngine({ ...ws.input, namespaces: [...held.values()] });
  for (const _ of engine.pairs()); // every row built, as after the first `reach`
  const names = [...held.keys()];
  const times: number[] = [];
  let rechecked = 0;
  for (let e = 0; e < 100; e++) {
    const name = names[(e * 7) % names.length];
    const next = { ...labels.get(name)! };
    if (e % 3 === 0) next.env = next.env === 'prod' ? 'dev' : 'prod';
    else if (e % 3 === 1) next.team = next.team === 'red' ? 'gold' : 'red';
    else next.rollout = String(e); // a label no policy selects on
    labels.set(name, next);
    const ns = namespaceObject(name, next, e + 1);
    const old = held.get(name)!;
    held.set(name, ns);
    times.push(cpuMs(() => engine.applyChange({ removed: [old], added: [ns] })));
    rechecked += engine.lastUpdate.policiesRechecked ?? NaN;
  }
  return {
    namespaceEditCpuMedianMs: Math.round(quantile(times, 0.5) * 100) / 100,
    namespaceEditCpuP95Ms: Math.round(quantile(times, 0.95) * 100) / 100,
    namespaceEditPoliciesRecheckedMean: rechecked / times.length,
  };
}
