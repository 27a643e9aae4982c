import * as vscode from 'vscode';
import { locate, type LocateSpec } from '../lib/locate.mjs';

export const EXTENSION_ID = 'k8s-netmap.k8s-netmap';
export const SOURCE = 'k8s-netmap';

export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the tests need the examples folder open as the workspace');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

export async function openAt(relative: string, spec: LocateSpec): Promise<{ doc: vscode.TextDocument; pos: vscode.Position }> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile(relative));
  const at = locate(doc.getText(), spec);
  return { doc, pos: new vscode.Position(at.line, at.character) };
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

/** Resolves with the diagnostics of `uri` once `accept` holds for them; rejects after `ms`. */
export function waitForDiagnostics(uri: vscode.Uri, accept: (ds: vscode.Diagnostic[]) => boolean, ms = 20_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const ds = ours(uri);
      if (!accept(ds)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(ds);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const now = vscode.languages.getDiagnostics(uri).map((d) => `${d.source}/${codeOf(d)} ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`);
      reject(new Error(`timed out after ${ms} ms waiting for diagnostics on ${vscode.workspace.asRelativePath(uri)}; it has: ${JSON.stringify(now)}`));
    }, ms);
    check();
  });
}

/** Resolves with `probe()`'s first value that is not undefined, re-checked on every diagnostics change. */
export function waitForAllDiagnostics<T>(probe: () => T | undefined, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const v = probe();
      if (v === undefined) return;
      sub.dispose();
      clearTimeout(timer);
      resolve(v);
    };
    const sub = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${ms} ms`));
    }, ms);
    check();
  });
}

/**
 * Asks `probe` again until it returns a value that is not undefined: the language server answers
 * requests only once it has read the workspace, and there is no event for that.
 */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this window`);
  await ext.activate();
  return ext;
}
