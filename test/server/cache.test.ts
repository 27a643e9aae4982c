// The server's persisted index (SPEC §8): kept in the folder the client gives as
// `initializationOptions.storagePath` (the extension's workspace storage). A valid cache entry
// spares parsing an unchanged file; a corrupt cache is discarded and the files are read again.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_FILE, contentHash, ParseCache, readKeyOf } from '../../server/src/host/cache';
import { parseFile } from '../../server/src/yaml/parseFile';
import { DIAGNOSTICS_FILE } from '../../server/src/lsp/persistedDiagnostics';
import { TestClient, uriOf } from './lspClient';

const codes = (d: Array<{ code?: string | number }>) => d.map((x) => x.code);
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n';
const deployment = (app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n`;
// On disk the Deployment's pods are `app: other`: the Service selects nothing.
const DEPLOYMENT = deployment('other');

async function diagnosticsOf(root: string, storagePath: string, file: string): Promise<{ diags: unknown[]; log: string }> {
  // These tests are about the parsed models: the diagnostics recorded beside them (warmStart.test.ts)
  // would be published first, before the index is read, so they go.
  fs.rmSync(path.join(storagePath, DIAGNOSTICS_FILE), { force: true });
  const client = new TestClient(root);
  let log = '';
  client.conn.onNotification('window/logMessage', (p: { message: string }) => void (log += `${p.message}\n`));
  try {
    await client.initialize({ storagePath });
    const diags = codes(await client.waitForDiagnostics(file));
    // The cache is written after the first diagnostics are published.
    for (let i = 0; i < 100 && !fs.existsSync(path.join(storagePath, CACHE_FILE)); i++) await new Promise((r) => setTimeout(r, 50));
    return { diags, log };
  } finally {
    await client.dispose();
  }
}

describe('language server: persisted index in workspace storage', { timeout: 60000 }, () => {
  it('writes the cache, trusts a valid entry of an unchanged file, discards a corrupt cache', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-srvcache-'));
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-'));
    const svc = path.join(root, 'svc.yaml');
    const web = path.join(root, 'web.yaml');
    fs.writeFileSync(svc, SERVICE);
    fs.writeFileSync(web, DEPLOYMENT);

    const cold = await diagnosticsOf(root, storage, svc);
    assert.deepEqual(cold.diags, ['service-selects-nothing']);
    assert.equal(ParseCache.open(storage).size, 2, 'both files are in the cache');

    // An entry for the unchanged web.yaml that parsing it would never give (pods `app: web`): the
    // next server takes it from the cache instead of parsing, so the Service now selects the pods
    // (and finds no container port 80).
    const cache = ParseCache.open(storage);
    const stat = fs.statSync(web);
    const uri = uriOf(web);
    const lie = parseFile(uri, deployment('web'), {});
    cache.put(web, readKeyOf(uri, { defaultNamespace: 'default' }), { size: stat.size, mtimeMs: stat.mtimeMs, hash: contentHash(DEPLOYMENT) }, lie);
    cache.save();
    assert.deepEqual((await diagnosticsOf(root, storage, svc)).diags, ['service-target-port-unresolved']);

    // The same lie, renamed behind the checksum's back, is discarded with a note (trusted, it would
    // still say service-target-port-unresolved): the files are read again.
    const cacheFile = path.join(storage, CACHE_FILE);
    const tampered = fs.readFileSync(cacheFile, 'utf8').replace(/"name":"web"/g, '"name":"wex"');
    assert.notEqual(tampered, fs.readFileSync(cacheFile, 'utf8'));
    fs.writeFileSync(cacheFile, tampered);
    const again = await diagnosticsOf(root, storage, svc);
    assert.deepEqual(again.diags, ['service-selects-nothing']);
    assert.match(again.log, /discarded \(checksum mismatch\)/);
  });
});

describe('language server: persisted index, stale entries', { timeout: 60000 }, () => {
  const setUp = (): { root: string; storage: string; svc: string; web: string } => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-srvcache-'));
    const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-'));
    const svc = path.join(root, 'svc.yaml');
    const web = path.join(root, 'web.yaml');
    fs.writeFileSync(svc, SERVICE);
    fs.writeFileSync(web, DEPLOYMENT);
    return { root, storage, svc, web };
  };

  it('reads a file changed between two runs again, even with the same size and mtime', async () => {
    const { root, storage, svc, web } = setUp();
    const when = new Date('2026-01-02T03:04:05Z'); // whole seconds: set exactly on every file system
    fs.utimesSync(web, when, when);
    assert.deepEqual((await diagnosticsOf(root, storage, svc)).diags, ['service-selects-nothing']);
    // `app: web` padded to the length of `app: other` (a plain scalar's trailing spaces are not part of it).
    const changed = deployment('web  ');
    assert.equal(changed.length, DEPLOYMENT.length);
    fs.writeFileSync(web, changed);
    fs.utimesSync(web, when, when);
    assert.deepEqual((await diagnosticsOf(root, storage, svc)).diags, ['service-target-port-unresolved'], 'the Service now selects the pods');
  });

  it("ignores another version's cache and replaces it", async () => {
    const { root, storage, svc, web } = setUp();
    const old = ParseCache.open(storage, { version: '0.0.1-old' });
    const stat = fs.statSync(web);
    const uri = uriOf(web);
    old.put(web, readKeyOf(uri, { defaultNamespace: 'default' }), { size: stat.size, mtimeMs: stat.mtimeMs, hash: contentHash(DEPLOYMENT) }, parseFile(uri, deployment('web'), {}));
    old.save();
    assert.deepEqual((await diagnosticsOf(root, storage, svc)).diags, ['service-selects-nothing'], 'the entry of another version is not used');
    const header = JSON.parse(fs.readFileSync(path.join(storage, CACHE_FILE), 'utf8').split('\n')[0]!) as { k8sNetmap: string };
    assert.notEqual(header.k8sNetmap, '0.0.1-old');
  });
});
