// Offsets ↔ positions against vscode-languageserver-textdocument's TextDocument, the editors'
// reference: lone CR, CRLF, LF, UTF-16 pairs, and positions past a line's end or the text's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { computeLineStarts, offsetAt, positionAt } from '../../server/src/model/positions';

const TEXTS = ['', 'a', 'a\nbc\r\nd', 'x\ry\rz', 'x\r\r\ny\n', 'é😀\r\n\r\nend\n', '\r', 'kind: Service\rmetadata:\r  name: web\r'];

describe('positions', () => {
  it('positionAt matches TextDocument at every offset, lone CR included (but inside a CRLF, where ours keeps the CR on its line)', () => {
    for (const text of TEXTS) {
      const doc = TextDocument.create('file:///t.yaml', 'yaml', 1, text);
      const starts = computeLineStarts(text);
      assert.equal(starts.length, doc.lineCount, JSON.stringify(text));
      for (let offset = 0; offset <= text.length; offset++) {
        if (text[offset - 1] === '\r' && text[offset] === '\n') continue;
        assert.deepEqual(positionAt(starts, offset), doc.positionAt(offset), `${JSON.stringify(text)} @${offset}`);
      }
    }
  });

  it('offsetAt clamps like TextDocument: past a line end, before its line break; past the last line, the end', () => {
    for (const text of TEXTS) {
      const doc = TextDocument.create('file:///t.yaml', 'yaml', 1, text);
      const starts = computeLineStarts(text);
      for (let line = -1; line <= doc.lineCount + 1; line++) {
        for (let character = -1; character <= 8; character++) {
          assert.equal(offsetAt(starts, { line, character }, text), doc.offsetAt({ line, character }), `${JSON.stringify(text)} ${line}:${character}`);
        }
      }
    }
  });

  it('without the text, a character past a line end stays on that line', () => {
    const text = 'ab\ncd\n';
    assert.equal(offsetAt(computeLineStarts(text), { line: 0, character: 40 }), 2);
  });

  describe('properties against TextDocument', () => {
    // Texts made of line content, every kind of line break, and UTF-16 pairs, so that generated
    // offsets land inside CRLFs, on lone CRs and past the ends.
    const piece = fc.constantFrom('a', 'bc', ' ', 'é', '😀', '\n', '\r', '\r\n', '\r\r\n', '\n\r');
    const text = fc.array(piece, { maxLength: 30 }).map((parts) => parts.join(''));
    const docOf = (t: string) => TextDocument.create('file:///t.yaml', 'yaml', 1, t);

    it('computeLineStarts counts the lines TextDocument counts', () => {
      fc.assert(fc.property(text, (t) => computeLineStarts(t).length === docOf(t).lineCount));
    });

    it('positionAt with the text is TextDocument.positionAt at any offset (inside a CRLF, before it; past the ends, clamped)', () => {
      fc.assert(
        fc.property(text, fc.integer({ min: -3, max: 80 }), (t, offset) => {
          assert.deepEqual(positionAt(computeLineStarts(t), offset, t), docOf(t).positionAt(offset));
        }),
      );
    });

    it('positionAt without the text agrees wherever the offset is not inside a CRLF', () => {
      fc.assert(
        fc.property(text, fc.nat(80), (t, n) => {
          const offset = Math.min(n, t.length);
          fc.pre(!(t[offset - 1] === '\r' && t[offset] === '\n'));
          assert.deepEqual(positionAt(computeLineStarts(t), offset), docOf(t).positionAt(offset));
        }),
      );
    });

    it('offsetAt with the text is TextDocument.offsetAt at any position (past a line end, before its break; past the last line, the end)', () => {
      fc.assert(
        fc.property(text, fc.integer({ min: -2, max: 35 }), fc.integer({ min: -2, max: 12 }), (t, line, character) => {
          assert.equal(offsetAt(computeLineStarts(t), { line, character }, t), docOf(t).offsetAt({ line, character }));
        }),
      );
    });

    it('offset → position → offset round-trips as TextDocument does', () => {
      fc.assert(
        fc.property(text, fc.integer({ min: -3, max: 80 }), (t, offset) => {
          const starts = computeLineStarts(t);
          const doc = docOf(t);
          assert.equal(offsetAt(starts, positionAt(starts, offset, t), t), doc.offsetAt(doc.positionAt(offset)));
        }),
      );
    });
  });
});
