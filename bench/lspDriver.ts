// Drives the bundled language server over stdio for the benchmark: cold index of a folder,
// edit → diagnostics latency for one file, hover latency, and the server's peak memory.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, type MessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { StatusNotification } from '../server/src/protocol';

const debug = (s: string): void => {
  if (process.env.DRV_DEBUG) console.error(s);
};

export interface LspFigures {
  /** initialize → the status no longer says indexing: every file indexed, analysed and its diagnostics published. */
  coldIndexMs: number;
  /** The server's CPU seconds until its cold index was done (Linux /proc; NaN elsewhere). */
  coldIndexCpuS: number;
  /**
   * initialize → the last diagnostics published before that (a warm start publishes its recorded
   * diagnostics first, and its analysis, done after, publishes nothing when they are still true).
   */
  diagnosedMs: number;
  /** The server's CPU seconds until then. */
  diagnosedCpuS: number;
  /** initialize → nine in ten of the lists published before the cold index was done, and the CPU seconds then. */
  mostDiagnosedMs: number;
  mostDiagnosedCpuS: number;
  editMs: number[];
  hoverMs: number[];
  peakRssMB: number;
}

export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return NaN;
  }
}

export interface DriveOptions {
  /** Given to the server as initializationOptions.storagePath (its persisted index). */
  storagePath?: string;
  /** Stop after the cold index (and the persisted index written, if any). */
  indexOnly?: boolean;
  /** Node options for the server process (e.g. --cpu-prof). */
  nodeArgs?: string[];
}

export function peakRss(pid: number | undefined): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
  } catch {
    return NaN;
  }
}

/** A publishDiagnostics notification as the driver sees it. */
export interface Published {
  uri: string;
  version?: number;
  diagnostics: unknown[];
}

/** One server over stdio, initialized on a folder; `indexed` resolves when its cold index is done. */
export interface ServerSession {
  conn: MessageConnection;
  pid: number | undefined;
  /** performance.now() when `initialize` was sent. */
  startedAt: number;
  indexed: Promise<void>;
  /** Resolves when `uri`'s diagnostics for `version` are published. */
  diagnosed(uri: string, version: number): Promise<void>;
  /** Called with every publishDiagnostics, and the performance.now() it arrived. */
  onPublish(listener: (p: Published, at: number) => void): void;
  /** When the last publishDiagnostics before the cold index was done arrived (performance.now()), and the server's CPU seconds then. */
  lastPublishBeforeIndexed(): { at: number; cpuS: number };
  /** The same for the publication that made nine in ten of those before the cold index was done. */
  mostPublishedBeforeIndexed(): { at: number; cpuS: number };
  close(): Promise<void>;
}

/** Spawns the bundled server, initializes it on `folder` and returns without waiting for its index. */
export async function startServer(serverJs: string, folder: string, opts: DriveOptions = {}): Promise<ServerSession> {
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  let markIndexed: () => void = () => undefined;
  const indexed = new Promise<void>((r) => (markIndexed = r));
  let sawIndexing = false;
  let indexedYet = false;
  let lastPublish = { at: NaN, cpuS: NaN };
  const publishedBeforeIndexed: Array<{ at: number; cpuS: number }> = [];
  conn.onNotification(StatusNotification, (s) => {
    debug(`status ${JSON.stringify(s)}`);
    if (s.indexing) sawIndexing = true;
    else if (sawIndexing) {
      indexedYet = true;
      markIndexed();
    }
  });
  // Waiters by uri, for the diagnostics that answer one document version.
  const waiting = new Map<string, { version: number; resolve: () => void }>();
  const listeners: Array<(p: Published, at: number) => void> = [];
  conn.onNotification('textDocument/publishDiagnostics', (p: Published) => {
    const at = performance.now();
    if (!indexedYet) {
      lastPublish = { at, cpuS: cpuSeconds(child.pid) };
      publishedBeforeIndexed.push(lastPublish);
    }
    debug(`diag ${p.uri} v${p.version}`);
    for (const l of listeners) l(p, at);
    const w = waiting.get(p.uri);
    if (w && p.version === w.version) {
      waiting.delete(p.uri);
      w.resolve();
    }
  });
  conn.onNotification('window/logMessage', (p: { message: string }) => debug(`log ${p.message.slice(0, 400)}`));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const uri = pathToFileURL(folder).href;
  const startedAt = performance.now();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: [{ uri, name: 'bench' }],
    capabilities: { workspace: { configuration: true } },
    initializationOptions: opts.storagePath ? { storagePath: opts.storagePath } : undefined,
  });
  await conn.sendNotification('initialized', {});
  return {
    conn,
    pid: child.pid,
    startedAt,
    indexed,
    diagnosed: (docUri, version) => new Promise((resolve) => waiting.set(docUri, { version, resolve })),
    onPublish: (l) => void listeners.push(l),
    lastPublishBeforeIndexed: () => lastPublish,
    mostPublishedBeforeIndexed: () => publishedBeforeIndexed[Math.ceil(publishedBeforeIndexed.length * 0.9) - 1] ?? { at: NaN, cpuS: NaN },
    close: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      await Promise.race([conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await conn.sendNotification('exit').catch(() => undefined);
      // A server started with --cpu-prof writes its profile as it exits: give it a moment.
      await Promise.race([exited, new Promise((r) => setTimeout(r, opts.nodeArgs?.length ? 20_000 : 2000))]);
      conn.dispose();
      child.kill('SIGKILL');
    },
  };
}

