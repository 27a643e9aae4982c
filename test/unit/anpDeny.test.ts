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
import { ExplainContext, isTierDenied, tierDenial, tierDenialCandidates } from '../../server/src/analysis/explain';
import { analysisOf, deployment, y } from './helpers';

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

describe('tier denials at scale: the cheap paths agree with the full explanation', () => {
  // Fifteen workloads in tools, two in shop, and a BANP that denies ingress from tools to a
  // namespace without NetworkPolicies (batch) beside the fixture's ANP.
  const more = (): Record<string, string> => {
    const all = files();
    all['file:///anp-deny/tools.yaml'] = Array.from({ length: 15 }, (_, i) => deployment(`job-${String(i).padStart(2, '0')}`, { ns: 'tools' })).join('');
    all['file:///anp-deny/batch.yaml'] = deployment('runner', { ns: 'batch' });
    all['file:///anp-deny/banp.yaml'] = y(
      'apiVersion: policy.networking.k8s.io/v1alpha1',
      'kind: BaselineAdminNetworkPolicy',
      'metadata: {name: default}',
      'spec:',
      '  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: batch}}}',
      '  egress:',
      '    - {name: no-tools, action: Deny, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: tools}}}]}',
    );
    return all;
  };

  it('isTierDenied and tierDenialCandidates agree with tierDenial on every pair', () => {
    const analysis = analysisOf(more());
    const engine = analysis.reachability();
    const ctx = new ExplainContext(engine, analysis.index);
    const workloads = engine.peers().filter((p) => p.kind === 'workload');
    let denied = 0;
    for (const src of workloads) {
      for (const dst of workloads) {
        if (src === dst) continue;
        const full = tierDenial(ctx, src, dst) !== undefined;
        denied += full ? 1 : 0;
        assert.equal(isTierDenied(ctx, src, dst), full, `${src.name} => ${dst.name}`);
        if (full) {
          assert.ok(tierDenialCandidates(ctx, src, 'egress').includes(dst), `${dst.name} a candidate destination of ${src.name}`);
          assert.ok(tierDenialCandidates(ctx, dst, 'ingress').includes(src), `${src.name} a candidate source of ${dst.name}`);
        }
      }
    }
    // The ANP keeps tools from everyone (16 sources × 3 others each side), the BANP batch from tools.
    assert.ok(denied > 40, String(denied));
  });

  it('the hover lists twelve denied peers, then counts the rest', () => {
    const all = more();
    const analysis = analysisOf(all);
    const uri = 'file:///anp-deny/apps.yaml';
    const h = hover(analysis, uri, all[uri].indexOf('name: web') + 'name: '.length);
    assert.ok(h);
    const lines = h.markdown.split('\n');
    const start = lines.indexOf('Denied by the cluster tiers (ingress):');
    assert.ok(start >= 0, h.markdown);
    const rest = lines.slice(start + 1);
    const end = rest.findIndex((l) => !l.startsWith('- '));
    const items = end === -1 ? rest : rest.slice(0, end);
    assert.equal(items.length, 13, items.join('\n'));
    assert.equal(items[12], '- … and 4 more');
    assert.match(items[0], /^- `tools\/job-00\[Deployment\]`: `All Connections` denied by /);
  });
});
