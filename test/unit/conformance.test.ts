// netpol-analyzer's reachability cases (../shared/conformance/netpol-analyzer): `k8s-netmap reach
// cases/<case>` must print expected/<case>.txt exactly. Skipped, with the reason, where ../shared
// is absent (a user's fresh clone); CI always has it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runReach } from '../../server/src/cli/reach';
import { conformanceRoot } from './conformanceRoot';

interface Case {
  case: string;
  input: string;
  expected: string;
}

const suite = conformanceRoot();
const casesFile = suite ? path.join(suite, 'cases.json') : undefined;
const available = casesFile !== undefined && fs.existsSync(casesFile);

describe('netpol-analyzer conformance (reach)', () => {
  if (!available) {
    const reason = `${suite ?? '../shared'} not found: conformance cases need it`;
    it('conformance cases', (t) => {
      console.log(`# skipped: ${reason}`);
      t.skip(reason);
    });
    return;
  }
  const cases = JSON.parse(fs.readFileSync(casesFile!, 'utf8')) as Case[];
  it('lists the 30 cases', () => assert.equal(cases.length, 30));
  for (const c of cases) {
    it(c.case, async () => {
      let stdout = '';
      let stderr = '';
      const code = await runReach([c.input], {
        stdout: (s) => (stdout += s),
        stderr: (s) => (stderr += s),
        cwd: suite!,
        readStdin: async () => '',
      });
      assert.equal(code, 0, stderr);
      const expected = fs.readFileSync(path.join(suite!, c.expected), 'utf8');
      assert.equal(stdout, expected);
    });
  }
});
