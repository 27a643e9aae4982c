// The persisted index (`--cache DIR`, SPEC §8): unchanged files come from the cache with identical
// findings; a changed file (even with the same size and mtime), another version's cache, a corrupt
// cache and entries of deleted files are never trusted. The persisted findings (resultCache.ts,
// movedFindings.ts, and kept for the files a few edits cannot move: recheck.test.ts tests which) are
// tested here too, beside the index they are kept with (past 400 lines: one fixture set for all).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CACHE_FILE, contentHash, ParseCache, parseCached, readKeyOf } from '../../server/src/host/cache';
import { indexInputs, listManifestFiles, readInputs } from '../../server/src/host/files';
import { RESULTS_FILE } from '../../server/src/host/resultCache';
import { parseFile } from '../../server/src/yaml/parseFile';
import { runCli } from './cliRun';
import { deployment, service } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..'); // test/out/unit → the repository
const EXAMPLES = path.join(ROOT, 'examples');
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');

const cli = (argv: string[], cwd: string) => runCli(argv, cwd);

function tmp(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `k8s-netmap-${prefix}-`));
}

/** A small workspace: a Deployment and a Service that selects it. */
function workspace(): string {
  const dir = tmp('ws');
  fs.writeFileSync(path.join(dir, 'web.yaml'), deployment('web', { ports: ['- name: http', '  containerPort: 8080'] }));
  fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web'));
  return dir;
}

function openStats(cacheDir: string, version?: string): { cache: ParseCache; notes: string[] } {
  const notes: string[] = [];
  return { cache: ParseCache.open(cacheDir, { note: (m) => notes.push(m), ...(version ? { version } : {}) }), notes };
}

/** Reads every file of `dir` through the cache, as `loadPaths` does, and saves it. */
function readThrough(cache: ParseCache, dir: string): void {
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    parseCached(cache, file, `file://${file}`, fs.readFileSync(file, 'utf8'), {});
  }
  cache.save();
}

