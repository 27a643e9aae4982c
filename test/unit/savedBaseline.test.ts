// The saved state of the "unsaved edit" lens (server/src/lsp/savedBaseline.ts): a mirror of the
// live index with the edited file's saved text, kept up to date incrementally. Each step compares
// its engine with one built from scratch for the state it must stand for, and checks that only a
// bulk load of the live index makes it start over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diffConnectivity, diffRows, sideOf } from '../../server/src/analysis/diff';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { SavedBaseline, textHash } from '../../server/src/lsp/savedBaseline';
import { deployment } from './diffFixtures';

const APP = 'file:///ws/app.yaml';
const POL = 'file:///ws/policy.yaml';
const OTHER = 'file:///ws/other-policy.yaml';

function policy(name: string, target: string, from: string[]): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    `metadata: {name: ${name}, namespace: shop}`,
    'spec:',
    `  podSelector: {matchLabels: {app: ${target}}}`,
    '  policyTypes: [Ingress]',
    `  ingress: [{from: [${from.map((a) => `{podSelector: {matchLabels: {app: ${a}}}}`).join(', ')}]}]`,
    '',
  ].join('\n');
}

function indexOf(files: Record<string, string>): WorkspaceIndex {
  const index = new WorkspaceIndex();
  index.bulk(() => {
    for (const [uri, text] of Object.entries(files)) index.setFile(uri, text);
  });
  return index;
}

/** The connection rows in which `analysis` differs from a fresh analysis of `files` (none when it stands for them). */
function differences(analysis: Analysis, files: Record<string, string>): string[] {
  const fresh = new Analysis(indexOf(files)).reachability();
  return diffRows(diffConnectivity(sideOf(fresh), sideOf(analysis.reachability()))).map((r) => `${r.diffType} ${r.src} -> ${r.dst}`);
}

const apps = (...names: string[]) => names.map((n) => deployment(n, 'shop', [80])).join('---\n');

describe('SavedBaseline', () => {
  it('stands for the saved file while the live one is edited, follows every other file incrementally, and starts over only after a bulk load', () => {
    const saved = { [APP]: apps('web', 'api', 'batch'), [POL]: policy('web-in', 'web', ['api']), [OTHER]: policy('api-in', 'api', ['web']) };
    const live = indexOf(saved);
    const baseline = new SavedBaseline();
    baseline.warm(live);
    assert.equal(baseline.builds, 1);

    // An unsaved edit of the policy: the baseline keeps the saved text.
    live.setFile(POL, policy('web-in', 'web', ['api', 'batch']));
    let a = baseline.analysisFor(live, POL, saved[POL], { helmTemplate: false });
    assert.deepEqual(differences(a, saved), []);
    assert.notDeepEqual(differences(a, { ...saved, [POL]: policy('web-in', 'web', ['api', 'batch']) }), [], 'the edit is not in the baseline');
    // More keystrokes: still the saved text.
    live.setFile(POL, policy('web-in', 'web', ['batch']));
    a = baseline.analysisFor(live, POL, saved[POL], { helmTemplate: false });
    assert.deepEqual(differences(a, saved), []);

    // Another file changes on disk: the baseline follows it without a rebuild.
    const app2 = apps('web', 'api', 'batch', 'cron');
    live.setFile(APP, app2);
    a = baseline.analysisFor(live, POL, saved[POL], { helmTemplate: false });
    assert.deepEqual(differences(a, { ...saved, [APP]: app2 }), []);

    // The edit is saved and editing goes on: the baseline follows the new saved text.
    const saved2 = policy('web-in', 'web', ['api', 'batch']);
    live.setFile(POL, policy('web-in', 'web', []));
    a = baseline.analysisFor(live, POL, saved2, { helmTemplate: false });
    assert.deepEqual(differences(a, { ...saved, [APP]: app2, [POL]: saved2 }), []);

    // The lens moves to another file: the first file is the live one again, the second the saved one.
    live.setFile(OTHER, policy('api-in', 'api', ['web', 'cron']));
    a = baseline.analysisFor(live, OTHER, saved[OTHER], { helmTemplate: false });
    assert.deepEqual(differences(a, { [APP]: app2, [POL]: policy('web-in', 'web', []), [OTHER]: saved[OTHER] }), []);

    // A file that goes away leaves the baseline too.
    live.removeFile(APP);
    a = baseline.analysisFor(live, OTHER, saved[OTHER], { helmTemplate: false });
    assert.deepEqual(differences(a, { [POL]: policy('web-in', 'web', []), [OTHER]: saved[OTHER] }), []);
    assert.equal(baseline.builds, 1, 'no rebuild for edits');

    // A bulk load (a rescan) makes it start over.
    live.bulk(() => live.setFile(APP, apps('web')));
    a = baseline.analysisFor(live, OTHER, saved[OTHER], { helmTemplate: false });
    assert.deepEqual(differences(a, { [APP]: apps('web'), [POL]: policy('web-in', 'web', []), [OTHER]: saved[OTHER] }), []);
    assert.equal(baseline.builds, 2);
  });

  it('warm pins the open file as it is only while the index still holds the parse taken when it equalled the disk', () => {
    const saved = { [APP]: apps('web', 'api', 'batch'), [POL]: policy('web-in', 'web', ['api']) };
    const edited = policy('web-in', 'web', ['api', 'batch']);

    const live = indexOf(saved);
    const baseline = new SavedBaseline();
    baseline.warm(live, { uri: POL, hash: textHash(saved[POL]), parsed: live.file(POL)! });
    live.setFile(POL, edited);
    assert.deepEqual(differences(baseline.analysisFor(live, POL, saved[POL], { helmTemplate: false }), saved), []);

    // The file was edited between the capture and the warm-up: nothing is pinned, the saved text is read.
    const live2 = indexOf(saved);
    const stale = live2.file(POL)!;
    live2.setFile(POL, edited);
    const baseline2 = new SavedBaseline();
    baseline2.warm(live2, { uri: POL, hash: textHash(saved[POL]), parsed: stale });
    assert.deepEqual(differences(baseline2.analysisFor(live2, POL, saved[POL], { helmTemplate: false }), saved), []);
  });
});
