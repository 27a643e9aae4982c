// The reader's model objects share V8 hidden classes (yaml/parseFile.ts `readObject`): objects of
// the same kind and keys must not each carry a class of their own, which cost a fifth of the
// model's memory at 50k objects. Checked with V8's own %HaveSameMap, enabled for this file only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as v8 from 'node:v8';
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