describe('persisted index (--cache)', () => {
  for (const [name, dir] of [
    ['examples', EXAMPLES],
    ['shared corpus', CORPUS],
  ] as const) {
    it(`gives the findings of a cold run, warm and cold, on the ${name} (json)`, async (t) => {
      if (!fs.existsSync(dir)) return t.skip(`${dir} is not here`);
      const cacheDir = tmp('cache');
      const cold = await cli(['check', dir, '--format', 'json'], ROOT);
      const first = await cli(['check', dir, '--format', 'json', '--cache', cacheDir], ROOT);
      assert.ok(fs.existsSync(path.join(cacheDir, CACHE_FILE)), 'the first run writes the cache');
      const { cache } = openStats(cacheDir);
      assert.ok(cache.size > 10, `cache holds the files read (${cache.size})`);
      const warm = await cli(['check', dir, '--format', 'json', '--cache', cacheDir], ROOT);
      assert.equal(first.stdout, cold.stdout);
      assert.equal(warm.stdout, cold.stdout);
      assert.equal(warm.code, cold.code);
      assert.equal(warm.stderr, cold.stderr);
    });
  }

  it('does not parse an unchanged file again: the recorded model is used', () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    const file = path.join(dir, 'web.yaml');
    const uri = `file://${file}`;
    const text = fs.readFileSync(file, 'utf8');
    readThrough(openStats(cacheDir).cache, dir);
    const { cache } = openStats(cacheDir);
    assert.deepEqual(parseCached(cache, file, uri, text, {}), parseFile(uri, text, {}), 'the cached model is the parsed one');
    assert.deepEqual(cache.stats, { hits: 1, misses: 0, discarded: false });
    // Record a model that parsing the text would never give: a warm read returns it, unparsed.
    const stat = fs.statSync(file);
    const marked = parseFile(uri, text, {});
    marked.objects[0]!.name = 'from-the-cache';
    const readKey = readKeyOf(uri, {});
    cache.put(file, readKey, { size: stat.size, mtimeMs: stat.mtimeMs, hash: contentHash(text) }, marked);
    cache.save();
    assert.equal(parseCached(openStats(cacheDir).cache, file, uri, text, {}).objects[0]!.name, 'from-the-cache');
  });

  it('re-reads a file changed between two runs, even with the same size and mtime', async () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    const file = path.join(dir, 'svc.yaml');
    const when = new Date('2026-01-02T03:04:05Z'); // whole seconds: set exactly on every file system
    fs.utimesSync(file, when, when);
    const before = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.equal(before.stdout, '', 'the Service selects the Deployment');
    const stat = fs.statSync(file);
    const changed = fs.readFileSync(file, 'utf8').replace('app: web', 'app: wex'); // same length
    assert.equal(changed.length, stat.size);
    fs.writeFileSync(file, changed);
    fs.utimesSync(file, when, when);
    assert.equal(fs.statSync(file).mtimeMs, stat.mtimeMs);
    const after = await cli(['check', dir, '--cache', cacheDir], dir);
    const cold = await cli(['check', dir], dir);
    assert.match(after.stdout, /service-selects-nothing/);
    assert.equal(after.stdout, cold.stdout);
  });

  it('reads a file once on a first run (no persisted index), twice only to take a model the index no longer holds', async () => {
    // Reason: issue 11: a first run with --cache read and hashed every file twice (stamped, then
    // read again when indexed): at L 13.0 s CPU where a run without the cache took 7.4 s.
    const dir = workspace();
    const file = path.join(dir, 'svc.yaml');
    const original = fs.readFileSync(file, 'utf8');
    const changedMeanwhile = original.replace('app: web', 'app: wex');
    const nameSelected = (r: Awaited<ReturnType<typeof indexInputs>>): unknown =>
      r.index.file(`file://${file}`)?.objects.flatMap((o) => (o.type === 'service' ? (o.selector?.matchLabels.map((l) => l.value) ?? []) : []));
    const cacheDir = tmp('cache');
    const cache = ParseCache.open(cacheDir);
    const first = await readInputs([dir], dir, {}, undefined, { cache });
    fs.writeFileSync(file, changedMeanwhile); // after it was read: the run indexes what it read
    assert.deepEqual(nameSelected(await indexInputs(first)), ['web']);
    assert.equal(first.changedWhileRead, false);
    cache.save();
    // With a persisted index, a file is only stamped when read and its model taken when indexed: a
    // file the index does not hold is read again then, and a change meanwhile is noticed.
    fs.writeFileSync(file, original.replace('app: web', 'app: wey'));
    const second = await readInputs([dir], dir, {}, undefined, { cache: ParseCache.open(cacheDir) });
    fs.writeFileSync(file, changedMeanwhile);
    assert.deepEqual(nameSelected(await indexInputs(second)), ['wex']);
    assert.equal(second.changedWhileRead, true);
  });

  it('re-reads a file whose reading options changed (default namespace, Helm role)', () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    readThrough(openStats(cacheDir).cache, dir);
    const { cache } = openStats(cacheDir);
    const file = path.join(dir, 'web.yaml');
    const text = fs.readFileSync(file, 'utf8');
    for (const options of [{ defaultNamespace: 'shop' }, { helmTemplate: true }]) {
      assert.deepEqual(parseCached(cache, file, `file://${file}`, text, options), parseFile(`file://${file}`, text, options));
    }
    assert.equal(cache.stats.hits, 0);
  });

  it("ignores another version's cache and replaces it", () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    readThrough(openStats(cacheDir, '0.0.1-old').cache, dir);
    const { cache, notes } = openStats(cacheDir);
    assert.equal(cache.size, 0, 'no entry of another version is loaded');
    readThrough(cache, dir);
    assert.deepEqual(cache.stats, { hits: 0, misses: 2, discarded: false });
    assert.deepEqual(notes, []);
    const header = JSON.parse(fs.readFileSync(path.join(cacheDir, CACHE_FILE), 'utf8').split('\n')[0]!) as { k8sNetmap: string };
    assert.equal(header.k8sNetmap, cache.version);
    assert.notEqual(header.k8sNetmap, '0.0.1-old');
  });

  it('discards a corrupt cache with a note and never trusts it', async () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    await cli(['check', dir, '--cache', cacheDir], dir);
    const cacheFile = path.join(cacheDir, CACHE_FILE);
    // A lie that keeps the JSON valid: the Service's selector now says `app: wex`.
    const tampered = fs.readFileSync(cacheFile, 'utf8').replace(/"value":"web"/g, '"value":"wex"');
    assert.notEqual(tampered, fs.readFileSync(cacheFile, 'utf8'));
    fs.writeFileSync(cacheFile, tampered);
    // The run's findings are persisted too (resultCache.ts) and would answer it without reading the
    // index: without them, the index is read.
    const results = path.join(cacheDir, RESULTS_FILE);
    fs.rmSync(results);
    const run = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(run.stderr, /cache .* discarded \(checksum mismatch\)/);
    assert.equal(run.stdout, '', 'the files were read again, not the tampered models');
    // Truncated and garbage caches too; the next run has a sound cache again.
    for (const bad of [fs.readFileSync(cacheFile, 'utf8').slice(0, 100), '\u0000\u0001garbage']) {
      fs.writeFileSync(cacheFile, bad);
      fs.rmSync(results);
      const again = await cli(['check', dir, '--cache', cacheDir], dir);
      assert.match(again.stderr, /discarded/);
      assert.equal(again.stdout, '');
      const { cache, notes } = openStats(cacheDir);
      assert.deepEqual(notes, []);
      assert.equal(cache.size, 2);
    }
  });

  it('drops the entries of deleted files', () => {
    const dir = workspace();
    const cacheDir = tmp('cache');
    readThrough(openStats(cacheDir).cache, dir);
    fs.rmSync(path.join(dir, 'svc.yaml'));
    const { cache } = openStats(cacheDir);
    readThrough(cache, dir);
    assert.equal(openStats(cacheDir).cache.size, 1);
  });

  it('after one file changed, writes the file a cold run would: the entries left as they were, as read', () => {
    const dir = tmp('ws');
    for (const name of ['a', 'b', 'c', 'd']) fs.writeFileSync(path.join(dir, `${name}.yaml`), deployment(name));
    const cacheDir = tmp('cache');
    readThrough(openStats(cacheDir).cache, dir);
    fs.writeFileSync(path.join(dir, 'b.yaml'), deployment('b', { labels: { app: 'b2' } }));
    const { cache } = openStats(cacheDir);
    readThrough(cache, dir);
    assert.deepEqual(cache.stats, { hits: 3, misses: 1, discarded: false });
    const coldDir = tmp('cache');
    readThrough(openStats(coldDir).cache, dir);
    assert.equal(fs.readFileSync(path.join(cacheDir, CACHE_FILE), 'utf8'), fs.readFileSync(path.join(coldDir, CACHE_FILE), 'utf8'));
  });
});

