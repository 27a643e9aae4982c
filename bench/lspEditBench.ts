// Editing through the real server over stdio (issue 11, "editing at L"): for each kind of file,
// edit → every affected file's diagnostics published; hover latency on workloads, Services and
// selectors; and how fast hovers and edits are answered while the cold index runs.
//
// What "all affected diagnostics published" means here: the server publishes a file only when its
// diagnostics change (the edited document always, with its version). After each edit the driver
// waits until the server is quiet — at least IDLE_SWEEP_WAIT_MS after the edit (the server's idle
// sweep of every Service has then had its turn) and no server CPU tick for QUIET_MS — and takes the
// last publication that arrived before the idle sweep could start as the end of the edit. A file
// whose diagnostics changed only in the idle sweep was missed by the edit's targeted re-check: those
// are counted apart ("late") and their latency is not hidden in the figure. Edits are made with
// didOpen/didChange only: nothing is written to the workspace folder.
//
// Wall milliseconds are the figure here (latency is what a user feels); the machine may be shared,
// so they are noisy: compare runs made one after the other.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { listManifestFiles } from '../server/src/host/files';
import { cpuSeconds, type Published, type ServerSession, startServer } from './lspDriver';
import type { BenchOptions } from './benchArgs';

/** The server's idle sweep starts 1,500 ms after an update (publisher.ts); publications after that are the sweep's. */
const IDLE_SWEEP_MS = 1500;
const IDLE_SWEEP_WAIT_MS = 1800;
const QUIET_MS = 300;
/** Pause between hovers during the cold index: short enough that a block of the server's event loop longer than this shows. */
const DURING_INDEX_HOVER_MS = 50;

/** One kind of edit: how to find files for it and how to change their text so that something depends on it. */
interface EditKind {
  name: string;
  /** The file's only object is of this kind. */
  kind: string;
  /** The edited text, or undefined when this file has nothing to edit. */
  edit(text: string, ctx: EditContext): string | undefined;
}

interface EditContext {
  /** Namespace label pairs (`key: value`) that some namespaceSelector selects. */
  selectedNamespaceLabels: Set<string>;
}

const bump = (re: RegExp) => (text: string): string | undefined => (re.test(text) ? text.replace(re, '$1$2-edited') : undefined);

