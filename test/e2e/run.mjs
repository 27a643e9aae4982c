#!/usr/bin/env node
// The real-VS-Code tier of `npm test`:
//   1. set-up (cached): code-server, Node 24, Chromium, playwright-core — see setup.mjs;
//   2. `npm run package` builds dist/ and dist/k8s-netmap.vsix;
//   3. extension-host tier: @vscode/test-electron's runTests() with the mocha suite in suite/,
//      against VSCODE_EXECUTABLE_PATH or, when unset, launcher.mjs (VS Code server + Chromium);
//   4. UI tier: the VSIX installed into code-server, the workbench driven with playwright-core.
// Prints `N passed, N failed` last and exits non-zero on any failure. Screenshots: test-results/e2e/.
// Options: --only=host|ui, --no-package (use the existing VSIX and dist/).
// Development overrides: K8S_NETMAP_E2E_EXTENSION (extension folder, default the repo),
// K8S_NETMAP_E2E_EXAMPLES (workspace copied for the tests, default examples/),
// K8S_NETMAP_E2E_VSIX (VSIX for the UI tier, default dist/k8s-netmap.vsix).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setup, SetupError } from './setup.mjs';
import { define } from '../../scripts/define.mjs';

const E2E_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(E2E_DIR, '..', '..');
const OUT = join(E2E_DIR, 'out');
const RESULTS = join(REPO, 'test-results', 'e2e');
const LAUNCHER = join(E2E_DIR, 'launcher.mjs');
// Issue 14's acceptance fixture, shared with the language-server test (test/server/adminLsp.test.ts).
const ANP_FIXTURE = join(REPO, 'test', 'fixtures', 'anp-deny');
const rootRequire = createRequire(join(REPO, 'package.json'));

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const doPackage = !args.includes('--no-package');
const extensionDir = resolve(process.env.K8S_NETMAP_E2E_EXTENSION || REPO);
const examplesDir = resolve(process.env.K8S_NETMAP_E2E_EXAMPLES || join(REPO, 'examples'));
const vsixPath = resolve(process.env.K8S_NETMAP_E2E_VSIX || join(REPO, 'dist', 'k8s-netmap.vsix'));

const tally = { passed: 0, failed: 0, problems: [] };
function fail(what, why) {
  tally.failed++;
  tally.problems.push(`${what}: ${why}`);
  process.stdout.write(`\n[e2e] FAILED ${what}: ${why}\n`);
}
function say(msg) {
  process.stdout.write(`[e2e] ${msg}\n`);
}
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** Bundles suite/*.ts into out/suite/ (vscode and mocha stay external: the host provides vscode,
 *  and mocha is the repo's devDependency, found from out/ by walking up). */
async function buildSuite() {
  const esbuild = rootRequire('esbuild');
  rmSync(OUT, { recursive: true, force: true });
  const suiteDir = join(E2E_DIR, 'suite');
  const entryPoints = readdirSync(suiteDir).filter((f) => f === 'index.ts' || f.endsWith('.test.ts')).map((f) => join(suiteDir, f));
  await esbuild.build({
    entryPoints, outdir: join(OUT, 'suite'), bundle: true, platform: 'node', format: 'cjs', target: 'node20',
    external: ['vscode', 'mocha'], sourcemap: 'inline', logLevel: 'warning', define,
  });
  return join(OUT, 'suite', 'index.js');
}

