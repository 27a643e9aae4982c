// Removing a NetworkPolicy re-diagnoses what it made unreachable: a deleted policy file and a
// closed unsaved policy document go through the same index-change path as an edit, so the
// Service's service-unreachable warning goes away with the policy.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient, uriOf } from './lspClient';

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: web:1
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
`;

const DENY_ALL = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: shop
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

const unreachable = (d: Array<{ code: string }>): boolean => d.some((x) => x.code === 'service-unreachable');

describe('language server: removing a NetworkPolicy', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let app: string;

  before(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-policy-removal-'));
    app = path.join(root, 'app.yaml');
    fs.writeFileSync(app, APP);
    fs.writeFileSync(path.join(root, 'deny.yaml'), DENY_ALL);
    client = new TestClient(root);
    await client.initialize();
    await client.waitForDiagnostics(app, unreachable);
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('deleting the policy file clears the Service it made unreachable', async () => {
    const deny = path.join(root, 'deny.yaml');
    fs.rmSync(deny);
    client.watched([{ file: deny, type: 3 }]);
    await client.waitForDiagnostics(app, (d) => !unreachable(d));
  });

  it('closing an unsaved policy document (no file on disk) clears the Service again', async () => {
    const unsaved = path.join(root, 'unsaved.yaml');
    await client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(unsaved), languageId: 'yaml', version: 1, text: DENY_ALL } });
    await client.waitForDiagnostics(app, unreachable);
    await client.conn.sendNotification('textDocument/didClose', { textDocument: { uri: uriOf(unsaved) } });
    await client.waitForDiagnostics(app, (d) => !unreachable(d));
  });
});
