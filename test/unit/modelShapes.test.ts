// The reader's model objects share V8 hidden classes (yaml/parseFile.ts `readObject`): objects of
// the same kind and keys must not each carry a class of their own, which cost a fifth of the
// model's memory at 50k objects. Checked with V8's own %HaveSameMap, enabled for this file only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parseFile } from '../../server/src/yaml/parseFile';
import type { K8sObject, NetworkPolicy, Service, Workload } from '../../server/src/model/types';
import { deployment, netpol, service } from './helpers';

v8.setFlagsFromString('--allow-natives-syntax');
// The only way to reach a V8 intrinsic from a test.
const haveSameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;

function objectsOf(text: string, fast: boolean): K8sObject[] {
  return parseFile('file:///w/a.yaml', text, { fast }).objects;
}

// A workspace's variety: optional fields present or not, in several orders of reading. A hidden class
// per object shows only once the reader has seen varied objects (a few alike ones share theirs anyway).
function variedWorkspace(): string {
  const servicePorts = [['- port: 80'], ['- port: 80', '  targetPort: http'], ['- name: web', '  port: 80', '  targetPort: 8080', '  protocol: UDP'], ['- port: 80', '  nodePort: 30080']];
  const containerPorts = [['- containerPort: 8080'], ['- containerPort: 8080', '  name: http'], ['- containerPort: 53', '  protocol: UDP']];
  const peers = [['      - podSelector: {matchLabels: {app: web}}'], ['      - namespaceSelector: {}'], ['      - ipBlock: {cidr: 10.0.0.0/8}'], ['      - namespaceSelector: {}', '        podSelector: {}']];
  let text = '';
  for (let i = 0; i < 48; i++) {
    const ns = i % 2 ? 'shop' : undefined;
    text += deployment(`web${i}`, { ns, ports: containerPorts[i % 3]! });
    text += service(`web${i}`, { ns, ports: servicePorts[i % 4]! });
    text += netpol(`p${i}`, ['podSelector: {}', 'ingress:', '  - from:', ...peers[i % 4]!, ...(i % 3 ? ['    ports:', '      - port: 80'] : [])], ns);
  }
  return text;
}

/** The last two objects with the same keys among `objects`. */
function lastAlike(objects: object[]): [object, object] {
  const last = objects[objects.length - 1]!;
  const keys = Object.keys(last).join();
  const before = objects.slice(0, -1).reverse().find((o) => Object.keys(o).join() === keys);
  assert.ok(before, `no two objects with keys ${keys}`);
  return [before, last];
}

describe('model objects share their hidden classes', () => {
  for (const fast of [true, false]) {
    it(`objects, ports, containers, rules and peers with the same keys (${fast ? 'cold reader' : 'yaml'})`, () => {
      const objects = objectsOf(variedWorkspace(), fast);
      const services = objects.filter((o): o is Service => o.type === 'service');
      const workloads = objects.filter((o): o is Workload => o.type === 'workload');
      const policies = objects.filter((o): o is NetworkPolicy => o.type === 'networkpolicy');
      const containers = workloads.flatMap((w) => w.containers);
      const rules = policies.flatMap((p) => p.ingress);
      for (const group of [services, services.flatMap((s) => s.ports), workloads, containers, containers.flatMap((c) => c.ports), policies, rules, rules.flatMap((r) => r.peers ?? [])]) {
        const [a, b] = lastAlike(group);
        assert.ok(haveSameMap(a, b), `not one hidden class: ${Object.keys(a).join(',')}`);
      }
    });
  }
});

// The reader's arrays are kept at their length (model/fitArrays.ts): an array grown by push keeps
// room for 17 elements or more, for good. Measured as heap: what parseFile returns must hold no more
// than the same models with every array copied at its length by `map` (the control).
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

/** Heap held by what `make` returns, after full collections. */
function heapHeldBy(make: () => unknown): { held: unknown; bytes: number } {
  collect();
  collect();
  const before = process.memoryUsage().heapUsed;
  const held = make();
  collect();
  collect();
  return { held, bytes: process.memoryUsage().heapUsed - before };
}

/** Replaces every non-empty array under `value` by a copy made by `map` (at its length); counts them. */
function copyArraysAtLength(value: unknown, count: { arrays: number }): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    if (value.length === 0) return value;
    count.arrays++;
    return value.map((v: unknown) => copyArraysAtLength(v, count));
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const record = value as Record<string, unknown>;
  for (const key in record) record[key] = copyArraysAtLength(record[key], count);
  return value;
}

describe('model arrays at their length', () => {
  for (const fast of [true, false]) {
    it(`parseFile holds no more heap than its models with arrays copied at their length (${fast ? 'cold reader' : 'yaml'})`, () => {
      const text = variedWorkspace();
      const copies = 60;
      // Warmed up first, and the smaller of two measurements each: the first calls allocate code and
      // feedback on the heap, which would count against whichever is measured first.
      for (let i = 0; i < 3; i++) copyArraysAtLength(parseFile(`file:///w/w${i}.yaml`, text, { fast }), { arrays: 0 });
      const measure = (make: () => unknown) => {
        const first = heapHeldBy(make);
        const second = heapHeldBy(make);
        return first.bytes <= second.bytes ? first : second;
      };
      const parsed = measure(() => Array.from({ length: copies }, (_, i) => parseFile(`file:///w/f${i}.yaml`, text, { fast })));
      let count = { arrays: 0 };
      const control = measure(() => {
        count = { arrays: 0 };
        return Array.from({ length: copies }, (_, i) => copyArraysAtLength(parseFile(`file:///w/g${i}.yaml`, text, { fast }), count));
      });
      assert.ok(count.arrays > 10_000, `only ${count.arrays} arrays`);
      // An array grown by push has room for 17 elements (8 bytes each) where most hold one to three:
      // about 80 bytes more per array here; fitted, the two differ by about 10 (line starts, noise).
      assert.ok(parsed.bytes < control.bytes + 24 * count.arrays, `parseFile ${parsed.bytes} B, control ${control.bytes} B, ${count.arrays} arrays`);
      assert.ok(parsed.held && control.held);
    });
  }
});
