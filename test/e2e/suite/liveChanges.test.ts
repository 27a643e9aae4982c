// "Show Connectivity Changes" in a real VS Code: the example workspace becomes a git repository
// (one commit), a default-deny policy is removed from its file without saving, and the command's
// tree view (read through the extension's API, getChildren/getTreeItem as VS Code renders it) must
// list exactly the connections that removal opens — the ones `k8s-netmap diff` reports between a
// copy of the committed folder and a copy with the edit — and its items must reveal the policy.
// Runs after live.test.js (name order) and restores the buffer; the .git folder it adds is removed.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import targets from '../targets.json';
import { activate, until, workspaceFile } from './helpers';

interface Rendered {
  label: string;
  description: string;
  command?: vscode.Command;
  children: Rendered[];
}

interface Api {
  connectivityChangesView: vscode.TreeDataProvider<unknown>;
}

/** The whole tree as VS Code would render it: labels, descriptions, commands, children. */
async function render(provider: vscode.TreeDataProvider<unknown>, node?: unknown): Promise<Rendered[]> {
  const out: Rendered[] = [];
  for (const child of (await provider.getChildren(node)) ?? []) {
    const item = await provider.getTreeItem(child);
    const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
    const expandable = item.collapsibleState !== undefined && item.collapsibleState !== vscode.TreeItemCollapsibleState.None;
    out.push({
      label,
      description: typeof item.description === 'string' ? item.description : '',
      ...(item.command ? { command: item.command } : {}),
      children: expandable ? await render(provider, child) : [],
    });
  }
  return out;
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.test', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
}

function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The text of `file` without the YAML document that declares `policy`. */
function withoutPolicy(text: string, policy: string): string {
  const docs = text.split(/^---[ \t]*\n/m);
  const kept = docs.filter((d) => !new RegExp(`^\\s+name:\\s*${policy}\\s*$`, 'm').test(d));
  assert.equal(kept.length, docs.length - 1, `exactly one document of the file declares ${policy}`);
  return kept.join('---\n');
}

/** `k8s-netmap diff <before> <after> -o json` with the extension's own CLI bundle. */
function cliDiff(extensionPath: string, before: string, after: string): Array<{ diffType: string; src: string; dst: string; ref1: string; ref2: string }> {
  const out = execFileSync(process.execPath, [path.join(extensionPath, 'dist', 'cli.js'), 'diff', before, after, '-o', 'json'], {
    encoding: 'utf8',
    // In a desktop VS Code, process.execPath is Electron: make it behave as Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 << 20,
  });
  return JSON.parse(out);
}

describe('Show Connectivity Changes in a git workspace', function () {
  this.timeout(90_000);
  const t = targets.connectivityChanges;
  let root: string;
  let api: Api;
  let extensionPath: string;
  let copies: string | undefined;
  let restore: (() => Promise<void>) | undefined;

  before(async function () {
    if (!hasGit()) {
      console.log('skipped: git is not installed, and the command needs it');
      this.skip();
    }
    const ext = await activate();
    api = ext.exports as Api;
    extensionPath = ext.extensionPath;
    assert.ok(api?.connectivityChangesView, 'the extension API exposes the Connectivity Changes view');
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'examples');
  });

  after(async function () {
    // Back to the committed text, saved (closing a dirty editor would ask the user).
    await restore?.();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (root) fs.rmSync(path.join(root, '.git'), { recursive: true, force: true });
    if (copies) fs.rmSync(copies, { recursive: true, force: true });
  });

  it('lists nothing right after the commit', async function () {
    const result = await vscode.commands.executeCommand<{ error?: string; counts: Record<string, number> }>('k8sNetmap.showConnectivityChanges', 'HEAD');
    assert.equal(result?.error, undefined);
    assert.deepEqual(result?.counts, { added: 0, removed: 0, changed: 0 });
    const tree = await render(api.connectivityChangesView);
    assert.deepEqual(tree.map((n) => n.label), ['No connection changed since HEAD.']);
  });

  it(`removing ${t.policy} from ${t.file} (unsaved) lists exactly the connections it opens, each revealing the policy`, async function () {
    const uri = workspaceFile(t.file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const saved = doc.getText();
    const edited = withoutPolicy(saved, t.policy);

    // What the command line says the removal opens: the committed folder against a copy with the edit.
    copies = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-e2e-diff-'));
    const noGit = (src: string) => path.basename(src) !== '.git';
    fs.cpSync(root, path.join(copies, 'before'), { recursive: true, filter: noGit });
    fs.cpSync(root, path.join(copies, 'after'), { recursive: true, filter: noGit });
    fs.writeFileSync(path.join(copies, 'after', ...t.file.split('/')), edited);
    const expected = cliDiff(extensionPath, path.join(copies, 'before'), path.join(copies, 'after'));
    assert.ok(expected.length > 0, 'the removal opens connections');
    assert.ok(expected.every((r) => r.diffType === 'added' && r.dst === t.opened), `the removal only opens connections to ${t.opened}: ${JSON.stringify(expected)}`);

    const replaceAll = async (text: string): Promise<boolean> => {
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
      return vscode.workspace.applyEdit(edit);
    };
    restore = async () => {
      if (doc.getText() !== saved) await replaceAll(saved);
      await doc.save();
    };
    assert.ok(await replaceAll(edited));
    // The server has the edit once the file's unsaved-edit lens appears.
    await until('the unsaved-edit lens', async () => {
      const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
      return lenses.find((l) => l.command?.title.startsWith('unsaved edit')) ? true : undefined;
    }, 30_000);

    const result = await vscode.commands.executeCommand<{ error?: string; counts: Record<string, number> }>('k8sNetmap.showConnectivityChanges', 'HEAD');
    assert.equal(result?.error, undefined);
    assert.deepEqual(result?.counts, { added: expected.length, removed: 0, changed: 0 });

    const tree = await render(api.connectivityChangesView);
    assert.deepEqual(tree.map((g) => [g.label, g.description]), [[t.opened, `${expected.length} change${expected.length === 1 ? '' : 's'}`]], 'one group: the workload the removal opens');
    const listed = tree[0]!.children.map((c) => [c.label, c.description]).sort();
    const want = expected.map((r) => [`added: ${r.src} → ${r.dst}`, r.ref2]).sort();
    assert.deepEqual(listed, want);

    // Every item names the removed policy as its cause; revealing it opens the policy's file at the policy.
    for (const change of tree[0]!.children) {
      const command = change.command;
      assert.equal(command?.command, 'k8sNetmap.revealChangeCause', `${change.label} reveals its cause`);
      const cause = command!.arguments![0] as { uri: string; label: string; range: { start: { line: number } } };
      assert.match(cause.label, new RegExp(`^NetworkPolicy [^ ]+/${t.policy} removed`), change.label);
    }
    // Another file in front, so that the reveal has to bring the policy's file back.
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile('shop/namespaces.yaml')));
    assert.notEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    const first = tree[0]!.children[0]!.command!;
    const cause = first.arguments![0] as { uri: string; range: { start: { line: number } } };
    await vscode.commands.executeCommand(first.command, ...first.arguments!);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri.toString(), 'the policy file is revealed');
    assert.equal(editor!.selection.start.line, cause.range.start.line);
    assert.match(saved.split('\n')[cause.range.start.line] ?? '', /^kind:\s*NetworkPolicy/, 'the cause points at the removed policy as it was committed');
    assert.ok(saved.split('\n').slice(cause.range.start.line, cause.range.start.line + 3).some((l) => l.includes(`name: ${t.policy}`)), 'on the removed policy');
  });
});
