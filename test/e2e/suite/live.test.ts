// Tests that change the workspace (settings, files, buffers). Each restores what it changed; they
// run after the read-only ones (files are loaded in name order).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import targets from '../targets.json';
import { locate } from '../lib/locate.mjs';
import { activate, codeOf, hoverText, openAt, until, waitForDiagnostics, workspaceFile } from './helpers';

const has = (code: string) => (ds: vscode.Diagnostic[]) => ds.some((d) => codeOf(d) === code);
const hasNot = (code: string) => (ds: vscode.Diagnostic[]) => !ds.some((d) => codeOf(d) === code);

describe('k8s-netmap follows changes live', function () {
  this.timeout(60_000);

  before(async function () {
    await activate();
  });

  afterEach(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it(`editing the StatefulSet's labels in ${targets.labelEdit.file} (unsaved) moves ${targets.labelEdit.code} to ${targets.labelEdit.dependentServiceFile}, and back`, async function () {
    const t = targets.labelEdit;
    const service = workspaceFile(t.dependentServiceFile);
    await waitForDiagnostics(service, hasNot(t.code));
    const { doc } = await openAt(t.file, t.label);
    const at = locate(doc.getText(), t.label);
    const end = doc.positionAt(at.offset + at.length);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, end, '-e2e');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitForDiagnostics(service, has(t.code));
    const undo = new vscode.WorkspaceEdit();
    undo.delete(doc.uri, new vscode.Range(end, end.translate(0, '-e2e'.length)));
    assert.ok(await vscode.workspace.applyEdit(undo));
    await waitForDiagnostics(service, hasNot(t.code));
    await doc.save();
  });

  it('reads a manifest written to disk without opening it, and forgets it when deleted', async function () {
    const t = targets.watch;
    const uri = workspaceFile(t.file);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(t.text, 'utf8'));
    try {
      const ds = await waitForDiagnostics(uri, has(t.code));
      assert.ok(ds.every((d) => d.range.start.line > 0), 'the diagnostic must point into the file, not at line 1');
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitForDiagnostics(uri, (ds) => ds.length === 0);
  });

  it(`k8sNetmap.rules changes the severity of ${targets.brokenService.code} live, and "off" hides it`, async function () {
    const t = targets.brokenService;
    const uri = workspaceFile(t.file);
    const folder = vscode.workspace.workspaceFolders![0];
    const config = () => vscode.workspace.getConfiguration('k8sNetmap', folder.uri);
    await waitForDiagnostics(uri, has(t.code));
    try {
      await config().update('rules', { [t.code]: 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, (ds) => ds.some((d) => codeOf(d) === t.code && d.severity === vscode.DiagnosticSeverity.Error));
      await config().update('rules', { [t.code]: 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitForDiagnostics(uri, hasNot(t.code));
    } finally {
      await config().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForDiagnostics(uri, (ds) => ds.some((d) => codeOf(d) === t.code && d.severity === vscode.DiagnosticSeverity.Warning));
  });

  it('k8sNetmap.restartServer restarts the language server, which answers again', async function () {
    await vscode.commands.executeCommand('k8sNetmap.restartServer');
    const t = targets.hover;
    const { doc, pos } = await openAt(t.file, t.selector);
    await until('a hover from the restarted server', async () => {
      const s = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? []);
      return t.expect.every((w) => s.includes(w)) ? s : undefined;
    });
    await waitForDiagnostics(workspaceFile(targets.brokenService.file), has(targets.brokenService.code));
  });

  for (const [setting, t] of [['k8sNetmap.exclude', targets.exclude.k8sNetmap], ['files.exclude', targets.exclude.files]] as const) {
    it(`${setting} drops the diagnostics of ${t.file} live, and they come back`, async function () {
      const uri = workspaceFile(t.file);
      const folder = vscode.workspace.workspaceFolders![0];
      const [section, key] = setting.split('.') as [string, string];
      const config = () => vscode.workspace.getConfiguration(section, folder.uri);
      await waitForDiagnostics(uri, has(t.code));
      try {
        await config().update(key, setting === 'files.exclude' ? { [t.file]: true } : [t.file], vscode.ConfigurationTarget.Workspace);
        await waitForDiagnostics(uri, (ds) => ds.length === 0);
      } finally {
        await config().update(key, undefined, vscode.ConfigurationTarget.Workspace);
      }
      await waitForDiagnostics(uri, has(t.code));
    });
  }

  it('a file that does not parse gets yaml-syntax, and every other file keeps working', async function () {
    const t = targets.broken;
    const uri = workspaceFile(t.file);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(t.text, 'utf8'));
    try {
      await waitForDiagnostics(uri, has(t.code));
      const h = targets.hover;
      const { doc, pos } = await openAt(h.file, h.selector);
      const s = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? []);
      for (const w of h.expect) assert.ok(s.includes(w), `after a broken file, the hover lacks ${w}:\n${s}`);
      await waitForDiagnostics(workspaceFile(targets.brokenService.file), has(targets.brokenService.code));
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
    await waitForDiagnostics(uri, (ds) => ds.length === 0);
  });
});
