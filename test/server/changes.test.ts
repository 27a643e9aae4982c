// The editor side of the connectivity diff over stdio: the code lens saying what an unsaved edit
// of a NetworkPolicy opens or closes versus the saved file, and the connectivity changes request
// (workspace vs a git revision) with its causes. Git cases are skipped (with the reason) without git.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CONNECTIVITY_CHANGES_REQUEST, type ConnectivityChangesResult } from '../../server/src/protocol';
import { TestClient, uriOf } from './lspClient';
import { deployment, git, hasGit } from '../unit/diffFixtures';

const APP = [deployment('web', 'shop', [80, 81]), deployment('api', 'shop'), deployment('batch', 'shop')].join('---\n');

function policy(from: string[], ports: number[]): string {
  return [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web-in, namespace: shop}',
    'spec:',
    '  podSelector: {matchLabels: {app: web}}',
    '  policyTypes: [Ingress]',
    '  ingress:',
    `  - from: [${from.map((a) => `{podSelector: {matchLabels: {app: ${a}}}}`).join(', ')}]`,
    `    ports: [${ports.map((p) => `{port: ${p}}`).join(', ')}]`,
    '',
  ].join('\n');
}



interface Lens {
  range: { start: { line: number } };
  command?: { title: string };
}

describe('connectivity changes in the editor', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let pol: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-changes-'));
    fs.writeFileSync(path.join(root, 'app.yaml'), APP);
    pol = path.join(root, 'policy.yaml');
    fs.writeFileSync(pol, policy(['api'], [80]));
    client = new TestClient(root);
    await client.initialize();
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const lensTitles = async (): Promise<string[]> => {
    const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri: uriOf(pol) } });
    return lenses.map((l) => l.command?.title ?? '');
  };

  /** Polls until the "unsaved edit" lens title satisfies `test` ('' when there is none; the edit is indexed after a short debounce). */
  async function waitForLens(test: (t: string) => boolean): Promise<string> {
    const deadline = Date.now() + 15000;
    for (;;) {
      const titles = await lensTitles();
      const found = titles.find((t) => t.startsWith('unsaved edit')) ?? '';
      if (test(found)) return found;
      if (Date.now() > deadline) throw new Error(`no matching lens; last: ${JSON.stringify(titles)}\n${client.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('says what the unsaved edit of a NetworkPolicy opens and closes', async () => {
    client.open(pol);
    await client.waitForDiagnostics(pol);
    assert.ok(!(await lensTitles()).some((t) => t.startsWith('unsaved edit')), 'no lens while the text equals the saved file');
    // +batch as a source, port 80 → 81 for api
    client.change(pol, policy(['api', 'batch'], [81]));
    const title = await waitForLens((t) => t !== '');
    assert.equal(title, 'unsaved edit: +1 source, +1 port, −1 port (vs saved)');
    // back to the saved text: the lens goes away
    client.change(pol, policy(['api'], [80]));
    assert.equal(await waitForLens((t) => t === ''), '');
    // dropping api as a source
    client.change(pol, policy(['batch'], [80]));
    assert.equal(await waitForLens((t) => t !== ''), 'unsaved edit: +1 source, −1 source (vs saved)');
    client.change(pol, policy(['api'], [80]));
    await waitForLens((t) => t === '');
  });

  it('recomputes the saved state when another file changes', async () => {
    client.change(pol, policy(['api', 'batch'], [80]));
    assert.equal(await waitForLens((t) => t !== ''), 'unsaved edit: +1 source (vs saved)');
    // on disk: batch goes, api2 (labelled app: api) comes; both the saved and the edited policy admit api2
    const app = path.join(root, 'app.yaml');
    const api2 = deployment('api2', 'shop').replace(/app: api2/g, 'app: api');
    fs.writeFileSync(app, [deployment('web', 'shop', [80, 81]), deployment('api', 'shop'), api2].join('---\n'));
    client.watched([{ file: app, type: 2 }]);
    assert.equal(await waitForLens((t) => t !== 'unsaved edit: +1 source (vs saved)'), 'unsaved edit: no change in connectivity (vs saved)');
    fs.writeFileSync(app, APP);
    client.watched([{ file: app, type: 2 }]);
    client.change(pol, policy(['api'], [80]));
    await waitForLens((t) => t === '');
  });

  it('says why there are no connectivity changes outside a git repository', async () => {
    const r = await client.request<ConnectivityChangesResult>(CONNECTIVITY_CHANGES_REQUEST, { ref: 'HEAD' });
    assert.match(r.error ?? '', /not inside a git repository/);
  });

  it('lists the changes against HEAD grouped by workload, each with the object that causes it', async (t) => {
    if (!hasGit()) {
      console.log('# skipped: git is not installed');
      t.skip('git is not installed');
      return;
    }
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-qm', 'one');
    // the workspace (open document, unsaved) admits batch too
    client.change(pol, policy(['api', 'batch'], [80]));
    await waitForLens((x) => x !== '');
    const r = await client.request<ConnectivityChangesResult>(CONNECTIVITY_CHANGES_REQUEST, { ref: 'HEAD' });
    assert.equal(r.error, undefined);
    assert.deepEqual(r.counts, { added: 1, removed: 0, changed: 0 });
    assert.equal(r.groups.length, 1);
    assert.equal(r.groups[0]!.workload, 'shop/web[Deployment]');
    const change = r.groups[0]!.changes[0]!;
    assert.deepEqual([change.diffType, change.src, change.dst, change.ref1, change.ref2], ['added', 'shop/batch[Deployment]', 'shop/web[Deployment]', 'No Connections', 'TCP 80']);
    assert.equal(change.causes[0]?.uri, uriOf(pol));
    assert.equal(change.causes[0]?.range.start.line, 1);
    assert.match(change.causes[0]!.label, /^NetworkPolicy shop\/web-in modified: ingress policy of shop\/web\[Deployment\]/);
    const unknown = await client.request<ConnectivityChangesResult>(CONNECTIVITY_CHANGES_REQUEST, { ref: 'nope' });
    assert.match(unknown.error ?? '', /unknown revision 'nope'/);
  });
});
