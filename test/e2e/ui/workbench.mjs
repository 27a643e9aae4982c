// Small driver for the VS Code 1.139 workbench in code-server, built on the selectors of the
// recipe (E2E-RECIPE.md step 6). Every wait is on a DOM state, never a fixed delay.
import { mkdirSync } from 'node:fs';
import { join, posix } from 'node:path';

export class Workbench {
  /** @param {import('playwright-core').Page} page @param {string} workspace @param {string} results */
  constructor(page, workspace, results) {
    this.page = page;
    this.workspace = workspace;
    this.results = results;
    this.shots = 0;
    mkdirSync(results, { recursive: true });
  }

  async shot(name) {
    const file = join(this.results, `ui-${String(++this.shots).padStart(2, '0')}-${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file }).catch(() => {});
    return file;
  }

  async ready() {
    await this.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  }

  async quickInput(key, text) {
    const widget = this.page.locator('.quick-input-widget');
    // A key pressed while focus is still moving out of a webview (its iframe) can be swallowed:
    // press again if the widget has not shown, rather than wait out the whole timeout.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press(key);
      try {
        await widget.waitFor({ state: 'visible', timeout: 8_000 });
        break;
      } catch (error) {
        if (attempt === 3) throw error;
      }
    }
    await this.page.keyboard.insertText(text);
    return widget;
  }

  /** Opens a workspace file through Quick Open and waits until it is the active editor. */
  async openFile(relative) {
    const widget = await this.quickInput('Control+P', relative);
    const base = posix.basename(relative);
    const dir = posix.dirname(relative);
    // Results arrive while typing: wait until the focused (first) one is the file itself, whose
    // label shows the name and whose description shows the folder.
    let row = widget.locator('.monaco-list-row.focused').filter({ hasText: base });
    if (dir !== '.') row = row.filter({ hasText: dir });
    await row.waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await this.waitActiveFile(relative);
    return { base, dir };
  }

  /** Waits until the active editor shows `relative` (the page title holds its full path: see codeServer.mjs). */
  async waitActiveFile(relative, timeout = 15_000) {
    const want = join(this.workspace, relative);
    await this.page.waitForFunction((path) => document.title.split(' - ')[0] === path || document.title.startsWith(`${path} `),
      want, { timeout }).catch(async () => {
      throw new Error(`the active editor is not ${relative}; the window title is ${JSON.stringify(await this.page.title())}`);
    });
  }

  /** Puts the cursor at a 0-based position (as lib/locate.mjs returns) with Go to Line and checks the status bar. */
  async gotoPosition(line, character) {
    const widget = await this.quickInput('Control+G', `${line + 1}:${character + 1}`);
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
    await this.page.locator('#status\\.editor\\.selection').filter({ hasText: `Ln ${line + 1}, Col ${character + 1}` }).waitFor({ timeout: 5_000 });
  }

  /** The cursor's 1-based line from the status bar, once it is at least `min` (5 s at most). */
  async cursorLine(min = 1) {
    const handle = await this.page.waitForFunction((least) => {
      const m = /Ln (\d+)/.exec(document.getElementById('status.editor.selection')?.textContent ?? '');
      return m && Number(m[1]) >= least ? Number(m[1]) : false;
    }, min, { timeout: 5_000 });
    return handle.jsonValue();
  }

  /** Shows the hover at the cursor (Ctrl+K Ctrl+I) until its text has every word in `expect`. */
  async hoverAtCursor(expect, timeout = 20_000) {
    const hover = this.page.locator('.monaco-hover:visible .rendered-markdown');
    const end = Date.now() + timeout;
    let text = '';
    for (;;) {
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+I');
      try {
        await this.page.waitForFunction((words) => {
          const t = [...document.querySelectorAll('.monaco-hover .rendered-markdown')].map((e) => e.textContent).join('\n');
          return words.every((w) => t.includes(w));
        }, expect, { timeout: Math.min(5_000, Math.max(500, end - Date.now())) });
        return (await hover.allTextContents()).join('\n');
      } catch {
        text = (await hover.allTextContents().catch(() => [])).join('\n');
        if (Date.now() > end) throw new Error(`the hover never named ${expect.join(', ')}; it showed: ${JSON.stringify(text)}`);
        await this.page.keyboard.press('Escape');
      }
    }
  }

  async openProblems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
  }

  /**
   * The markers the Problems panel draws now, each with the workspace-relative file it belongs to.
   * The panel is a virtual list that draws only the rows in view: narrow it with filterProblems()
   * first (scrolling it by keyboard opens editors; wheel steps are irregular).
   */
  async problems() {
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows, root) => {
      let file = '';
      const out = [];
      for (const r of [...rows].sort((a, b) => Number(a.getAttribute('data-index')) - Number(b.getAttribute('data-index')))) {
        if (r.getAttribute('aria-level') === '1') {
          const path = r.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '';
          file = path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
          continue;
        }
        if (!r.querySelector('.marker-icon')) continue; // a relatedInformation row
        const text = (sel) => r.querySelector(sel)?.textContent?.trim() ?? '';
        out.push({ file, message: text('.marker-message'), source: text('.marker-source'), code: text('.marker-code'), where: text('.marker-line'),
          severity: r.querySelector('.marker-icon')?.className.replace('marker-icon', '').trim() ?? '' });
      }
      return out;
    }, this.workspace);
  }

  /** Shows only the problems of one workspace file (or all, with no argument) and waits until the list does. */
  async filterProblems(relative) {
    await this.openProblems();
    const input = this.page.locator('.markers-panel, .part.panel').locator('input[aria-label="Filter Problems"]').first();
    const filter = relative ? `**/${relative}` : '';
    const path = relative ? join(this.workspace, relative) : '';
    // Before the language server has published anything the list is empty, filtered or not: callers
    // wait for content with waitProblems(). On a loaded machine the panel may re-render while the
    // filter is typed and drop it, so the filter is typed again once before giving up.
    const shown = (want) => {
      const files = [...document.querySelectorAll('.markers-panel .monaco-list-row[aria-level="1"] .monaco-icon-label')].map((e) => e.getAttribute('aria-label'));
      return want ? files.every((f) => f === want) : !document.querySelector('.part.panel .viewpane-filter-badge:not(.hidden)');
    };
    for (let attempt = 1; ; attempt++) {
      await input.fill(filter);
      try {
        await this.page.waitForFunction(shown, path, { timeout: 15_000 });
        return;
      } catch (err) {
        if (attempt === 2) {
          const value = await input.inputValue().catch(() => '?');
          const files = await this.page.evaluate(() => [...document.querySelectorAll('.markers-panel .monaco-list-row[aria-level="1"] .monaco-icon-label')].map((e) => e.getAttribute('aria-label')));
          throw new Error(`the Problems filter ${JSON.stringify(value)} (typed ${JSON.stringify(filter)}) still lists ${JSON.stringify(files)}: ${err.message}`);
        }
      }
    }
  }

  /** The total number of problems (the N of the filter's "Showing n of N", or of the Problems tab badge). */
  async problemCount() {
    const text = await this.page.locator('.part.panel .viewpane-filter-badge').textContent();
    const m = /Showing \d+ of (\d+)/.exec(text ?? '');
    if (!m) throw new Error(`the Problems filter badge says ${JSON.stringify(text)}`);
    return Number(m[1]);
  }

  /** Waits until `accept(problems)` holds; returns the problems. */
  async waitProblems(what, accept, timeout = 30_000) {
    const end = Date.now() + timeout;
    let last = [];
    for (;;) {
      last = await this.problems();
      if (accept(last)) return last;
      if (Date.now() > end) throw new Error(`timed out waiting for the Problems panel: ${what}; it lists ${JSON.stringify(last, null, 1)}`);
      // Re-read when the panel's DOM changes (or after a second, whichever comes first).
      await this.page.waitForFunction((before) => document.querySelector('.markers-panel')?.textContent !== before,
        await this.page.evaluate(() => document.querySelector('.markers-panel')?.textContent ?? ''), { timeout: 1_000 }).catch(() => {});
    }
  }

  /**
   * Waits until the editor group showing `relative` (its active tab) has a code lens containing
   * `text`; returns the lens texts of that group.
   */
  async waitLens(relative, text, timeout = 20_000) {
    const group = this.page.locator('.editor-group-container').filter({ has: this.page.locator(`.tab.active[aria-label*="${posix.basename(relative)}"]`) });
    const lenses = group.locator('.codelens-decoration');
    await lenses.filter({ hasText: text }).first().waitFor({ timeout }).catch(async () => {
      throw new Error(`no code lens "${text}" in the editor of ${relative}; it shows ${JSON.stringify(await lenses.allTextContents().catch(() => []))}`);
    });
    return lenses.allTextContents();
  }

  /** Runs a command by its title through the command palette. */
  async runCommand(title) {
    const widget = await this.quickInput('F1', title);
    await widget.locator('.monaco-list-row').filter({ hasText: title.replace(/^>/, '') }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await widget.waitFor({ state: 'hidden' });
  }

  /** The content document of the (one) webview: the inner `#active-frame` of `iframe.webview`. */
  webview() {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  }

  /** Waits until the webview's content document (the inner `#active-frame`) contains every word. */
  async webviewText(words, timeout = 30_000) {
    let body = this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('body');
    for (const w of words) body = body.filter({ hasText: w });
    try {
      await body.waitFor({ timeout });
    } catch {
      const text = await this.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame').locator('body')
        .textContent({ timeout: 1_000 }).catch(() => '(no webview content document)');
      throw new Error(`the webview never showed all of ${words.join(', ')}; its text: ${JSON.stringify(text?.slice(0, 600))}`);
    }
    return body.textContent();
  }
}
