// Open documents as the server keeps them. The index keeps each file's model, never its text, so
// an editor that opens the whole workspace (a restored session, a tool) would otherwise have the
// server hold every text as well: 51 MB at L (26k files). Documents the workspace has indexed are
// kept deflated, many in one stream (files alike compress several times better together, and one
// call costs far less than hundreds), until they are edited: edited documents (the few being typed
// in) stay as text. Reading a deflated document (requests, a rescan) inflates its stream for the moment.
import * as zlib from 'node:zlib';
import { type Position, type Range, TextDocument, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';

/** Texts deflated in one stream, up to about this many characters (deflate looks back 32 KB: longer streams would compress no better, and a read inflates the whole stream). */
const PACK_BATCH_LENGTH = 64 * 1024;

/** String.prototype.isWellFormed (Node 20+, ES2024: not in the compiler's ES2022 library). */
interface WellFormedCheck {
  isWellFormed(): boolean;
}

/** The last deflated document read, inflated: a request reads the text and an offset of the same document. */
let lastInflated: { owner: OpenDocument; doc: TextDocument } | undefined;

export class OpenDocument implements TextDocument {
  /** The text, while not deflated. */
  private plain: TextDocument | undefined;
  /** Where the text is kept deflated, when it is. */
  private packed: { stream: PackedTexts; at: number } | undefined;
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

  /** The text to deflate, unless the document has been edited or is deflated already, or would not come back the same from UTF-8 (lone surrogates). */
  textToPack(): string | undefined {
    if (this.edited || !this.plain) return undefined;
    const text = this.plain.getText();
    return (text as unknown as WellFormedCheck).isWellFormed() ? text : undefined;
  }

  /** The text is now kept deflated in `stream`, at `at`. */
  packedIn(stream: PackedTexts, at: number): void {
    this.packed = { stream, at };
    this.plain = undefined;
  }

  private current(): TextDocument {
    if (this.plain) return this.plain;
    if (lastInflated?.owner !== this) {
      const text = this.packed ? this.packed.stream.text(this.packed.at) : '';
      lastInflated = { owner: this, doc: TextDocument.create(this.uri, this.languageId, this.currentVersion, text) };
    }
    return lastInflated.doc;
  }
}

/** Texts deflated together: their UTF-8 bytes in one raw deflate stream, one byte per character. */
class PackedTexts {
  private readonly packed: string;
  /** Where each text ends in the texts joined (UTF-16 units). */
  private readonly ends: number[] = [];

  constructor(texts: readonly string[]) {
    let end = 0;
    for (const text of texts) this.ends.push((end += text.length));
    this.packed = zlib.deflateRawSync(texts.join(''), { level: 1 }).toString('latin1');
  }

  text(at: number): string {
    const all = zlib.inflateRawSync(Buffer.from(this.packed, 'latin1')).toString('utf8');
    return all.slice(at === 0 ? 0 : this.ends[at - 1], this.ends[at]);
  }
}

/** Keeps `docs` deflated (those not edited since opened, nor deflated already), in streams of about PACK_BATCH_LENGTH characters. */
export function packDocuments(docs: Iterable<OpenDocument>): void {
  let batch: Array<[OpenDocument, string]> = [];
  let length = 0;
  const flush = (): void => {
    const stream = new PackedTexts(batch.map(([, text]) => text));
    batch.forEach(([doc], at) => doc.packedIn(stream, at));
    batch = [];
    length = 0;
  };
  for (const doc of docs) {
    const text = doc.textToPack();
    if (text === undefined) continue;
    batch.push([doc, text]);
    length += text.length;
    if (length >= PACK_BATCH_LENGTH) flush();
  }
  if (batch.length > 0) flush();
}

/** How `TextDocuments` makes and updates the server's open documents. */
export const OPEN_DOCUMENTS: TextDocumentsConfiguration<OpenDocument> = {
  create: (uri, languageId, version, content) => new OpenDocument(uri, languageId, version, content),
  update: (document, changes, version) => {
    document.update(changes, version);
    return document;
  },
};
