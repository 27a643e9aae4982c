// The language server's workload hover names the rules that decide each allowed peer (the
// `--explain` facts), each a `file:` link with a `#L<line>` fragment to the rule (SPEC §6).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, TestClient, uriOf } from './lspClient';

describe('language server: explain facts in the workload hover', { timeout: 60000 }, () => {
  let root: string;
  let client: TestClient;
  let workloads: string;
  let policies: string;

  before(async () => {
    root = copyFixture('lsp-explain');
    workloads = path.join(root, 'workloads.yaml');
    policies = path.join(root, 'policies.yaml');
    client = new TestClient(root);
    await client.initialize();
  });
  after(async () => {
    await client.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('lists, under the allowed client, the ingress rule and the egress rule that admit it, linked to their lines', async () => {
    client.open(workloads);
    await client.waitForDiagnostics(workloads); // the workspace scan is done once a file's diagnostics come
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
      textDocument: { uri: uriOf(workloads) },
      position: TestClient.positionOf(workloads, 'name: web', 7),
    });
    assert.ok(hover, 'a hover');
    const text = hover.contents.value;
    const lineOf = (needle: string, nth = 0): number => TestClient.positionOf(policies, needle, 0, nth).line + 1;
    const ingressRule = lineOf('- from:', 1);
    const egressRule = lineOf('- to:');
    assert.ok(text.includes(`\`shop/client[Deployment]\`: \`TCP 8080\``), text);
    assert.ok(text.includes(`allowed by [NetworkPolicy shop/web\\-in, ingress rule \\#2](${uriOf(policies)}#L${ingressRule})`), text);
    assert.ok(text.includes(`allowed by [NetworkPolicy shop/client\\-out, egress rule \\#1](${uriOf(policies)}#L${egressRule})`), text);
    assert.ok(!text.includes('ingress rule \\#1'), 'the first ingress rule admits monitoring pods, not the client');
  });
});