/**
 * Rewrites the persisted findings through `edit`, with a checksum that holds (a lie the file cannot
 * tell). The text printed from them is dropped (it would answer first), unless `printed` rewrites it.
 */
function rewriteResults(
  cacheDir: string,
  edit: (findings: Array<{ message: string }>) => void,
  header: Record<string, unknown> = {},
  printed: (recorded: { as: string; severities: unknown; text: string }) => { as: string; severities: unknown; text: string } | null = () => null,
): void {
  const file = path.join(cacheDir, RESULTS_FILE);
  const [head, run, findingsLine, printedLine, ...textLines] = fs.readFileSync(file, 'utf8').split('\n') as [string, string, string, string, ...string[]];
  const findings = JSON.parse(findingsLine) as Array<{ message: string }>;
  edit(findings);
  const recorded = JSON.parse(printedLine) as { as: string; severities: unknown } | null;
  const now = recorded && printed({ as: recorded.as, severities: recorded.severities, text: textLines.join('\n') });
  const meta = now && { as: now.as, severities: now.severities, bytes: Buffer.byteLength(now.text) };
  const newBody = `${run}\n${JSON.stringify(findings)}\n${JSON.stringify(meta)}\n${now?.text ?? ''}`;
  const newHead = { ...(JSON.parse(head) as object), ...header, sha1: createHash('sha1').update(newBody).digest('hex') };
  fs.writeFileSync(file, `${JSON.stringify(newHead)}\n${newBody}`);
}

