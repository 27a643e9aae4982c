// Bundles every entry point with esbuild: the extension client, the language server, the CLI,
// the webview script, the benchmark and the tests. `--production` minifies and drops source maps;
// `--watch` rebuilds on every save (one esbuild context per bundle) until stopped.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { define } from './define.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const exists = (p) => fs.existsSync(path.join(root, p));

const node = {
  define,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  absWorkingDir: root,
  // The `yaml` package ships a browser build that esbuild would otherwise prefer for `module` fields.
  mainFields: ['module', 'main'],
};

const builds = [
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] },
  { ...node, entryPoints: ['server/src/lsp/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['server/src/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' },
  // The parse pool's worker (server/src/host/parsePool.ts), beside the CLI and the server that start it.
  { ...node, entryPoints: ['server/src/host/parseWorker.ts'], outfile: 'dist/parseWorker.js' },
];
if (exists('client/src/webview/main.ts')) {
  builds.push({
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: false,
    minify: production,
    logLevel: 'warning',
    absWorkingDir: root,
    define,
    entryPoints: ['client/src/webview/main.ts'],
    outfile: 'dist/webview.js',
  });
}

// Tests are bundled one file each into test/out/, mirroring their folder.
const testDirs = ['test/unit', 'test/server'];
const testEntries = testDirs.flatMap((d) =>
  exists(d) ? fs.readdirSync(path.join(root, d)).filter((f) => f.endsWith('.test.ts')).map((f) => `${d}/${f}`) : [],
);
if (testEntries.length && !production) {
  builds.push({ ...node, sourcemap: 'inline', entryPoints: testEntries, outdir: 'test/out', outbase: 'test', external: ['vscode'] });
}

const missing = builds.flatMap((b) => b.entryPoints).filter((e) => !exists(e));
const ready = builds.filter((b) => b.entryPoints.every((e) => exists(e)));
if (missing.length) console.warn(`build: not yet written, skipped: ${missing.join(', ')}`);
fs.rmSync(path.join(root, 'test/out'), { recursive: true, force: true });
// A bundle built without a source map must not leave the previous build's map beside it: `npm pack`
// would ship a map that no longer matches its bundle (profiles and stack traces on wrong lines).
for (const b of ready) if (b.outfile && !b.sourcemap) fs.rmSync(path.join(root, `${b.outfile}.map`), { force: true });
if (watch) {
  // Logs each rebuild and its errors; the first build happens as the watch starts.
  const contexts = await Promise.all(ready.map((b) => esbuild.context({ ...b, logLevel: 'info' })));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`build: watching ${contexts.length} bundles (Ctrl+C to stop)`);
  await new Promise(() => undefined);
}
const started = Date.now();
await Promise.all(ready.map((b) => esbuild.build(b)));
if (exists('dist/cli.js')) fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
console.log(`build: ${ready.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
