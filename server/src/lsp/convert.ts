// Core results → LSP protocol types. Positions come from each file's own line table.
import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type Diagnostic,
  type Location,
  type Range,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver/node';
import type { WorkspaceIndex } from '../index/workspaceIndex';
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

export function toRange(index: WorkspaceIndex, uri: string, span: Span): Range {
  const lineStarts = index.file(uri)?.lineStarts ?? [0];
  return { start: positionAt(lineStarts, span.start), end: positionAt(lineStarts, span.end) };
}

export function toLocation(index: WorkspaceIndex, uri: string, span: Span): Location {
  return { uri, range: toRange(index, uri, span) };
}

export function toDiagnostic(index: WorkspaceIndex, f: Finding, docsBase?: string): Diagnostic {
  const d: Diagnostic = {
    range: toRange(index, f.uri, f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsBase ? `${docsBase}${f.code}.md` : ruleDocUrl(f.code) },
    source: 'k8s-netmap',
    message: f.message,
  };
  if (f.related.length) d.relatedInformation = f.related.map((r) => ({ location: toLocation(index, r.uri, r.span), message: r.message }));
  if (f.code === 'helm-template-skipped' || f.code === 'file-not-read') d.tags = [DiagnosticTag.Unnecessary];
  if (f.fixes?.length) d.data = { fixes: f.fixes };
  return d;
}

function toWorkspaceEdit(index: WorkspaceIndex, fix: Fix): WorkspaceEdit {
  const changes: Record<string, TextEdit[]> = {};
  for (const e of fix.edits) (changes[e.uri] ??= []).push({ range: toRange(index, e.uri, e.span), newText: e.newText });
  return { changes };
}

/** Quick fixes carried by a diagnostic (computed with it, so they match what the user sees). */
export function quickFixes(index: WorkspaceIndex, diagnostic: Diagnostic): CodeAction[] {
  const fixes = (diagnostic.data as { fixes?: Fix[] } | undefined)?.fixes ?? [];
  return fixes.map((fix, i) => {
    const action = CodeAction.create(fix.title, toWorkspaceEdit(index, fix), CodeActionKind.QuickFix);
    action.diagnostics = [diagnostic];
    if (i === 0 && fixes.length === 1) action.isPreferred = true;
    return action;
  });
}
