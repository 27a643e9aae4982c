// The bench's command line (bench/benchArgs.ts): a misspelt option must stop with a message, not
// fall through to the full default bench (which generates S, M and L and runs for many minutes).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readBenchArgs } from '../../bench/benchArgs';

describe('bench options', () => {
  it('reads the modes and their values', () => {
    const o = readBenchArgs(['--lsp-edit=/w/L', '--edits=20', '--kinds=Namespace,Service', '--cpu-prof=/tmp/p']);
    assert.equal(o.lspEdit, '/w/L');
    assert.equal(o.edits, 20);
    assert.deepEqual(o.kinds, ['Namespace', 'Service']);
    assert.equal(o.cpuProf, '/tmp/p');
    assert.equal(o.hovers, 210);
    assert.equal(o.rounds, 1);
    assert.equal(o.noCli, false);
    const c = readBenchArgs(['--cli-dir=/w/M', '--rounds=2', '--no-cli', '--yls=/y/bin']);
    assert.deepEqual([c.cliDir, c.rounds, c.noCli, c.yls], ['/w/M', 2, true, '/y/bin']);
    assert.deepEqual(readBenchArgs(['--floor=jsyaml', '/w/M']).floor, { parser: 'jsyaml', dir: '/w/M' });
    assert.deepEqual(readBenchArgs(['--sizes=S,M', '--no-reach']).sizes, ['S', 'M']);
    assert.equal(readBenchArgs(['-h']).help, true);
  });

  it('refuses what it does not know instead of running the default bench', () => {
    assert.throws(() => readBenchArgs(['--lsp-edits=/w/L']), /Unknown option/);
    assert.throws(() => readBenchArgs(['--rounds=two']), /--rounds takes a positive whole number/);
    assert.throws(() => readBenchArgs(['--edits=0']), /--edits takes a positive whole number/);
    assert.throws(() => readBenchArgs(['--sizes=XL']), /--sizes takes S, M and L/);
    assert.throws(() => readBenchArgs(['/w/M']), /unexpected argument/);
    assert.throws(() => readBenchArgs(['--floor=yaml']), /one workspace folder/);
  });
});