const PINNED = new Date('2026-01-02T03:04:05Z'); // whole seconds: set exactly on every file system

/** Sets every file of `dir` to the same mtime, so that a rewrite of the same size leaves only the content hash to tell. */
function pinTimes(dir: string): void {
  for (const name of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, name), PINNED, PINNED);
}

/** Writes `text` over `file` (pinned) keeping its size and mtime: only the content hash tells. */
function rewriteSameStamp(file: string, text: string): void {
  const before = fs.statSync(file);
  assert.equal(before.mtimeMs, PINNED.getTime());
  assert.equal(Buffer.byteLength(text), before.size, 'same size');
  fs.writeFileSync(file, text);
  fs.utimesSync(file, PINNED, PINNED);
  assert.equal(fs.statSync(file).mtimeMs, before.mtimeMs);
}

const NETWORK_POLICY = (app: string, nsLabel: string) =>
  [
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata:',
    '  name: from-team',
    'spec:',
    '  podSelector:',
    '    matchLabels:',
    `      app: ${app}`,
    '  ingress:',
    '    - from:',
    '        - namespaceSelector:',
    '            matchLabels:',
    `              team: ${nsLabel}`,
    '          podSelector:',
    '            matchLabels:',
    '              app: client',
    '',
  ].join('\n');
const NAMESPACE = (team: string) => ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: other', '  labels:', `    team: ${team}`, ''].join('\n');

