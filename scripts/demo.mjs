// `npm run demo`: builds and packages the extension, installs the VSIX into code-server (a real
// VS Code in the browser, set up by test/e2e/setup.mjs from npm and Debian packages) and serves
// `examples/` at http://127.0.0.1:8080 until stopped with Ctrl+C.
//   PORT=9000 npm run demo     another port
// Edits made in the browser are saved into examples/ like in any editor.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_ENTRY, NODE24, setup } from '../test/e2e/setup.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT ?? 8080);
const state = join(root, '.demo');

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`demo: '${[cmd, ...args].join(' ')}' failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
}

console.log('demo: setting up code-server (cached after the first run)…');
try {
  setup();
} catch (error) {
  console.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log('demo: building and packaging the extension…');
run('npm', ['run', 'package', '--silent']);

for (const d of ['home', 'tmp', 'ext', 'user/User']) mkdirSync(join(state, d), { recursive: true });
writeFileSync(
  join(state, 'user', 'User', 'settings.json'),
  JSON.stringify(
    {
      'workbench.startupEditor': 'none',
      'chat.disableAIFeatures': true,
      'telemetry.telemetryLevel': 'off',
      'security.workspace.trust.enabled': false,
      'git.openRepositoryInParentFolders': 'never',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
    },
    null,
    2,
  ),
);
writeFileSync(join(state, 'config.yaml'), 'auth: none\n');
const env = {
  ...process.env,
  HOME: join(state, 'home'),
  XDG_CONFIG_HOME: join(state, 'home', '.config'),
  XDG_DATA_HOME: join(state, 'home', '.local', 'share'),
  XDG_CACHE_HOME: join(state, 'home', '.cache'),
  TMPDIR: join(state, 'tmp'),
  PATH: `${dirname(NODE24)}:${process.env.PATH}`,
};
const common = ['--user-data-dir', join(state, 'user'), '--extensions-dir', join(state, 'ext'), '--config', join(state, 'config.yaml')];
run(NODE24, [CODE_SERVER_ENTRY, '--install-extension', join(root, 'dist', 'k8s-netmap.vsix'), '--force', ...common], { env });

const examples = join(root, 'examples');
const child = spawn(
  NODE24,
  [CODE_SERVER_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ...common, examples],
  { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
);
let announced = false;
const onOutput = (chunk) => {
  const text = chunk.toString();
  if (!announced && /HTTP server listening/.test(text)) {
    announced = true;
    console.log(`\nk8s-netmap demo: open http://127.0.0.1:${port}/?folder=${encodeURIComponent(examples)}`);
    console.log('Open a file under shop/ to see diagnostics, hover a Service selector, or run "k8s-netmap: Show Network Diagram" (F1).');
    console.log('Stop with Ctrl+C.\n');
  }
  if (process.env.K8S_NETMAP_DEMO_VERBOSE) process.stdout.write(text);
};
child.stdout.on('data', onOutput);
child.stderr.on('data', onOutput);
const stop = () => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code, signal) => {
  if (!announced) console.error(`demo: code-server exited before listening (${code ?? signal}); is port ${port} free? Try PORT=9000 npm run demo`);
  process.exit(code ?? 1);
});
