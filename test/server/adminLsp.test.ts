// The language server on a workspace with an AdminNetworkPolicy (test/fixtures/lsp-anp): the ANP
// subject's hover lists what it selects cluster-wide, and a workload's hover shows that the ANP's
// Deny wins over the namespace's allow-all NetworkPolicy, naming the tier.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf } from './lspClient';

describe('language server: AdminNetworkPolicy hovers', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let anp: string;
  let apps: string;

  before(async () => {
    root = copyFixture('lsp-anp');
    anp = path.join(root, 'guardrails.yaml');
    apps = path.join(root, 'apps.yaml');
    client = new TestClient(root);
    await client.initialize();
    client.open(anp);
    await client.waitForDiagnostics(anp);
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const hoverAt = async (file: string, needle: string, occurrence = 0, delta = 0): Promise<string> => {
    const pos = TestClient.positionOf(file, needle, occurrence);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(file) },
      position: { line: pos.line, character: pos.character + delta },
    });
    assert.ok(hover, `a hover at ${needle}`);
    return hover.contents.value;
  };

  it('hovers the ANP subject with the workloads it selects, cluster-wide', async () => {
    const text = await hoverAt(anp, 'kubernetes.io/metadata.name: shop');
    assert.match(text, /\*\*Subject\*\* of `AdminNetworkPolicy shop-guard \(priority 10\)`/);
    assert.match(text, /Deployment shop\/web/);
    assert.doesNotMatch(text, /scraper/);
  });

  it('hovers a rule peer with the workloads it names', async () => {
    const text = await hoverAt(anp, 'kubernetes.io/metadata.name: tools');
    assert.match(text, /\*\*From\*\* all pods in namespaces matching/);
    assert.match(text, /rule `deny-tools`: `Deny`/);
    assert.match(text, /Deployment tools\/scraper/);
  });

  it('a workload hover names the ANP tier, and the ANP Deny wins over the allow-all NetworkPolicy', async () => {
    const text = await hoverAt(apps, 'name: web', 0, 'name: '.length);
    // Link labels are markdown-escaped (`\-`, `\(`).
    assert.match(text, /Cluster tiers \(ingress\), in order: \[AdminNetworkPolicy shop\\-guard \\\(priority 10\\\)\]/);
    assert.match(text, /\*\*Ingress:\*\* isolated by \[NetworkPolicy shop\/allow\\-all\\-in\]/);
    // Not among the allowed sources; listed among the peers the tier denies, with the rule (issue 14).
    const [allowedPart, deniedPart] = text.split('Denied by the cluster tiers (ingress):');
    assert.doesNotMatch(allowedPart!, /`tools\/scraper\[Deployment\]`/);
    assert.match(deniedPart ?? '', /`tools\/scraper\[Deployment\]`: `All Connections` denied by \[AdminNetworkPolicy shop\\-guard \\\(priority 10\\\), ingress rule deny\\-tools\\: Deny\]/);
  });
});

// Issue 14's acceptance fixture (test/fixtures/anp-deny): a cluster-wide ANP Deny wins over the
// namespace's allow; the language server's hover on the workload says so, naming the ANP, its
// priority, the rule and its action.
describe('language server: a cluster-wide ANP Deny wins over a NetworkPolicy allow (hover)', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let apps: string;

  before(async () => {
    root = copyFixture('anp-deny');
    apps = path.join(root, 'apps.yaml');
    client = new TestClient(root);
    await client.initialize();
    client.open(apps);
    await client.waitForDiagnostics(apps);
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the hover of shop/web names the ANP rule that denies tools/scraper and that it wins over the NetworkPolicy', async () => {
    const pos = TestClient.positionOf(apps, 'name: web', 0);
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(apps) },
      position: { line: pos.line, character: pos.character + 'name: '.length },
    });
    assert.ok(hover);
    const text = hover.contents.value;
    assert.match(text, /Denied by the cluster tiers \(ingress\):/);
    assert.match(
      text,
      /- `tools\/scraper\[Deployment\]`: `All Connections` denied by \[AdminNetworkPolicy cluster\\-deny\\-tools \\\(priority 5\\\), ingress rule deny\\-from\\-tools\\: Deny\]\([^)]*guardrails\.yaml#L12\) — wins over the NetworkPolicies, which alone would allow `TCP 8080`/,
    );
    assert.match(text, /`shop\/api\[Deployment\]`: `TCP 8080`/);
  });
});
