// Issue 14's acceptance fixture (test/fixtures/anp-deny): a namespace NetworkPolicy lets every
// namespace reach shop/web on 8080, and a cluster-wide AdminNetworkPolicy Deny rule keeps the tools
// namespace out. Every view must show that the ANP wins: reach (no connection), explain (the ANP
// rule), the workload hover (the ANP, its priority, the rule and its action) and the diagram (a
// tier-denied edge).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { graphInputOf } from '../../server/src/analysis/graph/fromAnalysis';
import { buildGraph } from '../../server/src/analysis/graph/builder';
import { hover } from '../../server/src/features/hover';
import { runCli } from './cliRun';
import { repoRoot } from './conformanceRoot';
import { analysisOf } from './helpers';

const root = repoRoot()!;
const fixture = path.join(root, 'test/fixtures/anp-deny');
const files = (): Record<string, string> =>
  Object.fromEntries(fs.readdirSync(fixture).map((f) => [`file:///anp-deny/${f}`, fs.readFileSync(path.join(fixture, f), 'utf8')]));

describe('anp-deny: a cluster-wide ANP Deny wins over a namespace allow', () => {
  it('reach prints no connection from tools/scraper to shop/web, and keeps shop/api => shop/web', async () => {
    const { code, stdout } = await runCli(['reach', fixture], root);
    assert.equal(code, 0);
    assert.doesNotMatch(stdout, /^tools\/scraper\[Deployment\] => shop\/web\[Deployment\]/m);
    assert.match(stdout, /^shop\/api\[Deployment\] => shop\/web\[Deployment\] : TCP 8080$/m);
  });

  it('reach --explain names the ANP rule as the reason', async () => {
    const { code, stdout } = await runCli(['reach', fixture, '--explain'], root);
    assert.equal(code, 0);
    const block = stdout.split('Connections between ').find((b) => b.startsWith('tools/scraper[Deployment] => shop/web[Deployment]'));
    assert.ok(block, stdout);
    assert.match(block, /Denied TCP, UDP, SCTP due to the following policies and rules:/);
    assert.match(block, /\t\t\tAdminNetworkPolicy 'cluster-deny-tools' denies connections by Ingress rule deny-from-tools\n/);
    assert.doesNotMatch(block, /NetworkPolicy 'shop\/allow-web-in'/);
  });

  it('the workload hover says the ANP decides and wins over the NetworkPolicy', () => {
    const analysis = analysisOf(files());
    const uri = 'file:///anp-deny/apps.yaml';
    const text = files()[uri];
    const h = hover(analysis, uri, text.indexOf('name: web') + 'name: '.length);
    assert.ok(h);
    const line = h.markdown.split('\n').find((l) => l.includes('`tools/scraper[Deployment]`'));
    assert.ok(line, h.markdown);
    assert.match(line, /^- `tools\/scraper\[Deployment\]`: `All Connections` denied by \[AdminNetworkPolicy cluster\\-deny\\-tools \\\(priority 5\\\), ingress rule deny\\-from\\-tools\\: Deny\]/);
    assert.match(line, /wins over the NetworkPolicies, which alone would allow `TCP 8080`/);
    assert.match(h.markdown, /Denied by the cluster tiers \(ingress\):/);
    // The allowed peer still names the NetworkPolicy rule that admits it.
    assert.match(h.markdown, /`TCP 8080` allowed by \[NetworkPolicy shop\/allow\\-web\\-in, ingress rule \\#1\]/);
  });

  it('the engine tells what the NetworkPolicies alone allow from what the tiers allow', () => {
    const engine = analysisOf(files()).reachability();
    const scraper = engine.peer('tools/scraper[Deployment]')!;
    const web = engine.peer('shop/web[Deployment]')!;
    assert.equal(engine.networkPolicyConns(scraper, web).toString(), 'TCP 8080');
    assert.equal(engine.conns(scraper, web).isEmpty, true);
    assert.equal(engine.networkPolicyConns(web, scraper).toString(), 'All Connections');
  });

  it('the diagram has a tier-denied edge from tools/scraper to shop/web naming the ANP', () => {
    const graph = buildGraph(graphInputOf(analysisOf(files())));
    const denied = graph.edges.filter((e) => e.kind === 'tier-denied');
    assert.deepEqual(
      denied.map((e) => `${e.from} -> ${e.to} : ${e.ports}`),
      // shop/api is isolated by nothing: NetworkPolicies alone would allow it everything.
      ['Deployment/tools/scraper -> Deployment/shop/api : All Connections', 'Deployment/tools/scraper -> Deployment/shop/web : TCP 8080'],
    );
    assert.ok(denied[1].detail?.some((l) => l.includes("AdminNetworkPolicy cluster-deny-tools (priority 5), ingress rule deny-from-tools: Deny")), JSON.stringify(denied[1].detail));
    assert.ok(denied[1].detail?.includes('NetworkPolicies alone would allow TCP 8080'));
    // Never a path: the path query does not cross a denied edge.
    assert.equal(graph.edges.some((e) => e.kind === 'allow' && e.from === 'Deployment/tools/scraper'), false);
  });

  it('escapes a hostile rule name in the hover', () => {
    const all = files();
    const guard = 'file:///anp-deny/guardrails.yaml';
    all[guard] = all[guard].replace('name: deny-from-tools', 'name: "<img src=x onerror=alert(1)> [x](javascript:1)"');
    const analysis = analysisOf(all);
    const uri = 'file:///anp-deny/apps.yaml';
    const h = hover(analysis, uri, all[uri].indexOf('name: web') + 'name: '.length);
    assert.ok(h);
    const line = h.markdown.split('\n').find((l) => l.includes('`tools/scraper[Deployment]`') && l.includes('denied by'));
    assert.ok(line, h.markdown);
    assert.doesNotMatch(line, /<img|\]\(javascript/);
    assert.match(line, /&lt;img src\\=x onerror\\=alert\\\(1\\\)&gt;/);
  });
});
