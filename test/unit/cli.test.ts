// `k8s-netmap check` (SPEC §8) through main() with captured I/O: formats, exit codes, standard
// input, the bundled example workspace and the shared corpus.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { jsonChunks, textChunks } from '../../server/src/cli/check';
import { RULES } from '../../server/src/features/rules';
import type { LocatedFinding } from '../../server/src/host/resultCache';
import { runCli, type Run } from './cliRun';
import { deployment, service, y } from './helpers';

/** The repository root: the folder above this test whose package.json is k8s-netmap's (bundles move the file). */
function repoRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name === 'k8s-netmap') return dir;
    } catch {
      // not here
    }
  }
  return process.cwd();
}

const ROOT = repoRoot();
const EXAMPLES = path.join(ROOT, 'examples');
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'unit', 'cli');

const run = (argv: string[], cwd = ROOT, stdin?: string): Promise<Run> => runCli(argv, cwd, stdin);

const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|info|hint) ([a-z0-9-]+) \S.*$/;
const CONTROLLER = '{"namespace":"ingress-nginx","podLabels":{"app.kubernetes.io/name":"ingress-nginx"}}';

interface JsonFinding {
  file: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: string;
  code: string;
  message: string;
  related: Array<{ file: string; range: unknown; message: string }>;
}

describe('cli: the module', () => {
  it('importing main() does not run the command line (no usage printed, no exit code set)', async () => {
    // A bundle that imports cli/main.ts is itself `require.main`: a `require.main === module` guard
    // would run the CLI with the test runner's argv and leave exit code 2 behind.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(process.exitCode ?? 0, 0);
  });
});

describe('cli check: the example workspace', () => {
  it('text format: one `path:line:col: severity code message` line per finding, then a summary', async () => {
    const r = await run(['check', 'examples', '--ingress-controller', CONTROLLER]);
    assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
    const lines = r.stdout.split('\n').filter(Boolean);
    assert.ok(lines.length > 1);
    const summary = lines.pop()!;
    assert.match(summary, /^\d+ errors, \d+ warnings, \d+ notes$/);
    for (const line of lines) {
      const m = TEXT_LINE.exec(line);
      assert.ok(m, `not in the text format: ${line}`);
      assert.ok(m[1]!.startsWith('examples/'), `path relative to the working folder: ${m[1]}`);
      assert.ok(Number(m[2]) >= 1 && Number(m[3]) >= 1, '1-based line and column');
      assert.ok(RULES.some((rule) => rule.code === m[5]), `known code ${m[5]}`);
    }
    assert.equal(r.code, lines.some((l) => TEXT_LINE.exec(l)![4] === 'error') ? 1 : 0, 'exit 1 exactly when errors are found');
  });

  it("finds the example's documented faults, at the documented places", async () => {
    const expectedFile = path.join(EXAMPLES, 'expected-diagnostics.json');
    const expected = JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { diagnostics: Array<{ file: string; line: number; column: number; code: string; severity: string }> };
    const r = await run(['check', '.', '--format', 'json', '--ingress-controller', CONTROLLER], EXAMPLES);
    const found = (JSON.parse(r.stdout) as JsonFinding[]).map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.severity} ${f.code}`).sort();
    const want = expected.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`).sort();
    assert.deepEqual(found, want);
  });

  it('json format: LSP ranges, severity, code, message, related', async () => {
    const r = await run(['check', 'examples', '--format', 'json']);
    assert.ok(r.code === 0 || r.code === 1);
    const findings = JSON.parse(r.stdout) as JsonFinding[];
    assert.ok(Array.isArray(findings) && findings.length > 0);
    for (const f of findings) {
      assert.deepEqual(Object.keys(f).sort(), ['code', 'file', 'message', 'range', 'related', 'severity']);
      assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity));
      for (const p of [f.range.start, f.range.end]) assert.ok(Number.isInteger(p.line) && p.line >= 0 && Number.isInteger(p.character) && p.character >= 0);
      assert.ok(f.range.end.line > f.range.start.line || (f.range.end.line === f.range.start.line && f.range.end.character >= f.range.start.character));
      for (const rel of f.related) assert.deepEqual(Object.keys(rel).sort(), ['file', 'message', 'range']);
    }
    assert.ok(findings.some((f) => f.related.length > 0), 'some findings point at the other objects involved');
  });

  it('sarif format: 2.1.0, one run, rules with help URIs, 1-based regions', async () => {
    const r = await run(['check', 'examples', '--format', 'sarif']);
    assert.ok(r.code === 0 || r.code === 1);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    const run0 = sarif.runs[0];
    const rules = run0.tool.driver.rules as Array<{ id: string; helpUri: string }>;
    assert.equal(run0.tool.driver.name, 'k8s-netmap');
    assert.deepEqual(
      rules.map((x) => x.id),
      RULES.map((x) => x.code),
    );
    for (const rule of rules) assert.match(rule.helpUri, new RegExp(`^https://.*/docs/rules/${rule.id}\\.md$`));
    assert.ok(run0.results.length > 0);
    for (const res of run0.results) {
      assert.ok(rules.some((x) => x.id === res.ruleId));
      assert.equal(rules[res.ruleIndex]!.id, res.ruleId);
      assert.ok(['error', 'warning', 'note', 'none'].includes(res.level));
      const region = res.locations[0].physicalLocation.region;
      assert.ok(region.startLine >= 1 && region.startColumn >= 1 && region.endLine >= region.startLine && region.endColumn >= 1);
      assert.ok(!res.locations[0].physicalLocation.artifactLocation.uri.includes('\\'));
    }
  });

  it('text and json agree on positions (json 0-based, text 1-based)', async () => {
    const text = await run(['check', 'examples']);
    const json = JSON.parse((await run(['check', 'examples', '--format', 'json'])).stdout) as JsonFinding[];
    const fromText = text.stdout
      .split('\n')
      .map((l) => TEXT_LINE.exec(l))
      .filter((m): m is RegExpExecArray => !!m)
      .map((m) => `${m[1]}:${m[2]}:${m[3]} ${m[5]}`);
    assert.deepEqual(
      fromText,
      json.map((f) => `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1} ${f.code}`),
    );
  });
});

