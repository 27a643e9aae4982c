// k8s-netmap.yaml in the language server (SPEC §8): read at a folder's root under the editor's
// settings, re-read live when it changes on disk or in the editor, and an invalid file gets a
// diagnostic on it while everything else keeps working.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf, type Diagnostic } from './lspClient';

const codes = (d: Diagnostic[]) => d.map((x) => `${x.code}:${x.severity}`);

describe('language server with a k8s-netmap.yaml', { timeout: 60000 }, () => {
  let root: string;
  let config: string;
  let orphan: string;
  let client: TestClient;
  let editor: unknown = {};

  before(async () => {
    root = copyFixture('config-file');
    config = path.join(root, 'k8s-netmap.yaml');
    orphan = path.join(root, 'orphan.yaml');
    client = new TestClient(root, () => editor);
    await client.initialize();
    client.open(orphan);
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('applies the file: a rule it turns off is not reported', async () => {
    const d = await client.waitForDiagnostics(orphan);
    assert.deepEqual(codes(d), []);
  });

  it('re-reads the file when it changes on disk', async () => {
    fs.writeFileSync(config, 'rules:\n  service-selects-nothing: error\n');
    client.watched([{ file: config, type: 2 }]);
    await client.waitForDiagnostics(orphan, (d) => codes(d).join() === 'service-selects-nothing:1');
  });

  it('editor settings go over the file', async () => {
    editor = { rules: { 'service-selects-nothing': 'info' } };
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(orphan, (d) => codes(d).join() === 'service-selects-nothing:3');
    editor = {};
    await client.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await client.waitForDiagnostics(orphan, (d) => codes(d).join() === 'service-selects-nothing:1');
  });

  it('follows unsaved edits of the open file, and is not read as manifests', async () => {
    client.open(config);
    const own = await client.waitForDiagnostics(config);
    assert.deepEqual(codes(own), []);
    client.change(config, 'rules:\n  service-selects-nothing: info\n');
    await client.waitForDiagnostics(orphan, (d) => codes(d).join() === 'service-selects-nothing:3');
  });

  it('an invalid file gets config-invalid diagnostics at the bad values; its valid rest applies', async () => {
    client.change(config, 'rules:\n  service-selects-nothing: hint\nmaxFileSize: big\ncolour: blue\n');
    const d = await client.waitForDiagnostics(config, (x) => x.length === 2);
    assert.deepEqual(codes(d), ['config-invalid:1', 'config-invalid:2']);
    assert.deepEqual(d[0]!.range.start, { line: 2, character: 13 });
    assert.match(d[1]!.message, /Unknown setting 'colour'/);
    await client.waitForDiagnostics(orphan, (x) => codes(x).join() === 'service-selects-nothing:4');
    client.change(config, 'rules: [\n');
    const broken = await client.waitForDiagnostics(config, (x) => x.some((y) => /Not valid YAML/.test(y.message)));
    assert.ok(broken.every((x) => x.code === 'config-invalid'));
    await client.waitForDiagnostics(orphan, (x) => codes(x).join() === 'service-selects-nothing:2');
    assert.ok(client.alive(), 'the server is alive');
    const hover = await client.request<unknown>('textDocument/hover', { textDocument: { uri: uriOf(orphan) }, position: TestClient.positionOf(orphan, 'app: nobody') });
    assert.ok(hover, 'other features still answer');
  });
});
