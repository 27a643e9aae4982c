// Representatives stood for by a real pod, carried across edits (reachability/realPods.ts): after
// each edit the engine's open world names the same representatives as one built afresh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { deployment, indexOf, netpol, y } from './helpers';

const U = (name: string) => `file:///w/${name}.yaml`;
const ns = (name: string, team: string) => y('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${name}`, '  labels:', `    team: ${team}`);
/** Admits pods labelled app=client from namespaces labelled team=x: a representative a real pod can stand for. */
const POLICY = netpol('web', ['podSelector: {}', 'ingress:', '  - from:', '      - namespaceSelector:', '          matchLabels:', '            team: x', '        podSelector:', '          matchLabels:', '            app: client'], 'a');

const names = (a: Analysis) => a.reachability().openWorld().representatives().map((r) => r.name);

describe('representatives a real pod stands for, across edits', () => {
  it('come back when the pod goes (its labels or its namespace labels change) and go again when it returns', () => {
    const files: Record<string, string> = { [U('policy')]: POLICY, [U('ns-b')]: ns('b', 'x'), [U('client')]: deployment('client', { ns: 'b', labels: { app: 'client' } }), [U('web')]: deployment('web', { ns: 'a' }) };
    const index = indexOf(files);
    const live = new Analysis(index);
    assert.deepEqual(names(live), []);
    const steps: Array<[string, string]> = [
      [U('client'), deployment('client', { ns: 'b', labels: { app: 'other' } })],
      [U('client'), deployment('client', { ns: 'b', labels: { app: 'client' } })],
      [U('ns-b'), ns('b', 'y')],
      [U('ns-b'), ns('b', 'x')],
      [U('web'), deployment('web', { ns: 'a', labels: { app: 'web2' } })],
    ];
    const seen: string[][] = [];
    for (const [uri, text] of steps) {
      index.setFile(uri, text);
      files[uri] = text;
      const now = names(live);
      assert.deepEqual(now, names(new Analysis(indexOf(files))), `after editing ${uri}`);
      seen.push(now);
    }
    // The steps do show and hide it.
    assert.deepEqual(seen.map((n) => n.length > 0), [true, false, true, false, false]);
  });
});