describe('cli check: the text and JSON formats written in pieces', () => {
  /** `n` findings, some with related places and text JSON escapes (quotes, line breaks, non-ASCII). */
  const findings = (n: number): LocatedFinding[] =>
    Array.from({ length: n }, (_, i) => ({
      uri: `file:///w/f${i % 7}.yaml`,
      start: { line: i, character: 2 },
      end: { line: i, character: 9 },
      severity: i % 3 === 0 ? 'warning' : 'error',
      code: 'service-selects-nothing',
      message: `Service "web-${i}" selects nothing →\nsee 'docs'`,
      related: i % 2 ? [{ uri: 'file:///w/r.yaml', start: { line: 1, character: 0 }, end: { line: 1, character: 4 }, message: `the workload ${i}` }] : [],
    }));
  const file = (uri: string) => uri.slice('file:///w/'.length);

  it('the pieces make the text one JSON.stringify of the list makes, at every piece boundary', () => {
    for (const n of [0, 1, 2, 511, 512, 513, 1024, 1300]) {
      const list = findings(n);
      const pieces = [...jsonChunks(list, file)];
      const whole = list.map((f) => ({ file: file(f.uri), range: { start: f.start, end: f.end }, severity: f.severity, code: f.code, message: f.message, related: f.related.map((r) => ({ file: file(r.uri), range: { start: r.start, end: r.end }, message: r.message })) }));
      assert.equal(pieces.join(''), JSON.stringify(whole, null, 2) + '\n', `${n} findings`);
      assert.equal(pieces.length, Math.max(1, Math.ceil(n / 512)), `${n} findings: pieces`);
    }
  });

  it('the text format in pieces: a line per finding, then the counts, at every piece boundary', () => {
    for (const n of [0, 1, 511, 512, 513, 1300]) {
      const list = findings(n);
      const pieces = [...textChunks(list, file)];
      const lines = list.map((f) => `${file(f.uri)}:${f.start.line + 1}:${f.start.character + 1}: ${f.severity} ${f.code} ${f.message}\n`);
      const errors = list.filter((f) => f.severity === 'error').length;
      const counts = n ? `\n${errors} errors, ${n - errors} warnings, 0 notes\n` : '';
      assert.equal(pieces.join(''), lines.join('') + counts, `${n} findings`);
      assert.equal(pieces.length, Math.ceil(n / 512) + (n ? 1 : 0), `${n} findings: pieces`);
    }
  });
});

