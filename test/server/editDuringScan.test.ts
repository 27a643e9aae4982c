// An edit made before the workspace index is whole gets, at once, the findings the file decides
// alone (fileChecks.ts: syntax, labels, ports…), with the document's version; what other files
// decide follows once the scan has read them all. The scan is held back here without timing: the
// client answers `workspace/configuration` (which the scan waits for) only once the edit's first
// diagnostics have arrived, or after a deadline that only keeps a broken server from hanging the test.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type Diagnostic, TestClient, uriOf } from './lspClient';

const service = (portName: string) =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: ${portName}\n      port: 80\n    - name: admin\n      port: 81\n`;

describe('an edit during the cold index', () => {
  it("is answered with the file's own findings before the scan, and with every finding after it", async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-scan-edit-'));
    const file = path.join(root, 'svc.yaml');
    fs.writeFileSync(file, service('http'));
    // A deployment whose labels the Service misses: service-selects-nothing needs this other file.
    fs.writeFileSync(path.join(root, 'deploy.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      containers:\n        - name: api\n          image: x\n');
    const opened = path.join(root, 'deploy.yaml');
    const client = new TestClient(root, null);
    const published: Array<{ version?: number; codes: string[] }> = [];
    /** For the document only opened: whether each of its lists came after the scan could start. */
    const openedLists: boolean[] = [];
    let configAnswered = false;
    let firstForEdit: () => void = () => undefined;
    const editAnswered = new Promise<void>((r) => (firstForEdit = r));
    let allForEdit: () => void = () => undefined;
    const everything = new Promise<void>((r) => (allForEdit = r));
    // (This replaces the TestClient's own listener: the publications are followed here.)
    client.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: Diagnostic[] }) => {
      if (p.uri === uriOf(opened)) openedLists.push(configAnswered);
      if (p.uri !== uriOf(file)) return;
      const codes = p.diagnostics.map((d) => d.code).sort();
      published.push({ version: p.version, codes });
      if (p.version === 2) firstForEdit();
      if (codes.includes('service-selects-nothing')) allForEdit();
    });
    let deadline: NodeJS.Timeout | undefined;
    const scanMayStart = Promise.race([editAnswered, new Promise<void>((r) => (deadline = setTimeout(r, 10_000)))]);
    client.conn.onRequest('workspace/configuration', async (p: { items: unknown[] }) => {
      await scanMayStart;
      configAnswered = true;
      return p.items.map(() => null);
    });
    try {
      await client.initialize();
      client.open(opened); // opened, not edited: read by the scan with the rest
      client.open(file);
      client.change(file, service('HTTP_PORT')); // an invalid port name: decided by this file alone
      await everything;
      assert.deepEqual(published[0], { version: 2, codes: ['port-invalid'] }, `the edit's first answer, before the scan: ${JSON.stringify(published)}`);
      assert.deepEqual(published.at(-1), { version: 2, codes: ['port-invalid', 'service-selects-nothing'] });
      assert.ok(openedLists.length > 0 && openedLists.every((afterScan) => afterScan), `a document only opened gets its lists from the scan: ${JSON.stringify(openedLists)}`);
    } finally {
      clearTimeout(deadline);
      await client.dispose();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
