// Open documents in the server's workspace (lsp/workspace.ts): they are read by the cold reader
// like files on disk (falling back to `yaml` where it declines), so a document opened with the text
// already indexed from disk is not parsed again, and its model is the one `yaml` would give.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { OPEN_DOCUMENTS } from '../../server/src/lsp/openDocuments';
import { Workspace } from '../../server/src/lsp/workspace';
import { parseFile } from '../../server/src/yaml/parseFile';
import { editor } from './editorSide';
import { uriOf } from './lspClient';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
// Anchors and aliases: the cold reader declines them and `yaml` reads the file.
const ALIASED = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\n  labels: &labels\n    app: api\nspec:\n  selector: *labels\n  ports:\n    - port: 8080\n';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The first object's Service selector, as key/value pairs. */
function selectorOf(ws: Workspace, uri: string): Array<[string, string]> | undefined {
  const service = ws.index.file(uri)?.objects[0];
  return service?.type === 'service' ? service.selector?.matchLabels.map((l) => [l.key, l.value]) : undefined;
}

async function scannedWorkspace(files: Record<string, string>): Promise<{ ws: Workspace; dir: string; edit: ReturnType<typeof editor> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-open-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const ws = new Workspace(quiet);
  ws.folders = [dir];
  ws.settings = await ws.fetchSettings(undefined);
  const edit = editor(ws.documents);
  return { ws, dir, edit };
}

describe('open documents', () => {
  it('a document opened with the text indexed from disk is not parsed again', async () => {
    const { ws, dir, edit } = await scannedWorkspace({ 'web.yaml': SERVICE, 'api.yaml': ALIASED });
    try {
      await ws.scan(ws.rebuild(), undefined);
      for (const name of ['web.yaml', 'api.yaml']) {
        const uri = uriOf(path.join(dir, name));
        const fromDisk = ws.index.file(uri);
        assert.ok(fromDisk);
        const update = ws.documentsChanged([edit.open(uri, fs.readFileSync(path.join(dir, name), 'utf8'))]);
        assert.equal(ws.index.file(uri), fromDisk, `${name}: the model read from disk is kept`);
        assert.equal(update.reread.size, 0);
        assert.deepEqual(update.changes, []);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an opened document's model is the one `yaml` gives, where the cold reader reads it and where it declines", async () => {
    const { ws, dir, edit } = await scannedWorkspace({ 'web.yaml': SERVICE, 'api.yaml': ALIASED });
    try {
      await ws.scan(ws.rebuild(), undefined);
      const edits: Array<[string, string]> = [
        ['web.yaml', SERVICE.replace('app: web', 'app: web-edited')],
        ['api.yaml', ALIASED.replace('app: api', 'app: api-edited')],
      ];
      for (const [name, text] of edits) {
        const uri = uriOf(path.join(dir, name));
        const update = ws.documentsChanged([edit.open(uri, text)]);
        assert.ok(update.reread.has(uri));
        assert.deepEqual(ws.index.file(uri), parseFile(uri, text), name);
        assert.deepEqual(selectorOf(ws, uri), [['app', `${name.slice(0, 3)}-edited`]]);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a document closed while the scan runs counts from disk, not with its unsaved text', async () => {
    // Enough files for the scan to yield (it does every 100) after reading the open document.
    const files: Record<string, string> = { 'a-web.yaml': SERVICE };
    for (let i = 0; i < 150; i++) files[`b-${String(i).padStart(3, '0')}.yaml`] = SERVICE.replace('name: web', `name: web-${i}`);
    const { ws, dir, edit } = await scannedWorkspace(files);
    try {
      const uri = uriOf(path.join(dir, 'a-web.yaml'));
      edit.open(uri, SERVICE.replace('app: web', 'app: unsaved'));
      const scan = ws.scan(ws.rebuild(), undefined);
      edit.close(uri); // the scan has read the open document and yielded
      assert.ok(await scan);
      assert.deepEqual(selectorOf(ws, uri), [['app', 'web']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // lsp/openDocuments.ts: the server keeps an indexed, unedited document's text deflated.
  it('an indexed document is kept deflated, reads as the editor has it, and is kept as text once edited', async () => {
    const text = Array.from({ length: 6 }, (_, i) => SERVICE.replace('name: web', `name: web-${i}`)).join('---\n') + '# é ✓ 𝄞\r\n';
    const { ws, dir, edit } = await scannedWorkspace({ 'web.yaml': text });
    try {
      await ws.scan(ws.rebuild(), undefined);
      const uri = uriOf(path.join(dir, 'web.yaml'));
      const doc = edit.open(uri, text);
      ws.documentsChanged([doc]);
      assert.ok(doc.isPacked, 'kept deflated once indexed');
      const plain = TextDocument.create(uri, 'yaml', 1, text);
      assert.equal(doc.getText(), text);
      assert.equal(doc.lineCount, plain.lineCount);
      for (const offset of [0, 17, 200, text.length - 3, text.length + 5]) assert.deepEqual(doc.positionAt(offset), plain.positionAt(offset));
      const range = { start: { line: 2, character: 2 }, end: { line: 4, character: 0 } };
      assert.equal(doc.getText(range), plain.getText(range));
      assert.equal(doc.offsetAt(range.end), plain.offsetAt(range.end));
      const change = { range: { start: { line: 4, character: 13 }, end: { line: 4, character: 17 } }, text: 'shop-edited' };
      OPEN_DOCUMENTS.update(doc, [change], 2);
      TextDocument.update(plain, [change], 2);
      assert.equal(doc.getText(), plain.getText());
      assert.equal(doc.version, 2);
      ws.documentsChanged([doc]);
      assert.ok(!doc.isPacked, 'an edited document is kept as text');
      assert.deepEqual(selectorOf(ws, uri), [['app', 'web']]);
      assert.equal(ws.index.file(uri)?.objects[0]?.namespace, 'shop-edited');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('documents indexed together are deflated together, and each reads as its own text', async () => {
    const texts = ['web', 'api', 'db'].map((name) => SERVICE.replace(/web/g, name) + `# ${name} ✓\n`);
    const { ws, dir, edit } = await scannedWorkspace({ 'web.yaml': texts[0]!, 'api.yaml': texts[1]!, 'db.yaml': texts[2]! });
    try {
      await ws.scan(ws.rebuild(), undefined);
      const docs = ['web', 'api', 'db'].map((name, i) => edit.open(uriOf(path.join(dir, `${name}.yaml`)), texts[i]!));
      ws.documentsChanged(docs);
      assert.ok(docs.every((d) => d.isPacked));
      // Read in another order than packed, each twice (the last one read is kept inflated).
      for (const i of [2, 0, 1, 1, 2, 0]) assert.equal(docs[i]!.getText(), texts[i]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a document with a lone surrogate is kept as text (UTF-8 would not give it back)', async () => {
    const text = SERVICE + '# \ud800 alone\n'.repeat(40);
    const { ws, dir, edit } = await scannedWorkspace({ 'web.yaml': SERVICE });
    try {
      await ws.scan(ws.rebuild(), undefined);
      const doc = edit.open(uriOf(path.join(dir, 'web.yaml')), text);
      ws.documentsChanged([doc]);
      assert.ok(!doc.isPacked);
      assert.equal(doc.getText(), text);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
