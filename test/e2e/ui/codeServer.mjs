// code-server as a user runs it (recipe step 5), with the VSIX installed the way a user installs
// it, and a Chromium page on its workbench. Everything lives under one temp folder and one
// process group, both removed by stop().
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM, CODE_SERVER_ENTRY, NODE24 } from '../setup.mjs';
import { CHROMIUM_ARGS } from '../launcher.mjs';

const E2E_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(join(E2E_DIR, 'package.json'));

const SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'editor.hover.delay': 100,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'editor.minimap.enabled': false,
  'files.autoSave': 'off',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The page title then names the active file by its full path: the tests read it to know which
  // file an editor shows, independently of how tabs are drawn (preview tabs, long names).
  'window.title': '${activeEditorLong}',
};

function killGroup(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
}

export class CodeServer {
  /** @param {{ vsix: string, examples: string }} opts */
  constructor(opts) {
    this.opts = opts;
    this.root = mkdtempSync(join(tmpdir(), 'k8s-netmap-e2e-ui-'));
    this.workspace = join(this.root, 'examples');
    this.log = [];
  }

  env() {
    const home = join(this.root, 'home');
    return { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'), TMPDIR: join(this.root, 'tmp'), PATH: `${dirname(NODE24)}:${process.env.PATH}` };
  }

  installVsix() {
    const r = spawnSync(NODE24, [CODE_SERVER_ENTRY, '--install-extension', this.opts.vsix, '--extensions-dir', join(this.root, 'ext'),
      '--user-data-dir', join(this.root, 'user'), '--config', join(this.root, 'config.yaml')], { env: this.env(), encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${this.opts.vsix} failed:\n${out}`);
  }

  /** Copies the workspace, installs the VSIX, starts code-server; resolves with the workbench URL. */
  async start() {
    for (const d of ['home', 'tmp', 'ext', 'user/User']) mkdirSync(join(this.root, d), { recursive: true });
    cpSync(this.opts.examples, this.workspace, { recursive: true });
    writeFileSync(join(this.root, 'user', 'User', 'settings.json'), JSON.stringify(SETTINGS, null, 2));
    writeFileSync(join(this.root, 'config.yaml'), 'auth: none\n');
    this.installVsix();
    const args = [CODE_SERVER_ENTRY, '--bind-addr', '127.0.0.1:0', '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--disable-getting-started-override', '--user-data-dir', join(this.root, 'user'),
      '--extensions-dir', join(this.root, 'ext'), '--config', join(this.root, 'config.yaml'), this.workspace];
    this.child = spawn(NODE24, args, { detached: true, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`code-server did not listen within 30 s:\n${this.tail()}`)), 30_000);
      const onData = (chunk) => {
        const text = chunk.toString();
        this.log.push(text);
        const m = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(text);
        if (m) { clearTimeout(timer); resolve(Number(m[1])); }
      };
      this.child.stdout.on('data', onData);
      this.child.stderr.on('data', onData);
      this.child.on('exit', (c, s) => { clearTimeout(timer); reject(new Error(`code-server exited (${c ?? s}):\n${this.tail()}`)); });
    });
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    if (!health.ok) throw new Error(`code-server /healthz answered ${health.status}`);
    this.url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(this.workspace)}`;
    return this.url;
  }

  tail() {
    return this.log.join('').split('\n').slice(-40).join('\n');
  }

  async openBrowser() {
    const { chromium } = require('playwright-core');
    this.browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    const context = await this.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    this.page = await context.newPage();
    await this.page.goto(this.url);
    return this.page;
  }

  /** Stops everything; with `keepLogsIn`, first saves code-server's output and VS Code's logs there. */
  async stop({ keepLogsIn } = {}) {
    if (this.browser) await Promise.race([this.browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    killGroup(this.child);
    if (keepLogsIn) {
      mkdirSync(keepLogsIn, { recursive: true });
      writeFileSync(join(keepLogsIn, 'code-server.log'), this.log.join(''));
      const logs = join(this.root, 'user', 'logs');
      if (existsSync(logs)) cpSync(logs, join(keepLogsIn, 'vscode-logs'), { recursive: true });
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
