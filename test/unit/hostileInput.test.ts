// Hostile input found by fuzzing (issue 9): each case once, at the core, with the fix it guards.
// The property-based fuzzer is fuzz.test.ts; the language server's hostile tier is test/server/hostile.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from './cliRun';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { codeLenses } from '../../server/src/features/codeLens';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { hover } from '../../server/src/features/hover';
import type { Finding } from '../../server/src/features/rules';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { graphOf } from '../../server/src/lsp/graph';
import { cutText } from '../../server/src/model/text';
import { parseFile } from '../../server/src/yaml/parseFile';
import { analysisOf, deployment, service, spanIn, y } from './helpers';

/** The built CLI (dist/cli.js), for the one case that must run as another user. */
const CLI = ((): string => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'cli.js');
})();

const A = 'file:///w/a.yaml';
const B = 'file:///w/b.yaml';
const C = 'file:///w/c.yaml';

function allFindings(analysis: Analysis): Finding[] {
  const ctx = createDiagnosticContext(analysis);
  return [...analysis.index.fileUris()].sort().flatMap((u) => diagnoseFile(ctx, u));
}

/** An Ingress `ing` whose default backend is Service `service`, port `port`. */
function ingressTo(service: string, port: number): string {
  return y('apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: ing', 'spec:', '  defaultBackend:', `    service: {name: ${service}, port: {number: ${port}}}`);
}

