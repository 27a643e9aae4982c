// A real LSP client for the server tests: spawns `dist/server.js --stdio` and speaks JSON-RPC to it.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

/** The repository root: the nearest folder above this (bundled) file that holds package.json. */
export const REPO = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
export const SERVER = path.join(REPO, 'dist', 'server.js');

export interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  message: string;
  source: string;
  relatedInformation?: Array<{ location: { uri: string }; message: string }>;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

/** Copies a fixture folder into a fresh temporary folder (tests edit files). */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `k8s-netmap-${name}-`));
  fs.cpSync(path.join(REPO, 'test', 'fixtures', name), dir, { recursive: true });
  return dir;
}

export class TestClient {
  readonly child: ChildProcess;
  readonly conn: MessageConnection;
  readonly diagnostics = new Map<string, Diagnostic[]>();
  private readonly waiters: Array<{ uri: string; test: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }> = [];
  stderr = '';
  /** `window/showMessage` notifications, in order. */
  readonly messages: Array<{ type: number; message: string }> = [];
  private versions = new Map<string, number>();
  /** Those waiting for the next `workspace/codeLens/refresh` request. */
  private readonly lensWaiters: Array<() => void> = [];

  /**
   * `settings` answers `workspace/configuration` for `k8sNetmap`: a value for every scope, or a
   * function of the item's `scopeUri` (undefined for the window). `folders` are the workspace
   * folders (default: `root` alone).
   */
  constructor(
    readonly root: string,
    readonly settings: unknown = null,
    readonly folders: string[] = [root],
  ) {
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.conn = createMessageConnection(new StreamMessageReader(this.child.stdout!), new StreamMessageWriter(this.child.stdin!));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      this.diagnostics.set(p.uri, p.diagnostics);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        const w = this.waiters[i]!;
        if (w.uri === p.uri && w.test(p.diagnostics)) {
          this.waiters.splice(i, 1);
          w.resolve(p.diagnostics);
        }
      }
    });
    this.conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string; scopeUri?: string }> }) =>
      p.items.map((i) => {
        if (i.section !== 'k8sNetmap') return null;
        return typeof this.settings === 'function' ? (this.settings as (scopeUri: string | undefined) => unknown)(i.scopeUri) : this.settings;
      }),
    );
    this.conn.onNotification('window/showMessage', (m: { type: number; message: string }) => void this.messages.push(m));
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('workspace/codeLens/refresh', () => {
      for (const resolve of this.lensWaiters.splice(0)) resolve();
      return null;
    });
    this.conn.listen();
  }

  async initialize(initializationOptions?: unknown): Promise<void> {
    await this.conn.sendRequest('initialize', {
      initializationOptions,
      processId: process.pid,
      rootUri: uriOf(this.root),
      workspaceFolders: this.folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
      capabilities: { workspace: { configuration: true, codeLens: { refreshSupport: true } }, window: { workDoneProgress: true } },
    });
    await this.conn.sendNotification('initialized', {});
  }

  /** Resolves at the next `workspace/codeLens/refresh` request (rejects after `timeoutMs`). */
  nextLensRefresh(timeoutMs = 15000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no workspace/codeLens/refresh within ${timeoutMs} ms`)), timeoutMs);
      this.lensWaiters.push(() => (clearTimeout(timer), resolve()));
    });
  }

  /** Resolves with the next diagnostics of `file` for which `test` holds (or the current ones, if they already do). */
  waitForDiagnostics(file: string, test: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 15000): Promise<Diagnostic[]> {
    const uri = uriOf(file);
    const current = this.diagnostics.get(uri);
    if (current && test(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${file} within ${timeoutMs} ms; last: ${JSON.stringify(this.diagnostics.get(uri))}\n${this.stderr}`)), timeoutMs);
      this.waiters.push({ uri, test, resolve: (d) => (clearTimeout(timer), resolve(d)) });
    });
  }

  open(file: string): void {
    this.versions.set(file, 1);
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId: 'yaml', version: 1, text: fs.readFileSync(file, 'utf8') } }).catch(() => undefined);
  }

  change(file: string, text: string): void {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: [{ text }] }).catch(() => undefined);
  }

  watched(changes: Array<{ file: string; type: 1 | 2 | 3 }>): void {
    this.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: changes.map((c) => ({ uri: uriOf(c.file), type: c.type })) }).catch(() => undefined);
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  /** Position of the `nth` occurrence of `needle` in a file (plus `delta` characters). */
  static positionOf(file: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
    const text = fs.readFileSync(file, 'utf8');
    let at = -1;
    for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
    if (at === -1) throw new Error(`${needle} not in ${file}`);
    const before = text.slice(0, at + delta);
    const line = before.split('\n').length - 1;
    return { line, character: before.length - before.lastIndexOf('\n') - 1 };
  }

  alive(): boolean {
    return this.child.exitCode === null && !this.child.killed;
  }

  async dispose(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification('exit').catch(() => undefined);
    } catch {
      // the server may already be gone
    }
    this.conn.dispose();
    this.child.kill('SIGKILL');
  }
}
