// The rule pages (docs/rules/*.md) ship in the VSIX. A diagnostic's code links to the published
// page; when that address cannot be reached (offline, a closed network), the link is pointed at a
// command that opens the shipped page in VS Code's Markdown preview instead.
import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { Commands } from '../../server/src/protocol';

const PROBE_TIMEOUT_MS = 3000;

/** False once the published pages were found unreachable (asked once, at activation). */
let reachable = true;

/** Asks, in the background, whether the published rule pages answer. */
export function probeRuleDocs(sample: string): void {
  fetch(sample, { method: 'HEAD', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
    (r) => (reachable = r.ok),
    () => (reachable = false),
  );
}

function ruleDocFile(extensionUri: vscode.Uri, code: string): vscode.Uri | undefined {
  return /^[a-z0-9-]+$/.test(code) ? vscode.Uri.joinPath(extensionUri, 'docs', 'rules', `${code}.md`) : undefined;
}

/** Opens the shipped page of a rule (or, without a code, the list of rules) in the Markdown preview. */
export async function showRuleDoc(extensionUri: vscode.Uri, code?: string): Promise<void> {
  const file = ruleDocFile(extensionUri, code ?? 'README');
  if (!file) return;
  await vscode.commands.executeCommand('markdown.showPreview', file);
}

function localLink(code: string): vscode.Uri {
  return vscode.Uri.parse(`command:${Commands.showRuleDoc}?${encodeURIComponent(JSON.stringify([code]))}`);
}

/** Rewrites the diagnostics' code links to the local pages once the published ones proved unreachable. */
export const ruleDocsMiddleware: Middleware['handleDiagnostics'] = (uri, diagnostics, next) => {
  if (!reachable) {
    for (const d of diagnostics) {
      if (typeof d.code === 'object' && d.source === 'k8s-netmap') d.code = { value: d.code.value, target: localLink(String(d.code.value)) };
    }
  }
  next(uri, diagnostics);
};
