// Runs in a window of its own on a copy of test/fixtures/anp-deny (see run.mjs and index.ts): issue
// 14's acceptance case inside a real VS Code. The cluster-wide AdminNetworkPolicy cluster-deny-tools
// (priority 5, ingress rule deny-from-tools: Deny) wins over shop/allow-web-in, which lets every
// namespace reach shop/web; the workload's hover says so, and the ANP's subject and rule peer
// hovers list what they select across namespaces. The language-server half is test/server/adminLsp.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LocateSpec } from '../lib/locate.mjs';
import { activate, hoverText, openAt, until } from './helpers';

const APPS = 'apps.yaml';
const GUARDRAILS = 'guardrails.yaml';

/** The hover's markdown as a reader sees it: markdown escapes (`\-`, `\(`) dropped, link targets kept. */
function readable(markdown: string): string {
  return markdown.replace(/\\(.)/g, '$1');
}

/** The readable hover at `spec` in `file`, once the language server's hover has `ready` in it. */
async function hoverAt(file: string, spec: LocateSpec, ready: string): Promise<string> {
  const { doc, pos } = await openAt(file, spec);
  await vscode.window.showTextDocument(doc);
  let seen = '';
  await until(`a hover on ${spec.needle} in ${file} with ${JSON.stringify(ready)}`, async () => {
    seen = readable(hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? []));
    return seen.includes(ready) ? seen : undefined;
  }).catch(() => undefined);
  assert.ok(seen.includes(ready), `the hover on ${spec.needle} in ${file} lacks ${JSON.stringify(ready)}:\n${seen || '(nothing)'}`);
  return seen;
}

describe('k8s-netmap on a cluster-wide AdminNetworkPolicy Deny (test/fixtures/anp-deny)', function () {
  this.timeout(60_000);

  before(async function () {
    await activate();
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the hover of shop/web names the ANP tier, its priority, the rule and Deny, winning over the NetworkPolicy', async function () {
    const text = await hoverAt(APPS, { after: 'kind: Deployment', needle: 'name: web', word: 'web' }, 'Denied by the cluster tiers (ingress):');
    assert.match(text, /\*\*Ingress:\*\* isolated by \[NetworkPolicy shop\/allow-web-in\]/);
    assert.match(text, /Cluster tiers \(ingress\), in order: \[AdminNetworkPolicy cluster-deny-tools \(priority 5\)\]\([^)]*guardrails\.yaml#L\d+\)/);
    const [allowed, denied] = text.split('Denied by the cluster tiers (ingress):');
    // The namespace's policy alone would let tools/scraper in; the tier takes it off the allowed list.
    assert.doesNotMatch(allowed!, /`tools\/scraper\[Deployment\]`/);
    assert.match(allowed!, /`shop\/api\[Deployment\]`: `TCP 8080`/);
    assert.match(
      denied!,
      /- `tools\/scraper\[Deployment\]`: `All Connections` denied by \[AdminNetworkPolicy cluster-deny-tools \(priority 5\), ingress rule deny-from-tools: Deny\]\([^)]*guardrails\.yaml#L\d+\) — wins over the NetworkPolicies, which alone would allow `TCP 8080`/,
    );
  });

  it("the hover of the ANP's subject lists what it selects in every namespace", async function () {
    const text = await hoverAt(GUARDRAILS, { after: 'subject:', needle: 'namespaces: {}', word: 'namespaces' }, '**Subject** of');
    assert.match(text, /\*\*Subject\*\* of `AdminNetworkPolicy cluster-deny-tools \(priority 5\)`: all pods in namespaces matching `\{\}`/);
    assert.match(text, /Namespaces \(cluster-wide, as far as this workspace defines them\): .*`shop`.*`tools`/);
    for (const w of ['shop/web', 'shop/api', 'tools/scraper']) assert.match(text, new RegExp(`\\[Deployment ${w}\\]`), `the subject hover does not list ${w}`);
  });

  it("the hover of the Deny rule's peer names the rule and the workloads it denies", async function () {
    const text = await hoverAt(GUARDRAILS, { after: 'from:', needle: 'kubernetes.io/metadata.name: tools', word: 'tools' }, '**From**');
    assert.match(
      text,
      /\*\*From\*\* all pods in namespaces matching `kubernetes.io\/metadata.name=tools` — rule `deny-from-tools`: `Deny` of `AdminNetworkPolicy cluster-deny-tools \(priority 5\)`/,
    );
    assert.match(text, /\[Deployment tools\/scraper\]/);
    assert.doesNotMatch(text, /Deployment shop\//);
  });
});
