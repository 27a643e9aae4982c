// The hostile-input tier (issue 9): the real language server (dist/server.js) over stdio, one fresh
// server per class of hostile input, so that each class's peak memory is its own. After each: the
// server is alive, a hover on a normal file answers (a liveness check with a generous timeout, not a
// benchmark), the normal file's diagnostics are what they were, and peak RSS (VmHWM) stays under
// 1.5 GB. Inputs are built in a temporary folder at test time; nothing big is committed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { TestClient, uriOf, type Diagnostic } from './lspClient';

const NORMAL = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: normal}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: normal}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
---
apiVersion: v1
kind: Service
metadata: {name: lonely, namespace: normal}
spec:
  selector: {app: nobody}
  ports: [{port: 80, targetPort: 8080}]
`;

const LIMIT_RSS = 1.5e9;
/** Generous: a hover on a small file takes milliseconds; the machine running the tests may be shared. */
const LIVENESS_MS = 5000;
const peaks: Array<[string, number]> = [];
const roots: string[] = [];
/** Every server started, so that a failed test leaves none running. */
const clients: TestClient[] = [];

function peakRss(client: TestClient): number {
  const status = fs.readFileSync(`/proc/${client.child.pid}/status`, 'utf8');
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  assert.ok(m, 'VmHWM in /proc/<pid>/status');
  return Number(m[1]) * 1024;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e as Error)),
    );
  });
}

interface Session {
  root: string;
  client: TestClient;
  normal: string;
  baseline: Diagnostic[];
}

/** A workspace with the normal file and whatever `prepare` adds, and a server on it, indexed. */
async function start(name: string, prepare: (root: string) => void, settings: Record<string, unknown> | null = null): Promise<Session> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `k8s-netmap-hostile-${name}-`));
  roots.push(root);
  const normal = path.join(root, 'normal.yaml');
  fs.writeFileSync(normal, NORMAL);
  prepare(root);
  const client = new TestClient(root, settings);
  clients.push(client);
  await client.initialize();
  const baseline = await client.waitForDiagnostics(normal, (d) => d.length > 0, 60_000);
  assert.deepEqual(
    baseline.map((d) => d.code),
    ['service-selects-nothing'],
  );
  return { root, client, normal, baseline };
}

/** The checks after every class; records the peak RSS. */
async function checkAfter(s: Session, label: string): Promise<void> {
  assert.ok(s.client.alive(), `server alive after ${label}\n${s.client.stderr}`);
  const hover = await withTimeout(
    s.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(s.normal) }, position: TestClient.positionOf(s.normal, 'name: web', 6, 2) }),
    LIVENESS_MS,
    `hover on the normal file after ${label}`,
  );
  assert.ok(hover && /Service/.test(hover.contents.value), `hover after ${label}: ${JSON.stringify(hover)}`);
  assert.deepEqual(s.client.diagnostics.get(uriOf(s.normal)), s.baseline, `normal diagnostics after ${label}`);
  const peak = peakRss(s.client);
  peaks.push([label, peak]);
  assert.ok(peak < LIMIT_RSS, `${label}: peak RSS ${(peak / 1e6).toFixed(0)} MB`);
  await s.client.dispose();
}

function diagnosticsOf(s: Session, file: string, test: (d: Diagnostic[]) => boolean = (d) => d.length > 0, ms = 60_000): Promise<Diagnostic[]> {
  return s.client.waitForDiagnostics(file, test, ms);
}

const codes = (d: Diagnostic[]) => [...new Set(d.map((x) => x.code))];

function classicBomb(): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: lol}', 'data:', '  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let i = 1; i < 10; i++) lines.push(`  l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

function mergeBomb(): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: merged', '  annotations:', '    a: &a {l0: lol, l1: lol}'];
  let prev = 'a';
  for (const n of 'bcdefghijklmnopqrstuvwxyz') {
    lines.push(`    ${n}: &${n} {<<: [${Array(9).fill(`*${prev}`).join(', ')}], ${n}: x}`);
    prev = n;
  }
  lines.push('  labels: *z', 'spec: {containers: [{name: c}]}');
  return lines.join('\n') + '\n';
}