describe('persisted findings (check --cache)', () => {
  it('answers an unchanged run from the persisted findings, without indexing', async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
    const cacheDir = tmp('cache');
    const cold = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(cold.stdout, /service-selects-nothing/);
    rewriteResults(cacheDir, (findings) => findings.forEach((f) => (f.message = 'from the persisted findings')));
    const warm = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(warm.stdout, /service-selects-nothing from the persisted findings/);
    assert.equal(warm.code, cold.code);
    // The index file is not even read: a corrupt one goes unnoticed while the findings answer.
    fs.writeFileSync(path.join(cacheDir, CACHE_FILE), 'garbage');
    assert.equal((await cli(['check', dir, '--cache', cacheDir], dir)).stderr, '');
  });

  it('the executable prints the recorded text as its bytes, and --output-file still takes them', () => {
    // Reason: issue 11: the recorded text is kept as printed and written to standard output as
    // bytes (io.stdoutBytes); with --output-file they must go to the file, not to standard output.
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('wéb', { selector: { app: 'nope…' } }));
    const cacheDir = tmp('cache');
    const run = (...args: string[]): { stdout: string; status: number | null } =>
      spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'check', dir, ...args], { cwd: dir, encoding: 'utf8' });
    for (const format of ['text', 'json']) {
      const cold = run('-o', format);
      assert.match(cold.stdout, /nope…/);
      run('-o', format, '--cache', cacheDir);
      const warm = run('-o', format, '--cache', cacheDir);
      assert.equal(warm.stdout, cold.stdout, format);
      assert.equal(warm.status, cold.status);
      const out = path.join(tmp('out'), 'findings');
      assert.equal(run('-o', format, '--cache', cacheDir, '--output-file', out).stdout, '');
      assert.equal(fs.readFileSync(out, 'utf8'), cold.stdout, `${format} to a file`);
    }
  });

  it('prints the persisted findings in every format, from another folder, as a cold run does', async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
    const cacheDir = tmp('cache');
    await cli(['check', dir, '--cache', cacheDir], dir);
    for (const [format, cwd] of [['text', dir], ['json', ROOT], ['sarif', os.tmpdir()]] as const) {
      const warm = await cli(['check', dir, '-o', format, '--cache', cacheDir, '--fail-on', 'warning'], cwd);
      const cold = await cli(['check', dir, '-o', format, '--fail-on', 'warning'], cwd);
      assert.equal(warm.stdout, cold.stdout, format);
      assert.equal(warm.code, 1);
    }
  });

  it('prints the recorded text as it is for the same format and folder, and formats the findings for another', async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
    const cacheDir = tmp('cache');
    const cold = await cli(['check', dir, '-o', 'json', '--cache', cacheDir], dir);
    assert.equal(cold.code, 0, 'a warning only');
    // A lie in the text only, with severities that fail: a run that prints the text tells it.
    rewriteResults(cacheDir, () => undefined, {}, (recorded) => ({ ...recorded, severities: ['error'], text: 'from the printed text\n' }));
    const same = await cli(['check', dir, '-o', 'json', '--cache', cacheDir], dir);
    assert.equal(same.stdout, 'from the printed text\n');
    assert.equal(same.code, 1, 'the exit code of the recorded severities');
    // Another format or another folder: the findings are printed (and their text recorded instead).
    for (const [format, cwd] of [['text', dir], ['json', os.tmpdir()], ['json', dir]] as const) {
      const other = await cli(['check', dir, '-o', format, '--cache', cacheDir], cwd);
      assert.equal(other.stdout, (await cli(['check', dir, '-o', format], cwd)).stdout, `${format} in ${cwd}`);
      assert.equal(other.code, 0);
    }
    // A recorded text that does not read as one (its checksum holding) is discarded with a note.
    rewriteResults(cacheDir, () => undefined, {}, (recorded) => ({ ...recorded, severities: 'error' }));
    const bad = await cli(['check', dir, '-o', 'json', '--cache', cacheDir], dir);
    assert.match(bad.stderr, /discarded \(unreadable findings\)/);
    assert.equal(bad.stdout, cold.stdout);
  });

  for (const [what, setUp, change] of [
    [
      'a NetworkPolicy',
      (dir: string) => fs.writeFileSync(path.join(dir, 'np.yaml'), NETWORK_POLICY('web', 'a')),
      (dir: string) => rewriteSameStamp(path.join(dir, 'np.yaml'), NETWORK_POLICY('wex', 'a')),
    ],
    [
      'a Namespace',
      (dir: string) => {
        fs.writeFileSync(path.join(dir, 'np.yaml'), NETWORK_POLICY('web', 'a'));
        fs.writeFileSync(path.join(dir, 'client.yaml'), deployment('client', { ns: 'other' }));
        fs.writeFileSync(path.join(dir, 'ns.yaml'), NAMESPACE('a'));
      },
      (dir: string) => rewriteSameStamp(path.join(dir, 'ns.yaml'), NAMESPACE('b')),
    ],
    [
      'the config file',
      (dir: string) => fs.writeFileSync(path.join(dir, 'k8s-netmap.yaml'), 'rules:\n  service-selects-nothing: warning\n'),
      (dir: string) => fs.writeFileSync(path.join(dir, 'k8s-netmap.yaml'), 'rules:\n  service-selects-nothing: error\n'),
    ],
    ['a file added', () => undefined, (dir: string) => fs.writeFileSync(path.join(dir, 'more.yaml'), service('more'))],
    ['a file removed', () => undefined, (dir: string) => fs.rmSync(path.join(dir, 'svc.yaml'))],
  ] as const) {
    it(`computes the findings again after a change: ${what}`, async () => {
      const dir = workspace();
      fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
      setUp(dir);
      pinTimes(dir);
      const cacheDir = tmp('cache');
      const before = await cli(['check', dir, '--cache', cacheDir], dir);
      assert.equal((await cli(['check', dir, '--cache', cacheDir], dir)).stdout, before.stdout);
      change(dir);
      const warm = await cli(['check', dir, '--cache', cacheDir], dir);
      const cold = await cli(['check', dir], dir);
      assert.notEqual(cold.stdout, before.stdout, 'the change changes the findings');
      assert.equal(warm.stdout, cold.stdout);
      assert.equal(warm.code, cold.code);
    });
  }

  it('computes the findings again for other settings (--rule, --default-namespace)', async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
    const cacheDir = tmp('cache');
    await cli(['check', dir, '--cache', cacheDir], dir);
    for (const flags of [['--rule', 'service-selects-nothing=error'], ['--default-namespace', 'shop']]) {
      const warm = await cli(['check', dir, '--cache', cacheDir, ...flags], dir);
      assert.equal(warm.stdout, (await cli(['check', dir, ...flags], dir)).stdout, flags.join(' '));
    }
  });

  it("ignores another version's findings, and discards corrupt ones with a note", async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'svc.yaml'), service('web', { selector: { app: 'nope' } }));
    const cacheDir = tmp('cache');
    const cold = await cli(['check', dir, '--cache', cacheDir], dir);
    rewriteResults(cacheDir, (findings) => findings.forEach((f) => (f.message = 'lie')), { k8sNetmap: '0.0.1-old' });
    const other = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.equal(other.stdout, cold.stdout);
    assert.equal(other.stderr, '');
    const file = path.join(cacheDir, RESULTS_FILE);
    assert.match(fs.readFileSync(file, 'utf8'), /"severity":"warning"/);
    for (const bad of [fs.readFileSync(file, 'utf8').replace('"severity":"warning"', '"severity":"error"'), 'garbage\n', '']) {
      fs.writeFileSync(file, bad);
      const run = await cli(['check', dir, '--cache', cacheDir], dir);
      assert.equal(run.stdout, cold.stdout);
      if (bad !== '') assert.match(run.stderr, /discarded \((checksum mismatch|unreadable header)\)/);
    }
  });

  it('never answers standard input from the persisted findings', async () => {
    const cacheDir = tmp('cache');
    const first = await runCli(['check', '-', '--cache', cacheDir], os.tmpdir(), service('web'));
    assert.match(first.stdout, /service-selects-nothing/);
    assert.equal((await runCli(['check', '-', '--cache', cacheDir], os.tmpdir(), deployment('web') + service('web'))).stdout, '');
  });
});