function packageVsix() {
  if (!doPackage || process.env.K8S_NETMAP_E2E_VSIX) return;
  const t0 = Date.now();
  say('npm run package');
  // Its file listing is long: shown only when it fails.
  const r = spawnSync('npm', ['run', 'package', '--silent'], { cwd: REPO, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    process.stdout.write(`${r.stdout}${r.stderr}`.split('\n').slice(-60).join('\n'));
    throw new Error(`\`npm run package\` exited with ${r.status ?? r.signal}`);
  }
  if (!existsSync(vsixPath)) throw new Error(`\`npm run package\` did not write ${vsixPath}`);
  say(`packaged in ${secs(t0)}`);
}

/** A temp folder with a copy of `source` (default the examples; and, for `multiRoot`, a second folder
 *  and a .code-workspace). The copy keeps the source's folder name: index.ts picks the tests by it. */
function workspaceCopy({ source = examplesDir, multiRoot = false } = {}) {
  if (!existsSync(source)) throw new Error(`no workspace to copy at ${source}`);
  const dir = mkdtempSync(join(tmpdir(), 'k8s-netmap-e2e-ws-'));
  const ws = join(dir, source === examplesDir ? 'examples' : basename(source));
  cpSync(source, ws, { recursive: true });
  let target = ws;
  if (multiRoot) {
    cpSync(join(E2E_DIR, 'fixtures', 'second-folder'), join(dir, 'second-folder'), { recursive: true });
    target = join(dir, 'multi-root.code-workspace');
    writeFileSync(target, JSON.stringify({ folders: [{ path: 'examples' }, { path: 'second-folder' }] }, null, 2));
  }
  return { target, profile: join(dir, 'profile'), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** One runTests() of the suite on a folder or a .code-workspace; adds its counts to the tally. */
async function runSuite(label, testsPath, { source, multiRoot = false } = {}) {
  const { runTests } = rootRequire('@vscode/test-electron');
  const resultFile = join(mkdtempSync(join(tmpdir(), 'k8s-netmap-e2e-result-')), 'result.json');
  const { target, profile, dispose } = workspaceCopy({ source, multiRoot });
  try {
    await runTests({
      vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || LAUNCHER,
      extensionDevelopmentPath: extensionDir,
      extensionTestsPath: testsPath,
      // A throw-away profile: a desktop VS Code would otherwise keep one in ./.vscode-test.
      launchArgs: [target, '--disable-extensions', `--user-data-dir=${join(profile, 'user')}`, `--extensions-dir=${join(profile, 'ext')}`],
      extensionTestsEnv: { K8S_NETMAP_E2E_RESULT_FILE: resultFile },
    });
  } catch (e) {
    // A non-zero exit; the counts below say which tests failed.
    if (!existsSync(resultFile)) fail(label, `VS Code exited without running the suite (${e.message})`);
  } finally {
    dispose();
  }
  if (existsSync(resultFile)) {
    const r = JSON.parse(readFileSync(resultFile, 'utf8'));
    tally.passed += r.passes;
    tally.failed += r.failures;
    for (const f of r.failed) tally.problems.push(`${label}: ${f.title}: ${f.error.split('\n')[0]}`);
  }
  rmSync(dirname(resultFile), { recursive: true, force: true });
}

async function hostTier() {
  const t0 = Date.now();
  const testsPath = await buildSuite();
  const executable = process.env.VSCODE_EXECUTABLE_PATH || LAUNCHER;
  say(`extension-host tier: ${executable === LAUNCHER ? 'launcher.mjs (VS Code server in code-server + Chromium)' : executable}`);
  await runSuite('extension host', testsPath);
  say('extension-host tier, multi-root window');
  await runSuite('extension host (multi-root)', testsPath, { multiRoot: true });
  say('extension-host tier, a window on test/fixtures/anp-deny (AdminNetworkPolicy tiers)');
  await runSuite('extension host (anp-deny)', testsPath, { source: ANP_FIXTURE });
  say(`extension-host tier done in ${secs(t0)}`);
}

async function uiTier() {
  const t0 = Date.now();
  if (!existsSync(vsixPath)) throw new Error(`no VSIX at ${vsixPath} (\`npm run package\` writes it)`);
  const Mocha = rootRequire('mocha');
  process.env.K8S_NETMAP_E2E_VSIX_PATH = vsixPath;
  process.env.K8S_NETMAP_E2E_EXAMPLES_DIR = examplesDir;
  process.env.K8S_NETMAP_E2E_RESULTS_DIR = RESULTS;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const uiDir = join(E2E_DIR, 'ui');
  for (const f of readdirSync(uiDir).filter((n) => n.endsWith('.test.mjs')).sort()) mocha.addFile(join(uiDir, f));
  await mocha.loadFilesAsync();
  const stats = await new Promise((done) => {
    const runner = mocha.run(() => done(runner.stats));
    runner.on('fail', (test, err) => tally.problems.push(`UI: ${test.fullTitle()}: ${String(err?.message ?? err).split('\n')[0]}`));
  });
  tally.passed += stats.passes;
  tally.failed += stats.failures;
  say(`UI tier done in ${secs(t0)}`);
}

async function main() {
  const t0 = Date.now();
  mkdirSync(RESULTS, { recursive: true });
  for (const f of readdirSync(RESULTS)) rmSync(join(RESULTS, f), { recursive: true, force: true });
  // With a desktop VS Code (VSCODE_EXECUTABLE_PATH) the extension-host tier needs none of code-server.
  if (!(only === 'host' && process.env.VSCODE_EXECUTABLE_PATH)) {
    try {
      setup();
    } catch (e) {
      fail('set-up', e instanceof SetupError ? e.message : e.stack);
      return;
    }
  }
  let packaged = true;
  try {
    packageVsix();
  } catch (e) {
    packaged = false;
    fail('packaging', e.message);
  }
  if (!only || only === 'host') {
    try {
      await hostTier();
    } catch (e) {
      fail('extension-host tier', e.stack);
    }
  }
  if (!only || only === 'ui') {
    if (!packaged) fail('UI tier', 'skipped: there is no fresh VSIX to install');
    else {
      try {
        await uiTier();
      } catch (e) {
        fail('UI tier', e.stack);
      }
    }
  }
  say(`real-VS-Code tier took ${secs(t0)}; screenshots in ${RESULTS}`);
}

main().finally(() => {
  if (tally.passed === 0 && tally.failed === 0) fail('real-VS-Code tier', 'no test ran');
  if (tally.problems.length) process.stdout.write(`\nFailures:\n${tally.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  process.stdout.write(`\n${tally.passed} passed, ${tally.failed} failed\n`);
  process.exit(tally.failed > 0 || tally.passed === 0 ? 1 : 0);
});