describe('cli check: the shared corpus', () => {
  const folders = fs.existsSync(CORPUS) ? fs.readdirSync(CORPUS).filter((f) => fs.statSync(path.join(CORPUS, f)).isDirectory()) : [];
  if (folders.length === 0) {
    it('every corpus folder is checked without a crash', (t) => {
      t.skip(`../shared/corpus not found at ${CORPUS}`);
    });
  }
  for (const folder of folders) {
    it(`checks corpus/${folder} without a crash (exit 0 or 1)`, async () => {
      const r = await run(['check', path.join(CORPUS, folder), '--format', 'json']);
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr.slice(0, 500)}`);
      const findings = JSON.parse(r.stdout) as JsonFinding[];
      for (const f of findings) {
        assert.ok(RULES.some((rule) => rule.code === f.code), `unknown code ${f.code}`);
        assert.ok(f.range.start.line >= 0);
      }
    });
  }
});

describe('cli check: usage and input', () => {
  it('exits 2 with usage on no command, an unknown command, no paths, an unknown flag or a bad value', async () => {
    for (const argv of [[], ['frobnicate', 'x'], ['check'], ['check', 'examples', '--nope', 'x'], ['check', 'examples', '--format', 'xml'], ['check', 'examples', '--rule', 'label-invalid=loud'], ['check', 'examples', '--rule', 'novalue'], ['check', 'examples', '--ingress-controller', '{not json'], ['check', 'examples', '--format']]) {
      const r = await run(argv);
      assert.equal(r.code, 2, `${argv.join(' ')} → ${r.code}`);
      assert.match(r.stderr, /usage/, argv.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('exits 2 when nothing readable is given', async () => {
    const missing = await run(['check', 'does/not/exist.yaml']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /not found/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-cli-'));
    try {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a manifest');
      assert.equal((await run(['check', dir])).code, 2, 'a folder without manifests');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--help and --version exit 0', async () => {
    assert.equal((await run(['--help'])).code, 0);
    assert.match((await run(['--version'])).stdout, /^\d+\.\d+\.\d+/);
  });

  it('`-` reads standard input, named <stdin>', async () => {
    const input = service('web', { selector: { app: 'nope' } });
    const r = await run(['check', '-'], ROOT, input);
    assert.equal(r.code, 0, 'a warning is not an error');
    assert.match(r.stdout, /^<stdin>:8:5: warning service-selects-nothing /m);
  });

  it('`-` with an error exits 1; a clean stream exits 0 with no findings', async () => {
    const broken = await run(['check', '-'], ROOT, deployment('web') + service('web', { ports: ['- port: 80', '  targetPort: metrics'] }));
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /error service-target-port-unresolved/);
    const clean = await run(['check', '-', '--format', 'json'], ROOT, deployment('web') + service('web'));
    assert.equal(clean.code, 0);
    assert.deepEqual(JSON.parse(clean.stdout), []);
  });

  it('a Helm stream (`helm template … | check -`) is read as manifests once rendered', async () => {
    const r = await run(['check', '-', '--format', 'json'], ROOT, '# Source: chart/templates/svc.yaml\n' + deployment('web') + service('web'));
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  it('--rule CODE=off and CODE=error change what is reported and the exit code', async () => {
    const input = service('web', { selector: { app: 'nope' } });
    const off = await run(['check', '-', '--rule', 'service-selects-nothing=off'], ROOT, input);
    assert.equal(off.code, 0);
    assert.equal(off.stdout, '');
    const err = await run(['check', '-', '--rule=service-selects-nothing=error'], ROOT, input);
    assert.equal(err.code, 1);
    assert.match(err.stdout, /error service-selects-nothing/);
  });

  it('--default-namespace places objects without a namespace', async () => {
    const input = deployment('web', { ns: 'team' }) + service('web');
    assert.match((await run(['check', '-'], ROOT, input)).stdout, /service-selects-nothing/);
    assert.equal((await run(['check', '-', '--default-namespace', 'team'], ROOT, input)).stdout, '');
  });

  it('a file that does not parse is reported and the others are still checked', async () => {
    const r = await run(['check', 'broken.yaml', 'good.yaml', '--format', 'json'], FIXTURES);
    assert.equal(r.code, 1);
    const findings = JSON.parse(r.stdout) as JsonFinding[];
    assert.deepEqual(
      findings.map((f) => [f.file, f.code]),
      [
        ['broken.yaml', 'yaml-syntax'],
        ['good.yaml', 'service-selects-nothing'],
      ],
    );
  });

  it('a symlink back to an ancestor folder does not read the files again', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-loop-'));
    try {
      fs.mkdirSync(path.join(dir, 'a'));
      fs.copyFileSync(path.join(FIXTURES, 'good.yaml'), path.join(dir, 'a', 'good.yaml'));
      try {
        fs.symlinkSync('..', path.join(dir, 'a', 'loop'), 'dir');
      } catch (error) {
        t.skip(`cannot make a symlink here: ${String(error)}`);
        return;
      }
      const r = await run(['check', '.', '--format', 'json'], dir);
      assert.deepEqual(
        (JSON.parse(r.stdout) as JsonFinding[]).map((f) => [f.file, f.code]),
        [[path.join('a', 'good.yaml'), 'service-selects-nothing']],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stream with CRLF and a BOM reports 1-based UTF-16 columns', async () => {
    const input = '\uFEFF' + y('apiVersion: v1', 'kind: Service', 'metadata: {name: "🚀"}', 'spec:', '  ports: [{port: 80}]', '  selector: {x: "🚀", app: nope}').replace(/\n/g, '\r\n');
    const r = await run(['check', '-'], ROOT, input);
    assert.match(r.stdout, /^<stdin>:6:13: warning service-selects-nothing /m);
  });
});

describe('cli conventions (SPEC §8): one runner for every command', () => {
  const warningOnly = service('web', { selector: { app: 'nope' } });

  it('-h and --help on each command print its options and exit 0', async () => {
    for (const [command, own] of [['check', '--fail-on'], ['reach', '--focus-direction'], ['graph', 'mermaid']] as const) {
      for (const flag of ['-h', '--help']) {
        const r = await run([command, flag]);
        assert.equal(r.code, 0, `${command} ${flag}`);
        assert.match(r.stdout, new RegExp(`^usage: k8s-netmap ${command} `), `${command} ${flag}`);
        for (const shared of ['--output-file', '--quiet', '--config', '-o, --format']) assert.ok(r.stdout.includes(shared), `${command} ${flag} lists ${shared}`);
        assert.ok(r.stdout.includes(own), `${command} ${flag} lists ${own}`);
        assert.equal(r.stderr, '');
      }
    }
  });

  it('-o is --format', async () => {
    const long = await run(['check', '-', '--format', 'json'], ROOT, warningOnly);
    const short = await run(['check', '-', '-o', 'json'], ROOT, warningOnly);
    assert.equal(short.code, 0);
    assert.equal(short.stdout, long.stdout);
    assert.equal(JSON.parse(short.stdout)[0].code, 'service-selects-nothing');
  });

  it('refuses an unknown option on every command with exit 2', async () => {
    for (const command of ['check', 'reach', 'graph']) {
      for (const bad of ['--nope', '-z']) {
        const r = await run([command, '-', bad], ROOT, warningOnly);
        assert.equal(r.code, 2, `${command} ${bad}`);
        assert.match(r.stderr, /Unknown option/, `${command} ${bad}`);
        assert.equal(r.stdout, '');
      }
    }
  });

  it('--fail-on error|warning|info sets the severity that exits 1', async () => {
    assert.equal((await run(['check', '-'], ROOT, warningOnly)).code, 0);
    assert.equal((await run(['check', '-', '--fail-on', 'error'], ROOT, warningOnly)).code, 0);
    assert.equal((await run(['check', '-', '--fail-on', 'warning'], ROOT, warningOnly)).code, 1);
    assert.equal((await run(['check', '-', '--fail-on=info'], ROOT, warningOnly)).code, 1);
    const info = await run(['check', '-', '--rule', 'service-selects-nothing=info', '--fail-on', 'warning'], ROOT, warningOnly);
    assert.equal(info.code, 0, 'an info finding does not fail --fail-on warning');
    assert.equal((await run(['check', '-', '--rule', 'service-selects-nothing=info', '--fail-on', 'info'], ROOT, warningOnly)).code, 1);
    const bad = await run(['check', '-', '--fail-on', 'hint'], ROOT, warningOnly);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on must be error, warning or info/);
  });

  it('--output-file writes the results there instead of standard output', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-cli-out-'));
    try {
      const r = await run(['check', '-', '-o', 'sarif', '--output-file', 'out/../report.sarif'], dir, warningOnly);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '');
      const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'report.sarif'), 'utf8'));
      assert.equal(sarif.runs[0].results[0].ruleId, 'service-selects-nothing');
      const g = await run(['graph', '-', '--output-file', path.join(dir, 'graph.dot'), '-o', 'dot'], ROOT, warningOnly);
      assert.equal(g.stdout, '');
      assert.match(fs.readFileSync(path.join(dir, 'graph.dot'), 'utf8'), /^digraph /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--quiet leaves out notes on standard error, not results or syntax errors', async () => {
    const loud = await run(['check', 'good.yaml', 'missing.yaml', 'broken.yaml'], FIXTURES);
    assert.match(loud.stderr, /missing\.yaml: not found/);
    const quiet = await run(['check', 'good.yaml', 'missing.yaml', 'broken.yaml', '--quiet'], FIXTURES);
    assert.equal(quiet.stderr, '');
    assert.equal(quiet.stdout, loud.stdout);
    assert.equal(quiet.code, loud.code);
    const reach = await run(['reach', 'good.yaml', 'missing.yaml', 'broken.yaml', '-q'], FIXTURES);
    assert.doesNotMatch(reach.stderr, /not found/);
    assert.match(reach.stderr, /broken\.yaml:\d+:\d+: error yaml-syntax/);
  });

  it('an internal error exits 3, never 2', async () => {
    const r = await run(['check', '-'], ROOT /* no stdin: reading it throws */);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /internal error/);
  });

  it('reach words each label-gap finding as one warning line, exactly', async () => {
    // Reason: the engine returns the findings as data and the CLI words them; the wording is output
    // users and scripts read, so it is pinned byte for byte.
    const pod = (name: string, app: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: default\n  labels:\n    app: ${app}\n  ownerReferences:\n    - apiVersion: apps/v1\n      kind: ReplicaSet\n      name: web-rs\n      uid: u1\nspec:\n  containers:\n    - name: c\n      image: i\n---\n`;
    const policy =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: only-one\n  namespace: default\nspec:\n  podSelector:\n    matchLabels:\n      app: one\n  policyTypes: [Ingress]\n';
    const r = await run(['reach', '-'], ROOT, pod('web-1', 'one') + pod('web-2', 'two') + policy);
    assert.equal(r.code, 0, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('warning: '));
    assert.deepEqual(warnings, [
      'warning: default/web-rs[ReplicaSet]: its pods differ in label "app", which NetworkPolicy default/only-one selects on; the peer shows what any of its pods may do',
    ]);
  });

  it('a second --focus adds its peer to the first', async () => {
    const input = deployment('a') + deployment('b') + deployment('c');
    const one = await run(['reach', '-', '--focus', 'default/a', '--focus-direction', 'ingress'], ROOT, input);
    const two = await run(['reach', '-', '--focus', 'default/a', '--focus', 'default/b', '--focus-direction', 'ingress'], ROOT, input);
    assert.equal(two.code, 0);
    const lines = (out: string) => out.split('\n').filter(Boolean);
    assert.ok(lines(one.stdout).every((l) => l.includes('=> default/a[')), one.stdout);
    assert.ok(lines(two.stdout).some((l) => l.includes('=> default/a[')), two.stdout);
    assert.ok(lines(two.stdout).some((l) => l.includes('=> default/b[')), two.stdout);
    assert.ok(lines(two.stdout).every((l) => !l.includes('=> default/c[')), two.stdout);
  });
});

