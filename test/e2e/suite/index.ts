// Entry that VS Code's extension host loads (`--extensionTestsPath`): runs the compiled
// *.test.js beside it with mocha's bdd UI, and writes a summary for run.mjs when asked.
// Some files need a window of their own, which run.mjs opens: a multi-root window (a .code-workspace)
// runs multiroot.test.js only, a folder window on anp-deny runs anpDeny.test.js only, and a folder
// window on examples/ runs the rest.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Files that need a window of their own, with the window they run in. */
const OWN_WINDOW: Record<string, string> = { 'multiroot.test.js': 'multi-root', 'anpDeny.test.js': 'anp-deny' };

function thisWindow(): string {
  if (vscode.workspace.workspaceFile !== undefined) return 'multi-root';
  const folder = vscode.workspace.workspaceFolders?.[0]?.name ?? '';
  return Object.values(OWN_WINDOW).includes(folder) ? folder : 'examples';
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const windowKind = thisWindow();
  const files = readdirSync(__dirname).filter((n) => n.endsWith('.test.js') && (OWN_WINDOW[n] ?? 'examples') === windowKind);
  for (const f of files.sort()) mocha.addFile(join(__dirname, f));
  return new Promise((resolve, reject) => {
    const failures: { title: string; error: string }[] = [];
    const runner = mocha.run((failed) => {
      const out = process.env.K8S_NETMAP_E2E_RESULT_FILE;
      if (out) {
        const s = runner.stats;
        writeFileSync(out, JSON.stringify({ passes: s?.passes ?? 0, failures: s?.failures ?? failed, pending: s?.pending ?? 0, failed: failures }, null, 2));
      }
      if (failed > 0) reject(new Error(`${failed} extension-host test(s) failed`));
      else resolve();
    });
    runner.on('fail', (test, err: Error) => failures.push({ title: test.fullTitle(), error: String(err?.message ?? err) }));
  });
}
