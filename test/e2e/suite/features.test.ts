import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import targets from '../targets.json';
import { locate } from '../lib/locate.mjs';
import { activate, hoverText, openAt, until, workspaceFile } from './helpers';

describe('k8s-netmap editor features through the vscode API', function () {
  this.timeout(60_000);

  before(async function () {
    await activate();
  });

  it(`completes Service names in an Ingress backend (${targets.completion.file})`, async function () {
    const t = targets.completion;
    const { doc, pos } = await openAt(t.file, t.at);
    let labels: string[] = [];
    await until(`completion items ${t.expect.join(', ')}`, async () => {
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
      labels = (list?.items ?? []).map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      return t.expect.every((e) => labels.includes(e)) ? labels : undefined;
    }).catch(() => undefined);
    for (const e of t.expect) assert.ok(labels.includes(e), `completion lacks ${e}; it offers ${JSON.stringify(labels.slice(0, 40))}`);
  });

  it(`hover on a workload names a source outside the workspace (${targets.hoverOpenWorld.file})`, async function () {
    const t = targets.hoverOpenWorld;
    const { doc, pos } = await openAt(t.file, t.selector);
    await vscode.window.showTextDocument(doc);
    let seen = '';
    await until(`a hover naming ${t.expect.join(', ')}`, async () => {
      seen = hoverText((await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos)) ?? []);
      return t.expect.every((w) => seen.includes(w)) ? seen : undefined;
    }).catch(() => undefined);
    for (const w of t.expect) assert.ok(seen.includes(w), `hover does not name ${w}:\n${seen || '(nothing)'}`);
  });

  it(`finds the references of a Service from the Ingress and the HTTPRoute (${targets.references.file})`, async function () {
    const t = targets.references;
    const { doc, pos } = await openAt(t.file, t.at);
    const want = t.expectFiles.map((f) => workspaceFile(f).toString());
    let got: string[] = [];
    await until('references in every expected file', async () => {
      const locs = await vscode.commands.executeCommand<vscode.Location[]>('vscode.executeReferenceProvider', doc.uri, pos);
      got = (locs ?? []).map((l) => l.uri.toString());
      return want.every((w) => got.includes(w)) ? got : undefined;
    }).catch(() => undefined);
    for (const w of want) assert.ok(got.includes(w), `no reference in ${w}; got ${JSON.stringify([...new Set(got)])}`);
  });

  it(`shows a code lens with a summary on each object of ${targets.codeLens.file}`, async function () {
    const t = targets.codeLens;
    const doc = await vscode.workspace.openTextDocument(workspaceFile(t.file));
    const lines = t.objects.map((o) => locate(doc.getText(), o).line);
    let lenses: vscode.CodeLens[] = [];
    await until('code lenses', async () => {
      lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10)) ?? [];
      return lenses.length >= lines.length ? lenses : undefined;
    }).catch(() => undefined);
    const titled = lenses.filter((l) => l.command?.title?.trim());
    // A lens sits on its object's first lines (apiVersion or kind): one per object, each with a title.
    for (const line of lines) {
      assert.ok(titled.some((l) => Math.abs(l.range.start.line - line) <= 2),
        `no titled code lens near line ${line + 1}; lenses: ${JSON.stringify(lenses.map((l) => [l.range.start.line + 1, l.command?.title]))}`);
    }
  });
});
