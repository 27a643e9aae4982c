import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runGraph } from '../../server/src/cli/graph';
import type { Graph } from '../../server/src/model/graph';

/** The repository root, found upward from this file (bundled into test/out/…) or the working folder. */
function repoRoot(): string {
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(path.join(dir, 'test/fixtures/graph/shop'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error('test/fixtures/graph/shop not found');
}

const root = repoRoot();
const fixture = 'test/fixtures/graph/shop';

async function run(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runGraph(args, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: root,
    readStdin: async () => stdin,
  });
  return { code, stdout, stderr };
}

describe('k8s-netmap graph', () => {
  it('prints the JSON contract by default: stable ids, edge kinds, reach-notation ports', async () => {
    const { code, stdout, stderr } = await run([fixture]);
    assert.equal(code, 0, stderr);
    const g = JSON.parse(stdout);
    assert.deepEqual(Object.keys(g.nodes[0]), ['id', 'kind', 'name', 'namespace']);
    assert.deepEqual(Object.keys(g.edges[0]), ['from', 'to', 'kind', 'ports']);
    const edges = g.edges.map((e: { from: string; to: string; kind: string; ports: string }) => `${e.from} -${e.kind}-> ${e.to} : ${e.ports}`);
    assert.deepEqual(edges, [
      'Deployment/shop/web -allow-> Deployment/shop/cart : TCP 7070',
      'Ingress/shop/storefront -blocked-> Service/shop/cart : TCP 7070',
      'Ingress/shop/storefront -route-> Service/shop/web : TCP 80',
      'Service/shop/<img src=x onerror=alert(1)> -select-> Deployment/shop/web : TCP 8080',
      'Service/shop/cart -select-> Deployment/shop/cart : TCP 7070',
      'Service/shop/web -select-> Deployment/shop/web : TCP 8080',
      'internet -route-> Ingress/shop/storefront : TCP 80',
      'internet -route-> Service/shop/<img src=x onerror=alert(1)> : TCP 443',
    ]);
    assert.ok(g.nodes.some((n: { id: string; kind: string; namespace: string }) => n.id === 'internet' && n.kind === 'internet' && n.namespace === ''));
    // Same input, same bytes.
    assert.equal((await run([fixture])).stdout, stdout);
  });

  it('draws a controller the workspace defines as itself, and refuses a cross-namespace route without a ReferenceGrant', async () => {
    const { code, stdout, stderr } = await run(['test/fixtures/graph/gateway']);
    assert.equal(code, 0, stderr);
    const g = JSON.parse(stdout);
    assert.ok(!g.nodes.some((n: { kind: string }) => n.kind === 'ingress-controller'), 'no virtual controller node');
    const edges = g.edges.map((e: { from: string; to: string; kind: string; ports: string }) => `${e.from} -${e.kind}-> ${e.to} : ${e.ports}`);
    assert.deepEqual(edges, [
      'Deployment/ingress-nginx/ingress-nginx-controller -allow-> Deployment/apps/echo : TCP 5678',
      'HTTPRoute/apps/echo -route-> Service/apps/echo : TCP 80',
      'HTTPRoute/gw/echo-elsewhere -blocked-> Service/apps/echo : TCP 80',
      'Service/apps/echo -select-> Deployment/apps/echo : TCP 5678',
      'internet -route-> HTTPRoute/apps/echo : ',
      'internet -route-> HTTPRoute/gw/echo-elsewhere : ',
      // The policy admits every pod of ingress-nginx, not only the one the workspace defines (SPEC §3).
      'representative/ingress-nginx/[all pods] -allow-> Deployment/apps/echo : TCP 5678',
    ]);
  });

  it('reads standard input with -', async () => {
    const text = fs.readFileSync(path.join(root, fixture, 'app.yaml'), 'utf8');
    const { code, stdout } = await run(['-', '--format', 'json'], text);
    assert.equal(code, 0);
    assert.ok(JSON.parse(stdout).nodes.some((n: { id: string }) => n.id === 'Deployment/shop/cart'));
  });

  it('prints Mermaid and DOT with manifest strings escaped', async () => {
    const mermaid = await run([fixture, '--format', 'mermaid']);
    assert.equal(mermaid.code, 0);
    assert.ok(mermaid.stdout.startsWith('flowchart LR\n'));
    assert.ok(!mermaid.stdout.includes('<img'));
    assert.match(mermaid.stdout, /n_Ingress_shop_storefront --x\|"TCP 7070"\| n_Service_shop_cart/);
    const dot = await run([fixture, '--format=dot']);
    assert.equal(dot.code, 0);
    assert.match(dot.stdout, /^digraph "k8s-netmap" \{/);
    assert.match(dot.stdout, /subgraph "cluster_shop"/);
  });

  it('exits 2 on bad usage or no readable input', async () => {
    assert.equal((await run([])).code, 2);
    const bad = await run([fixture, '--format', 'png']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--format must be json, mermaid or dot/);
    assert.equal((await run([fixture, '--colour'])).code, 2);
    const missing = await run(['test/fixtures/graph/no-such-folder']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not found/);
  });
});

describe('k8s-netmap graph --focus', () => {
  const ids = (g: Graph): string[] => g.nodes.map((n) => n.id).sort();
  const edgeText = (g: Graph): string[] => g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to} : ${e.ports}`);

  it('prints the neighbourhood of ns/name in the same JSON', async () => {
    const { code, stdout, stderr } = await run([fixture, '--focus', 'shop/cart']);
    assert.equal(code, 0, stderr);
    const g = JSON.parse(stdout) as Graph;
    assert.deepEqual(ids(g), ['Deployment/shop/cart', 'Deployment/shop/web', 'Ingress/shop/storefront', 'Service/shop/cart', 'internet']);
    assert.ok(edgeText(g).includes('Deployment/shop/web -allow-> Deployment/shop/cart : TCP 7070'));
  });

  it('--depth 0 keeps only the routing chain; bad values are usage errors', async () => {
    const zero = JSON.parse((await run([fixture, '--focus', 'shop/cart', '--depth', '0'])).stdout) as Graph;
    assert.ok(!ids(zero).includes('Deployment/shop/web'));
    assert.equal((await run([fixture, '--focus', 'shop/cart', '--depth', 'x'])).code, 2);
    assert.equal((await run([fixture, '--depth', '2'])).code, 2);
    const none = await run([fixture, '--focus', 'shop/nothing']);
    assert.equal(none.code, 0);
    assert.match(none.stderr, /names no object/);
    assert.deepEqual(JSON.parse(none.stdout), { nodes: [], edges: [] });
  });
});
