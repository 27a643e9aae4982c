// The open world in the editor (issue 8, SPEC §3 and §6) over a real LSP connection, on a shop
// whose ingress controller lives outside the repository: the storefront policy admits namespace
// ingress-system (no pods here) on port http, the catalog policy the edge namespaces (none here
// either). Neither is unreachable; the hovers and the lens name those outside sources; admin,
// closed to everyone, is the control that shows the reachability diagnostics did run.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf, type Diagnostic } from './lspClient';

describe('language server: pods outside the workspace (open-world shop)', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let services: string;
  let ingress: string;
  let workloads: string;

  before(async () => {
    root = copyFixture('open-world-shop');
    services = path.join(root, 'services.yaml');
    ingress = path.join(root, 'ingress.yaml');
    workloads = path.join(root, 'workloads.yaml');
    client = new TestClient(root);
    await client.initialize();
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const hoverAt = async (file: string, needle: string, nth = 0): Promise<string> => {
    const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(file) },
      position: TestClient.positionOf(file, needle, 0, nth),
    });
    assert.ok(h, `a hover at ${needle}`);
    return h.contents.value;
  };

  it('warns service-unreachable for admin (closed to all) but not for storefront or catalog (admitted from outside)', async () => {
    client.open(services);
    const diags = await client.waitForDiagnostics(services, (d) => d.some((x) => x.code === 'service-unreachable'));
    const unreachable = diags.filter((d: Diagnostic) => d.code === 'service-unreachable');
    assert.equal(unreachable.length, 1, JSON.stringify(unreachable));
    // The one warning stands on admin's targetPort (the second `targetPort: http`), and points at its denying policy.
    assert.deepEqual(unreachable[0]!.range.start, TestClient.positionOf(services, 'http', 0, 3));
    assert.ok(unreachable[0]!.relatedInformation?.some((r) => /admin-deny/.test(r.message)), JSON.stringify(unreachable[0]!.relatedInformation));
  });

  it('does not report ingress-blocked for the storefront backend; the admin backend is an info while the controller is a guess', async () => {
    client.open(ingress);
    const diags = await client.waitForDiagnostics(ingress, (d) => d.some((x) => x.code === 'ingress-blocked'));
    const blocked = diags.filter((d) => d.code === 'ingress-blocked');
    assert.equal(blocked.length, 1, JSON.stringify(blocked));
    assert.deepEqual(blocked[0]!.range.start, TestClient.positionOf(ingress, 'admin', 0, 1));
    assert.equal(blocked[0]!.severity, 3, 'info: the controller identity is guessed');
  });

  it('hovers the storefront Deployment with its sources outside the workspace and their ports', async () => {
    const text = await hoverAt(workloads, 'storefront');
    assert.match(text, /all pods in namespace ingress-system`: `TCP 8080`/);
    assert.match(text, /\{ingress-controller\}`: `TCP 8080`/);
    assert.doesNotMatch(text, /every ingress connection is denied/);
  });

  it('hovers the catalog Deployment, which only pods of other namespaces may reach', async () => {
    const text = await hoverAt(workloads, 'catalog');
    assert.match(text, /all pods in namespaces with role=edge`: `TCP 8081` _\(outside this workspace\)_/);
    assert.doesNotMatch(text, /every ingress connection is denied/);
  });

  it('hovers the storefront Service with who can reach its port, outside sources included', async () => {
    const text = await hoverAt(services, 'storefront');
    assert.match(text, /Port `80` \(→ 8080\/TCP\): .*all pods in namespace ingress-system/);
    assert.doesNotMatch(text, /nothing may connect/);
  });

  it('hovers the backend with the guessed ingress controller and its grounds', async () => {
    const text = await hoverAt(ingress, 'storefront');
    assert.match(text, /Ingress controller: \*\*guessed\*\* — namespace `ingress-system`/);
    assert.match(text, /grounds: NetworkPolicy shop\/storefront admits namespace \\'ingress\\-system\\' on ingress/);
    assert.match(text, /may reach these pods/);
  });

  it('hovers the catalog policy and its peer with the pods outside the workspace they admit', async () => {
    const policies = path.join(root, 'policies.yaml');
    const onPolicy = await hoverAt(policies, 'catalog', 1);
    assert.match(onPolicy, /Admits from outside this workspace:\n- `all pods in namespaces with role=edge`: `TCP http` \(rule 1\)/);
    const onPeer = await hoverAt(policies, 'role: edge');
    assert.match(onPeer, /Outside this workspace too: `all pods in namespaces with role=edge` \(netpol-analyzer: `\[namespace with \{role=edge\}\]\/\[all pods\]`\)/);
  });

  it('counts the outside sources in the workload lens', async () => {
    client.open(workloads);
    const lenses = await client.request<Array<{ command?: { title: string } }>>('textDocument/codeLens', { textDocument: { uri: uriOf(workloads) } });
    const titles = lenses.map((l) => l.command?.title ?? '');
    // storefront: the (guessed) ingress controller, and ingress-system outside; catalog: the edge namespaces only.
    assert.ok(titles.some((t) => t.startsWith('ingress: 1 peer + namespace ingress-system · egress: open')), JSON.stringify(titles));
    assert.ok(titles.some((t) => t.startsWith('ingress: namespaces role=edge · egress: open')), JSON.stringify(titles));
    assert.ok(titles.some((t) => t.startsWith('ingress: denied')), `admin stays denied: ${JSON.stringify(titles)}`);
  });
});