describe('issue 9: a modelled kind with an apiVersion we do not model', () => {
  const fakeService = (apiVersion: string) =>
    y(`apiVersion: ${apiVersion}`, 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector: {app: web}', '  ports: [{port: 80}]');
  const ingress = ingressTo('web', 80);
  const route = y(
    'apiVersion: gateway.networking.k8s.io/v1',
    'kind: HTTPRoute',
    'metadata:',
    '  name: r',
    'spec:',
    '  rules:',
    '    - backendRefs: [{name: web, port: 80}]',
  );

  for (const apiVersion of ['apps/v1', 'x']) {
    it(`a 'kind: Service' with apiVersion ${apiVersion} named by an Ingress and an HTTPRoute: no crash, the backend names no Service`, () => {
      const analysis = analysisOf({ [A]: fakeService(apiVersion), [B]: ingress, [C]: route });
      const findings = allFindings(analysis);
      assert.deepEqual(
        findings.filter((f) => f.code === 'ingress-service-missing').map((f) => f.uri),
        [B, C],
      );
      assert.equal(analysis.index.lookup('Service', 'default', 'web').length, 0);
      const graph = graphOf(analysis);
      assert.ok(graph.nodes.some((n) => n.kind === 'Ingress' && n.name === 'ing'), 'the graph still has the Ingress');
      for (const uri of [A, B, C]) codeLenses(analysis, uri);
      hover(analysis, B, ingress.indexOf('name: web') + 7);
      // The object is still there, as an object of no modelled type.
      assert.equal(analysis.index.file(A)!.objects[0]!.type, 'other');
    });
  }
});

describe('issue 9: the same object in several files (SPEC §2 object-duplicate)', () => {
  // The case: after a full index one copy answered, after an edit the other.
  const withPorts = y(
    'apiVersion: v1',
    'kind: Service',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector: {app: web}',
    '  ports:',
    '    - {port: 70000}',
    '    - {port: 8080, name: web}',
  );
  const noPorts = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector: {app: web}');
  const ingress = ingressTo('web', 9999);
  const files: Record<string, string> = { [A]: withPorts, [B]: noPorts, [C]: ingress + deployment('web') };

  function fromOrder(order: string[], editLast = false): string {
    const ix = new WorkspaceIndex();
    for (const u of order) ix.setFile(u, files[u]!);
    const analysis = new Analysis(ix);
    analysis.reachability();
    if (editLast) {
      for (const u of [...order].reverse()) ix.setFile(u, files[u]! + '\n');
    }
    return JSON.stringify(allFindings(analysis).map((f) => ({ ...f, message: f.message })));
  }

  it('the first file in path order is the object; the port message is the same for every read order and after edits', () => {
    const reference = fromOrder([A, B, C]);
    assert.match(reference, /Its ports: 70000, 8080 \(web\)\./);
    for (const order of [[B, A, C], [C, B, A], [B, C, A]]) {
      assert.equal(fromOrder(order), reference, `order ${order.join(',')}`);
      assert.equal(fromOrder(order, true), reference, `order ${order.join(',')} then edits`);
    }
  });

  it('each later copy gets an info-level object-duplicate naming the others, with related information in path order', () => {
    const third = 'file:///w/z.yaml';
    const analysis = analysisOf({ [third]: noPorts, [B]: noPorts, [A]: withPorts });
    const ctx = createDiagnosticContext(analysis);
    assert.deepEqual(diagnoseFile(ctx, A).filter((f) => f.code === 'object-duplicate'), []);
    const dup = diagnoseFile(ctx, B).filter((f) => f.code === 'object-duplicate');
    assert.equal(dup.length, 1);
    assert.equal(dup[0]!.severity, 'info');
    assert.deepEqual(dup[0]!.span, spanIn(noPorts, 'name: web', 'web'));
    assert.match(dup[0]!.message, /^Service 'default\/web' is also defined in 'a\.yaml' and 1 more place; the analysis uses the first copy in path order\.$/);
    assert.deepEqual(dup[0]!.related.map((r) => r.uri), [A, third]);
    // A later copy gets no link findings of its own (it selects nothing: no service-selects-nothing).
    assert.deepEqual(diagnoseFile(ctx, third).map((f) => f.code), ['object-duplicate']);
  });

  it('removing the first copy makes the next one the object, and the edit path agrees with a fresh index', () => {
    const ix = new WorkspaceIndex();
    ix.setFile(A, withPorts);
    ix.setFile(B, noPorts);
    const analysis = new Analysis(ix);
    assert.equal((analysis.links.service('default', 'web') as { uri: string }).uri, A);
    const change = ix.removeFile(A);
    assert.ok(change.uris.has(B), 'the promoted copy is re-diagnosed');
    assert.equal(analysis.links.service('default', 'web')!.uri, B);
    assert.deepEqual(diagnoseFile(createDiagnosticContext(analysis), B).map((f) => f.code), ['service-selects-nothing']);
  });

  it('two copies in one file: the first document is the object', () => {
    const analysis = analysisOf({ [A]: withPorts + '---\n' + noPorts });
    const dup = diagnoseFile(createDiagnosticContext(analysis), A).filter((f) => f.code === 'object-duplicate');
    assert.equal(dup.length, 1);
    assert.match(dup[0]!.message, /also defined earlier in this file/);
    assert.equal(analysis.links.service('default', 'web')!.ports.length, 2);
  });
});

describe('issue 9: unbounded text is cut (SPEC §5, §6)', () => {
  const longName = 'n'.repeat(20_000);
  const longValue = 'v'.repeat(1_000_000);

  it('cutText keeps short strings and cuts long ones to 100 characters with an ellipsis, never inside a surrogate pair', () => {
    assert.equal(cutText('web'), 'web');
    assert.equal(cutText('x'.repeat(100)), 'x'.repeat(100));
    assert.equal(cutText('x'.repeat(101)), 'x'.repeat(99) + '…');
    const emoji = 'x'.repeat(98) + '😀' + 'y';
    assert.equal(cutText(emoji), 'x'.repeat(98) + '…');
  });

  it('a 20,000-character name makes a short hover and short diagnostics', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${longName}`, 'spec:', '  selector: {app: nothing}', '  ports: [{port: 80}]');
    const analysis = analysisOf({ [A]: text });
    const h = hover(analysis, A, text.indexOf(longName) + 5);
    assert.ok(h, 'a hover');
    assert.ok(h.markdown.length < 3000, `hover is ${h.markdown.length} characters`);
    assert.ok(h.markdown.includes('…'));
    const findings = allFindings(analysis);
    assert.ok(findings.length > 0);
    for (const f of findings) assert.ok(f.message.length <= 400, `${f.code}: ${f.message.length} characters`);
  });

  it('a 1 MB label value makes a message of a few hundred characters at most', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', `  selector: {app: ${longValue}}`, '  ports: [{port: 80}]');
    const findings = allFindings(analysisOf({ [A]: text }));
    assert.ok(findings.some((f) => f.code === 'label-invalid'));
    for (const f of findings) assert.ok(f.message.length <= 400, `${f.code}: ${f.message.length} characters`);
    for (const f of findings) for (const fix of f.fixes ?? []) assert.ok(fix.title.length <= 200, `fix title ${fix.title.length}`);
  });

  it('code lens titles escape $(icon) syntax and are cut', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: ext', 'spec:', '  type: ExternalName', `  externalName: "$(alert) ${'e'.repeat(500)}"`);
    const [lens] = codeLenses(analysisOf({ [A]: text }), A);
    assert.ok(lens);
    assert.ok(lens.title.startsWith('ExternalName → \\$(alert) eee'), lens.title);
    assert.ok(lens.title.length < 150, `${lens.title.length}`);
  });

  it('graph labels sent to the diagram are cut', () => {
    const analysis = analysisOf({ [A]: service(longName, { selector: { app: 'web' } }) + deployment('web') });
    const graph = graphOf(analysis);
    const svc = graph.nodes.find((n) => n.kind === 'Service');
    assert.ok(svc);
    assert.ok(svc.name.length <= 100 && svc.name.endsWith('…'));
    for (const n of graph.nodes) for (const d of n.detail ?? []) assert.ok(d.length <= 160);
  });
});

describe('issue 9: deep nesting', () => {
  it('a document nested 10,000 deep is "nested too deeply", not the engine\'s stack message', () => {
    const text = y('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: deep', 'data:', `  a: ${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    const f = parseFile(A, text);
    assert.ok(f.problems.length > 0);
    for (const p of f.problems) {
      assert.equal(p.code, 'yaml-syntax');
      assert.doesNotMatch(p.message, /call stack/i);
      assert.match(p.message, /Nested too deeply/);
    }
  });
});

describe('issue 9: the smaller ones (CLI)', () => {
  const run = runCli;
  const manifest = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector: {app: web}');

  it('binary bytes on standard input are refused as binary (exit 2, said why), not read as empty', async () => {
    const bytes = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0xff, 0x10]);
    const r = await run(['check', '-'], os.tmpdir(), bytes);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^<stdin>: not read: binary file$/m);
    assert.match(r.stderr, /no readable input/);
  });

  it('a NUL after the first 8 KiB makes a file binary; a UTF-16 file is called UTF-16', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-h9-'));
    try {
      fs.writeFileSync(path.join(dir, 'late-nul.yaml'), Buffer.concat([Buffer.from(manifest + '#' + 'x'.repeat(9000)), Buffer.from([0, 0x0a])]));
      fs.writeFileSync(path.join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(manifest, 'utf16le')]));
      const r = await run(['check', '.'], dir);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^late-nul\.yaml: not read: binary file$/m);
      assert.match(r.stderr, /^utf16\.yaml: not read: UTF-16 text \(k8s-netmap reads UTF-8; save the file as UTF-8\)$/m);
      assert.match(r.stderr, /k8s-netmap: no readable input\n$/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('"no readable input" says when no .yaml, .yml or .json file was found at all', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-h9-'));
    try {
      fs.writeFileSync(path.join(dir, 'README.md'), '# nothing here\n');
      const r = await run(['check', '.'], dir);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, 'k8s-netmap: no readable input: no .yaml, .yml or .json file found\n');
      const g = await run(['graph', '.'], dir);
      assert.match(g.stderr, /k8s-netmap graph: no readable input: no \.yaml, \.yml or \.json file found/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unreadable folder is reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-h9-'));
    try {
      fs.chmodSync(dir, 0o755);
      fs.writeFileSync(path.join(dir, 'ok.yaml'), manifest);
      fs.mkdirSync(path.join(dir, 'secret'));
      fs.writeFileSync(path.join(dir, 'secret', 'hidden.yaml'), manifest);
      fs.chmodSync(path.join(dir, 'secret'), 0o000);
      // Root reads every folder: run the CLI as an unprivileged user then.
      const asRoot = process.getuid?.() === 0;
      const r = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: dir, encoding: 'utf8', ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /^secret: folder not read: EACCES$/m);
    } finally {
      fs.chmodSync(path.join(dir, 'secret'), 0o755);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('issue 9: code lens titles', () => {
  it('every lens title escapes $(icon) syntax that comes from a manifest, each occurrence once', () => {
    const text = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: ext', 'spec:', '  type: ExternalName', '  externalName: "$($(x)\\\\$(y)"');
    const [lens] = codeLenses(analysisOf({ [A]: text }), A);
    assert.ok(lens);
    assert.equal(lens.title, 'ExternalName → \\$(\\$(x)\\$(y)');
  });
});