const KINDS: EditKind[] = [
  // The pod template's labels: Services and NetworkPolicies that select the pods change.
  { name: 'Deployment pod label', kind: 'Deployment', edit: bump(/(\n {8}app\.kubernetes\.io\/name: )(\S+)/) },
  // A named container port: Services whose targetPort names it change.
  { name: 'Deployment port name', kind: 'Deployment', edit: bump(/(\n {12}- name: )(http)\b/) },
  { name: 'Service selector', kind: 'Service', edit: bump(/(\n {4}app\.kubernetes\.io\/name: )(\S+)/) },
  { name: 'Ingress backend', kind: 'Ingress', edit: bump(/(\n {16}name: )(\S+)/) },
  { name: 'NetworkPolicy podSelector', kind: 'NetworkPolicy', edit: bump(/(\n {6}app\.kubernetes\.io\/name: )(\S+)/) },
  {
    name: 'Namespace label (selected)',
    kind: 'Namespace',
    edit: (text, ctx) => {
      for (const line of text.split('\n')) {
        const pair = line.trim();
        // metadata.labels (kubernetes.io/metadata.name is the namespace's name: not an edit of a label)
        if (/^ {4}\S/.test(line) && ctx.selectedNamespaceLabels.has(pair) && !pair.startsWith('kubernetes.io/metadata.name')) return text.replace(line, `${line}-edited`);
      }
      return undefined;
    },
  },
  { name: 'ConfigMap name', kind: 'ConfigMap', edit: bump(/(\n {2}name: )(\S+)/) },
];

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const f1 = (n: number): string => (Number.isFinite(n) ? n.toFixed(n < 10 ? 1 : 0) : '-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Files holding exactly one object, of `kind`. */
function singleObjectFiles(files: Array<{ file: string; text: string }>, kind: string): Array<{ file: string; text: string }> {
  return files.filter(({ text }) => {
    const kinds = text.match(/^kind: .*$/gm);
    return kinds?.length === 1 && kinds[0] === `kind: ${kind}`;
  });
}

/** Every `key: value` under a namespaceSelector's matchLabels, as written in the policies. */
function namespaceSelectorPairs(files: Array<{ text: string }>): Set<string> {
  const pairs = new Set<string>();
  for (const { text } of files) {
    for (const m of text.matchAll(/namespaceSelector:\n(\s+)matchLabels:\n((?:\1 {2}\S.*\n)+)/g)) {
      for (const line of m[2]!.split('\n')) if (line.trim()) pairs.add(line.trim());
    }
  }
  return pairs;
}

/**
 * Resolves once the server has used under a tenth of a core over the last QUIET_MS (a sampling
 * profiler's own ticks stay below that) and at least `minMs` have passed since `since`.
 */
async function quiet(server: ServerSession, since: number, minMs: number): Promise<void> {
  const samples: Array<{ at: number; cpu: number }> = [];
  for (;;) {
    await sleep(50);
    const now = performance.now();
    samples.push({ at: now, cpu: cpuSeconds(server.pid) });
    while (samples.length > 1 && now - samples[1]!.at >= QUIET_MS) samples.shift();
    const first = samples[0]!;
    const idle = now - first.at >= QUIET_MS && (Number.isNaN(first.cpu) || (samples.at(-1)!.cpu - first.cpu) * 1000 < QUIET_MS / 10);
    if (now - since >= minMs && idle) return;
    if (now - since > 120_000) return;
  }
}

export interface EditKindFigures {
  edits: number;
  /** Edit sent → the last publication before the idle sweep (the edited file's included). */
  p50: number;
  p95: number;
  max: number;
  /** Edit sent → the edited document's own diagnostics (its version). */
  ownP50: number;
  /** Files per edit published (changed) by the targeted re-check, median. */
  filesP50: number;
  /** Edits after which the idle sweep still changed some file's diagnostics. */
  late: number;
  /** The server's CPU seconds over this kind's edits (open, edits, idle sweeps, close): the figure to compare on a shared machine. */
  cpuSeconds: number;
}

export interface LspEditFigures {
  coldIndexMs: number;
  /** Hovers sent while the cold index ran: answer latency. */
  duringIndexHoverMs: number[];
  /**
   * An edit made while the cold index ran: edit sent → its first diagnostics (the findings the file
   * decides alone), → its last ones before the index was done (every finding), and that last one's
   * time after the index was done (negative: before).
   */
  duringIndexEditMs: number;
  duringIndexEditAllMs: number;
  duringIndexEditAfterIndexMs: number;
  hover: Record<string, number[]>;
  editKinds: Record<string, EditKindFigures>;
}

/**
 * Runs the server on `dir` (read only: edits stay in the editor's documents): answers during the
 * cold index, then `hovers` hovers, then `editsPerKind` edits (alternately made and undone, over
 * several files) of each kind. `log` gets the figures as lines.
 */
export async function runLspEditBench(serverJs: string, dir: string, opts: { editsPerKind: number; hovers: number; nodeArgs?: string[]; kinds?: string[] }, log: (line: string) => void): Promise<LspEditFigures> {
  const all = listManifestFiles(dir).map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  const byKind = new Map<string, Array<{ file: string; text: string }>>();
  for (const k of new Set(KINDS.map((x) => x.kind))) byKind.set(k, singleObjectFiles(all, k));
  const ctx: EditContext = { selectedNamespaceLabels: namespaceSelectorPairs(all) };

  const server = await startServer(serverJs, dir, opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {});
  const { conn } = server;
  const publications: Array<{ p: Published; at: number }> = [];
  const svc = byKind.get('Service')?.[0];
  const svcUri = svc ? pathToFileURL(svc.file).href : undefined;
  let firstPublishAt = NaN;
  server.onPublish((p, at) => {
    publications.push({ p, at });
    if (Number.isNaN(firstPublishAt) && p.uri !== svcUri) firstPublishAt = at; // the edited document's own are not the cold index's
  });
  let indexedAt = 0;
  void server.indexed.then(() => (indexedAt = performance.now()));

  // ---- during the cold index: hovers every DURING_INDEX_HOVER_MS, and one edit of a Service file ----
  const duringIndexHoverMs: number[] = [];
  /** When each of those hovers was sent, in ms since initialize. */
  const duringIndexHoverAt: number[] = [];
  let duringIndexEditMs = NaN;
  let duringIndexEditAllMs = NaN;
  let duringIndexEditAfterIndexMs = NaN;
  if (svc) {
    const uri = pathToFileURL(svc.file).href;
    const line = svc.text.split('\n').findIndex((l) => /^ {4}app\.kubernetes\.io\/name: /.test(l));
    await sleep(1000);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: svc.text } });
    const edited = server.diagnosed(uri, 2);
    const editSent = performance.now();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: svc.text.replace(/(\n {4}app\.kubernetes\.io\/name: \S+)/, '$1-edited') }] });
    void edited.then(() => (duringIndexEditMs = performance.now() - editSent));
    while (!indexedAt) {
      const s = performance.now();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: Math.max(line, 0), character: 6 } });
      duringIndexHoverMs.push(performance.now() - s);
      duringIndexHoverAt.push(s - server.startedAt);
      await sleep(DURING_INDEX_HOVER_MS);
    }
    await edited;
    const last = publications.filter(({ p }) => p.uri === uri && p.version === 2).at(-1);
    if (last) {
      duringIndexEditAllMs = last.at - editSent;
      duringIndexEditAfterIndexMs = last.at - indexedAt;
    }
    // Undo, so the workspace is as on disk for what follows.
    const undone = server.diagnosed(uri, 3);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ text: svc.text }] });
    await undone;
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  } else {
    await server.indexed;
  }
  const coldIndexMs = indexedAt - server.startedAt;
  const slowest = duringIndexHoverMs.indexOf(Math.max(...duringIndexHoverMs));
  log(`cold index ${f1(coldIndexMs)} ms wall, ${cpuSeconds(server.pid).toFixed(1)} CPU s`);
  log(
    `during the cold index: ${duringIndexHoverMs.length} hovers (every ${DURING_INDEX_HOVER_MS} ms) answered in p50 ${f1(quantile(duringIndexHoverMs, 0.5))} ms, ` +
      `p99 ${f1(quantile(duringIndexHoverMs, 0.99))} ms, max ${f1(Math.max(...duringIndexHoverMs))} ms (sent ${f1(duringIndexHoverAt[slowest] ?? NaN)} ms in; ` +
      `the first diagnostics came ${f1(firstPublishAt - server.startedAt)} ms in); ` +
      `an edit made 1 s in: its own findings after ${f1(duringIndexEditMs)} ms, every finding after ${f1(duringIndexEditAllMs)} ms (${relativeToIndex(duringIndexEditAfterIndexMs)})`,
  );
  await quiet(server, performance.now(), 0);

  // ---- hovers on workloads, Services and selectors ----
  const targets: Array<{ what: string; uri: string; line: number; character: number }> = [];
  const addTargets = (kind: string, what: string, re: RegExp, character: number): void => {
    for (const { file, text } of (byKind.get(kind) ?? []).slice(0, 20)) {
      const line = text.split('\n').findIndex((l) => re.test(l));
      if (line >= 0) targets.push({ what, uri: pathToFileURL(file).href, line, character });
    }
  };
  addTargets('Deployment', 'workload name', /^ {2}name: /, 8);
  addTargets('Deployment', 'workload selector', /^ {6}app\.kubernetes\.io\/name: /, 8);
  addTargets('Deployment', 'pod labels', /^ {8}app\.kubernetes\.io\/name: /, 10);
  addTargets('Service', 'Service name', /^ {2}name: /, 8);
  addTargets('Service', 'Service selector', /^ {4}app\.kubernetes\.io\/name: /, 6);
  addTargets('NetworkPolicy', 'policy podSelector', /^ {6}app\.kubernetes\.io\/name: /, 8);
  addTargets('NetworkPolicy', 'policy peer', /^ {14}(app\.kubernetes\.io\/name|kubernetes\.io\/metadata\.name): /, 14);
  const hover: Record<string, number[]> = { all: [] };
  for (let i = 0; i < opts.hovers && targets.length; i++) {
    const t = targets[i % targets.length]!;
    const s = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: t.uri }, position: { line: t.line, character: t.character } });
    const took = performance.now() - s;
    hover.all!.push(took);
    (hover[t.what] ??= []).push(took);
  }
  for (const [what, xs] of Object.entries(hover)) {
    log(`hover ${what.padEnd(20)} n=${String(xs.length).padStart(4)}  p50 ${f1(quantile(xs, 0.5)).padStart(5)} ms  p95 ${f1(quantile(xs, 0.95)).padStart(5)} ms  p99 ${f1(quantile(xs, 0.99)).padStart(5)} ms  max ${f1(Math.max(...xs)).padStart(5)} ms`);
  }

  // ---- edits per kind ----
  const editKinds: Record<string, EditKindFigures> = {};
  let version = 10;
  for (const kind of KINDS.filter((k) => !opts.kinds || opts.kinds.some((w) => k.name.startsWith(w)))) {
    const cpuBefore = cpuSeconds(server.pid);
    const candidates = (byKind.get(kind.kind) ?? []).map((f) => ({ ...f, edited: kind.edit(f.text, ctx) })).filter((f) => f.edited !== undefined);
    if (candidates.length === 0) {
      log(`edit ${kind.name}: no file to edit in this workspace (skipped)`);
      continue;
    }
    const total: number[] = [];
    const own: number[] = [];
    const files: number[] = [];
    let late = 0;
    // Spread over files: each file is edited, then undone.
    const fileCount = Math.max(1, Math.ceil(opts.editsPerKind / 2));
    for (let n = 0; n < fileCount; n++) {
      const f = candidates[Math.floor((n * candidates.length) / fileCount)]!;
      const uri = pathToFileURL(f.file).href;
      const opened = server.diagnosed(uri, ++version);
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text: f.text } });
      await opened;
      await quiet(server, performance.now(), 0);
      for (const text of [f.edited!, f.text]) {
        const mine = server.diagnosed(uri, ++version);
        const from = publications.length;
        const sent = performance.now();
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
        await mine;
        own.push(performance.now() - sent);
        await quiet(server, sent, IDLE_SWEEP_WAIT_MS);
        const after = publications.slice(from);
        const targeted = after.filter((x) => x.at - sent < IDLE_SWEEP_MS);
        total.push(Math.max(...targeted.map((x) => x.at - sent)));
        files.push(new Set(targeted.map((x) => x.p.uri)).size);
        if (after.length > targeted.length) late++;
      }
      await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
      await quiet(server, performance.now(), 0);
    }
    const figures: EditKindFigures = { edits: total.length, p50: quantile(total, 0.5), p95: quantile(total, 0.95), max: Math.max(...total), ownP50: quantile(own, 0.5), filesP50: quantile(files, 0.5), late, cpuSeconds: cpuSeconds(server.pid) - cpuBefore };
    editKinds[kind.name] = figures;
    log(
      `edit ${kind.name.padEnd(27)} n=${String(figures.edits).padStart(3)}  all affected published p50 ${f1(figures.p50).padStart(5)} ms  p95 ${f1(figures.p95).padStart(5)} ms  max ${f1(figures.max).padStart(5)} ms;  ` +
        `own version p50 ${f1(figures.ownP50).padStart(5)} ms;  files re-published p50 ${figures.filesP50};  edits the idle sweep still changed: ${late};  server CPU ${figures.cpuSeconds.toFixed(2)} s`,
    );
  }
  await server.close();
  return { coldIndexMs, duringIndexHoverMs, duringIndexEditMs, duringIndexEditAllMs, duringIndexEditAfterIndexMs, hover, editKinds };
}

/** How long after (or before) the cold index was done, in words: the edited file's full findings may come first. */
function relativeToIndex(ms: number): string {
  return Number.isFinite(ms) ? `${f1(Math.abs(ms))} ms ${ms < 0 ? 'before' : 'after'} the index was done` : '- ms from the index';
}

/** `node dist/bench.js --lsp-edit=DIR [--edits=N] [--hovers=N] [--kinds=Namespace,Service] [--cpu-prof=DIR]`. */
export async function lspEditMain(root: string, workspace: string, options: Pick<BenchOptions, 'edits' | 'hovers' | 'kinds' | 'cpuProf'>): Promise<void> {
  const dir = path.resolve(workspace);
  const prof = options.cpuProf;
  const kinds = options.kinds;
  console.log(`## editing through the server over stdio: ${dir} (wall ms; the machine may be shared, so compare runs made together)`);
  await runLspEditBench(
    path.join(root, 'dist', 'server.js'),
    dir,
    { editsPerKind: options.edits, hovers: options.hovers, ...(kinds ? { kinds } : {}), ...(prof ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(prof)}`] } : {}) },
    (l) => console.log(`  ${l}`),
  );
}
