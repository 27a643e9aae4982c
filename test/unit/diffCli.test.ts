// `k8s-netmap diff` on the command line: folders, `--base`/`--head` in a temporary git repository,
// formats, --fail-on, usage errors. Git cases are skipped (with the reason) where git is missing.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { URI } from 'vscode-uri';
import { main } from '../../server/src/cli/main';
import { loadPaths } from '../../server/src/index/files';
import { gitToplevel, indexRevision, reuseFromIndex } from '../../server/src/index/gitTree';
import { y } from './helpers';
import { deployment, git, hasGit } from './diffFixtures';

async function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), cwd, readStdin: async () => '' });
  return { code, stdout, stderr };
}

const WEB = `${deployment('web', 'shop', [80])}---\n${deployment('api', 'shop', [8080])}`;
const DENY = y(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: default-deny, namespace: shop}',
  'spec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
);



let tmp = '';
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-diff-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('diff <dir1> <dir2>', () => {
  it('prints the connections that removing a default-deny opens; --fail-on decides the exit code', async () => {
    const a = path.join(tmp, 'a');
    const b = path.join(tmp, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'app.yaml'), WEB);
    fs.writeFileSync(path.join(a, 'deny.yaml'), DENY);
    fs.writeFileSync(path.join(b, 'app.yaml'), WEB);
    const r = await run(['diff', 'a', 'b'], tmp);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Connectivity diff:\n/);
    assert.ok(r.stdout.includes('diff-type: added, source: shop/api[Deployment], destination: shop/web[Deployment], ref1: No Connections, ref2: All Connections\n'));
    assert.equal((await run(['diff', 'a', 'b', '--fail-on', 'added'], tmp)).code, 1);
    assert.equal((await run(['diff', 'b', 'a', '--fail-on', 'added'], tmp)).code, 0, 'closing is not adding');
    assert.equal((await run(['diff', 'a', 'b', '--fail-on=exposure-added'], tmp)).code, 1, 'addresses reach web now');
    const json = JSON.parse((await run(['diff', 'a', 'b', '-o', 'json'], tmp)).stdout) as Array<Record<string, string>>;
    assert.ok(json.some((row) => row.diffType === 'added' && row.src === 'shop/api[Deployment]' && row.ref2 === 'All Connections'));
  });

  it('refuses bad usage with exit 2 and answers -h with exit 0', async () => {
    assert.equal((await run(['diff', 'a'], tmp)).code, 2);
    assert.equal((await run(['diff', 'a', 'b', '--bogus', 'x'], tmp)).code, 2);
    assert.equal((await run(['diff', 'a', 'b', '-o', 'csv'], tmp)).code, 2);
    assert.equal((await run(['diff', '--head', 'HEAD', '.'], tmp)).code, 2);
    const help = await run(['diff', '-h'], tmp);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--base/);
  });
});

describe('diff --base / --head (git)', () => {
  if (!hasGit()) {
    it('git cases', (t) => {
      console.log('# skipped: git is not installed');
      t.skip('git is not installed');
    });
    return;
  }

  it('compares the working tree with a revision without touching it, and two revisions', async () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, 'k8s'), { recursive: true });
    git(repo, 'init', '-q');
    fs.writeFileSync(path.join(repo, 'k8s', 'app.yaml'), WEB);
    fs.writeFileSync(path.join(repo, 'k8s', 'deny.yaml'), DENY);
    fs.writeFileSync(path.join(repo, 'README.md'), 'not a manifest\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'one');
    // edit a policy in the working tree: the deny keeps only Egress
    fs.writeFileSync(path.join(repo, 'k8s', 'deny.yaml'), DENY.replace('policyTypes: [Ingress, Egress]', 'policyTypes: [Egress]'));
    const statusBefore = git(repo, 'status', '--porcelain');
    const indexBefore = fs.readFileSync(path.join(repo, '.git', 'index'));

    const r = await run(['diff', '--base', 'HEAD'], repo);
    assert.equal(r.code, 0, r.stderr);
    // ingress is open now, but api's egress is still denied: only addresses reach the pods
    assert.deepEqual(r.stdout.trim().split('\n'), [
      'Connectivity diff:',
      'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: shop/api[Deployment], ref1: No Connections, ref2: All Connections',
      'diff-type: added, source: 0.0.0.0-255.255.255.255[External], destination: shop/web[Deployment], ref1: No Connections, ref2: All Connections',
    ]);
    assert.equal(git(repo, 'status', '--porcelain'), statusBefore, 'working tree untouched');
    assert.ok(fs.readFileSync(path.join(repo, '.git', 'index')).equals(indexBefore), 'git index untouched');

    // a path inside the repository, from another working folder
    const sub = await run(['diff', '--base', 'HEAD', path.join(repo, 'k8s')], tmp);
    assert.equal(sub.stdout, r.stdout);

    // two revisions
    git(repo, 'commit', '-qam', 'two');
    const two = await run(['diff', '--base', 'HEAD~1', '--head', 'HEAD'], repo);
    assert.equal(two.stdout, r.stdout);
    assert.equal((await run(['diff', '--base', 'HEAD', '--head', 'HEAD'], repo)).stdout, '');

    const md = await run(['diff', '--base', 'HEAD~1', '-o', 'md'], repo);
    assert.match(md.stdout, /^### Connectivity changes: HEAD~1 \([0-9a-f]{7}\) → working tree\n/);
  });

  it('shares the working tree parse of files unchanged since the revision', async () => {
    const repo = path.join(tmp, 'repo');
    const { index: worktree } = await loadPaths([repo], repo);
    const reuse = reuseFromIndex(worktree, (p) => fs.readFileSync(p));
    assert.ok(reuse, 'no kustomization: reuse allowed');
    const top = await gitToplevel(repo);
    // HEAD has the edited deny.yaml committed (previous test); HEAD~1 has the original
    const old = await indexRevision(top, 'HEAD~1', [repo], {}, undefined, undefined, reuse);
    const uri = (f: string) => URI.file(path.join(top, 'k8s', f)).toString();
    assert.equal(old.index.file(uri('app.yaml')), worktree.file(uri('app.yaml')), 'unchanged: shared');
    assert.ok(old.index.file(uri('deny.yaml')), 'changed: read from git');
    assert.notEqual(old.index.file(uri('deny.yaml')), worktree.file(uri('deny.yaml')));
    assert.equal(old.index.networkPolicies()[0]?.policyTypes.join(','), 'Ingress,Egress');
    assert.equal(old.fileCount, 2);
  });

  it('says clearly when there is no repository or no such revision', async () => {
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'app.yaml'), WEB);
    const outside = await run(['diff', '--base', 'HEAD'], plain);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /is not inside a git repository/);
    const unknown = await run(['diff', '--base', 'no-such-branch'], path.join(tmp, 'repo'));
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown revision 'no-such-branch'/);
    const savedPath = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-such-bin');
    try {
      const noGit = await run(['diff', '--base', 'HEAD'], path.join(tmp, 'repo'));
      assert.equal(noGit.code, 2);
      assert.match(noGit.stderr, /git is not installed/);
    } finally {
      process.env.PATH = savedPath;
    }
    const option = await run(['diff', '--base=--output=/tmp/x'], path.join(tmp, 'repo'));
    assert.equal(option.code, 2);
    assert.match(option.stderr, /is not a revision/);
  });
});
