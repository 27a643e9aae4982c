// Issue 11: after the scan the server builds the reachability engine in slices (lsp/prepare.ts,
// Analysis.prepare) before the first diagnostics, answering requests in between. Ordering, not
// timing: with one object per slice (K8S_NETMAP_ENGINE_PORTION=1) the build takes over a thousand
// turns of the event loop, and a client that keeps a hover in flight gets answers between the
// end of the scan's progress and the first diagnostics (before, the first file's diagnostics built
// the engine in one piece and went out in the same turn as the end of the progress).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { TestClient, uriOf } from './lspClient';

/** Namespaces, each a file with a Service that selects nothing (a diagnostic for every file), 20 Deployments and 5 NetworkPolicies. */
function workspace(namespaces: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-slices-'));
  for (let n = 0; n < namespaces; n++) {
    const docs = [`apiVersion: v1\nkind: Service\nmetadata:\n  name: lonely\n  namespace: ns${n}\nspec:\n  selector:\n    app: nobody\n  ports:\n    - port: 80\n`];
    for (let d = 0; d < 20; d++) {
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app${d}\n  namespace: ns${n}\nspec:\n  selector:\n    matchLabels:\n      app: app${d}\n  template:\n    metadata:\n      labels:\n        app: app${d}\n    spec:\n      containers:\n        - name: c\n          image: nginx\n          ports:\n            - containerPort: 8080\n`,
      );
    }
    for (let p = 0; p < 5; p++) {
      docs.push(
        `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: allow${p}\n  namespace: ns${n}\nspec:\n  podSelector:\n    matchLabels:\n      app: app${p}\n  ingress:\n    - from:\n        - podSelector:\n            matchLabels:\n              app: app${p + 1}\n`,
      );
    }
    fs.writeFileSync(path.join(dir, `ns${n}.yaml`), docs.join('---\n'));
  }
  return dir;
}

describe('server: requests answered while the engine is built after the scan', () => {
  it('a hover is answered between the end of the scan and the first diagnostics', async () => {
    const dir = workspace(50);
    process.env.K8S_NETMAP_ENGINE_PORTION = '1';
    const client = new TestClient(dir);
    delete process.env.K8S_NETMAP_ENGINE_PORTION;
    const events: string[] = [];
    let firstDiagnostics: () => void = () => undefined;
    const diagnosed = new Promise<void>((r) => (firstDiagnostics = r));
    client.conn.onNotification('$/progress', (p: { value: { kind: string } }) => {
      if (p.value.kind === 'end') events.push('scanned');
    });
    // Replaces the client's own handler: only the order matters here.
    client.conn.onNotification('textDocument/publishDiagnostics', () => {
      if (!events.includes('diagnostics')) events.push('diagnostics');
      firstDiagnostics();
    });
    try {
      await client.initialize();
      const file = path.join(dir, 'ns0.yaml');
      const position = TestClient.positionOf(file, 'lonely');
      let answered = 0;
      let done = false;
      void diagnosed.then(() => (done = true));
      while (!done) {
        const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(file) }, position });
        if (hover) {
          answered++;
          events.push('hover');
        }
      }
      assert.ok(answered > 0);
      const scanned = events.indexOf('scanned');
      const first = events.indexOf('diagnostics');
      assert.ok(scanned !== -1 && first > scanned, `the scan's end, then diagnostics: ${events.slice(-5).join(', ')}`);
      assert.ok(events.slice(scanned, first).includes('hover'), `a hover answered after the scan and before the first diagnostics: ${events.slice(Math.max(0, scanned - 2), first + 2).join(', ')}`);
    } finally {
      await client.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