/** Copies `from` into a new temporary folder (the tests edit files). */
function copyOf(from: string): string {
  const dir = tmp('copy');
  fs.cpSync(from, dir, { recursive: true });
  return dir;
}

/** Text edits that move text only, or may not (inside a block scalar the comment becomes content): each must give a cold run's findings. */
const TEXT_MOVES: Array<[string, (text: string) => string]> = [
  ['a comment after the first line', (t) => t.replace('\n', '\n# moved\n')],
  ['a comment at the end', (t) => `${t}${t.endsWith('\n') ? '' : '\n'}# moved\n`],
  ['blank lines in the middle', (t) => {
    const lines = t.split('\n');
    lines.splice(Math.floor(lines.length / 2), 0, '', '   # moved', '');
    return lines.join('\n');
  }],
];

describe('persisted findings after a change that only moved text', () => {
  const sets: Array<[string, string, number]> = [
    ['examples', EXAMPLES, Infinity],
    ['corpus: network policy recipes', path.join(CORPUS, 'kubernetes-network-policy-recipes'), 12],
    ['corpus: sock-shop', path.join(CORPUS, 'sock-shop'), 12],
  ];
  for (const [name, source, most] of sets) {
    it(`gives a cold run's findings after each file of ${name} is edited`, async (t) => {
      if (!fs.existsSync(source)) return t.skip(`${source} is not here`);
      const dir = copyOf(source);
      const cacheDir = tmp('cache');
      const files = listManifestFiles(dir).slice(0, most);
      await cli(['check', dir, '-o', 'json', '--cache', cacheDir], dir);
      for (const file of files) {
        const original = fs.readFileSync(file, 'utf8');
        for (const [edit, change] of TEXT_MOVES) {
          fs.writeFileSync(file, change(original));
          const warm = await cli(['check', dir, '-o', 'json', '--cache', cacheDir], dir);
          const cold = await cli(['check', dir, '-o', 'json'], dir);
          assert.equal(warm.stdout, cold.stdout, `${path.relative(dir, file)}: ${edit}`);
        }
        fs.writeFileSync(file, original);
      }
    });
  }

  it("moves the recorded findings (the other files' are not computed again); a change beyond positions analyses again", async () => {
    const dir = workspace();
    fs.writeFileSync(path.join(dir, 'lonely.yaml'), service('lonely', { ns: 'elsewhere' }));
    const cacheDir = tmp('cache');
    await cli(['check', dir, '--cache', cacheDir], dir);
    // A lie about lonely.yaml's finding: a run that moves findings keeps it, one that analyses does not.
    rewriteResults(cacheDir, (findings) => findings.forEach((f) => (f.message = `${f.message} (recorded)`)));
    const svc = path.join(dir, 'svc.yaml');
    const text = fs.readFileSync(svc, 'utf8');
    fs.writeFileSync(svc, `# moved\n${text.replace('\n', '\n\n# moved\n')}`);
    const moved = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(moved.stdout, /lonely\.yaml:\d+:\d+: warning service-selects-nothing .*\(recorded\)/);
    assert.equal(moved.stdout.replace(/ \(recorded\)/g, ''), (await cli(['check', dir], dir)).stdout);
    // Positions of svc.yaml's own findings move too: a port that no workload has.
    fs.writeFileSync(svc, service('web', { ports: ['- port: 80', '  targetPort: nope'] }));
    await cli(['check', dir, '--cache', cacheDir], dir);
    rewriteResults(cacheDir, (findings) => findings.forEach((f) => (f.message = `${f.message} (recorded)`)));
    fs.writeFileSync(svc, `# one\n# two\n${fs.readFileSync(svc, 'utf8')}`);
    const shifted = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(shifted.stdout, /svc\.yaml:\d+:\d+: \w+ service-target-port-unresolved .*\(recorded\)/);
    assert.equal(shifted.stdout.replace(/ \(recorded\)/g, ''), (await cli(['check', dir], dir)).stdout);
    // The selector changed: svc.yaml and what depends on it are diagnosed again, lonely.yaml keeps its lie.
    fs.writeFileSync(svc, service('web', { selector: { app: 'wex' } }));
    const analysed = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.doesNotMatch(analysed.stdout, /svc\.yaml.*recorded/);
    assert.match(analysed.stdout, /lonely\.yaml:\d+:\d+: warning service-selects-nothing .*\(recorded\)/);
    assert.equal(analysed.stdout.replace(/ \(recorded\)/g, ''), (await cli(['check', dir], dir)).stdout);
  });

});

