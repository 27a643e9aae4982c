#!/usr/bin/env node
// Grammar tier: runs vscode-tmgrammar-test over test/grammar/*.test.yaml with our
// injection grammar on top of a YAML base grammar, then two guards:
//   - canary: a deliberately wrong assertion must be reported as a failure, so a
//     broken set-up (injection not loaded, assertions ignored) cannot pass silently;
//   - the rule codes the grammar knows must be exactly the pages in docs/rules/.
// When VS Code's own YAML grammar is on disk (the code-server that the e2e tier installs, or a
// VS Code extensions folder named by K8S_NETMAP_VSCODE_YAML), every test file runs against it
// too, so the injection is checked on the grammar users really have; otherwise those runs are
// counted as skipped.
// Usage: node test/grammar/run.mjs [--config grammars.json] [files...]
// --config swaps the base grammar set for the main runs.
// Exit code 0 when everything passed, 1 otherwise. Last line: "N passed, N failed[, N skipped]".

import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const require = createRequire(path.join(root, 'package.json'));

const args = process.argv.slice(2);
let config = path.join(here, 'grammars.json');
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--config') config = path.resolve(args[++i]);
  else files.push(path.resolve(args[i]));
}
if (files.length === 0) {
  for (const name of fs.readdirSync(here).sort()) {
    if (name.endsWith('.test.yaml')) files.push(path.join(here, name));
  }
}

let toolMain;
try {
  const pkgPath = require.resolve('vscode-tmgrammar-test/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8'));
  toolMain = path.join(path.dirname(pkgPath), pkg.bin['vscode-tmgrammar-test']);
} catch {
  console.error('vscode-tmgrammar-test is not installed: run `npm ci` at the repository root.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

function runTool(file, withConfig = config) {
  // -c: one line per failed assertion, file:line:col, which is easy to read in CI logs.
  return spawnSync(process.execPath, [toolMain, '-c', '--config', withConfig, file], {
    cwd: root,
    encoding: 'utf8',
  });
}

// VS Code's YAML extension folder (with package.json and syntaxes/), if one is around.
function findVSCodeYaml() {
  const candidates = [
    process.env.K8S_NETMAP_VSCODE_YAML,
    path.join(root, 'test', 'e2e', 'node_modules', 'code-server', 'lib', 'vscode', 'extensions', 'yaml'),
  ].filter(Boolean);
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

// A --config file for the tool: VS Code's YAML grammars plus our injection. The tool joins
// each path to the config's folder, so the paths are written relative to it.
function writeVSCodeConfig(yamlDir, tmpDir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(yamlDir, 'package.json'), 'utf8'));
  const seen = new Set();
  const grammars = [];
  for (const g of manifest.contributes?.grammars ?? []) {
    if (seen.has(g.scopeName)) continue;
    seen.add(g.scopeName);
    grammars.push({ scopeName: g.scopeName, path: path.relative(tmpDir, path.join(yamlDir, g.path)) });
  }
  const ours = JSON.parse(fs.readFileSync(path.join(here, 'grammars.json'), 'utf8')).contributes.grammars;
  for (const g of ours.filter((x) => x.injectTo)) {
    grammars.push({ ...g, path: path.relative(tmpDir, path.join(here, g.path)) });
  }
  const file = path.join(tmpDir, 'vscode-grammars.json');
  fs.writeFileSync(file, JSON.stringify({ contributes: { grammars } }, null, 2));
  return file;
}

let passed = 0;
let failed = 0;
let skipped = 0;
function report(ok, name, detail) {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${name}`);
  if (!ok && detail) console.log(detail.replace(/^/gm, '       '));
}

for (const file of files) {
  const r = runTool(file);
  report(r.status === 0, path.relative(root, file), `${r.stdout}${r.stderr}`.trim());
}

{
  const yamlDir = findVSCodeYaml();
  if (!yamlDir) {
    skipped += files.length;
    console.log(`skip   ${files.length} run(s) against VS Code's YAML grammar: not found (set K8S_NETMAP_VSCODE_YAML)`);
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-grammar-'));
    const vsConfig = writeVSCodeConfig(yamlDir, dir);
    for (const file of files) {
      const r = runTool(file, vsConfig);
      report(r.status === 0, `${path.relative(root, file)} (VS Code's YAML grammar)`, `${r.stdout}${r.stderr}`.trim());
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Canary: the directive is not a double-quoted string, so this file must fail.
{
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-grammar-'));
  const canary = path.join(dir, 'canary.test.yaml');
  fs.writeFileSync(
    canary,
    [
      '# SYNTAX TEST "source.yaml" "canary: this assertion is wrong on purpose"',
      '# k8s-netmap-disable-next-line',
      '# ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ string.quoted.double.yaml',
      '',
    ].join('\n'),
  );
  const r = runTool(canary);
  const out = `${r.stdout}${r.stderr}`;
  report(
    r.status !== 0 && /missing required scopes/i.test(out),
    'canary: a wrong assertion is reported as a failure',
    `exit ${r.status}\n${out.trim()}`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

// The grammar's code list and the rule pages must name the same codes.
{
  const grammarPath = path.join(root, 'syntaxes', 'k8s-netmap-directive.tmLanguage.json');
  const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8'));
  const alternation = /\(\?:([a-z0-9|-]+)\)/.exec(grammar.repository['rule-code'].match);
  const inGrammar = new Set(alternation ? alternation[1].split('|') : []);
  const rulesDir = path.join(root, 'docs', 'rules');
  const inDocs = new Set(
    fs.existsSync(rulesDir)
      ? fs.readdirSync(rulesDir).filter((n) => n.endsWith('.md') && n !== 'README.md').map((n) => n.slice(0, -3))
      : [],
  );
  const onlyGrammar = [...inGrammar].filter((c) => !inDocs.has(c));
  const onlyDocs = [...inDocs].filter((c) => !inGrammar.has(c));
  report(
    inGrammar.size > 0 && onlyGrammar.length === 0 && onlyDocs.length === 0,
    'rule codes in the grammar match docs/rules/',
    `only in the grammar: ${onlyGrammar.join(', ') || '-'}\nonly in docs/rules: ${onlyDocs.join(', ') || '-'}`,
  );
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
