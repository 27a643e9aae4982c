// `reach` focus options (SPEC §4, netpol-analyzer's semantics): --focus repeatable with bare
// names, --focus-peer, --focus-direction, --focus-conn, and their usage errors.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runReach } from '../../server/src/cli/reach';
import { repoRoot } from './conformanceFamily';

const shop = path.join(repoRoot()!, 'test/fixtures/open-world-shop');

async function reach(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runReach([shop, ...args], { stdout: (s) => (out += s), stderr: (s) => (err += s), cwd: shop, readStdin: async () => '' });
  return { code, out, err };
}

describe('reach focus options', () => {
  it('--focus takes a bare name or ns/name, repeatedly, and keeps the pairs with a focus workload at one end', async () => {
    const bare = await reach('--focus', 'storefront', '--focus', 'shop/catalog');
    assert.equal(bare.code, 0, bare.err);
    assert.deepEqual(bare.out.trim().split('\n'), [
      'shop/catalog[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/catalog[Deployment] => shop/checkout[Deployment] : All Connections',
      'shop/storefront[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'shop/storefront[Deployment] => shop/checkout[Deployment] : All Connections',
    ]);
  });

  it('--focus-peer keeps only pairs whose other end is a focus peer; --focus-direction ingress keeps the focus as destination', async () => {
    const peer = await reach('--focus', 'storefront', '--focus-peer', 'checkout');
    assert.deepEqual(peer.out.trim().split('\n'), ['shop/storefront[Deployment] => shop/checkout[Deployment] : All Connections']);
    const ingress = await reach('--focus', 'checkout', '--focus-direction', 'ingress');
    assert.ok(ingress.out.trim().split('\n').every((l) => l.includes('=> shop/checkout[Deployment]')), ingress.out);
    assert.equal(ingress.out.trim().split('\n').length, 4);
  });

  it('--focus-conn lists the pairs that allow that port, without connections, under a header', async () => {
    const r = await reach('--focus', 'catalog', '--focus-conn', 'tcp-8081', '--focus-direction', 'egress');
    assert.equal(r.out, 'Permitted connections on TCP 8081:\nshop/catalog[Deployment] => 0.0.0.0-255.255.255.255[External]\nshop/catalog[Deployment] => shop/checkout[Deployment]\n');
  });

  it('reports a bad --focus-conn, and --exposure with JSON, as usage errors (exit 2)', async () => {
    for (const args of [['--focus-conn', 'tcp8080'], ['--focus-conn', 'icmp-1'], ['--exposure', '--format', 'json']]) {
      const r = await reach(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, /usage: k8s-netmap reach/);
    }
  });

  it('warns about a focus that names no peer', async () => {
    const r = await reach('--focus', 'nosuch');
    assert.equal(r.code, 0);
    assert.match(r.err, /--focus nosuch names no peer/);
    assert.equal(r.out, '');
  });
});
