// The findings a file decides alone (features/fileChecks.ts), which the server publishes for an
// edit made before the workspace index is whole: they must be exactly what the full diagnostics
// say under the catalogue's file-scoped codes, whatever the rest of the workspace holds — on every
// file of the examples, the fixtures and the shared corpus (analysed together), and on fuzzed
// workspaces, where the same file is diagnosed alone and inside its workspace.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { diagnoseFileAlone } from '../../server/src/features/fileChecks';
import { FILE_SCOPED_CODES, type Finding, RULES, type RuleSeverities } from '../../server/src/features/rules';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { parseFile } from '../../server/src/yaml/parseFile';
import { workspace } from './fuzzInputs';
import { manifestFilesUnder, y } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..', '..'); // test/out/unit → the repository
const CORPUS = path.join(ROOT, '..', 'shared', 'corpus');

/** Every file's full findings, restricted to file-scoped codes, against its findings alone (read by itself). */
function compareAlone(files: Array<{ uri: string; text: string }>, rules: RuleSeverities = {}): number {
  const index = new WorkspaceIndex();
  index.bulk(() => {
    for (const f of files) index.setFile(f.uri, f.text);
  });
  const ctx = createDiagnosticContext(new Analysis(index), rules);
  let compared = 0;
  for (const f of files) {
    const full = diagnoseFile(ctx, f.uri).filter((x) => FILE_SCOPED_CODES.has(x.code));
    const alone = diagnoseFileAlone(parseFile(f.uri, f.text), rules);
    assert.deepEqual(alone, full, `${f.uri}: the findings it decides alone differ from the full diagnostics' file-scoped ones`);
    compared += alone.length;
  }
  return compared;
}

describe('findings a file decides alone (fileChecks.ts)', () => {
  it('are the full diagnostics under file-scoped codes, on every file of the examples, fixtures and shared corpus', (t) => {
    if (!fs.existsSync(CORPUS)) t.diagnostic(`no shared corpus at ${CORPUS}: examples and fixtures only`);
    for (const dir of [path.join(ROOT, 'examples'), path.join(ROOT, 'test', 'fixtures'), CORPUS]) {
      const files = manifestFilesUnder(dir).map((file) => ({ uri: `file://${file}`, text: fs.readFileSync(file, 'utf8') }));
      const findings = compareAlone(files);
      t.diagnostic(`${path.basename(dir)}: ${files.length} files, ${findings} findings decided alone`);
    }
  });

  it('are the full diagnostics under file-scoped codes on fuzzed workspaces, with rules turned off or re-rated', () => {
    const rules = fc.dictionary(fc.constantFrom(...RULES.map((r) => r.code)), fc.constantFrom<'off' | 'info' | 'error'>('off', 'info', 'error'), { maxKeys: 3 });
    fc.assert(
      fc.property(workspace, rules, (files, r) => {
        compareAlone(files.map((f) => ({ uri: `file:///ws/${f.path}`, text: f.text })), r);
      }),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it("hold for a later copy of an object too: the API server would reject it as it would the copy in use", () => {
    const copy = y('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', 'spec:', '  selector:', '    app: web', '  ports:', '    - port: 99999');
    const files = [
      { uri: 'file:///ws/a.yaml', text: copy },
      { uri: 'file:///ws/b.yaml', text: copy },
    ];
    compareAlone(files);
    const alone: Finding[] = diagnoseFileAlone(parseFile(files[1]!.uri, copy), {});
    assert.deepEqual(
      alone.map((f) => f.code),
      ['port-invalid'],
    );
  });
});
