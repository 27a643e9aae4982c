// The messages of server/src/protocol.ts over stdio: the typed custom request and notifications, and
// the one-off notice sent as LSP's own `window/showMessage` (clients show it without custom code).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GraphRequest, StatusNotification, type StatusParams } from '../../server/src/protocol';
import { TestClient } from './lspClient';

describe('language server protocol messages', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  const statuses: StatusParams[] = [];

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-protocol-'));
    const service = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
    fs.writeFileSync(path.join(root, 'web.yaml'), service);
    fs.writeFileSync(path.join(root, 'big.yaml'), service + '#'.repeat(2000) + '\n');
    client = new TestClient(root, { maxFileSize: 1000 });
    client.conn.onNotification(StatusNotification, (s) => void statuses.push(s));
    await client.initialize();
    client.open(path.join(root, 'web.yaml'));
    await client.waitForDiagnostics(path.join(root, 'web.yaml'));
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('says with window/showMessage (Info) that a file was not read', async () => {
    for (let i = 0; i < 100 && client.messages.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(client.messages.length, 1, JSON.stringify(client.messages));
    assert.equal(client.messages[0]!.type, 3);
    assert.match(client.messages[0]!.message, /did not read 1 file/);
  });

  it('answers the typed graph request and sends typed status notifications', async () => {
    const graph = await client.conn.sendRequest(GraphRequest);
    assert.ok(graph.nodes.some((n) => n.id === 'Service/default/web'), JSON.stringify(graph.nodes.map((n) => n.id)));
    for (let i = 0; i < 100 && !statuses.some((s) => !s.indexing); i++) await new Promise((r) => setTimeout(r, 50));
    const last = statuses.filter((s) => !s.indexing).pop();
    assert.ok(last, 'a status after indexing');
    assert.equal(last.unreadable, 1);
  });
});
