// The persisted findings file (host/resultCache.ts) as bytes: what is recorded is read back as it
// was, whatever the size of the text and the characters in it (the text is written a piece at a time).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { type LocatedFinding, ResultCache, resultKey } from '../../server/src/host/resultCache';

function finding(message: string): LocatedFinding {
  const at = { line: 0, character: 0 };
  return { uri: 'file:///w/a.yaml', start: at, end: at, severity: 'warning', code: 'service-unreachable', message, related: [] };
}

describe('persisted findings (resultCache)', () => {
  it('reads back a text of several MB with characters past Latin-1, a surrogate pair on every piece boundary', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-results-'));
    const run = resultKey(['check'], [{ path: '/w/a.yaml', readKey: '[]', size: 1, mtimeMs: 2, hash: 'h' }]);
    assert.ok(run);
    // A piece is 2^20 UTF-16 units: '😀' (two units) straddles each boundary after one unit of padding.
    const text = `x${'😀'.repeat(3 << 19)}…\n`;
    const findings = [finding(`…${'é'.repeat(1000)} 😀`)];
    new ResultCache(dir).put(run, findings, { as: 'text', severities: ['warning'], text: [text] });
    const entry = new ResultCache(dir).lookup(run.key);
    assert.equal(entry?.current, true);
    assert.equal(entry?.printed('text')?.bytes.toString('utf8'), text);
    assert.deepEqual(entry?.findings(), findings);
    const raw = fs.readFileSync(path.join(dir, 'k8s-netmap-results.json'));
    assert.equal(raw.includes(Buffer.from('\uFFFD')), false, 'no half of a pair written alone');
  });

  it('writes a long list and a text in many pieces exactly as JSON.stringify writes them whole', () => {
    // Reason: issue 11: the findings and the printed text are written a piece at a time (a first
    // check --cache at L held three whole copies of them, 160 MB of its peak), the text as it was
    // printed (escaping it into a JSON string cost 0.3 s at L, reading it back 0.28 s); the file
    // must read as one JSON value per line, then the text, all the same.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-results-'));
    const run = resultKey(['check'], [{ path: '/w/a.yaml', readKey: '[]', size: 1, mtimeMs: 2, hash: 'h' }]);
    assert.ok(run);
    const findings = Array.from({ length: 1300 }, (_, i) => finding(`#${i} "quoted" \\ tab\t… 😀`));
    const pieces = ['a line\n', `"${'ü'.repeat(3 << 19)}"\n`, '', 'end 😀\n'];
    new ResultCache(dir).put(run, findings, { as: 'text', severities: ['warning'], text: pieces });
    const [, , findingsLine, printedLine, ...text] = fs.readFileSync(path.join(dir, 'k8s-netmap-results.json'), 'utf8').split('\n');
    assert.equal(findingsLine, JSON.stringify(findings));
    assert.equal(printedLine, JSON.stringify({ as: 'text', severities: ['warning'], bytes: Buffer.byteLength(pieces.join('')) }));
    assert.equal(text.join('\n'), pieces.join(''), 'the text as printed follows, as it is');
    const entry = new ResultCache(dir).lookup(run.key);
    assert.deepEqual(entry?.findings(), findings);
    assert.equal(entry?.printed('text')?.bytes.toString('utf8'), pieces.join(''));
  });
});
