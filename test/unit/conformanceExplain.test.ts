// netpol-analyzer's explain cases (../shared/conformance/netpol-analyzer/explain): `k8s-netmap
// reach --explain` with each case's options must print expected/<case>.txt, compared line by line
// without blank lines and trailing blanks (the family's README). Also, on every plain reach case,
// what explain allows must be what reach prints. Skipped, with the reason, where ../shared is absent.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { explainAndReachPairs, meaningfulLines, runCase, suiteDir, type FamilyCase } from './conformanceFamily';

const suite = suiteDir();

describe('netpol-analyzer conformance (reach --explain)', () => {
  const dir = suite.dir && path.join(suite.dir, 'explain');
  if (!dir || !fs.existsSync(path.join(dir, 'cases.json'))) {
    it('explain cases', (t) => {
      console.log(`# skipped: ${suite.reason || `${dir} not found`}`);
      t.skip(suite.reason || 'explain cases not found');
    });
    return;
  }
  const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as FamilyCase[];
  it('lists the 9 cases', () => assert.equal(cases.length, 9));
  for (const c of cases) {
    it(c.case, async () => {
      const { code, stdout, stderr } = await runCase(dir, c);
      assert.equal(code, 0, stderr);
      assert.deepEqual(meaningfulLines(stdout), meaningfulLines(fs.readFileSync(path.join(dir, c.expected), 'utf8')));
    });
  }
});

describe('explain agrees with reach on the reach cases', () => {
  if (!suite.dir) {
    it('reach cases', (t) => {
      console.log(`# skipped: ${suite.reason}`);
      t.skip(suite.reason);
    });
    return;
  }
  for (const c of JSON.parse(fs.readFileSync(path.join(suite.dir, 'cases.json'), 'utf8')) as FamilyCase[]) {
    it(`${c.case}: the pairs explain allows, with their connections, are reach's`, async () => {
      const { explained, reached } = await explainAndReachPairs(suite.dir!, c.input);
      assert.deepEqual(explained, reached);
    });
  }
});
