// Open documents as the server keeps them. The index keeps each file's model, never its text, so
// an editor that opens the whole workspace (a restored session, a tool) would otherwise have the
// server hold every text as well: 51 MB at L (26k files). A document is kept deflated once the
// workspace has indexed it, until it is edited: edited documents (the few being typed in) stay as
// text. Reads of a deflated document (requests, a rescan) inflate it for the moment.
import * as zlib from 'node:zlib';
import { type Position, type Range, TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';

/** Shorter texts are kept as they are: deflating them saves little. */
const PACK_MIN_LENGTH = 512;

/** String.prototype.isWellFormed (Node 20+, ES2024: not in the compiler's ES2022 library). */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/** The last deflated document read, inflated: a request reads the text and an offset of the same document. */
let lastInflated: { owner: OpenDocument; doc: TextDocument } | undefined;

export class OpenDocument implements TextDocument {
  /** The text, while not deflated. */
  private plain: TextDocument | undefined;
  /** The text's UTF-8 bytes, deflated, one byte per character. */
  private packed: string | undefined;
  private edited = false;
  private currentVersion: number;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    version: number,
    text: string,
  ) {
    this.currentVersion = version;
    this.plain = TextDocument.create(uri, languageId, version, text);
  }

  get version(): number {
    return this.currentVersion;
  }

  get lineCount(): number {
    return this.current().lineCount;
  }

  getText(range?: Range): string {
    return this.current().getText(range);
  }

  positionAt(offset: number): Position {
    return this.current().positionAt(offset);
  }

  offsetAt(position: Position): number {
    return this.current().offsetAt(position);
  }

  getLineRange(line: number): Range {
    return this.current().getLineRange(line);
  }

  getEOLCharacters(line: number): string {
    return this.current().getEOLCharacters(line);
  }

  /** Whether the text is kept deflated now. */
  get isPacked(): boolean {
    return this.packed !== undefined;
  }

  /** Applies an editor's changes; the document is kept as text from now on. */
  update(changes: TextDocumentContentChangeEvent[], version: number): void {
    this.plain = TextDocument.update(this.current(), changes, version);
    this.packed = undefined;
    if (lastInflated?.owner === this) lastInflated = undefined;
    this.currentVersion = version;
    this.edited = true;
  }

  /**
   * Keeps the text deflated until it is read again, unless the document has been edited, is short,
   * or would not come back the same from UTF-8 (lone surrogates).
   */
  pack(): void {
    if (this.edited || !this.plain) return;
    const text = this.plain.getText();
    if (text.length < PACK_MIN_LENGTH || !(text as unknown as WellFormedCheck).isWellFormed()) return;
    this.packed = zlib.deflateRawSync(text, { level: 1 }).toString('latin1');
    this.plain = undefined;
  }

  private current(): TextDocument {
    if (this.plain) return this.plain;
    if (lastInflated?.owner !== this) {
      const text = zlib.inflateRawSync(Buffer.from(this.packed ?? '', 'latin1')).toString('utf8');
      lastInflated = { owner: this, doc: TextDocument.create(this.uri, this.languageId, this.currentVersion, text) };
    }
    return lastInflated.doc;
  }
}

/** How `TextDocuments` makes and updates the server's open documents. */
export const OPEN_DOCUMENTS: TextDocumentsConfiguration<OpenDocument> = {
  create: (uri, languageId, version, content) => new OpenDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
