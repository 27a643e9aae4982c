// UI tier: the packaged VSIX installed into code-server, used through the workbench as a person
// would. Positions come from ../targets.json and are found by searching the example text.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { locate } from '../lib/locate.mjs';
import { CodeServer } from './codeServer.mjs';
import { Workbench } from './workbench.mjs';

const targets = JSON.parse(readFileSync(new URL('../targets.json', import.meta.url), 'utf8'));
const SOURCE = 'k8s-netmap';

describe('k8s-netmap in code-server, through the UI', function () {
  this.timeout(60_000);
  /** @type {CodeServer} */ let cs;
  /** @type {Workbench} */ let wb;
  /** Errors that webview documents log (CSP violations included): the diagram must log none. */
  const webviewErrors = [];

  const textOf = (relative) => readFileSync(join(cs.workspace, relative), 'utf8');

  before(async function () {
    this.timeout(120_000);
    cs = new CodeServer({ vsix: process.env.K8S_NETMAP_E2E_VSIX_PATH, examples: process.env.K8S_NETMAP_E2E_EXAMPLES_DIR });
    await cs.start();
    const page = await cs.openBrowser();
    page.on('console', (m) => {
      const where = m.location().url ?? '';
      if (m.type() === 'error' && (/\/webview\/browser\/pre\/|vscode-remote-resource|vscode-resource/.test(where) || /Content Security Policy/.test(m.text()))) {
        webviewErrors.push(`${m.text()} (${where.replace(/\?.*/, '')})`);
      }
    });
    page.on('pageerror', (e) => {
      if (/vscode-remote-resource|vscode-resource|\/webview\//.test(e.stack ?? '')) webviewErrors.push(`uncaught: ${e.message}`);
    });
    wb = new Workbench(page, cs.workspace, process.env.K8S_NETMAP_E2E_RESULTS_DIR);
    await wb.ready();
    await wb.shot('workbench-ready');
  });

  let failures = 0;
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      failures++;
      if (wb) await wb.shot(`FAILED-${this.currentTest.title}`);
    }
  });

  after(async function () {
    // A failed run keeps code-server's output and VS Code's logs (the extension's output channel included).
    const failed = failures > 0 || !wb;
    if (cs) await cs.stop({ keepLogsIn: failed ? join(process.env.K8S_NETMAP_E2E_RESULTS_DIR, 'ui-logs') : undefined });
  });

  it('lists k8s-netmap diagnostics in the Problems panel', async function () {
    const t = targets.brokenService;
    await wb.filterProblems(t.file);
    const rows = await wb.waitProblems(`${t.code} in ${t.file}`, (ps) => ps.some((p) => p.file === t.file && p.code === t.code));
    await wb.shot('problems-panel');
    const hit = rows.filter((p) => p.source === SOURCE && p.file === t.file && p.code === t.code);
    assert.equal(hit.length, 1, `expected ${t.code} once in ${t.file}: ${JSON.stringify(hit)}`);
    const at = locate(textOf(t.file), t.selector);
    assert.equal(hit[0].where, `[Ln ${at.line + 1}, Col ${at.character + 1}]`, `the ${t.code} row does not point at the selector`);
  });

  it('lists exactly the problems of examples/expected-diagnostics.json, each once', async function () {
    const expected = JSON.parse(textOf('expected-diagnostics.json')).diagnostics;
    const render = (ps) => ps.map((p) => `${p.file} ${p.where} ${p.severity} ${p.source} ${p.code}`).sort();
    const want = render(expected.map((d) => ({ file: d.file, where: `[Ln ${d.line}, Col ${d.column}]`, severity: d.severity, source: SOURCE, code: d.code })));
    const got = [];
    for (const file of [...new Set(expected.map((d) => d.file))].sort()) {
      await wb.filterProblems(file);
      const n = expected.filter((d) => d.file === file).length;
      let rows = [];
      await wb.waitProblems(`${n} problem(s) in ${file}`, (ps) => (rows = ps).length >= n, 10_000).catch(() => {});
      got.push(...render(rows));
    }
    assert.deepEqual(got.sort(), want);
    // No other file has problems: the panel's total is the expected count.
    assert.equal(await wb.problemCount(), expected.length, 'the Problems panel counts more problems than expected-diagnostics.json lists');
    await wb.filterProblems();
  });

  it('hover on a Service selector shows the selected workloads', async function () {
    const t = targets.hover;
    await wb.openFile(t.file);
    const at = locate(textOf(t.file), t.selector);
    await wb.gotoPosition(at.line, at.character);
    const text = await wb.hoverAtCursor(t.expect);
    await wb.shot('hover-service-selector');
    for (const w of t.expect) assert.ok(text.includes(w), `hover lacks ${w}: ${text}`);
    await wb.page.keyboard.press('Escape');
  });

  it('a link in the hover opens the selected workload', async function () {
    const t = targets.hover;
    await wb.openFile(t.file);
    const at = locate(textOf(t.file), t.selector);
    await wb.gotoPosition(at.line, at.character);
    await wb.hoverAtCursor(t.expect);
    const link = wb.page.locator('.monaco-hover:visible .rendered-markdown a').filter({ hasText: t.link.text }).first();
    await link.waitFor({ timeout: 5_000 }).catch(async () => {
      const links = await wb.page.locator('.monaco-hover:visible .rendered-markdown a').allTextContents();
      throw new Error(`no hover link with ${JSON.stringify(t.link.text)}; links: ${JSON.stringify(links)}`);
    });
    await link.click();
    await wb.waitActiveFile(t.link.file);
    await wb.shot('hover-link-opened');
    const objectLine = locate(textOf(t.link.file), t.link.at).line + 1;
    const line = await wb.cursorLine(objectLine).catch(() => undefined);
    assert.ok(line !== undefined, `the link opened ${t.link.file} at line ${await wb.cursorLine().catch(() => '?')}, before the object (line ${objectLine})`);
  });

  it('go to definition (F12) from an Ingress backend opens the Service', async function () {
    const t = targets.definition;
    await wb.openFile(t.file);
    const at = locate(textOf(t.file), t.backend);
    await wb.gotoPosition(at.line, at.character);
    await wb.page.keyboard.press('F12');
    await wb.waitActiveFile(t.targetFile);
    await wb.shot('definition-landed');
    // The file also holds a Deployment of the same name: the cursor must be in the Service.
    const serviceLine = locate(textOf(t.targetFile), t.targetAfter).line + 1;
    const line = await wb.cursorLine(serviceLine).catch(() => undefined);
    assert.ok(line !== undefined, `F12 put the cursor on line ${await wb.cursorLine().catch(() => '?')}, before the Service on line ${serviceLine}`);
  });

  it("editing a workload's template labels makes a Service in another file select nothing, and reverting clears it", async function () {
    const t = targets.labelEdit;
    const hasIt = (ps) => ps.some((p) => p.file === t.dependentServiceFile && p.code === t.code);
    await wb.filterProblems(t.dependentServiceFile);
    assert.ok(!hasIt(await wb.problems()), `${t.dependentServiceFile} already has ${t.code} before the edit`);
    await wb.openFile(t.file);
    const at = locate(textOf(t.file), t.label);
    await wb.gotoPosition(at.line, at.character + at.length);
    const suffix = '-e2e';
    await wb.page.keyboard.insertText(suffix);
    await wb.shot('label-edited');
    await wb.waitProblems(`${t.code} on ${t.dependentServiceFile} after the edit`, hasIt);
    await wb.shot('service-selects-nothing-appeared');
    for (let i = 0; i < suffix.length; i++) await wb.page.keyboard.press('Backspace');
    await wb.waitProblems(`${t.code} gone from ${t.dependentServiceFile} after reverting`, (ps) => !hasIt(ps));
    await wb.shot('service-selects-nothing-cleared');
    await wb.filterProblems();
  });

  it("a Service's code lens in another editor follows a workload's label edit, and its undo", async function () {
    const t = targets.labelEdit;
    // The Service's editor on the left, the workload's on the right: the editor asks on its own
    // only for the lenses of the document typed in; the other follows the server's refresh.
    await wb.openFile(t.dependentServiceFile);
    await wb.waitLens(t.dependentServiceFile, t.dependentLens.before);
    await wb.runCommand('>View: Split Editor Right');
    await wb.openFile(t.file);
    const at = locate(textOf(t.file), t.label);
    await wb.gotoPosition(at.line, at.character + at.length);
    const suffix = '-e2e';
    await wb.page.keyboard.insertText(suffix);
    await wb.waitLens(t.dependentServiceFile, t.dependentLens.after);
    await wb.shot('lens-in-other-editor-followed');
    for (let i = 0; i < suffix.length; i++) await wb.page.keyboard.press('Backspace');
    await wb.waitLens(t.dependentServiceFile, t.dependentLens.before);
    await wb.runCommand('>View: Join All Editor Groups'); // closing would ask about the unsaved (unchanged) text
  });

  it("a YAML editor's title bar has the diagram button, which opens the diagram focused on the object under the cursor", async function () {
    const t = targets.diagram.focus;
    const first = locate(textOf(t.file), t.first.at);
    await wb.openFile(t.file);
    await wb.gotoPosition(first.line, first.character);
    const button = wb.page.locator('.editor-group-container.active .editor-actions .action-label[aria-label*="Show Network Diagram"]');
    await button.first().waitFor({ timeout: 10_000 }).catch(async () => {
      const labels = await wb.page.locator('.editor-group-container.active .editor-actions .action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      throw new Error(`no "Show Network Diagram" button in the editor title; it has ${JSON.stringify(labels)}`);
    });
    await button.first().click();
    const focused = async (expect) => {
      const node = wb.webview().locator(`.node.focused[aria-label^="${expect} "]`);
      await node.first().waitFor({ timeout: 30_000 }).catch(async () => {
        const labels = await wb.webview().locator('.node.focused').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
        throw new Error(`the diagram is not focused on ${expect}; focused: ${JSON.stringify(labels)}`);
      });
      assert.equal((await wb.webview().locator('#scope-focus').textContent()).trim(), expect);
    };
    await focused(t.first.expect);
    await wb.shot('diagram-focused-from-editor');
    // A figure for the report, not an assertion: the first layout's time in real VS Code.
    console.log(`      diagram status after opening: ${await wb.webview().locator('#status').textContent()}`);
    // The cursor moves to the next object of the file: the diagram follows.
    const second = locate(textOf(t.file), t.second.at);
    // Back to the editor in the first group (opening the file again would cover the diagram beside it).
    await wb.page.keyboard.press('Control+1');
    const editorFocused = wb.page.locator('.editor-group-container.active .monaco-editor.focused').first();
    // The key can be swallowed while focus is inside the webview's iframe: then click into the text.
    await editorFocused.waitFor({ timeout: 5_000 }).catch(() => wb.page.locator('.editor-group-container .monaco-editor .view-lines').first().click());
    await editorFocused.waitFor({ timeout: 10_000 });
    await wb.gotoPosition(second.line, second.character);
    await focused(t.second.expect);
    await wb.shot('diagram-focus-follows-cursor');
  });

  it('k8s-netmap: Show Network Diagram opens a webview; widened to the workspace and expanded it has the node names', async function () {
    await wb.runCommand('>k8s-netmap: Show Network Diagram');
    await wb.webview().locator('#scope-workspace').click();
    await wb.webview().locator('#expand-all').click();
    await wb.webviewText(targets.diagram.expectNodes);
    await wb.shot('diagram');
    console.log(`      diagram status, workspace expanded: ${await wb.webview().locator('#status').textContent()}`);
  });

  it('clicking a node in the diagram reveals its YAML', async function () {
    const t = targets.diagram.reveal;
    const node = wb.webview().locator(`.node[aria-label^="${t.node}"]`).first();
    await node.waitFor({ timeout: 30_000 }).catch(async () => {
      const labels = await wb.webview().locator('.node').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
      throw new Error(`no diagram node labelled ${JSON.stringify(t.node)}…; nodes: ${JSON.stringify(labels.slice(0, 30))}`);
    });
    // Fit the whole graph into the panel first, so the node is in view whatever was zoomed before.
    await wb.webview().locator('#zoom-fit').click();
    await node.click();
    await wb.waitActiveFile(t.file);
    await wb.shot('diagram-node-revealed');
    const objectLine = locate(textOf(t.file), t.at).line + 1;
    const line = await wb.cursorLine(objectLine).catch(() => undefined);
    assert.ok(line !== undefined, `the diagram revealed ${t.file} at line ${await wb.cursorLine().catch(() => '?')}, before the object (line ${objectLine})`);
  });

  it('the diagram webview logs no error and no Content Security Policy violation', async function () {
    await wb.webviewText(targets.diagram.expectNodes);
    assert.deepEqual(webviewErrors, []);
  });

  it('the diagram follows an edit while typing, and the undo', async function () {
    const t = targets.diagram.liveEdit;
    const at = locate(textOf(t.file), t.at);
    const renamed = `${textOf(t.file).slice(at.offset, at.offset + at.length)}${t.suffix}`;
    const node = wb.webview().locator(`.node[aria-label*=" ${renamed} "], .node[aria-label*=" ${renamed},"]`);
    await wb.openFile(t.file);
    await wb.gotoPosition(at.line, at.character + at.length);
    await wb.page.keyboard.insertText(t.suffix);
    await node.first().waitFor({ timeout: 20_000 }).catch(() => { throw new Error(`the diagram shows no node ${renamed} after the edit`); });
    await wb.shot('diagram-after-edit');
    for (let i = 0; i < t.suffix.length; i++) await wb.page.keyboard.press('Backspace');
    await node.first().waitFor({ state: 'detached', timeout: 20_000 }).catch(() => { throw new Error(`the diagram still shows ${renamed} after the undo`); });
    await wb.shot('diagram-after-undo');
  });
});
