// The parse pool (host/parsePool.ts): files parsed in worker threads give the very models of the
// main thread's reader, indexed in the same order; a worker that fails costs speed, not results.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ParsePool } from '../../server/src/host/parsePool';
import { loadPaths, POOL_AFTER_FILES } from '../../server/src/host/files';
import type { WorkspaceIndex } from '../../server/src/index/workspaceIndex';

const ROOT = path.resolve(__dirname, '..', '..', '..'); // test/out/unit → the repository
const WORKER = path.join(ROOT, 'dist', 'parseWorker.js');
const INPUTS = [path.join(ROOT, 'examples'), path.join(ROOT, '..', 'shared', 'corpus')].filter((d) => fs.existsSync(d));

const filesOf = (index: WorkspaceIndex) => [...index.parsedFiles()];

describe('parse pool', () => {
  it('gives the models of the main thread, in the same order (examples and shared corpus)', async () => {
    const pool = ParsePool.create(2, WORKER);
    assert.ok(pool, `the worker bundle is built (${WORKER})`);
    try {
      const alone = await loadPaths(INPUTS, ROOT);
      const pooled = await loadPaths(INPUTS, ROOT, {}, undefined, { pool });
      assert.ok(alone.fileCount > 100);
      assert.equal(pooled.fileCount, alone.fileCount);
      assert.deepEqual(pooled.skipped, alone.skipped);
      assert.deepEqual(filesOf(pooled.index), filesOf(alone.index));
      assert.deepEqual(pooled.index.allObjects(), alone.index.allObjects());
    } finally {
      await pool.close();
    }
  });

  it('parses on the main thread when a worker fails', async () => {
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-pool-')), 'worker.js');
    fs.writeFileSync(broken, "require('node:worker_threads').parentPort.on('message', () => { throw new Error('worker down'); });\n");
    const pool = ParsePool.create(2, broken);
    assert.ok(pool);
    try {
      const examples = [path.join(ROOT, 'examples')];
      const alone = await loadPaths(examples, ROOT);
      const pooled = await loadPaths(examples, ROOT, {}, undefined, { pool });
      assert.deepEqual(filesOf(pooled.index), filesOf(alone.index));
    } finally {
      await pool.close();
    }
  });

  it('is started only past POOL_AFTER_FILES files, once, and then gives the same models', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-many-'));
    for (let i = 0; i < POOL_AFTER_FILES + 20; i++) {
      fs.writeFileSync(path.join(dir, `cm-${String(i).padStart(5, '0')}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: ns-${i % 7}\n`);
    }
    let made = 0;
    const pools: ParsePool[] = [];
    const factory = () => {
      made++;
      const p = ParsePool.create(2, WORKER);
      if (p) pools.push(p);
      return p;
    };
    try {
      const small = await loadPaths([path.join(ROOT, 'examples')], ROOT, {}, undefined, { pool: factory });
      assert.equal(made, 0, `no pool for ${small.fileCount} files`);
      const alone = await loadPaths([dir], ROOT);
      const pooled = await loadPaths([dir], ROOT, {}, undefined, { pool: factory });
      assert.equal(made, 1);
      assert.deepEqual(filesOf(pooled.index), filesOf(alone.index));
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  });

  it('is not made for a single core or without its worker script', () => {
    assert.equal(ParsePool.create(1, WORKER), undefined);
    assert.equal(ParsePool.create(2, path.join(os.tmpdir(), 'no-such-worker.js')), undefined);
  });
});
