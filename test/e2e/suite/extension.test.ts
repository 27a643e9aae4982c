import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import targets from '../targets.json';
import { activate, codeOf, EXTENSION_ID, hoverText, openAt, ours, SOURCE, until, waitForAllDiagnostics, waitForDiagnostics, workspaceFile } from './helpers';
import { locate } from '../lib/locate.mjs';

describe('k8s-netmap in a real VS Code extension host', function () {
  this.timeout(60_000);

  // Whether the extension came up by itself (activationEvents) before any test asked for it.
  let selfActivated = false;

  before(async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    selfActivated = await until('activation', async () => (ext?.isActive ? true : undefined), 20_000).catch(() => false);
    await activate();
  });

  after(async function () {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates by itself in a workspace of manifests, and registers its commands', async function () {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(selfActivated, `${EXTENSION_ID} did not activate within 20 s of opening the workspace`);
    assert.ok(ext?.isActive, `${EXTENSION_ID} is not active`);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['k8sNetmap.showDiagram', 'k8sNetmap.restartServer', 'k8sNetmap.showRuleDoc']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  it(`reports ${targets.brokenService.code} on ${targets.brokenService.file}, on the selector`, async function () {
    const t = targets.brokenService;
    const { doc, pos } = await openAt(t.file, t.selector);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(doc.uri, (all) => all.some((d) => codeOf(d) === t.code));
    const hits = ds.filter((d) => codeOf(d) === t.code);
    assert.equal(hits.length, 1, `expected one ${t.code}, got ${hits.length}`);
    const d = hits[0];
    assert.equal(d.source, SOURCE);
    assert.ok(d.range.contains(pos), `range ${JSON.stringify(d.range)} does not cover the selector at ${pos.line + 1}:${pos.character + 1}`);
    assert.ok(d.range.start.line > 0, 'the range must not be line 1 / the whole document');
    const code = d.code;
    if (typeof code === 'object') {
      // The published page, or (when it cannot be reached, as on this machine) the command that opens the shipped one.
      const target = decodeURIComponent(code.target.toString(true));
      const published = new RegExp(`docs/rules/${t.code}\\.md$`).test(target);
      const local = target.startsWith('command:k8sNetmap.showRuleDoc?') && target.includes(`"${t.code}"`);
      assert.ok(published || local, `codeDescription.href must point at the rule page, not ${target}`);
    } else {
      assert.fail(`diagnostic has no codeDescription.href (code is ${JSON.stringify(code)})`);
    }
  });

  it('opens a rule page shipped in the extension in the Markdown preview', async function () {
    await vscode.commands.executeCommand('k8sNetmap.showRuleDoc', 'service-selects-nothing');
    const preview = await until('a Markdown preview tab', async () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.includes('markdown.preview')),
    );
    assert.match(preview.label, /service-selects-nothing/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  for (const t of [targets.hover, targets.hoverKustomize]) {
    it(`hover on the Service selector in ${t.file} names ${t.expect.join(', ')}`, async function () {
      const { doc, pos } = await openAt(t.file, t.selector);
      await vscode.window.showTextDocument(doc);
      let seen = '';
      const text = await until(`a k8s-netmap hover naming ${t.expect.join(', ')}`, async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
        seen = hoverText(hovers ?? []);
        return t.expect.every((w) => seen.includes(w)) ? seen : undefined;
      }).catch((e: Error) => assert.fail(`${e.message}; the last hover was:\n${seen || '(nothing)'}`));
      for (const w of t.expect) assert.ok(text.includes(w), `hover does not name ${w}:\n${text}`);
    });
  }

  it(`go to definition from the Ingress backend in ${targets.definition.file} lands on the Service in ${targets.definition.targetFile}`, async function () {
    const t = targets.definition;
    const { doc, pos } = await openAt(t.file, t.backend);
    await vscode.window.showTextDocument(doc);
    const want = workspaceFile(t.targetFile);
    const found = await until('a definition for the Ingress backend', async () => {
      const locs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', doc.uri, pos);
      const all = (locs ?? []).map((l) => ('targetUri' in l ? { uri: l.targetUri, range: l.targetSelectionRange ?? l.targetRange } : l));
      return all.length ? all : undefined;
    });
    const hit = found.find((l) => l.uri.toString() === want.toString());
    assert.ok(hit, `definition went to ${found.map((l) => l.uri.toString()).join(', ')}, not ${want}`);
    // The file also holds a Deployment of the same name: the definition must be the Service.
    const targetText = (await vscode.workspace.openTextDocument(want)).getText();
    const serviceLine = locate(targetText, t.targetAfter).line;
    assert.ok(hit.range.start.line >= serviceLine, `definition lands on line ${hit.range.start.line + 1}, before the Service (line ${serviceLine + 1})`);
  });

  it('runs k8sNetmap.showDiagram and opens a webview', async function () {
    await vscode.commands.executeCommand('k8sNetmap.showDiagram');
    const webviewTab = await until('a webview tab', async () => vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .find((tab) => tab.input instanceof vscode.TabInputWebview));
    assert.ok(webviewTab, 'no webview tab after k8sNetmap.showDiagram');
  });

  it('publishes exactly the diagnostics that examples/expected-diagnostics.json lists', async function () {
    const expected = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(workspaceFile('expected-diagnostics.json'))).toString('utf8')) as {
      diagnostics: { file: string; line: number; column: number; code: string; severity: string }[];
    };
    const want = expected.diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`).sort();
    const severity = ['error', 'warning', 'info', 'hint'];
    const current = () => vscode.languages.getDiagnostics().flatMap(([uri]) => ours(uri).map((d) =>
      `${vscode.workspace.asRelativePath(uri, false)}:${d.range.start.line + 1}:${d.range.start.character + 1} ${severity[d.severity]} ${codeOf(d)}`)).sort();
    // The server reads the workspace in the background: wait for the set to settle on the expected one.
    const got = await waitForAllDiagnostics(() => {
      const now = current();
      return now.join('\n') === want.join('\n') ? now : undefined;
    }).catch(() => current());
    assert.deepEqual(got, want);
  });
});

// Keeps the locate helper honest inside the bundle: a typo in targets.json fails here, loudly.
describe('targets.json', function () {
  it('finds every position it names', async function () {
    for (const [file, spec] of [[targets.hover.file, targets.hover.selector], [targets.definition.file, targets.definition.backend],
      [targets.labelEdit.file, targets.labelEdit.label], [targets.brokenService.file, targets.brokenService.selector],
      [targets.hoverKustomize.file, targets.hoverKustomize.selector], [targets.completion.file, targets.completion.at],
      [targets.references.file, targets.references.at], [targets.definition.targetFile, targets.definition.targetAfter]] as const) {
      const text = (await vscode.workspace.openTextDocument(workspaceFile(file))).getText();
      assert.doesNotThrow(() => locate(text, spec), `${file}`);
    }
  });
});