describe('persisted findings after a few files changed', () => {
  it("diagnoses again only the files the edits may move; every other file keeps its recorded findings (file changed, added, removed)", async () => {
    const dir = workspace();
    // In another namespace: no verdict there depends on what changes.
    fs.writeFileSync(path.join(dir, 'lonely.yaml'), service('lonely', { ns: 'elsewhere' }));
    const cacheDir = tmp('cache');
    await cli(['check', dir, '--cache', cacheDir], dir);
    const lie = (): void => rewriteResults(cacheDir, (findings) => findings.forEach((f) => (f.message = `${f.message} (recorded)`)));
    const same = async (warm: string): Promise<void> => assert.equal(warm.replace(/ \(recorded\)/g, ''), (await cli(['check', dir], dir)).stdout);
    // The Deployment's labels change: the Service that selected it now selects nothing.
    lie();
    fs.writeFileSync(path.join(dir, 'web.yaml'), deployment('web', { labels: { app: 'api' } }));
    const changed = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.match(changed.stdout, /svc\.yaml:\d+:\d+: warning service-selects-nothing (?!.*recorded)/);
    assert.match(changed.stdout, /lonely\.yaml:.*\(recorded\)/);
    await same(changed.stdout);
    // A file added, and one removed.
    lie();
    fs.writeFileSync(path.join(dir, 'web2.yaml'), deployment('web'));
    fs.rmSync(path.join(dir, 'web.yaml'));
    const addedRemoved = await cli(['check', dir, '--cache', cacheDir], dir);
    assert.doesNotMatch(addedRemoved.stdout, /svc\.yaml/);
    assert.match(addedRemoved.stdout, /lonely\.yaml:.*\(recorded\)/);
    await same(addedRemoved.stdout);
  });
});
