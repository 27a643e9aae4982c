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

/**
 * The representatives named before and after each step by an analysis that follows the edits;
 * after each, they must be those of an analysis of the files read afresh.
 */
function followedAlike(files: Record<string, string>, steps: ReadonlyArray<[string, string]>): string[][] {
  const index = indexOf(files);
  const live = new Analysis(index);
  const seen = [names(live)];
  for (const [uri, text] of steps) {
    index.setFile(uri, text);
    files[uri] = text;
    const now = names(live);
    assert.deepEqual(now, names(new Analysis(indexOf(files))), `after editing ${uri}`);
    seen.push(now);
  }
  return seen;
}

describe('representatives a real pod stands for, across edits', () => {
  it('come back when the pod goes (its labels or its namespace labels change) and go again when it returns', () => {
    const files: Record<string, string> = { [U('policy')]: POLICY, [U('ns-b')]: ns('b', 'x'), [U('client')]: deployment('client', { ns: 'b', labels: { app: 'client' } }), [U('web')]: deployment('web', { ns: 'a' }) };
    const steps: Array<[string, string]> = [
      [U('client'), deployment('client', { ns: 'b', labels: { app: 'other' } })],
      [U('client'), deployment('client', { ns: 'b', labels: { app: 'client' } })],
      [U('ns-b'), ns('b', 'y')],
      [U('ns-b'), ns('b', 'x')],
      [U('web'), deployment('web', { ns: 'a', labels: { app: 'web2' } })],
    ];
    // The steps do show and hide it.
    assert.deepEqual(followedAlike(files, steps).map((n) => n.length > 0), [false, true, false, true, false, false]);
  });

  it('stay away while another pod still stands for them when the one that did goes', () => {
    // Reason: issue 11: an answer whose class is gone is looked for again at once among the
    // classes left, and the list is kept only when no answer turned.
    // Each in a class of its own (their labels differ but for app).
    const client = (name: string, app: string) => deployment(name, { ns: 'b', labels: { app, instance: name } });
    const files: Record<string, string> = { [U('policy')]: POLICY, [U('ns-b')]: ns('b', 'x'), [U('c1')]: client('c1', 'client'), [U('c2')]: y(client('c2', 'client'), '---', deployment('c2-side', { ns: 'b', labels: { app: 'side' } })), [U('web')]: deployment('web', { ns: 'a' }) };
    const steps: Array<[string, string]> = [
      [U('c1'), client('c1', 'other')],
      [U('c2'), y(client('c2', 'client'), '---', deployment('c2-side', { ns: 'b', labels: { app: 'side2' } }))],
      [U('c2'), client('c2', 'other')],
      [U('c1'), client('c1', 'client')],
    ];
    assert.deepEqual(followedAlike(files, steps).map((n) => n.length > 0), [false, false, false, true, false]);
  });
});

describe('representatives after a policy edit', () => {
  it('a policy edit that keeps its peers keeps the candidates without a pass over them; one that changes a peer does not; both name what a fresh analysis names', () => {
    // Reason: issue 11: after any policy edit the first verdict went over every candidate (real
    // pods, a sort: part of ~30 ms at L) to find the list unchanged, as it is when the peers are.
    const files: Record<string, string> = {
      [U('policy')]: POLICY,
      [U('other')]: netpol('other', ['podSelector: {}', 'ingress:', '  - from:', '      - podSelector:', '          matchLabels:', '            app: web'], 'b'),
      [U('ns-b')]: ns('b', 'x'),
      [U('client')]: deployment('client', { ns: 'b', labels: { app: 'client' } }),
      [U('web')]: deployment('web', { ns: 'a' }),
    };
    const index = indexOf(files);
    const live = new Analysis(index);
    names(live);
    const steps: Array<[string, string, boolean]> = [
      [U('policy'), POLICY.replace('podSelector: {}', 'podSelector:\n    matchLabels:\n      app: web'), false],
      [U('policy'), POLICY.replace('app: client', 'app: other'), true],
      [U('other'), netpol('other', ['podSelector:', '  matchLabels:', '    app: x', 'ingress:', '  - from:', '      - podSelector:', '          matchLabels:', '            app: web'], 'b'), false],
      [U('other'), '', true],
    ];
    for (const [uri, text, listed] of steps) {
      index.setFile(uri, text);
      files[uri] = text;
      assert.deepEqual(names(live), names(new Analysis(indexOf(files))), `after editing ${uri}`);
      assert.equal(live.reachability().openWorld().listedCandidates, listed, `after editing ${uri}`);
    }
  });
});
