// The fuzzer (issue 9): generated and mutated workspaces through reading, indexing, every
// diagnostic, hover/completion/definition/references/code lens at arbitrary offsets and the graph.
// Properties: nothing throws; a full index and the edit path give the same results; so does any
// order of reading the files. Seeded and bounded here; `npm run fuzz -- --runs N [--seed S]` runs longer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Analysis } from '../../server/src/analysis/workspaceAnalysis';
import { codeLenses } from '../../server/src/features/codeLens';
import { complete } from '../../server/src/features/completion';
import { createDiagnosticContext } from '../../server/src/features/context';
import { diagnoseFile } from '../../server/src/features/diagnostics';
import { hover } from '../../server/src/features/hover';
import { definition, references } from '../../server/src/features/navigation';
import { WorkspaceIndex } from '../../server/src/index/workspaceIndex';
import { graphOf } from '../../server/src/lsp/graph';
import { workspace, type FuzzFile } from './fuzzInputs';

const RUNS = Number(process.env.K8S_NETMAP_FUZZ_RUNS) || 0;
const SEED = Number(process.env.K8S_NETMAP_FUZZ_SEED) || 20261201;
/** Cases per property; `npm test` runs the defaults (a few thousand in all). */
const runs = (n: number): number => (RUNS > 0 ? RUNS : n);
let inputsRun = 0;

const uriOf = (f: FuzzFile): string => `file:///ws/${f.path}`;

/** Everything the features answer about a workspace, as comparable JSON. */
function observe(analysis: Analysis, files: FuzzFile[], offsets: number[]): string {
  const ctx = createDiagnosticContext(analysis);
  const out: unknown[] = [];
  for (const f of [...files].sort((a, b) => (uriOf(a) < uriOf(b) ? -1 : 1))) {
    const uri = uriOf(f);
    out.push(uri, diagnoseFile(ctx, uri), codeLenses(analysis, uri));
    for (const raw of offsets) {
      const offset = raw % (f.text.length + 1);
      out.push(offset, hover(analysis, uri, offset) ?? null, definition(analysis, uri, offset), references(analysis, uri, offset, raw % 2 === 0), complete(analysis, uri, f.text, offset));
    }
  }
  out.push(graphOf(analysis));
  return JSON.stringify(out);
}

/** A full index, as the CLI and the server's scan build it: one bulk load in path order. */
function fullIndex(files: FuzzFile[]): Analysis {
  const index = new WorkspaceIndex();
  index.bulk(() => {
    for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) index.setFile(uriOf(f), f.text);
  });
  return new Analysis(index);
}

const offsets = fc.array(fc.nat(), { minLength: 1, maxLength: 4 });

describe('fuzz: generated and mutated workspaces', { timeout: RUNS > 0 ? 0 : 120_000 }, () => {
  it('nothing throws: reading, indexing, diagnostics, features at any offset, the graph', () => {
    fc.assert(
      fc.property(workspace, offsets, (files, offs) => {
        inputsRun++;
        observe(fullIndex(files), files, offs);
      }),
      { seed: SEED, numRuns: runs(1000) },
    );
  });

  it('the edit path (files added, emptied, removed and restored one by one) gives what a full index gives', () => {
    fc.assert(
      fc.property(workspace, offsets, fc.nat(), (files, offs, pick) => {
        inputsRun++;
        const index = new WorkspaceIndex();
        const analysis = new Analysis(index);
        analysis.reachability();
        for (const f of files) {
          index.setFile(uriOf(f), '');
          analysis.reachability();
        }
        for (const f of [...files].reverse()) {
          index.setFile(uriOf(f), f.text);
          analysis.reachability();
        }
        const gone = files[pick % files.length]!;
        index.removeFile(uriOf(gone));
        analysis.reachability();
        index.setFile(uriOf(gone), gone.text);
        assert.equal(observe(analysis, files, offs), observe(fullIndex(files), files, offs));
      }),
      { seed: SEED + 1, numRuns: runs(500) },
    );
  });

  it('any order of reading the files gives the same results', () => {
    fc.assert(
      fc.property(
        workspace.chain((files) => fc.tuple(fc.constant(files), fc.shuffledSubarray(files, { minLength: files.length, maxLength: files.length }))),
        offsets,
        ([files, shuffled], offs) => {
          inputsRun++;
          const index = new WorkspaceIndex();
          for (const f of shuffled) index.setFile(uriOf(f), f.text);
          assert.equal(observe(new Analysis(index), files, offs), observe(fullIndex(files), files, offs));
        },
      ),
      { seed: SEED + 2, numRuns: runs(500) },
    );
  });

  it('an analysis built in slices, with an edit (and maybe a question) arriving mid-build, gives what a full index gives', async () => {
    // Reason: the server builds the engine in portions after the scan (Analysis.prepare); edits
    // that land between portions are applied after it, and a question finishes the build at once.
    await fc.assert(
      fc.asyncProperty(workspace, offsets, fc.nat(), fc.nat({ max: 12 }), fc.boolean(), async (files, offs, pick, turns, ask) => {
        inputsRun++;
        const gone = files[pick % files.length]!;
        const analysis = fullIndex(files.filter((f) => f !== gone));
        const built = analysis.prepare(0, { routing: 1, workloads: 1, policies: 1, policyReads: 1 });
        for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
        analysis.index.setFile(uriOf(gone), gone.text);
        if (ask) analysis.reachability();
        await built;
        assert.equal(observe(analysis, files, offs), observe(fullIndex(files), files, offs));
      }),
      { seed: SEED + 3, numRuns: runs(300) },
    );
  });

  it('reports how many inputs ran', () => {
    assert.ok(inputsRun > 0);
    console.log(`fuzz: ${inputsRun} generated workspaces run (seed ${SEED})`);
  });
});