/** The issue's quadratic case: a 440 KB Deployment with 40,000 aliases of one anchor. */
function manyAliases(): string {
  const head = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: aliased\n  labels: &c {app: aliased}\nspec:\n  selector: {matchLabels: *c}\n  template:\n    metadata: {labels: *c}\n    spec:\n      containers: [{name: c, image: nginx}]\n  x:\n';
  return head + '    - *c\n'.repeat(40_000);
}

describe('hostile input to the language server (issue 9)', { timeout: 240_000, concurrency: false }, () => {
  after(async () => {
    for (const c of clients) if (c.alive()) await c.dispose();
    for (const r of roots) fs.rmSync(r, { recursive: true, force: true });
    console.log(`hostile tier peak RSS: ${peaks.map(([l, p]) => `${l} ${(p / 1e6).toFixed(0)} MB`).join('; ')}`);
  });

  it('alias bombs (classic, merge-key, 40,000 aliases) on disk and opened', async () => {
    const s = await start('alias', (root) => {
      fs.writeFileSync(path.join(root, 'classic.yaml'), classicBomb());
      fs.writeFileSync(path.join(root, 'merge.yaml'), mergeBomb());
    });
    for (const f of ['classic.yaml', 'merge.yaml']) {
      const d = await diagnosticsOf(s, path.join(s.root, f));
      assert.deepEqual(codes(d), ['yaml-syntax']);
      assert.match(d[0]!.message, /^Excessive aliasing/);
    }
    const many = path.join(s.root, 'many.yaml');
    fs.writeFileSync(many, manyAliases());
    s.client.open(many);
    const d = await diagnosticsOf(s, many, () => true);
    assert.deepEqual(codes(d), [], 'many aliases of a small anchor are no bomb');
    const hover = await s.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(many) }, position: TestClient.positionOf(many, 'aliased') });
    assert.ok(hover && /Deployment/.test(hover.contents.value));
    await checkAfter(s, 'alias bombs');
  });

  it('50 MB on disk and 50 MB opened in the editor: a note each, nothing else lost', async () => {
    const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  key: ' + 'x'.repeat(1000) + '\n---\n';
    const big = doc.repeat(Math.ceil(50e6 / doc.length));
    const s = await start('huge', (root) => fs.writeFileSync(path.join(root, 'huge.yaml'), big));
    const onDisk = await diagnosticsOf(s, path.join(s.root, 'huge.yaml'));
    assert.deepEqual(codes(onDisk), ['file-not-read']);
    const opened = path.join(s.root, 'opened.yaml');
    fs.writeFileSync(opened, big);
    s.client.open(opened);
    const d = await diagnosticsOf(s, opened);
    assert.deepEqual(codes(d), ['file-not-read']);
    assert.match(d[0]!.message, /over the 5\.0 MB limit \(setting k8sNetmap\.maxFileSize\)/);
    fs.rmSync(opened);
    await checkAfter(s, '50 MB');
  });

  it('an opened document over k8sNetmap.maxFileSize gets the note; back under it, it is read again', async () => {
    const s = await start('limit', () => undefined, { maxFileSize: 10_000 });
    const file = path.join(s.root, 'typed.yaml');
    const small = 'apiVersion: v1\nkind: Service\nmetadata: {name: typed}\nspec: {selector: {app: none}}\n';
    fs.writeFileSync(file, small + '# ' + 'x'.repeat(20_000) + '\n');
    s.client.open(file);
    const big = await diagnosticsOf(s, file);
    assert.deepEqual(codes(big), ['file-not-read']);
    assert.match(big[0]!.message, /^k8s-netmap: not read: 20,\d{3} bytes is over the 10,000 bytes limit \(setting k8sNetmap\.maxFileSize\)\.$/);
    s.client.change(file, small);
    const read = await diagnosticsOf(s, file, (d) => codes(d).includes('service-selects-nothing'));
    assert.deepEqual(codes(read), ['service-selects-nothing']);
    await checkAfter(s, 'opened document over the limit');
  });

  it('100,000 tiny documents in one file (read: the limit raised to 20 MB)', async () => {
    const s = await start(
      'tiny',
      (root) => {
        let text = '';
        for (let i = 0; i < 100_000; i++) text += `---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c${i}}\n`;
        fs.writeFileSync(path.join(root, 'tiny.yaml'), text);
      },
      { maxFileSize: 20e6 },
    );
    // One duplicate at the end makes the file publish something: proof that it was read through.
    fs.appendFileSync(path.join(s.root, 'tiny.yaml'), '---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c0}\n');
    s.client.watched([{ file: path.join(s.root, 'tiny.yaml'), type: 2 }]);
    const d = await diagnosticsOf(s, path.join(s.root, 'tiny.yaml'));
    assert.deepEqual(codes(d), ['object-duplicate']);
    await checkAfter(s, '100k documents');
  });

  it('deep nesting (10,000 and 100,000 levels) and a 4.9 MB line', async () => {
    const s = await start('deep', (root) => {
      const head = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  a: ';
      fs.writeFileSync(path.join(root, 'deep-seq.yaml'), head + '['.repeat(10_000) + ']'.repeat(10_000) + '\n');
      fs.writeFileSync(path.join(root, 'deep-map.yaml'), head + '{a: '.repeat(100_000) + '1' + '}'.repeat(100_000) + '\n');
      fs.writeFileSync(path.join(root, 'long-line.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: long}\ndata:\n  a: ' + 'y'.repeat(4_900_000) + '\n');
    });
    for (const f of ['deep-seq.yaml', 'deep-map.yaml']) {
      const d = await diagnosticsOf(s, path.join(s.root, f));
      assert.deepEqual(codes(d), ['yaml-syntax'], f);
      assert.ok(d.every((x) => /Nested too deeply/.test(x.message) && !/call stack/.test(x.message)), JSON.stringify(d.map((x) => x.message)));
    }
    const long = path.join(s.root, 'long-line.yaml');
    const h = await s.client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(long) }, position: { line: 4, character: 2_000_000 } });
    assert.equal(h, null);
    await checkAfter(s, 'deep nesting and a long line');
  });

  it('binary, invalid UTF-8, symlink loops and a folder deleted while indexing', async () => {
    const s = await start('files', (root) => {
      const bin = Buffer.alloc(100_000);
      for (let i = 0; i < bin.length; i++) bin[i] = (i * 131 + 7) % 256;
      fs.writeFileSync(path.join(root, 'binary.yaml'), bin);
      fs.writeFileSync(path.join(root, 'bad-utf8.yaml'), Buffer.concat([Buffer.from('apiVersion: v1\nkind: Service\nmetadata: {name: "\u00e9'), Buffer.from([0xc3, 0x28, 0xff, 0xfe]), Buffer.from('"}\nspec: {selector: {app: x}}\n')]));
      fs.mkdirSync(path.join(root, 'loop'));
      fs.symlinkSync(root, path.join(root, 'loop', 'back'));
      fs.symlinkSync(path.join(root, 'a.yaml'), path.join(root, 'b.yaml'));
      fs.symlinkSync(path.join(root, 'b.yaml'), path.join(root, 'a.yaml'));
      fs.mkdirSync(path.join(root, 'doomed'));
      for (let i = 0; i < 2000; i++) fs.writeFileSync(path.join(root, 'doomed', `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`);
    });
    const bin = await diagnosticsOf(s, path.join(s.root, 'binary.yaml'));
    assert.deepEqual(codes(bin), ['file-not-read']);
    const bad = await diagnosticsOf(s, path.join(s.root, 'bad-utf8.yaml'));
    assert.deepEqual(codes(bad), ['service-selects-nothing']);
    fs.rmSync(path.join(s.root, 'doomed'), { recursive: true });
    s.client.watched([{ file: path.join(s.root, 'doomed'), type: 3 }]);
    await checkAfter(s, 'binary, UTF-8, loops, deleted folder');
  });

  it('a folder deleted while the server is still indexing it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-hostile-race-'));
    roots.push(root);
    fs.writeFileSync(path.join(root, 'normal.yaml'), NORMAL);
    fs.mkdirSync(path.join(root, 'doomed'));
    for (let i = 0; i < 3000; i++) fs.writeFileSync(path.join(root, 'doomed', `cm-${i}.yaml`), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}}\n`);
    const client = new TestClient(root);
    clients.push(client);
    await client.initialize();
    fs.rmSync(path.join(root, 'doomed'), { recursive: true });
    const normal = path.join(root, 'normal.yaml');
    const baseline = await client.waitForDiagnostics(normal, (d) => d.length > 0, 60_000);
    assert.deepEqual(baseline.map((d) => d.code), ['service-selects-nothing']);
    await checkAfter({ root, client, normal, baseline }, 'folder deleted while indexing');
  });

  it('1,000 edits in a second: the last one wins', async () => {
    const s = await start('edits', () => undefined);
    const file = path.join(s.root, 'typing.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Service\nmetadata: {name: t}\n');
    s.client.open(file);
    await diagnosticsOf(s, file, () => true);
    for (let i = 0; i < 1000; i++) {
      s.client.change(file, `apiVersion: v1\nkind: Service\nmetadata: {name: t${i}}\nspec:\n  selector: {app: x${i}}\n  ports: [{port: ${i % 2 === 0 ? 80 : 70000}}]\n`);
    }
    // Earlier versions may be diagnosed on the way; the last one (selector app=x999, port 70000) must be.
    const d = await diagnosticsOf(s, file, (x) => x.some((y) => y.message.includes('x999')));
    assert.deepEqual(codes(d).sort(), ['port-invalid', 'service-selects-nothing']);
    await checkAfter(s, '1,000 edits');
  });

  it('odd URIs and impossible positions in every request', async () => {
    const s = await start('requests', () => undefined);
    const errors: string[] = [];
    s.client.conn.onNotification('window/logMessage', (p: { type: number; message: string }) => {
      if (p.type === 1) errors.push(p.message);
    });
    const odd = ['untitled:Untitled-1', 'file:///does/not/exist.yaml', 'file:///%E0%A4%A.yaml', 'vscode-notebook-cell:/x.ipynb#W0', 'foo', '', `file:///${'x'.repeat(5000)}.yaml`, 'http://example.com/a.yaml'];
    for (const uri of odd) {
      await s.client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: 'apiVersion: v1\nkind: Service\nmetadata: {name: odd}\n' } }).catch(() => undefined);
    }
    const normalUri = uriOf(s.normal);
    const positions: unknown[] = [null, undefined, {}, { line: -1, character: -1 }, { line: 1e9, character: 1e9 }, { line: 0.5, character: 'x' }, { line: 3, character: -100 }, { line: Number.MAX_SAFE_INTEGER, character: 0 }];
    const methods = ['textDocument/hover', 'textDocument/definition', 'textDocument/references', 'textDocument/completion'];
    let answered = 0;
    for (const uri of [normalUri, ...odd]) {
      for (const position of positions) {
        for (const method of methods) {
          await s.client.request(method, { textDocument: { uri }, position, context: { includeDeclaration: true } }).then(
            () => answered++,
            () => answered++, // an error answer is an answer: the server lives
          );
        }
      }
      await s.client.request('textDocument/codeLens', { textDocument: { uri } }).then(() => answered++, () => answered++);
    }
    await s.client.request('textDocument/hover', { position: { line: 0, character: 0 } }).then(() => answered++, () => answered++);
    await s.client.request('textDocument/codeAction', { textDocument: { uri: normalUri }, range: null, context: { diagnostics: [{ source: 'k8s-netmap', code: 'x', range: null }] } }).then(() => answered++, () => answered++);
    await s.client.request('textDocument/codeAction', { textDocument: { uri: normalUri }, range: null, context: { diagnostics: [{ source: 'k8s-netmap', data: { fixes: [{ title: 1, edits: null }] } }] } }).then(() => answered++, () => answered++);
    await s.client.request('k8sNetmap/graph', null).then(() => answered++, () => answered++);
    assert.equal(answered, (odd.length + 1) * (positions.length * methods.length + 1) + 4);
    // Bad requests are answered, not thrown inside a handler (which the guard would log as an error).
    assert.deepEqual(errors.map((e) => e.slice(0, 300)), []);
    await checkAfter(s, 'odd URIs and positions');
  });
});
