// Core results → LSP protocol types. Positions come from each file's own line table.
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  type Diagnostic,
  type Location,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { positionAt } from '../model/positions';
import type { Severity, Span } from '../model/types';
import type { Finding, Fix } from '../features/rules';
import { ruleDocUrl } from '../features/rules';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Where a file's line table comes from: the index, or (for k8s-netmap.yaml) the server's config files. */
export interface LineSource {
  file(uri: string): { lineStarts: readonly number[] } | undefined;
}

export function toRange(index: LineSource, uri: string, span: Span): Range {
  const lineStarts = index.file(uri)?.lineStarts ?? [0];
  return { start: positionAt(lineStarts, span.start), end: positionAt(lineStarts, span.end) };
}

export function toLocation(index: LineSource, uri: string, span: Span): Location {
  return { uri, range: toRange(index, uri, span) };
}

export function toDiagnostic(index: LineSource, f: Finding, docsBase?: string): Diagnostic {
  const d: Diagnostic = {
    range: toRange(index, f.uri, f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsBase ? `${docsBase}${f.code}.md` : ruleDocUrl(f.code) },
    source: 'k8s-netmap',
    message: f.message,
  };
  if (f.related.length) d.relatedInformation = f.related.map((r) => ({ location: toLocation(index, r.uri, r.span), message: r.message }));
  if (f.fixes?.length) d.data = { fixes: f.fixes };
  return d;
}

function toWorkspaceEdit(index: LineSource, fix: Fix): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of fix.edits) (changes[e.uri] ??= []).push({ range: toRange(index, e.uri, e.span), newText: e.newText });
  return { changes };
}

/** Quick fixes carried by a diagnostic (computed with it, so they match what the user sees). */
export function quickFixes(index: LineSource, diagnostic: Diagnostic): CodeAction[] {
  const fixes = (diagnostic.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
  return fixes.map((fix, i) => {
    const action = CodeAction.create(fix.title, toWorkspaceEdit(index, fix), CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (i === 0 && fixes.length === 1) action.isPreferred = true;
    return action;
  });
}
