// The request handlers: hover, definition, references, code lens, completion, quick fixes and the
// custom requests (graph, connectivity changes, path rules). Requests come from clients we do not
// control: each answers a fallback rather than throw, and reads the workspace as it is now.
import * as fs from 'node:fs';
import { type CodeAction, type CodeLens, type CompletionItem, CompletionItemKind, type Connection, MarkupKind } from 'vscode-languageserver/node';
import { codeLenses } from '../features/codeLens';
import { complete } from '../features/completion';
import { hover } from '../features/hover';
import { definition, references } from '../features/navigation';
import { offsetAt } from '../model/positions';
import { command, Commands, ConnectivityChangesRequest, type ConnectivityChangesParams, GraphChangesRequest, GraphRequest, PathRulesRequest, type PathRulesParams } from '../protocol';
import { type ChangesHost, connectivityChanges, graphChanges, UnsavedEditLens } from './changes';
import { quickFixes, toLocation, toRange } from './convert';
import { graphOf } from './graph';
import { pathRules } from './pathRules';
import type { EditDebounce } from './publisher';
import { fsPathOf } from './indexUpdate';
import type { Workspace } from './workspace';

type PositionParams = { textDocument?: { uri?: unknown } | null; position?: unknown } | null | undefined;

function errorText(error: unknown): string {
  return `k8s-netmap: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

export class RequestHandlers {
  private readonly changesHost: ChangesHost;
  private readonly unsavedLens: UnsavedEditLens;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly edits: EditDebounce,
  ) {
    this.changesHost = {
      index: () => workspace.index,
      indexedDiskBytes: (p) => workspace.indexedDiskBytes(p),
      analysis: () => workspace.analysis,
      folders: () => workspace.folders,
      isExcluded: (p) => workspace.isExcluded(p),
      maxFileSize: () => workspace.settings.largestMaxFileSize(),
    };
    this.unsavedLens = new UnsavedEditLens(this.changesHost);
  }

  listen(): void {
    const c = this.connection;
    const ws = this.workspace;
    c.onHover((p) => this.answer(() => {
      const at = this.at(p);
      if (!at) return null;
      const h = hover(ws.analysis, at.uri, at.offset);
      return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(ws.index, at.uri, h.span) } : null;
    }, null));
    c.onDefinition((p) => this.answer(() => {
      const at = this.at(p);
      if (!at) return [];
      return definition(ws.analysis, at.uri, at.offset).map((l) => toLocation(ws.index, l.uri, l.span));
    }, []));
    c.onReferences((p) => this.answer(() => {
      const at = this.at(p);
      if (!at) return [];
      return references(ws.analysis, at.uri, at.offset, !!p.context?.includeDeclaration).map((l) => toLocation(ws.index, l.uri, l.span));
    }, []));
    c.onCodeLens(async (p) => {
      const uri: unknown = p?.textDocument?.uri;
      if (typeof uri !== 'string') return [];
      await this.edits.settled(uri); // lenses describe the text as typed, not as last indexed
      return this.answer(() => this.lenses(uri), []);
    });
    c.onCompletion((p) => this.answer(() => (this.at(p) ? this.completions(p.textDocument.uri, p.position) : []), []));
    c.onCodeAction((p) => this.answer(() => {
      const out: CodeAction[] = [];
      const diagnostics: unknown = p?.context?.diagnostics;
      for (const d of Array.isArray(diagnostics) ? (diagnostics as Parameters<typeof quickFixes>[1][]) : []) {
        if (d?.source !== 'k8s-netmap') continue;
        try {
          out.push(...quickFixes(ws.index, d));
        } catch {
          // fixes we did not make (a client's garbage in `data`): none offered
        }
      }
      return out;
    }, []));
    c.onRequest(GraphRequest, () => this.answer(() => graphOf(ws.analysis), { nodes: [], edges: [] }));
    c.onRequest(ConnectivityChangesRequest, (p) =>
      ws.requestHold.done().then(() => connectivityChanges(this.changesHost, p?.ref || 'HEAD').catch((error: unknown) => {
        this.connection.console.error(errorText(error));
        return { ref: p?.ref || 'HEAD', error: 'internal error (see the k8s-netmap output)', counts: { added: 0, removed: 0, changed: 0 }, groups: [] };
      })),
    );
    c.onRequest(GraphChangesRequest, (p: ConnectivityChangesParams | undefined) =>
      ws.requestHold.done().then(() => graphChanges(this.changesHost, graphOf(ws.analysis), p?.ref || 'HEAD').catch((error: unknown) => {
        this.connection.console.error(errorText(error));
        return { ref: p?.ref || 'HEAD', error: 'internal error (see the k8s-netmap output)', edges: [], nodes: [] };
      })),
    );
    c.onRequest(PathRulesRequest, (p: PathRulesParams | undefined) => this.answer(() => pathRules(ws.analysis, p), { hops: [] }));
  }

  /**
   * `guard` once the workspace may be read: after a warm start (recorded diagnostics published
   * before the index was read) a request waits for the whole index rather than answer from part of it.
   */
  private async answer<T>(run: () => T, fallback: T): Promise<T> {
    await this.workspace.requestHold.done();
    return this.guard(run, fallback);
  }

  /** Runs a request handler; a bug in a feature answers `fallback` instead of killing the server. */
  private guard<T>(run: () => T, fallback: T): T {
    try {
      return run();
    } catch (error) {
      this.connection.console.error(errorText(error));
      return fallback;
    }
  }

  /**
   * The document and offset a position request names, or undefined when the request is malformed
   * (`position: null`, no `textDocument`, a line or character that is not a whole number) or names
   * a file that is not indexed.
   */
  private at(p: PositionParams): { uri: string; offset: number } | undefined {
    const uri = p?.textDocument?.uri;
    const pos = p?.position as { line?: unknown; character?: unknown } | null | undefined;
    const line = pos?.line;
    const character = pos?.character;
    if (typeof uri !== 'string' || typeof line !== 'number' || typeof character !== 'number' || !Number.isSafeInteger(line) || !Number.isSafeInteger(character)) return undefined;
    const file = this.workspace.index.file(uri);
    if (!file) return undefined;
    // Negative numbers clamp to the start; the open text, when there is one, lets the offset clamp
    // exactly as the editor's does.
    const position = { line: Math.max(0, line), character: Math.max(0, character) };
    return { uri, offset: offsetAt(file.lineStarts, position, this.workspace.documents.get(uri)?.getText()) };
  }

  private lenses(uri: string): CodeLens[] {
    const index = this.workspace.index;
    const unsaved = this.guard(() => this.unsavedEditLens(uri), undefined);
    const lenses: CodeLens[] = codeLenses(this.workspace.analysis, uri).map((l) => {
      const range = toRange(index, uri, l.span);
      if (l.locations) {
        return {
          range,
          command: command(l.title, Commands.showLocations, uri, range.start, l.locations.map((x) => toLocation(index, x.uri, x.span))),
        };
      }
      const at = toRange(index, uri, { start: l.hoverAt ?? l.span.start, end: l.hoverAt ?? l.span.start }).start;
      return { range, command: command(l.title, Commands.showHoverAt, uri, at) };
    });
    return unsaved ? [unsaved, ...lenses] : lenses;
  }

  /** What the unsaved text of an open NetworkPolicy file opens or closes versus the file on disk. */
  private unsavedEditLens(uri: string): CodeLens | undefined {
    const doc = this.workspace.documents.get(uri);
    const fsPath = fsPathOf(uri);
    if (!doc || !fsPath || !fs.existsSync(fsPath)) return undefined;
    const read = this.workspace.readDisk(fsPath);
    if (!('text' in read)) return undefined;
    if (read.text === doc.getText()) {
      // No edit yet: have the saved state ready for the first one (the index holds this text unless an edit is pending).
      if (!this.edits.pending(uri)) this.unsavedLens.prepare(uri, read.text);
      return undefined;
    }
    return this.unsavedLens.lens(uri, read.text);
  }

  private completions(uri: string, position: { line: number; character: number }): CompletionItem[] {
    const doc = this.workspace.documents.get(uri);
    if (!doc) return [];
    const kinds = { service: CompletionItemKind.Reference, port: CompletionItemKind.Value, 'label-key': CompletionItemKind.Property, 'label-value': CompletionItemKind.Value } as const;
    return complete(this.workspace.analysis, uri, doc.getText(), doc.offsetAt(position)).map((c) => ({ label: c.label, kind: kinds[c.kind], ...(c.detail ? { detail: c.detail } : {}) }));
  }
}