describe('cli: k8s-netmap.yaml (SPEC §8)', () => {
  const orphan = service('web', { selector: { app: 'nope' } });
  function workspace(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netmap-cli-config-'));
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    return dir;
  }

  it('reads k8s-netmap.yaml in the working folder; flags go over it, rule by rule', async () => {
    const dir = workspace({
      'k8s-netmap.yaml': 'rules:\n  service-selects-nothing: error\n  label-invalid: "off"\ndefaultNamespace: team\n',
      'svc.yaml': orphan,
      'labels.yaml': deployment('api', { ns: 'team', labels: { app: 'api', beta: 'yes' } }),
    });
    try {
      const r = await run(['check', '.', '-o', 'json'], dir);
      const found = JSON.parse(r.stdout) as JsonFinding[];
      assert.deepEqual(found.map((f) => `${f.file} ${f.severity} ${f.code}`), ['svc.yaml error service-selects-nothing']);
      assert.match(found[0]!.message, /namespace 'team'/);
      assert.equal(r.code, 1);
      const flagged = await run(['check', '.', '-o', 'json', '--rule', 'service-selects-nothing=info', '--default-namespace', 'other'], dir);
      const again = JSON.parse(flagged.stdout) as JsonFinding[];
      assert.deepEqual(again.map((f) => `${f.severity} ${f.code}`), ['info service-selects-nothing'], 'label-invalid stays off from the file');
      assert.match(again[0]!.message, /namespace 'other'/);
      assert.equal(flagged.code, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds .k8s-netmap.yaml too, and --config FILE anywhere; exclude globs are relative to the file', async () => {
    const dir = workspace({
      '.k8s-netmap.yaml': 'exclude: ["generated/**"]\n',
      'conf/ci.yaml': 'exclude: ["svc.yaml"]\n',
      'conf/svc.yaml': orphan.replace('name: web', 'name: conf-web'),
      'svc.yaml': orphan,
      'generated/svc.yaml': orphan.replace('name: web', 'name: generated'),
    });
    try {
      const hidden = await run(['check', '.'], dir);
      assert.match(hidden.stdout, /^svc\.yaml:/m);
      assert.doesNotMatch(hidden.stdout, /generated/);
      const other = await run(['check', '..', '--config', 'ci.yaml'], path.join(dir, 'conf'));
      assert.match(other.stdout, /generated\/svc\.yaml:/);
      assert.match(other.stdout, /^\.\.\/svc\.yaml:/m, 'conf/ci.yaml excludes conf/svc.yaml, not ../svc.yaml');
      assert.doesNotMatch(other.stdout, /^svc\.yaml:/m, 'conf/svc.yaml, shown from conf/ as svc.yaml, is excluded');
      const missing = await run(['check', '.', '--config', 'nope.yaml'], dir);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--config nope\.yaml: not found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an invalid file is reported at its place and exits 2; an unknown key is a warning only', async () => {
    const dir = workspace({ 'k8s-netmap.yaml': 'rules:\n  service-selects-nothing: loud\nexclude: generated\n', 'svc.yaml': orphan });
    try {
      const r = await run(['check', '.'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^k8s-netmap\.yaml:2:28: error config-invalid Severity must be one of/m);
      assert.match(r.stderr, /^k8s-netmap\.yaml:3:10: error config-invalid exclude must be a list/m);
      fs.writeFileSync(path.join(dir, 'k8s-netmap.yaml'), 'colour: blue\n');
      const warned = await run(['check', '.'], dir);
      assert.equal(warned.code, 0);
      assert.match(warned.stderr, /^k8s-netmap\.yaml:1:1: warning config-invalid Unknown setting 'colour'/m);
      fs.writeFileSync(path.join(dir, 'k8s-netmap.yaml'), 'rules: [\n');
      const broken = await run(['check', '.'], dir);
      assert.equal(broken.code, 2);
      assert.match(broken.stderr, /config-invalid Not valid YAML/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
