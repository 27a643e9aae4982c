// Runs every test tier in order and prints one closing line: `N passed, N failed`.
//   gates first: `tsc --noEmit` and typescript-eslint (eslint.config.mjs); an error in either fails
//   the run before any tier starts (each gate counts as one test)
//   unit + server + conformance: node --test over the bundled files in test/out/ (built by `pretest`)
//   webview: test/webview/run.mjs (headless Chromium)       — left out with --fast
//   real VS Code: test/e2e/run.mjs (code-server + Chromium) — left out with --fast
//   grammar: test/grammar/run.mjs (vscode-tmgrammar-test)
// A tier that cannot run fails with its own message; nothing is skipped silently.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const fast = process.argv.includes('--fast');

function listTests(dir) {
  const abs = path.join(root, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs)
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Runs a command, echoing its output, and returns its exit code and output. */
function run(label, cmd, args) {
  console.log(`\n=== ${label}: ${cmd === process.execPath ? 'node' : cmd} ${args.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Counts from a tier's output: node's test runner (`# pass N`) or a plain `N passed, N failed` line. */
function counts(out) {
  const pass = /^# pass (\d+)$/m.exec(out);
  const fail = /^# fail (\d+)$/m.exec(out);
  if (pass && fail) return { passed: Number(pass[1]), failed: Number(fail[1]) };
  const lines = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed/gm)];
  const last = lines[lines.length - 1];
  return last ? { passed: Number(last[1]), failed: Number(last[2]) } : undefined;
}

const tiers = [
  {
    label: 'unit, language server and conformance tests',
    cmd: process.execPath,
    args: ['--test', '--test-reporter=tap', ...listTests('test/out/unit'), ...listTests('test/out/server')],
  },
];
if (!fast) {
  if (fs.existsSync(path.join(root, 'test/webview/run.mjs'))) tiers.push({ label: 'webview tests (headless Chromium)', cmd: process.execPath, args: ['test/webview/run.mjs'] });
  tiers.push({ label: 'real VS Code tests (code-server)', cmd: process.execPath, args: ['test/e2e/run.mjs'] });
}
// Last, so that the grammar also runs on VS Code's own YAML grammar once the real-VS-Code tier has
// installed it (without it, those runs are reported as skipped with the reason).
tiers.push({ label: 'grammar tests', cmd: process.execPath, args: ['test/grammar/run.mjs'] });

let passed = 0;
let failed = 0;
const failedTiers = [];

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const gates = [
  { label: 'type check', cmd: bin('tsc'), args: ['-p', '.', '--noEmit'] },
  { label: 'lint', cmd: bin('eslint'), args: ['--max-warnings', '0', '.'] },
];
for (const gate of gates) {
  const { code } = await run(gate.label, gate.cmd, gate.args);
  if (code === 0) passed++;
  else {
    failed++;
    failedTiers.push(gate.label);
  }
}
if (failedTiers.length) {
  console.log(`\nfailed gates: ${failedTiers.join('; ')} (no tier was run)\n${passed} passed, ${failed} failed`);
  process.exit(1);
}
for (const tier of tiers) {
  const { code, out } = await run(tier.label, tier.cmd, tier.args);
  const c = counts(out);
  if (c) {
    passed += c.passed;
    failed += c.failed;
  }
  if (code !== 0) {
    failedTiers.push(tier.label);
    if (!c || c.failed === 0) failed += 1; // a tier that failed without counting a failure still fails the run
  }
}
console.log(`\n${failedTiers.length ? `failed tiers: ${failedTiers.join('; ')}\n` : ''}${passed} passed, ${failed} failed`);
process.exit(failedTiers.length ? 1 : 0);