export async function driveServer(serverJs: string, folder: string, editFile: string, edits: number, hovers: number, opts: DriveOptions = {}): Promise<LspFigures> {
  const server = await startServer(serverJs, folder, opts);
  const { conn } = server;
  await server.indexed;
  const coldIndexMs = performance.now() - server.startedAt;
  const coldIndexCpuS = cpuSeconds(server.pid);
  const lastPublish = server.lastPublishBeforeIndexed();
  const most = server.mostPublishedBeforeIndexed();
  const diagnosed = { diagnosedMs: lastPublish.at - server.startedAt, diagnosedCpuS: lastPublish.cpuS, mostDiagnosedMs: most.at - server.startedAt, mostDiagnosedCpuS: most.cpuS };
  if (opts.indexOnly) {
    // The persisted index is written just after the first diagnostics.
    for (let i = 0; i < 600 && opts.storagePath && !fs.readdirSync(opts.storagePath).some((f) => f.endsWith('.jsonl')); i++) await new Promise((r) => setTimeout(r, 100));
    await server.close();
    return { coldIndexMs, coldIndexCpuS, ...diagnosed, editMs: [], hoverMs: [], peakRssMB: NaN };
  }

  const editUri = pathToFileURL(editFile).href;
  const text = fs.readFileSync(editFile, 'utf8');
  let next = server.diagnosed(editUri, 1);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: editUri, languageId: 'yaml', version: 1, text } });
  await next;
  debug('opened');

  const hoverAt = text.split('\n').findIndex((l) => /^ {4}app: /.test(l));
  const hoverMs: number[] = [];
  for (let i = 0; i < hovers; i++) {
    const s = performance.now();
    await conn.sendRequest('textDocument/hover', { textDocument: { uri: editUri }, position: { line: Math.max(hoverAt, 0), character: 6 } });
    hoverMs.push(performance.now() - s);
  }

  debug('hovered');
  const editMs: number[] = [];
  for (let e = 0; e < edits; e++) {
    // Alternately break and restore the Service's selector: its diagnostics change every time.
    const edited = e % 2 === 0 ? text.replace(/(\n {4}app: )(\S+)/, '$1$2-edited') : text;
    next = server.diagnosed(editUri, 2 + e);
    const s = performance.now();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: editUri, version: 2 + e }, contentChanges: [{ text: edited }] });
    await next;
    editMs.push(performance.now() - s);
    debug(`edit ${e}`);
  }
  const peakRssMB = peakRss(server.pid);
  await server.close();
  return { coldIndexMs, coldIndexCpuS, ...diagnosed, editMs, hoverMs, peakRssMB };
}

/** What opening every file of a folder cost a language server (ours or another, e.g. yaml-language-server). */
export interface OpenAllFigures {
  files: number;
  /** First didOpen → every file's first publishDiagnostics. */
  diagnoseAllMs: number;
  /** The server's CPU seconds until then, start-up included (Linux /proc; NaN elsewhere). */
  cpuS: number;
  peakRssMB: number;
}

/** Settings for yaml-language-server (section `yaml`): syntax only, no schemas fetched. Other sections get null. */
const YAML_SYNTAX_ONLY = { validate: true, hover: true, completion: true, format: { enable: false }, schemaStore: { enable: false }, kubernetesCRDStore: { enable: false }, schemas: {} };

/**
 * Opens every file of `files` in the stdio server `serverJs` (run with Node) at once, as an editor
 * restoring a session or a tool opening a workspace would, and waits for each file's first diagnostics.
 */
export async function driveOpenAll(serverJs: string, folder: string, files: string[], timeoutMs = 30 * 60_000): Promise<OpenAllFigures> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<string, () => void>();
  const diagnosed = new Set<string>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string }) => {
    diagnosed.add(p.uri);
    waiting.get(p.uri)?.();
    waiting.delete(p.uri);
  });
  conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => (i.section === 'yaml' ? YAML_SYNTAX_ONLY : null)));
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.onRequest('client/registerCapability', () => null);
  conn.listen();
  const uri = pathToFileURL(folder).href;
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'bench' }], capabilities: { workspace: { configuration: true } } });
    await conn.sendNotification('initialized', {});
    const docs = files.map((f) => ({ uri: pathToFileURL(f).href, text: fs.readFileSync(f, 'utf8') }));
    const all = Promise.all(docs.map((d) => new Promise<void>((r) => (diagnosed.has(d.uri) ? r() : waiting.set(d.uri, r)))));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${serverJs}: ${waiting.size} files without diagnostics after ${timeoutMs / 1000} s`)), timeoutMs)));
    const t0 = performance.now();
    for (const d of docs) void conn.sendNotification('textDocument/didOpen', { textDocument: { uri: d.uri, languageId: 'yaml', version: 1, text: d.text } });
    await Promise.race([all, timeout]).finally(() => clearTimeout(timer));
    return { files: docs.length, diagnoseAllMs: performance.now() - t0, cpuS: cpuSeconds(child.pid), peakRssMB: peakRss(child.pid) };
  } finally {
    conn.dispose();
    child.kill('SIGKILL');
  }
}
