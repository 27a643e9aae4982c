// Entry that VS Code's extension host loads (`--extensionTestsPath`): runs the compiled
// *.test.js beside it with mocha's bdd UI, and writes a summary for run.mjs when asked.
// A multi-root window (opened on a .code-workspace) runs multiroot.test.js only; a folder window
// runs the others.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const multiRoot = vscode.workspace.workspaceFile !== undefined;
  const files = readdirSync(__dirname).filter((n) => n.endsWith('.test.js') && (n === 'multiroot.test.js') === multiRoot);
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
