// Long fuzz runs: `npm run fuzz -- --runs N [--seed S]` runs each property of
// test/unit/fuzz.test.ts N times (the bounded run in `npm test` uses a fixed seed and fewer cases).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10000' }, seed: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- --runs N [--seed S]');
  process.exit(2);
}
const seed = values.seed ?? String(Date.now() % 2 ** 31);
console.log(`fuzz: ${runs} runs per property, seed ${seed} (repeat a failure with --seed ${seed})`);
const r = spawnSync(process.execPath, ['--test', 'test/out/unit/fuzz.test.js'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, K8S_NETMAP_FUZZ_RUNS: String(runs), K8S_NETMAP_FUZZ_SEED: seed },
});
process.exit(r.status ?? 1);
