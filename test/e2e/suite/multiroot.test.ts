// Runs in a multi-root window: examples/ and fixtures/second-folder/ (see run.mjs).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import targets from '../targets.json';
import { locate } from '../lib/locate.mjs';
import { activate, codeOf, ours, waitForAllDiagnostics, waitForDiagnostics } from './helpers';

function folder(name: string): vscode.WorkspaceFolder {
  const f = vscode.workspace.workspaceFolders?.find((w) => w.name === name);
  if (!f) throw new Error(`no workspace folder named ${name}: ${vscode.workspace.workspaceFolders?.map((w) => w.name).join(', ')}`);
  return f;
}

describe('k8s-netmap in a multi-root window', function () {
  this.timeout(60_000);

  before(async function () {
    await activate();
  });

  it('reads every workspace folder', async function () {
    const t = targets.multiRoot;
    const uri = vscode.Uri.joinPath(folder(t.folder).uri, t.file);
    const ds = await waitForDiagnostics(uri, (all) => all.some((d) => codeOf(d) === t.code));
    const doc = await vscode.workspace.openTextDocument(uri);
    const at = locate(doc.getText(), t.selector);
    assert.ok(ds.some((d) => codeOf(d) === t.code && d.range.contains(new vscode.Position(at.line, at.character))), 'the diagnostic is not on the selector');
  });

  it("applies each folder's own settings: a rule off in one folder only", async function () {
    // second-folder/.vscode/settings.json turns label-invalid off; in a multi-root window that is a
    // folder setting, which VS Code gives only to requests scoped to that folder.
    const examples = vscode.Uri.joinPath(folder('examples').uri, 'shop/faults/newsletter.yaml');
    const inExamples = await waitForDiagnostics(examples, (all) => all.some((d) => codeOf(d) === 'label-invalid'));
    assert.ok(inExamples.some((d) => codeOf(d) === 'label-invalid'));
    const second = vscode.Uri.joinPath(folder('second-folder').uri, 'unquoted-label.yaml');
    const inSecond = await waitForDiagnostics(second, (all) => all.some((d) => codeOf(d) === 'service-selects-nothing'));
    assert.deepEqual(inSecond.map(codeOf), ['service-selects-nothing']);
  });

  it('examples/ shows exactly expected-diagnostics.json in a multi-root window', async function () {
    const examples = folder('examples');
    const expected = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(examples.uri, 'expected-diagnostics.json'))).toString('utf8')) as {
      diagnostics: { file: string; line: number; column: number; code: string; severity: string }[];
    };
    const want = expected.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`).sort();
    const severity = ['error', 'warning', 'info', 'hint'];
    const prefix = `${examples.uri.toString()}/`;
    const current = () => vscode.languages.getDiagnostics()
      .filter(([uri]) => uri.toString().startsWith(prefix))
      .flatMap(([uri]) => ours(uri).map((d) => `${uri.toString().slice(prefix.length)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity[d.severity]} ${codeOf(d)}`))
      .sort();
    const got = await waitForAllDiagnostics(() => {
      const now = current();
      return now.join('\n') === want.join('\n') ? now : undefined;
    }, 20_000).catch(() => current());
    assert.deepEqual(got, want);
  });
});
