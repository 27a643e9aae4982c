// Offsets ↔ positions against vscode-languageserver-textdocument's TextDocument, the editors'
// reference: lone CR, CRLF, LF, UTF-16 pairs, and positions past a line's end or the text's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
});
