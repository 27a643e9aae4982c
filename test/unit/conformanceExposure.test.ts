// netpol-analyzer's exposure family (../shared/conformance/netpol-analyzer/exposure): `reach
// --exposure` (with --focus where the case says so) must print expected/<case>.txt, compared line
// by line ignoring blank lines and trailing blanks. Skipped, with the reason, where ../shared is absent.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { meaningfulLines, runCase, suiteDir, type FamilyCase } from './conformanceFamily';

const suite = suiteDir();
const family = suite.dir && path.join(suite.dir, 'exposure');

describe('netpol-analyzer conformance (reach --exposure)', () => {
  if (!family || !fs.existsSync(path.join(family, 'cases.json'))) {
    const reason = suite.reason || `${family} not found: exposure cases need it`;
    it('exposure cases', (t) => {
      console.log(`# skipped: ${reason}`);
      t.skip(reason);
    });
    return;
  }
  const cases = JSON.parse(fs.readFileSync(path.join(family, 'cases.json'), 'utf8')) as FamilyCase[];
  it('lists the 34 cases', () => assert.equal(cases.length, 34));
  for (const c of cases) {
    it(c.case, async () => {
      const { code, stdout, stderr } = await runCase(family, c);
      assert.equal(code, 0, stderr);
      const expected = fs.readFileSync(path.join(family, c.expected), 'utf8');
      assert.deepEqual(meaningfulLines(stdout), meaningfulLines(expected));
    });
  }
});
