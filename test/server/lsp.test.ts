// The language server over stdio with a real JSON-RPC client: diagnostics, hover, definition,
// references and cross-file refresh on the `lsp-shop` fixture.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf, type Diagnostic } from './lspClient';

const codes = (d: Diagnostic[]) => d.map((x) => x.code);

describe('language server on the lsp-shop fixture', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let services: string;
  let ingress: string;
  let web: string;

  before(async () => {
    root = copyFixture('lsp-shop');
    services = path.join(root, 'services.yaml');
    ingress = path.join(root, 'ingress.yaml');
    web = path.join(root, 'web.yaml');
    client = new TestClient(root);
    await client.initialize();
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('publishes service-selects-nothing on the selector of the Service that selects nothing', async () => {
    client.open(services);
    const diags = await client.waitForDiagnostics(services, (d) => d.length > 0);
    const selectsNothing = diags.filter((d) => d.code === 'service-selects-nothing');
    assert.equal(selectsNothing.length, 1, JSON.stringify(diags));
    const apiSelector = TestClient.positionOf(services, 'app: api');
    assert.deepEqual(selectsNothing[0]!.range.start, apiSelector);
    assert.equal(selectsNothing[0]!.source, 'k8s-netmap');
    assert.match((selectsNothing[0] as unknown as { codeDescription: { href: string } }).codeDescription.href, /docs\/rules\/service-selects-nothing\.md$/);
  });

  it('publishes ingress-service-missing on the backend service name, for a closed file too', async () => {
    const diags = await client.waitForDiagnostics(ingress, (d) => d.some((x) => x.code === 'ingress-service-missing'));
    const missing = diags.find((d) => d.code === 'ingress-service-missing')!;
    assert.deepEqual(missing.range.start, TestClient.positionOf(ingress, 'cart', 0, 1));
    assert.equal(missing.range.end.character - missing.range.start.character, 'cart'.length);
  });

  it('hovers a Service selector with the workloads it selects, its port chain and DNS name', async () => {
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(services) },
      position: TestClient.positionOf(services, 'app: web', 2),
    });
    assert.ok(hover, 'a hover');
    const text = hover.contents.value;
    assert.match(text, /Deployment shop\/web/);
    assert.match(text, /2 replicas/);
    assert.match(text, /80 \(http\) → http → web:8080\/TCP/);
    assert.match(text, /web\.shop\.svc\.cluster\.local/);
  });

  it('goes from an Ingress backend to the Service, and finds the Ingress from the Service', async () => {
    const defs = await client.request<Array<{ uri: string; range: { start: { line: number } } }>>('textDocument/definition', {
      textDocument: { uri: uriOf(ingress) },
      position: TestClient.positionOf(ingress, 'name: web', 7),
    });
    assert.equal(defs.length, 1);
    assert.equal(defs[0]!.uri, uriOf(services));
    assert.equal(defs[0]!.range.start.line, TestClient.positionOf(services, 'name: web').line);

    const refs = await client.request<Array<{ uri: string }>>('textDocument/references', {
      textDocument: { uri: uriOf(services) },
      position: TestClient.positionOf(services, 'name: web', 7),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(refs.map((r) => r.uri), [uriOf(ingress)]);
  });

  it('refreshes another file’s diagnostics when a Deployment’s labels change, without reopening it', async () => {
    client.open(web);
    await client.waitForDiagnostics(web);
    const original = fs.readFileSync(web, 'utf8');
    client.change(web, original.replace('        app: web', '        app: webz'));
    const broken = await client.waitForDiagnostics(services, (d) => codes(d).filter((c) => c === 'service-selects-nothing').length === 2);
    assert.equal(codes(broken).filter((c) => c === 'service-selects-nothing').length, 2);
    client.change(web, original);
    const fixed = await client.waitForDiagnostics(services, (d) => codes(d).filter((c) => c === 'service-selects-nothing').length === 1);
    assert.equal(fixed.length >= 1, true);
  });

  it('asks the editor for code lenses again after an edit, so a Service lens in another file counts the workloads it now selects', async () => {
    const lensTitles = async (file: string): Promise<string[]> =>
      (await client.request<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri: uriOf(file) } })).map((l) => l.command?.title ?? '');
    client.open(services);
    client.open(web);
    await client.waitForDiagnostics(web);
    const before = await lensTitles(services);
    assert.ok(before.some((t) => t.startsWith('→ 1 workload (2 pods)')), JSON.stringify(before));
    const original = fs.readFileSync(web, 'utf8');
    // The editor asks for the lenses of the document typed in; those of services.yaml only when told to.
    let refreshed = client.nextLensRefresh();
    client.change(web, original.replace('        app: web', '        app: webz'));
    await refreshed;
    const edited = await lensTitles(services);
    assert.equal(edited.filter((t) => t.startsWith('selects nothing')).length, 2, JSON.stringify(edited));
    refreshed = client.nextLensRefresh();
    client.change(web, original);
    await refreshed;
    assert.deepEqual(await lensTitles(services), before);
  });

  it('takes a file created on disk into account (watched files) and forgets a deleted one', async () => {
    const api = path.join(root, 'api.yaml');
    fs.writeFileSync(
      api,
      ['apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: api', '  namespace: shop', 'spec:', '  selector:', '    matchLabels: {app: api}', '  template:', '    metadata:', '      labels: {app: api}', '    spec:', '    containers: []', ''].join('\n'),
    );
    client.watched([{ file: api, type: 1 }]);
    await client.waitForDiagnostics(services, (d) => !codes(d).includes('service-selects-nothing'));
    fs.rmSync(api);
    client.watched([{ file: api, type: 3 }]);
    await client.waitForDiagnostics(services, (d) => codes(d).includes('service-selects-nothing'));
  });

  it('answers completion of Service names in an Ingress backend', async () => {
    const text = fs.readFileSync(ingress, 'utf8');
    client.open(ingress);
    await client.waitForDiagnostics(ingress);
    client.change(ingress, text.replace('name: cart', 'name: '));
    const items = await client.request<Array<{ label: string }>>('textDocument/completion', {
      textDocument: { uri: uriOf(ingress) },
      position: TestClient.positionOf(ingress, 'name: cart', 'name: '.length),
    });
    assert.deepEqual(items.map((i) => i.label).sort(), ['api', 'web']);
    client.change(ingress, text);
  });
});
