// The server's warm start (SPEC §8): the diagnostics it published are recorded beside its persisted
// index, under the version, the settings and every file's stamp; a start over the same workspace
// publishes them at once, before reading the index, then publishes again only what its own analysis
// finds different. Here the record is made to lie (a marker diagnostic, under the record's own key):
// where the lie is published the record was trusted, and the analysis must take it back after.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_FILE } from '../../server/src/host/cache';
import { DIAGNOSTICS_FILE, type FileDiagnostics, PersistedDiagnostics, type RecordedList, recordedList } from '../../server/src/lsp/persistedDiagnostics';
import { type Diagnostic, TestClient, uriOf } from './lspClient';

const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n';
const deployment = (app: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - name: http\n              containerPort: 8080\n`;
const CONFIG_MAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n';
const LIE = 'recorded, never computed';

interface Run {
  /** Every publishDiagnostics until the status stopped saying indexing, in order. */
  published: Array<{ uri: string; version?: number; diagnostics: Diagnostic[] }>;
  /** The last list of each file. */
  final: Map<string, Diagnostic[]>;
  log: string;
  hover: string | undefined;
}

/** While a scan is held: what has been published so far, and a way to wait for a list. */
interface Held {
  client: TestClient;
  /** Resolves once a list of `file` for which `test` holds has been published (or was before). */
  listOf(file: string, test?: (p: Run['published'][number]) => boolean): Promise<void>;
}

/**
 * Starts a server on `root` with `storage`, waits until it is analysed and idle. `hoverAt` is asked
 * as soon as the server is initialized (before its index is read), or once it is idle (`late`);
 * `open` documents are opened as soon as it is initialized. `whileHeld` runs while the scan is
 * held, without timing: the server's scan waits for the client to make its progress token (after
 * a warm start's recorded lists are sent, and before the files are read), which is answered only
 * once `whileHeld` resolves (or after a deadline that only keeps a broken server from hanging the test).
 */
async function start(
  root: string,
  storage: string,
  opts: {
    settings?: unknown;
    hoverAt?: { file: string; needle: string; late?: boolean };
    open?: Array<{ file: string; text: string }>;
    whileHeld?: (held: Held) => Promise<void>;
  } = {},
): Promise<Run> {
  const client = new TestClient(root, opts.settings ?? null);
  const published: Run['published'] = [];
  const waiting: Array<{ uri: string; test: (p: Run['published'][number]) => boolean; resolve: () => void }> = [];
  let log = '';
  client.conn.onNotification('textDocument/publishDiagnostics', (p: Run['published'][number]) => {
    published.push(p);
    for (const w of waiting.filter((w) => w.uri === p.uri && w.test(p))) w.resolve();
  });
  const held: Held = {
    client,
    listOf: (file, test = () => true) =>
      new Promise((resolve) => (published.some((p) => p.uri === uriOf(file) && test(p)) ? resolve() : waiting.push({ uri: uriOf(file), test, resolve }))),
  };
  let deadline: NodeJS.Timeout | undefined;
  const whileHeld = opts.whileHeld;
  if (whileHeld) {
    client.conn.onRequest('window/workDoneProgress/create', async () => {
      await Promise.race([whileHeld(held), new Promise<void>((r) => (deadline = setTimeout(r, 10_000)))]);
      return null;
    });
  }
  client.conn.onNotification('window/logMessage', (p: { message: string }) => void (log += `${p.message}\n`));
  let indexed: () => void = () => undefined;
  const done = new Promise<void>((r) => (indexed = r));
  let sawIndexing = false;
  client.conn.onNotification('k8sNetmap/status', (s: { indexing: boolean }) => {
    if (s.indexing) sawIndexing = true;
    else if (sawIndexing) indexed();
  });
  try {
    await client.initialize({ storagePath: storage });
    for (const d of opts.open ?? []) {
      void client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(d.file), languageId: 'yaml', version: 1, text: d.text } });
    }
    const at = opts.hoverAt;
    const hoverNow = () => at && client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: uriOf(at.file) }, position: TestClient.positionOf(at.file, at.needle) });
    let hover = at?.late ? undefined : hoverNow();
    await done;
    if (at?.late) hover = hoverNow();
    const final = new Map<string, Diagnostic[]>();
    for (const p of published) final.set(p.uri, p.diagnostics);
    return { published, final, log, hover: (await hover)?.contents.value };
  } finally {
    clearTimeout(deadline);
    await client.dispose();
  }
}

function setUp(): { root: string; storage: string; svc: string; web: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-warm-'));
  const storage = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-'));
  const svc = path.join(root, 'svc.yaml');
  const web = path.join(root, 'web.yaml');
  fs.writeFileSync(svc, SERVICE);
  // The pods are `app: other`: the Service selects nothing (one diagnostic on svc.yaml).
  fs.writeFileSync(web, deployment('other'));
  return { root, storage, svc, web };
}

/** Rewrites the record under its own key with a marker diagnostic added to `file`'s list. */
function plantLie(storage: string, file: string, version?: string): void {
  const record = new PersistedDiagnostics(storage).previous();
  assert.ok(record, 'the first start recorded its diagnostics');
  const uri = uriOf(file);
  const lie = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, severity: 1 as const, message: LIE, source: 'k8s-netmap' };
  const lied = (list: Diagnostic[]): RecordedList => recordedList(uri, [...list, lie] as Parameters<typeof recordedList>[1]);
  const lists: FileDiagnostics = record.findings.some(([u]) => u === uri) ? record.findings.map((l) => (l[0] === uri ? lied(JSON.parse(l[1]) as Diagnostic[]) : l)) : [...record.findings, lied([])];
  new PersistedDiagnostics(storage, version === undefined ? {} : { version }).put({ key: 'planted', command: record.command, stamps: record.stamps }, lists);
}

/** Sends the whole new text of an open document. */
function edit(client: TestClient, file: string, version: number, text: string): void {
  void client.conn.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: [{ text }] });
}

const lied = (run: Run): boolean => run.published.some((p) => p.diagnostics.some((d) => d.message === LIE));
const finalOf = (run: Run): string => JSON.stringify([...run.final].sort(([a], [b]) => (a < b ? -1 : 1)));
/**
 * The final lists but the planted lie: a warm start with nothing changed does not diagnose again
 * the files whose recorded lists stand, so a lie under the record's own key stays published.
 */
const finalButLie = (run: Run): string =>
  JSON.stringify(
    [...run.final]
      .map(([uri, list]): [string, Diagnostic[]] => [uri, list.filter((d) => d.message !== LIE)])
      .filter(([, list]) => list.length > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

describe('language server: warm start from the recorded diagnostics', { timeout: 60000 }, () => {
  it('publishes the recorded diagnostics first, then only what its own analysis finds different', async () => {
    const { root, storage, svc } = setUp();
    const cold = await start(root, storage);
    assert.deepEqual(cold.final.get(uriOf(svc))?.map((d) => d.code), ['service-selects-nothing']);
    assert.ok(fs.existsSync(path.join(storage, DIAGNOSTICS_FILE)), 'the diagnostics are recorded');

    const warm = await start(root, storage);
    assert.equal(finalOf(warm), finalOf(cold), 'the same diagnostics');
    assert.equal(warm.published.length, cold.published.length, 'each list sent once: the analysis found nothing different');

    plantLie(storage, svc);
    const trusted = await start(root, storage);
    assert.ok(lied(trusted), 'the record is published when its key is the workspace’s');
    assert.ok(trusted.final.get(uriOf(svc))?.some((d) => d.message === LIE), 'nothing changed: the recorded lists stand, the files are not diagnosed again');
    assert.equal(trusted.published.length, cold.published.length, 'each list sent once');
    assert.equal(finalButLie(trusted), finalOf(cold));

    // Once a file changed, its dependents' lists are worked out afresh, the lie's too.
    fs.appendFileSync(svc, '# edited\n');
    const changed = await start(root, storage);
    assert.equal(finalOf(changed), finalOf(cold), 'what the analysis finds different is published again');
  });

  it('starts warm with files not read (binary), keyed by their note and stamp', async () => {
    const { root, storage, svc } = setUp();
    const binary = path.join(root, 'blob.yaml');
    fs.writeFileSync(binary, Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x00, 0x01]));
    const cold = await start(root, storage);
    assert.deepEqual(cold.final.get(uriOf(binary))?.map((d) => d.code), ['file-not-read']);
    plantLie(storage, svc);
    const warm = await start(root, storage);
    assert.ok(lied(warm), 'the record is used');
    assert.equal(finalButLie(warm), finalOf(cold));
  });

  it('holds back the recorded lists of files that depend on a changed file, the settings changed, or an open document differs from its file', async () => {
    const { root, storage, svc, web } = setUp();
    const cold = await start(root, storage);

    plantLie(storage, svc);
    fs.writeFileSync(web, deployment('web'));
    const changed = await start(root, storage);
    assert.ok(!lied(changed), 'a changed file: the recorded list of the Service that selects its pods is not used');
    assert.deepEqual(changed.final.get(uriOf(svc)) ?? [], [], 'the Service selects the pods now');

    plantLie(storage, svc);
    const settings = await start(root, storage, { settings: { rules: { 'service-selects-nothing': 'off' } } });
    assert.ok(!lied(settings), 'other settings: the record is not used');

    fs.writeFileSync(web, deployment('other'));
    await start(root, storage);
    plantLie(storage, svc);
    const unsaved = await start(root, storage, { open: [{ file: web, text: deployment('web') }] });
    assert.ok(!lied(unsaved), 'an open document whose text is not on disk: the record is not used');
    assert.deepEqual(unsaved.final.get(uriOf(svc)) ?? [], []);
    assert.equal(finalButLie(await start(root, storage)), finalOf(cold));
  });

  it('publishes the recorded lists of files that cannot depend on what changed, added or went since, and catches up', async () => {
    const { root, storage, svc, web } = setUp();
    // Another namespace's Service that selects nothing: no file changed below can change its list.
    const apart = path.join(root, 'apart.yaml');
    fs.writeFileSync(apart, SERVICE.replace('name: web', 'name: apart\n  namespace: elsewhere'));
    const added = path.join(root, 'added.yaml');
    const cases: Array<{ what: string; change: () => void }> = [
      { what: 'a changed file', change: () => fs.writeFileSync(web, deployment('web')) },
      { what: 'a file gone', change: () => fs.rmSync(web) },
      { what: 'a file added', change: () => fs.writeFileSync(added, deployment('web').replace('name: web', 'name: added')) },
    ];
    for (const { what, change } of cases) {
      fs.writeFileSync(web, deployment('other'));
      fs.rmSync(added, { force: true });
      await start(root, storage);
      plantLie(storage, svc);
      plantLie(storage, apart);
      change();
      const warm = await start(root, storage);
      const liedOn = new Set(warm.published.filter((p) => p.diagnostics.some((d) => d.message === LIE)).map((p) => p.uri));
      assert.deepEqual([...liedOn], [uriOf(apart)], `${what}: the record stands for the Service apart, not for the one that selects the changed pods`);
      const fresh = await start(root, fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-')));
      assert.equal(finalOf(warm), finalOf(fresh), `${what}: then every list is as a cold start finds it`);
      // The record was made again over the files as they are: the next start publishes it as it is.
      const again = await start(root, storage);
      assert.ok(!lied(again), `${what}: recorded again after catching up`);
      assert.equal(again.published.length, fresh.published.length, `${what}: each list sent once`);
    }

    // Without the persisted models the recorded state cannot be rebuilt: no recorded list is used.
    fs.writeFileSync(web, deployment('other'));
    await start(root, storage);
    plantLie(storage, apart);
    fs.writeFileSync(web, deployment('web'));
    fs.rmSync(path.join(storage, CACHE_FILE));
    const lost = await start(root, storage);
    assert.ok(!lied(lost), 'the changed file’s recorded model is gone: the record is not used');
    assert.equal(finalOf(lost), finalOf(await start(root, fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-')))));
  });

  it('keeps a recorded list with workspace findings when its document is edited while the scan is held', async () => {
    const { root, storage, svc } = setUp();
    const cm = path.join(root, 'cm.yaml');
    fs.writeFileSync(cm, CONFIG_MAP);
    await start(root, storage);
    plantLie(storage, svc);
    const edited = SERVICE.replace('    - port: 80', '    - name: HTTP_PORT\n      port: 80');
    const warm = await start(root, storage, {
      open: [{ file: svc, text: SERVICE }, { file: cm, text: CONFIG_MAP }],
      whileHeld: async ({ client, listOf }) => {
        await listOf(svc); // the recorded list: the scan has not read a file yet
        edit(client, svc, 2, edited); // decided by the file alone: port-invalid
        edit(client, cm, 2, `${CONFIG_MAP}# edited\n`);
        // Edits are applied in order after the same debounce: the ConfigMap's own list (its
        // recorded one is empty) comes after the Service's edit has been handled.
        await listOf(cm, (p) => p.version === 2);
      },
    });
    assert.ok(lied(warm), 'the recorded list is published');
    const svcLists = warm.published.filter((p) => p.uri === uriOf(svc)).map((p) => p.diagnostics.map((d) => d.code).sort());
    assert.ok(
      svcLists.every((codes) => codes.includes('service-selects-nothing')),
      `every list of the Service holds the finding other files decide, never the file's own findings alone: ${JSON.stringify(svcLists)}`,
    );
    assert.deepEqual(svcLists.at(-1), ['port-invalid', 'service-selects-nothing'], 'and the last one is the edited text’s');
  });

  it('applies in catching up a document opened with unsaved text while the scan is held', async () => {
    const { root, storage, svc, web } = setUp();
    const cm = path.join(root, 'cm.yaml');
    fs.writeFileSync(cm, CONFIG_MAP);
    // A Service of the pods on disk: it selects nothing once the unsaved text relabels them.
    const other = path.join(root, 'other.yaml');
    fs.writeFileSync(other, SERVICE.replace('name: web', 'name: other').replace('app: web', 'app: other'));
    await start(root, storage);
    const unsaved = deployment('web'); // on disk: app: other, which the Service web does not select
    const warm = await start(root, storage, {
      open: [{ file: cm, text: CONFIG_MAP }],
      whileHeld: async ({ client, listOf }) => {
        await listOf(svc); // the recorded lists: the files were compared with the record
        void client.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(web), languageId: 'yaml', version: 1, text: unsaved } });
        edit(client, cm, 2, `${CONFIG_MAP}# edited\n`);
        // The opened document's debounce ran out first (while the scan was held): the ConfigMap's list says so.
        await listOf(cm, (p) => p.version === 2);
      },
    });
    assert.deepEqual(warm.final.get(uriOf(svc)) ?? [], [], 'the Service web selects the pods of the unsaved text');
    assert.deepEqual(warm.final.get(uriOf(other))?.map((d) => d.code), ['service-selects-nothing'], 'and the Service other no longer does');
    const cold = await start(root, fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-storage-')), {
      open: [{ file: cm, text: `${CONFIG_MAP}# edited\n` }, { file: web, text: unsaved }],
    });
    // (A list published empty, the Service web's, stands as one never published.)
    const lists = (run: Run): string => JSON.stringify([...run.final].filter(([, d]) => d.length > 0).sort(([a], [b]) => (a < b ? -1 : 1)));
    assert.equal(lists(warm), lists(cold), 'every list as a cold start with the same documents open finds it');
  });

  it('discards a corrupt record with a note, and ignores another version’s', async () => {
    const { root, storage, svc } = setUp();
    const cold = await start(root, storage);
    const file = path.join(storage, DIAGNOSTICS_FILE);

    plantLie(storage, svc);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(LIE, LIE.toUpperCase()));
    const corrupt = await start(root, storage);
    assert.ok(!corrupt.published.some((p) => p.diagnostics.some((d) => d.message === LIE.toUpperCase())), 'a corrupt record is never trusted');
    assert.match(corrupt.log, /k8s-netmap-diagnostics\.json discarded \(checksum mismatch\)/);
    assert.equal(finalOf(corrupt), finalOf(cold));

    plantLie(storage, svc, '0.0.1-old');
    const other = await start(root, storage);
    assert.ok(!lied(other), 'another version’s record is not used');
    assert.notEqual(JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!).k8sNetmap, '0.0.1-old', 'and it is replaced');
  });

  it('answers a hover asked before the index is read as a cold start does once indexed', async () => {
    const { root, storage, svc } = setUp();
    const hoverAt = { file: svc, needle: 'app: web' };
    const cold = await start(root, storage, { hoverAt: { ...hoverAt, late: true } });
    const asCold = cold.hover;
    assert.ok(asCold?.includes('web'), 'a hover');
    plantLie(storage, svc);
    const warm = await start(root, storage, { hoverAt });
    assert.ok(lied(warm), 'a warm start');
    assert.equal(warm.hover, asCold);
    assert.equal(finalButLie(warm), finalOf(cold));
  });
});
