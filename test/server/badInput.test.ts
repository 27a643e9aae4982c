// Bad input never takes the server down (SPEC §9): a syntax error, an alias bomb, a Helm template,
// a binary file, a 50 MB file, a file deleted while indexing and a deleted folder. Every other
// file keeps its diagnostics.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf, type Diagnostic } from './lspClient';

const codes = (d: Diagnostic[]) => d.map((x) => x.code);

describe('language server on bad input', { timeout: 90000 }, () => {
  let root: string;
  let client: TestClient;

  before(async () => {
    root = copyFixture('bad-input');
    const bin = Buffer.alloc(4096);
    for (let i = 0; i < bin.length; i++) bin[i] = (i * 37) % 256;
    fs.writeFileSync(path.join(root, 'binary.yaml'), bin);
    // 50 MB of valid-looking manifests in one file.
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  key: ' + 'x'.repeat(1000) + '\n---\n';
    fs.writeFileSync(path.join(root, 'huge.yaml'), doc.repeat(Math.ceil(50e6 / doc.length)));
    // Many files, one of which is deleted while the server indexes.
    fs.mkdirSync(path.join(root, 'many'));
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(root, 'many', `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n`);
    client = new TestClient(root);
    await client.initialize();
    fs.rmSync(path.join(root, 'many', 'cm-150.yaml'));
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('keeps the good file’s diagnostics', async () => {
    const d = await client.waitForDiagnostics(path.join(root, 'good.yaml'), (x) => x.length > 0);
    assert.deepEqual(codes(d), ['service-selects-nothing']);
    assert.ok(client.alive());
  });

  it('reports a syntax error where the parser found it, not on line 1', async () => {
    const file = path.join(root, 'broken.yaml');
    const d = await client.waitForDiagnostics(file, (x) => x.length > 0);
    assert.ok(codes(d).every((c) => c === 'yaml-syntax'), JSON.stringify(d));
    assert.ok(d.some((x) => x.range.start.line >= 5), JSON.stringify(d.map((x) => x.range)));
  });

  it('reads an alias bomb without expanding it', async () => {
    const file = path.join(root, 'bomb.yaml');
    client.open(file);
    const d = await client.waitForDiagnostics(file);
    assert.ok(!codes(d).includes('yaml-syntax'));
    const hover = await client.request('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: TestClient.positionOf(file, 'bombed') });
    assert.ok(hover, 'the bombed Deployment still answers a hover');
  });

  it('skips a Helm chart with one note (on its Chart.yaml) and no syntax error', async () => {
    // SPEC §2: a chart folder is a unit, skipped with one note per chart.
    const d = await client.waitForDiagnostics(path.join(root, 'chart', 'Chart.yaml'), (x) => x.length > 0);
    assert.deepEqual(codes(d), ['helm-template-skipped']);
    assert.equal(d[0]!.range.start.line, 0);
    assert.equal(client.diagnostics.get(uriOf(path.join(root, 'chart', 'templates', 'service.yaml'))), undefined);
  });

  it('says why a binary file and a 50 MB file are not read', async () => {
    const bin = await client.waitForDiagnostics(path.join(root, 'binary.yaml'), (x) => x.length > 0);
    assert.deepEqual(codes(bin), ['file-not-read']);
    assert.match(bin[0]!.message, /binary/);
    const huge = await client.waitForDiagnostics(path.join(root, 'huge.yaml'), (x) => x.length > 0);
    assert.deepEqual(codes(huge), ['file-not-read']);
    assert.match(huge[0]!.message, /MB/);
  });

  it('forgets a deleted folder and keeps working', async () => {
    const good = path.join(root, 'good.yaml');
    fs.rmSync(path.join(root, 'many'), { recursive: true });
    fs.rmSync(path.join(root, 'chart'), { recursive: true });
    client.watched([{ file: path.join(root, 'many'), type: 3 }, { file: path.join(root, 'chart'), type: 3 }]);
    await client.waitForDiagnostics(path.join(root, 'chart', 'Chart.yaml'), (x) => x.length === 0);
    // Still answering: a Deployment that the orphan Service selects appears in a new file.
    fs.writeFileSync(
      path.join(root, 'nobody.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nobody\n  labels: {app: nobody}\nspec:\n  containers: [{name: c, image: busybox}]\n',
    );
    client.watched([{ file: path.join(root, 'nobody.yaml'), type: 1 }]);
    await client.waitForDiagnostics(good, (x) => !codes(x).includes('service-selects-nothing'));
    assert.ok(client.alive());
  });
});
