// The editor side of a workspace's open documents for tests that drive lsp/workspace.ts directly:
// didOpen and didClose delivered as the connection would.
import type { TextDocuments } from 'vscode-languageserver/node';
import type { OpenDocument } from '../../server/src/lsp/openDocuments';

/** The editor side of TextDocuments: didOpen and didClose, as the connection would deliver them. */
export function editor(documents: TextDocuments<OpenDocument>): { open(uri: string, text: string): OpenDocument; close(uri: string): void } {
  const handlers: { open?: (e: unknown) => void; close?: (e: unknown) => void } = {};
  const none = () => ({ dispose: () => undefined });
  const connection = {
    onDidOpenTextDocument: (h: (e: unknown) => void) => ((handlers.open = h), none()),
    onDidChangeTextDocument: none,
    onDidCloseTextDocument: (h: (e: unknown) => void) => ((handlers.close = h), none()),
    onWillSaveTextDocument: none,
    onWillSaveTextDocumentWaitUntil: none,
    onDidSaveTextDocument: none,
  };
  documents.listen(connection as unknown as Parameters<typeof documents.listen>[0]);
  return {
    open(uri, text) {
      handlers.open?.({ textDocument: { uri, languageId: 'yaml', version: 1, text } });
      return documents.get(uri)!;
    },
    close(uri) {
      handlers.close?.({ textDocument: { uri } });
    },
  };
}
