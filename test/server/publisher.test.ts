// Publishing after an edit (lsp/publisher.ts): the edited document's diagnostics are sent before
// the other files' link diagnostics are worked out (they follow on the next turn), and those of
// an update that a newer one overtakes before its turn are still published, verdicts included.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { Connection } from 'vscode-languageserver/node';
import { Publisher } from '../../server/src/lsp/publisher';
import { StatusReporter } from '../../server/src/lsp/status';
import { Workspace } from '../../server/src/lsp/workspace';
import { editor } from './editorSide';
import { uriOf } from './lspClient';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
const DEPLOYMENT =
  'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: web\n';
const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: other\n';
const DENY = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: shop\nspec:\n  podSelector: {}\n';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const turn = () => new Promise((r) => setImmediate(r));

/** A scanned workspace of the three files, a publisher on a connection that records what is sent, and an editor of its documents. */
async function publishing(more: Record<string, string> = {}): Promise<{ dir: string; sent: Array<{ uri: string; codes: string[] }>; publisher: Publisher; edit(name: string, text: string): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-publish-'));
  const files: Record<string, string> = { 'service.yaml': SERVICE, 'deployment.yaml': DEPLOYMENT, 'configmap.yaml': CONFIGMAP, ...more };
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const ws = new Workspace(quiet);
  ws.folders = [dir];
  ws.settings = await ws.fetchSettings(undefined);
  await ws.scan(ws.rebuild(), undefined);
  const sent: Array<{ uri: string; codes: string[] }> = [];
  const connection = {
    sendDiagnostics: (p: { uri: string; diagnostics: Array<{ code?: unknown }> }) => {
      sent.push({ uri: p.uri, codes: p.diagnostics.map((d) => String(d.code)) });
      return Promise.resolve();
    },
    sendNotification: () => Promise.resolve(),
    console: quiet,
  } as unknown as Connection;
  const status = new StatusReporter(connection, () => ({}) as never);
  const publisher = new Publisher(connection, ws, status);
  const editorSide = editor(ws.documents);
  return {
    dir,
    sent,
    publisher,
    edit(name, text) {
      const uri = uriOf(path.join(dir, name));
      publisher.publishUpdate(ws.documentsChanged([editorSide.open(uri, text)]), new Set([uri]));
    },
  };
}

type Publishing = Awaited<ReturnType<typeof publishing>>;

/** Runs `test` on a fresh `publishing(more)` workspace and removes its folder afterwards. */
async function withPublishing(test: (p: Publishing) => Promise<void>, more?: Record<string, string>): Promise<void> {
  const p = await publishing(more);
  try {
    await test(p);
  } finally {
    fs.rmSync(p.dir, { recursive: true, force: true });
  }
}

/** The first list sent for service.yaml. */
const serviceList = (sent: Publishing['sent']) => sent.find((s) => s.uri.endsWith('service.yaml'));

describe('publishing after an edit', () => {
  it("sends the edited document's diagnostics first, and the files that depend on it on the next turn", async () => {
    await withPublishing(async ({ sent, edit }) => {
      edit('deployment.yaml', DEPLOYMENT.replace('        app: web', '        app: other'));
      assert.deepEqual(
        sent.map((s) => path.basename(s.uri)),
        ['deployment.yaml'],
        'only the edited document before the turn',
      );
      await turn();
      await turn();
      const service = serviceList(sent);
      assert.ok(service?.codes.includes('service-selects-nothing'), JSON.stringify(sent));
    });
  });

  it("re-checks the verdicts of an update overtaken before its turn with the newer one's, not in the idle sweep", async () => {
    // Reason: issue 11: an overtaken update's verdicts were left to the idle sweep (1.5 s later, and
    // only after a policy or namespace change); they now go with the newer update's re-check.
    await withPublishing(async ({ sent, edit }) => {
      // A deny-all policy next to the Service: its verdict turns service-unreachable.
      edit('deny.yaml', DENY);
      edit('configmap.yaml', CONFIGMAP.replace('name: settings', 'name: settings-2'));
      // Turns only: the idle sweep's timer cannot have fired.
      for (let i = 0; i < 20 && !serviceList(sent); i++) await turn();
      const service = serviceList(sent);
      assert.ok(service?.codes.includes('service-unreachable'), JSON.stringify(sent));
    });
  });

  it("after a warm start whose lists stand, publishes a dependent's links with its verdicts, computed when first read", async () => {
    // Reason: a warm start no longer computes every verdict before it is idle (computeWhenAsked):
    // the lists the first edit's dependents get with the verdicts last computed must still hold theirs.
    await withPublishing(
      async ({ sent, edit, publisher }) => {
        publisher.publishAsRecorded();
        // The pods gain a label: the Service still selects them, and the deny-all policy still stands.
        edit('deployment.yaml', DEPLOYMENT.replace('        app: web\n    spec:', '        app: web\n        tier: front\n    spec:'));
        for (let i = 0; i < 20 && !serviceList(sent); i++) await turn();
        assert.ok(serviceList(sent)?.codes.includes('service-unreachable'), JSON.stringify(sent));
      },
      { 'deny.yaml': DENY },
    );
  });

  it('publishes the link diagnostics of an update overtaken by a newer one before its turn', async () => {
    await withPublishing(async ({ sent, edit }) => {
      edit('deployment.yaml', DEPLOYMENT.replace('        app: web', '        app: other'));
      // A second edit, of a file in another namespace (nothing of it is re-checked near the Service),
      // comes before the first one's turn.
      edit('configmap.yaml', CONFIGMAP.replace('name: settings', 'name: settings-2'));
      for (let i = 0; i < 5; i++) await turn();
      const service = serviceList(sent);
      assert.ok(service?.codes.includes('service-selects-nothing'), JSON.stringify(sent));
    });
  });
});
