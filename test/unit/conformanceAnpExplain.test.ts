// netpol-analyzer's AdminNetworkPolicy / BaselineAdminNetworkPolicy explain cases
// (../shared/conformance/netpol-analyzer/anp-explain): `k8s-netmap reach --explain` (with each
// case's options: exposure, explain-only, focus) must print expected/<case>.txt, compared line by
// line without blank lines and trailing blanks (the family's README). Skipped, with the reason,
// where ../shared is absent. Also, on every input of the anp/ family, what explain allows must be
// what reach prints (the tiers explained are the tiers evaluated).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { explainAndReachPairs, meaningfulLines, runCase, suiteDir, type FamilyCase } from './conformanceFamily';

const suite = suiteDir();

describe('netpol-analyzer conformance (reach --explain through the ANP/BANP tiers)', () => {
  const dir = suite.dir && path.join(suite.dir, 'anp-explain');
  if (!dir || !fs.existsSync(path.join(dir, 'cases.json'))) {
    it('anp-explain cases', (t) => {
      console.log(`# skipped: ${suite.reason || `${dir} not found`}`);
      t.skip(suite.reason || 'anp-explain cases not found');
    });
    return;
  }
  const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as FamilyCase[];
  it('lists the 18 cases', () => assert.equal(cases.length, 18));
  for (const c of cases) {
    it(c.case, async () => {
      const { code, stdout, stderr } = await runCase(dir, c);
      assert.equal(code, 0, stderr);
      assert.deepEqual(meaningfulLines(stdout), meaningfulLines(fs.readFileSync(path.join(dir, c.expected), 'utf8')));
    });
  }
});

describe('explain agrees with reach through the tiers (anp/ inputs)', () => {
  const dir = suite.dir && path.join(suite.dir, 'anp');
  if (!dir || !fs.existsSync(path.join(dir, 'cases.json'))) {
    it('anp inputs', (t) => {
      console.log(`# skipped: ${suite.reason || `${dir} not found`}`);
      t.skip(suite.reason || 'anp cases not found');
    });
    return;
  }
  const inputs = [...new Set((JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as FamilyCase[]).map((c) => c.input))];
  for (const input of inputs) {
    it(`${input}: the pairs explain allows, with their connections, are reach's`, async () => {
      const { explained, reached } = await explainAndReachPairs(dir, input);
      assert.deepEqual(explained, reached);
    });
  }
});
