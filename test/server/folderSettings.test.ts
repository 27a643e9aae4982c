// Per-folder settings over stdio: two workspace folders with the same files, and the client answers
// `workspace/configuration` differently for each folder's `scopeUri` (as VS Code does for
// resource-scoped settings in a multi-root window).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf, type Diagnostic } from './lspClient';

const codes = (d: Diagnostic[]) => d.map((x) => x.code);

describe('language server with two workspace folders and their own settings', { timeout: 60000 }, () => {
  let root: string;
  let teamA: string;
  let teamB: string;
  let client: TestClient;
  const scopesAsked: Array<string | undefined> = [];

  before(async () => {
    root = copyFixture('two-folders');
    teamA = path.join(root, 'team-a');
    teamB = path.join(root, 'team-b');
    const teamBSettings = { rules: { 'service-selects-nothing': 'off' }, defaultNamespace: 'team-b', exclude: ['ignored/**'] };
    client = new TestClient(
      root,
      (scopeUri: string | undefined) => {
        scopesAsked.push(scopeUri);
        return scopeUri === uriOf(teamB) ? teamBSettings : {};
      },
      [teamA, teamB],
    );
    await client.initialize();
    for (const team of [teamA, teamB]) for (const f of ['orphan.yaml', 'ingress.yaml']) client.open(path.join(team, f));
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('asks for the settings of each folder by its scopeUri', async () => {
    await client.waitForDiagnostics(path.join(teamB, 'orphan.yaml'));
    assert.ok(scopesAsked.includes(uriOf(teamA)), JSON.stringify(scopesAsked));
    assert.ok(scopesAsked.includes(uriOf(teamB)), JSON.stringify(scopesAsked));
  });

  it("applies a folder's rule severities to its files only", async () => {
    const a = await client.waitForDiagnostics(path.join(teamA, 'orphan.yaml'), (d) => d.length > 0);
    assert.deepEqual(codes(a), ['service-selects-nothing']);
    const b = await client.waitForDiagnostics(path.join(teamB, 'orphan.yaml'));
    assert.deepEqual(codes(b), [], JSON.stringify(b));
  });

  it("gives objects without a namespace the folder's default namespace", async () => {
    const a = await client.waitForDiagnostics(path.join(teamA, 'ingress.yaml'), (d) => d.length > 0);
    assert.deepEqual(codes(a), ['ingress-service-missing']);
    assert.match(a[0]!.message, /namespace 'default'/);
    const b = await client.waitForDiagnostics(path.join(teamB, 'ingress.yaml'));
    assert.deepEqual(codes(b), [], JSON.stringify(b));
  });

  it("skips the files a folder's exclude globs name, relative to that folder", async () => {
    await client.waitForDiagnostics(path.join(teamB, 'orphan.yaml'));
    const hoverOn = (team: string) => {
      const file = path.join(team, 'ignored', 'broken.yaml');
      return client.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: uriOf(file) },
        position: TestClient.positionOf(file, 'app: api', 5),
      });
    };
    const indexed = await hoverOn(teamA);
    assert.ok(indexed, 'team-a/ignored/broken.yaml is read');
    assert.match(indexed.contents.value, /Service\*\* `team-b\/ignored`/);
    assert.equal(await hoverOn(teamB), null, 'team-b/ignored/broken.yaml is excluded');
  });
});
