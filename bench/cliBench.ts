// `k8s-netmap check` measured as a user runs it, in child processes, in CPU seconds (user + system,
// from process.cpuUsage at exit; wall time is printed too but is noise on a shared machine), with
// the parser floors on the same files in the same run:
//   js-yaml 4 loadAll without positions (the floor), `yaml` parseAllDocuments + LineCounter,
//   check cold, check --cache on an empty cache (cold + writing it; on one thread too, to compare
//   with the cold run on one thread), check --cache warm (nothing
//   changed: findings compared with the cold run's), check --cache after one file changed, and
//   check cold with parse workers past 1,000 files (opt-in, a worker per core; host/parsePool.ts: CPU against wall).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listManifestFiles } from '../server/src/host/files';

interface Usage {
  cpuS: number;
  wallS: number;
  maxRssMB: number;
  stdout: string;
}

// Preloaded into every child: reports its CPU time and peak RSS when it exits.
const HOOK = `
const fs = require('node:fs');
process.on('exit', () => {
  const u = process.cpuUsage();
  fs.writeFileSync(process.env.K8S_NETMAP_BENCH_OUT, JSON.stringify({ cpuS: (u.user + u.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
});
`;

function runChild(args: string[], work: string, env: Record<string, string> = {}): Usage {
  const out = path.join(work, 'usage.json');
  fs.rmSync(out, { force: true });
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--require', path.join(work, 'hook.js'), ...args], {
    env: { ...process.env, ...env, K8S_NETMAP_BENCH_OUT: out },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const wallS = (performance.now() - t) / 1e3;
  if (!fs.existsSync(out)) throw new Error(`bench child failed (${r.status}): ${args.join(' ')}\n${r.stderr}`);
  const u = JSON.parse(fs.readFileSync(out, 'utf8')) as { cpuS: number; maxRssMB: number };
  return { ...u, wallS, stdout: r.stdout };
}

/** Child mode (`bench.js --floor=jsyaml|yaml DIR`): reads every file and parses it, nothing else. */
export async function runFloor(kind: string, dir: string): Promise<void> {
  const texts = listManifestFiles(dir).map((f) => fs.readFileSync(f, 'utf8'));
  let docs = 0;
  if (kind === 'jsyaml') {
    const jsyaml = await import('js-yaml');
    for (const t of texts) {
      try {
        jsyaml.loadAll(t, (d) => void (d !== undefined && docs++));
      } catch {
        // a broken file counts as read
      }
    }
  } else {
    const { bareParseAll } = await import('./bareParse');
    for (const t of texts) docs += bareParseAll(t);
  }
  process.stdout.write(`${docs}\n`);
}

export interface CliFigures {
  [name: string]: number | boolean;
}

/** Every figure of one workspace, best of `rounds` rounds (CPU seconds; ratios to the js-yaml floor). */
export function runCliBench(given: string, cli: string, bench: string, rounds: number, log: (s: string) => void): CliFigures {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-bench-'));
  fs.writeFileSync(path.join(work, 'hook.js'), HOOK);
  const best: Record<string, Usage> = {};
  const keep = (name: string, u: Usage): void => {
    if (!best[name] || u.cpuS < best[name]!.cpuS) best[name] = u;
  };
  // Every run reads a copy: the one-changed run edits a file, and the workspace given may be shared.
  const dir = path.join(work, 'workspace');
  fs.cpSync(given, dir, { recursive: true });
  const edited = listManifestFiles(dir).find((f) => /svc|service/.test(path.basename(f))) ?? listManifestFiles(dir)[0]!;
  const original = fs.readFileSync(edited, 'utf8');
  let identical = true;
  let changedIdentical = true;
  try {
    for (let r = 0; r < rounds; r++) {
      const cacheDir = path.join(work, `cache-${r}`);
      keep('floor js-yaml loadAll', runChild([bench, '--floor=jsyaml', dir], work));
      keep('yaml parseAllDocuments+LineCounter', runChild([bench, '--floor=yaml', dir], work));
      const cold = runChild([cli, 'check', dir], work, { K8S_NETMAP_PARSE_WORKERS: '0' });
      keep('check cold, parsing on one thread', cold);
      const pooled = runChild([cli, 'check', dir], work, { K8S_NETMAP_PARSE_WORKERS: String(os.availableParallelism()) });
      keep('check cold, parse workers (opt-in)', pooled);
      identical &&= pooled.stdout === cold.stdout;
      // The cost of writing the cache, apart from the parse workers': an empty cache on one thread.
      keep('check --cache, empty, one thread', runChild([cli, 'check', dir, '--cache', `${cacheDir}-one-thread`], work, { K8S_NETMAP_PARSE_WORKERS: '0' }));
      keep('check --cache, empty cache', runChild([cli, 'check', dir, '--cache', cacheDir], work));
      const warm = runChild([cli, 'check', dir, '--cache', cacheDir], work);
      keep('check --cache warm', warm);
      identical &&= warm.stdout === cold.stdout;
      fs.writeFileSync(edited, original.replace(/\n/, '\n# edited by the benchmark\n'));
      const one = runChild([cli, 'check', dir, '--cache', cacheDir], work);
      keep('check --cache, one file changed', one);
      changedIdentical &&= one.stdout === runChild([cli, 'check', dir], work, { K8S_NETMAP_PARSE_WORKERS: '0' }).stdout;
      fs.writeFileSync(edited, original);
    }
  } finally {
    fs.writeFileSync(edited, original);
    fs.rmSync(work, { recursive: true, force: true });
  }
  const floor = best['floor js-yaml loadAll']!.cpuS;
  const cold = best['check cold, parsing on one thread']!.cpuS;
  const figures: CliFigures = {};
  for (const [name, u] of Object.entries(best)) {
    log(
      `${name.padEnd(36)} CPU ${u.cpuS.toFixed(2).padStart(6)} s  ×${(u.cpuS / floor).toFixed(2).padStart(5)} floor  ` +
        `×${(u.cpuS / cold).toFixed(2)} cold   wall ${u.wallS.toFixed(1)} s   peak RSS ${u.maxRssMB.toFixed(0)} MB`,
    );
    figures[`${name} cpuS`] = +u.cpuS.toFixed(2);
    figures[`${name} maxRssMB`] = Math.round(u.maxRssMB);
  }
  log(`warm (and parse-worker) findings identical to cold: ${identical}; after one changed file, identical to a cold run: ${changedIdentical}`);
  figures.warmIdentical = identical;
  figures.oneChangedIdentical = changedIdentical;
  return figures;
}
