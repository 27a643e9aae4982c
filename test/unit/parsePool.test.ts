// The parse pool (host/parsePool.ts): files parsed in worker threads give the very models of the
// main thread's reader, indexed in the same order; a worker that fails costs speed, not results.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ParsePool } from '../../server/src/host/parsePool';
import { loadPaths } from '../../server/src/index/files';
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

  it('is not made for a single core or without its worker script', () => {
    assert.equal(ParsePool.create(1, WORKER), undefined);
    assert.equal(ParsePool.create(2, path.join(os.tmpdir(), 'no-such-worker.js')), undefined);
  });
});
