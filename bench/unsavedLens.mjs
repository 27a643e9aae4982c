#!/usr/bin/env node
// Figures (printed, never asserted) for the "unsaved edit" code lens through the bundled server
// over stdio: a folder is indexed cold, one NetworkPolicy file is opened, and each "keystroke"
// (a didChange of its port) is followed at once by a codeLens request, as VS Code does; the time
// until the answer carries the "unsaved edit" lens, and the server's CPU over that time, are printed.
//   node bench/unsavedLens.mjs <folder> <policy-file> [--pause-ms N]
// --pause-ms: how long the user "reads" the opened file before the first keystroke (default 0).
// Run `npm run build` first (dist/server.js).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { createMessageConnection, StreamMessageReader, StreamMessageWriter } = createRequire(join(root, 'package.json'))('vscode-jsonrpc/node');
const [folder, file] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const pauseArg = process.argv.find((a) => a.startsWith('--pause-ms='));
const pauseMs = pauseArg ? Number(pauseArg.slice('--pause-ms='.length)) : 0;
if (!folder || !file) {
  console.error('usage: node bench/unsavedLens.mjs <folder> <policy-file> [--pause-ms=N]');
  process.exit(2);
}

const child = spawn(process.execPath, [join(root, 'dist', 'server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
const cpuMs = () => {
  const f = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, in 10 ms ticks
};
const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
let indexed;
const indexedPromise = new Promise((r) => (indexed = r));
let sawIndexing = false;
conn.onNotification('k8sNetmap/status', (s) => {
  if (s.indexing) sawIndexing = true;
  else if (sawIndexing) indexed();
});
conn.onRequest('workspace/configuration', (p) => p.items.map(() => null));
conn.onRequest('window/workDoneProgress/create', () => null);
conn.onRequest('client/registerCapability', () => null);
conn.listen();

const folderUri = pathToFileURL(resolve(folder)).href;
let t = performance.now();
await conn.sendRequest('initialize', { processId: process.pid, rootUri: folderUri, workspaceFolders: [{ uri: folderUri, name: 'bench' }], capabilities: { workspace: { configuration: true } } });
await conn.sendNotification('initialized', {});
await indexedPromise;
console.log(`cold index: ${(performance.now() - t).toFixed(0)} ms wall, server CPU so far ${cpuMs()} ms`);

const uri = pathToFileURL(resolve(file)).href;
const saved = fs.readFileSync(file, 'utf8');
const port = /port: (\d+)/.exec(saved);
if (!port) throw new Error(`${file} has no "port: N" to edit`);
const lensTitle = async () => ((await conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })) ?? []).map((l) => l.command?.title ?? '').find((x) => x.startsWith('unsaved edit'));

t = performance.now();
await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: saved } });
const none = await lensTitle();
console.log(`open + first lens request: ${(performance.now() - t).toFixed(0)} ms (unsaved lens: ${none ?? 'none'})`);
const cpuOpen = cpuMs();
if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
console.log(`server CPU during the ${pauseMs} ms pause before the first keystroke: ${cpuMs() - cpuOpen} ms`);

for (let version = 2; version <= 7; version++) {
  const text = saved.replace(port[0], `port: ${Number(port[1]) + version}`);
  const cpu0 = cpuMs();
  t = performance.now();
  await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  const title = await lensTitle();
  console.log(`keystroke ${version - 1}: lens after ${(performance.now() - t).toFixed(0)} ms wall, server CPU ${cpuMs() - cpu0} ms: ${title}`);
}
const rss = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1];
console.log(`server RSS at the end: ${(Number(rss) / 1024).toFixed(0)} MB`);
conn.dispose();
child.kill();
