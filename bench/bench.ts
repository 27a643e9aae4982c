// `npm run bench`: speed and memory figures on generated workspaces (printed, never asserted).
//   cold index vs the bare `yaml` parse of the same files in the same run (the ratio matters),
//   diagnostics of every file, in-process edit work, and through the real server over stdio:
//   cold index, edit → diagnostics latency, hover latency, peak memory; every file opened at once
//   (beside yaml-language-server's syntax-only pass with `--yls=PATH`); then the reachability engine.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Analysis } from '../server/src/analysis/workspaceAnalysis';
import { runReachBench } from './reachBench';
import { runAdminBench } from './benchAdmin';
import { runNamespaceEditBench } from './nsEditBench';
import { createDiagnosticContext } from '../server/src/features/context';
import { diagnoseFile } from '../server/src/features/diagnostics';
import { listManifestFiles } from '../server/src/host/files';
import { WorkspaceIndex } from '../server/src/index/workspaceIndex';
import { dependentFiles, reachSensitiveFiles } from '../server/src/features/dependents';
import { bareParseAll } from './bareParse';
import { runCliBench, runFloor } from './cliBench';
import { generateWorkspace } from './generate';
import { driveOpenAll, driveServer, type LspFigures, type OpenAllFigures } from './lspDriver';
import { lspEditMain, runLspEditBench } from './lspEditBench';
import { BENCH_USAGE, readBenchArgs, type BenchOptions } from './benchArgs';

const root = path.resolve(__dirname, '..');
const options = readOptions();
const SIZES: Array<[string, number]> = ([['S', 1_000], ['M', 10_000], ['L', 50_000]] as Array<[string, number]>).filter(([s]) => !options.sizes || options.sizes.includes(s));

function readOptions(): BenchOptions {
  try {
    const read = readBenchArgs(process.argv.slice(2));
    if (read.help) {
      console.log(BENCH_USAGE);
      process.exit(0);
    }
    return read;
  } catch (e) {
    console.error(`bench: ${(e as Error).message}\n${BENCH_USAGE}`);
    process.exit(2);
  }
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const heapMB = () => process.memoryUsage().heapUsed / 1e6;

function timeBare(texts: string[]): number {
  const t = performance.now();
  for (const text of texts) bareParseAll(text);
  return performance.now() - t;
}

function timeIndex(files: string[], texts: string[]): { ms: number; index: WorkspaceIndex } {
  const t = performance.now();
  const index = new WorkspaceIndex();
  index.beginBulk();
  files.forEach((f, i) => index.setFile(pathToFileURL(f).href, texts[i]!));
  index.endBulk();
  return { ms: performance.now() - t, index };
}

const rounds = options.rounds;

/** The CLI in child processes, CPU seconds beside the parser floors (bench/cliBench.ts). */
function cliSection(dir: string): Record<string, unknown> {
  console.log(`check in child processes, CPU seconds, best of ${rounds} (the machine may be shared: wall time is noise):`);
  return runCliBench(dir, path.join(root, 'dist', 'cli.js'), path.join(root, 'dist', 'bench.js'), rounds, (l) => console.log(`  ${l}`));
}

/**
 * The server's cold index without a persisted index, with an empty one, warm, and warm after one
 * Deployment's labels changed (CPU seconds from /proc), on a copy of `dir` (the last run edits it).
 */
async function serverWarmSection(given: string): Promise<void> {
  const server = path.join(root, 'dist', 'server.js');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'k8s-netmap-warm-'));
  const storage = path.join(work, 'storage');
  const dir = path.join(work, 'workspace');
  fs.mkdirSync(storage);
  fs.cpSync(given, dir, { recursive: true });
  try {
    const runs: Array<[string, string | undefined, () => void]> = [
      ['no persisted index', undefined, () => undefined],
      ['empty persisted index', storage, () => undefined],
      ['warm persisted index', storage, () => undefined],
      ['warm, one file changed', storage, () => relabelOneDeployment(dir)],
    ];
    const figures: Array<[string, LspFigures]> = [];
    for (const [name, storagePath, before] of runs) {
      before();
      figures.push([name, await driveServer(server, dir, '', 0, 0, { indexOnly: true, ...(storagePath ? { storagePath } : {}) })]);
    }
    const base = figures[0]![1].coldIndexCpuS;
    const column = (cpu: number, wall: number): string => `CPU ${cpu.toFixed(2).padStart(6)} s  ×${(cpu / base).toFixed(2)}  wall ${(wall / 1e3).toFixed(1).padStart(5)} s`;
    console.log(
      'server cold index, CPU seconds (× the cold index without a persisted index): initialize → nine in ten lists published | → every list published | → analysed and idle (status no longer indexing):',
    );
    for (const [name, r] of figures) {
      console.log(`  ${name.padEnd(24)} ${column(r.mostDiagnosedCpuS, r.mostDiagnosedMs)}  |  ${column(r.diagnosedCpuS, r.diagnosedMs)}  |  ${column(r.coldIndexCpuS, r.coldIndexMs)}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Renames the value of the first Deployment's `app.kubernetes.io/name` label everywhere in its file (selector and pods alike). */
function relabelOneDeployment(dir: string): void {
  for (const file of listManifestFiles(dir)) {
    const text = fs.readFileSync(file, 'utf8');
    const label = /kind: Deployment\n[\s\S]*?app\.kubernetes\.io\/name: (\S+)/.exec(text);
    if (!label) continue;
    fs.writeFileSync(file, text.split(`app.kubernetes.io/name: ${label[1]}`).join(`app.kubernetes.io/name: ${label[1]}-relabelled`));
    return;
  }
}

/**
 * The server with every YAML file of `dir` opened at once (the driver waits for each file's first
 * diagnostics), and, with `--yls=PATH` (yaml-language-server's bin/yaml-language-server, installed
 * outside the project), yaml-language-server's syntax-only pass over the same files, same driver.
 */
async function openAllSection(dir: string): Promise<Record<string, OpenAllFigures>> {
  const files = listManifestFiles(dir).filter((f) => /\.ya?ml$/.test(f));
  const yls = options.yls;
  console.log(`every file opened in the server (${files.length} files), CPU seconds until the last file's first diagnostics:`);
  const line = (name: string, r: OpenAllFigures): void =>
    console.log(`  ${name.padEnd(22)} CPU ${r.cpuS.toFixed(2).padStart(7)} s   wall ${(r.diagnoseAllMs / 1e3).toFixed(1).padStart(6)} s   peak RSS ${r.peakRssMB.toFixed(0).padStart(5)} MB`);
  const ours = await driveOpenAll(path.join(root, 'dist', 'server.js'), dir, files);
  line('k8s-netmap', ours);
  if (!yls) {
    console.log('  yaml-language-server: not compared (give --yls=PATH/TO/yaml-language-server/bin/yaml-language-server)');
    return { ours };
  }
  const theirs = await driveOpenAll(path.resolve(yls), dir, files);
  line('yaml-language-server', theirs);
  console.log(
    `  yaml-language-server / k8s-netmap: CPU ×${(theirs.cpuS / ours.cpuS).toFixed(2)}, wall ×${(theirs.diagnoseAllMs / ours.diagnoseAllMs).toFixed(2)} (noise on a shared machine), peak RSS ×${(theirs.peakRssMB / ours.peakRssMB).toFixed(2)}`,
  );
  return { ours, yls: theirs };
}

async function main(): Promise<void> {
  // `--lsp-edit=DIR`: only editing through the server, on a workspace made elsewhere (bench/lspEditBench.ts).
  if (options.lspEdit !== undefined) return lspEditMain(root, options.lspEdit, options);
  if (options.floor) return runFloor(options.floor.parser, options.floor.dir);
  // `--cli-dir=DIR`: only the CLI figures, on a workspace made elsewhere (e.g. ../shared/bench/gen.mjs).
  if (options.cliDir !== undefined) {
    const dir = path.resolve(options.cliDir);
    if (!options.noCli) cliSection(dir);
    await serverWarmSection(dir);
    await openAllSection(dir);
    return;
  }
  const report: Record<string, unknown> = {};
  for (const [size, target] of SIZES) {
    const dir = path.join(root, '.bench', size);
    const gen = generateWorkspace(dir, target);
    const files = listManifestFiles(dir);
    const tRead = performance.now();
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const readMs = performance.now() - tRead;
    console.log(`\n## ${size}: ${gen.objects} objects in ${gen.files} files, ${(gen.bytes / 1e6).toFixed(1)} MB (read ${ms(readMs)})`);

    // Alternate to even out JIT warm-up; keep the better of two runs of each.
    gc();
    const bare1 = timeBare(texts);
    gc();
    const idx1 = timeIndex(files, texts);
    gc();
    const bare2 = timeBare(texts);
    idx1.index.allObjects(); // keep it alive for the heap figure below
    const heapBefore = heapMB();
    const idx2 = timeIndex(files, texts);
    gc();
    const retainedMB = heapMB() - heapBefore + 0; // the second index, with the first still held
    const bare = Math.min(bare1, bare2);
    const indexMs = Math.min(idx1.ms, idx2.ms);
    const index = idx2.index;
    console.log(`bare yaml.parseAllDocuments: ${ms(bare)}; our cold index: ${ms(indexMs)}; ratio ${(indexMs / bare).toFixed(2)}×`);

    const analysis = new Analysis(index);
    const ctx = createDiagnosticContext(analysis);
    const tDiag = performance.now();
    let findings = 0;
    for (const uri of index.fileUris()) findings += diagnoseFile(ctx, uri).length;
    const diagMs = performance.now() - tDiag;
    console.log(`diagnostics of every file: ${ms(diagMs)} (${findings} findings); heap of one index ≈ ${retainedMB.toFixed(0)} MB`);

    // The server's work after its debounce, in process, in its two phases: (1) re-read the file,
    // find its dependents and publish their link diagnostics; (2) bring the reachability engine up to
    // date and re-check the Services and routes whose NetworkPolicy verdicts may have changed.
    const editFile = files.find((f) => /svc-\d+-0\.yaml$/.test(f))!;
    const editUri = pathToFileURL(editFile).href;
    const original = fs.readFileSync(editFile, 'utf8');
    const linkOnly = { ...ctx, reachability: undefined };
    const phase1: number[] = [];
    const phase2: number[] = [];
    for (let e = 0; e < 40; e++) {
      const text = e % 2 === 0 ? original.replace(/(\n {4}app: )(\S+)/, '$1$2-edited') : original;
      const s1 = performance.now();
      const change = index.setFile(editUri, text);
      const dirty = dependentFiles(index, change);
      for (const uri of dirty) diagnoseFile(linkOnly, uri);
      phase1.push(performance.now() - s1);
      const s2 = performance.now();
      analysis.reachability();
      for (const uri of reachSensitiveFiles(index, change)) diagnoseFile(ctx, uri);
      phase2.push(performance.now() - s2);
    }
    console.log(
      `edit work after debounce (in process): link diagnostics median ${ms(quantile(phase1, 0.5))}, p95 ${ms(quantile(phase1, 0.95))}; ` +
        `NetworkPolicy follow-up median ${ms(quantile(phase2, 0.5))}, p95 ${ms(quantile(phase2, 0.95))}`,
    );
    const work = phase1.map((v, i) => v + phase2[i]!);

    const cli = options.noCli ? undefined : cliSection(dir);

    const lsp = await driveServer(path.join(root, 'dist', 'server.js'), dir, editFile, 40, 50);
    console.log(
      `server over stdio: cold index ${ms(lsp.coldIndexMs)}; edit → diagnostics median ${ms(quantile(lsp.editMs, 0.5))}, p95 ${ms(quantile(lsp.editMs, 0.95))} ` +
        `(includes the 30 ms debounce); hover median ${ms(quantile(lsp.hoverMs, 0.5))}, p95 ${ms(quantile(lsp.hoverMs, 0.95))}; peak RSS ${lsp.peakRssMB.toFixed(0)} MB`,
    );
    const openAll = await openAllSection(dir);
    console.log('editing through the server (wall ms; the machine may be shared):');
    const editing = await runLspEditBench(path.join(root, 'dist', 'server.js'), dir, { editsPerKind: 6, hovers: 210 }, (l) => console.log(`  ${l}`));
    report[size] = {
      objects: gen.objects,
      files: gen.files,
      megabytes: +(gen.bytes / 1e6).toFixed(1),
      bareParseMs: Math.round(bare),
      coldIndexMs: Math.round(indexMs),
      ratio: +(indexMs / bare).toFixed(2),
      diagnoseAllMs: Math.round(diagMs),
      editLinkPhaseMedianMs: +quantile(phase1, 0.5).toFixed(2),
      editLinkPhaseP95Ms: +quantile(phase1, 0.95).toFixed(2),
      editReachPhaseMedianMs: +quantile(phase2, 0.5).toFixed(2),
      editReachPhaseP95Ms: +quantile(phase2, 0.95).toFixed(2),
      editWorkTotalP95Ms: +quantile(work, 0.95).toFixed(2),
      serverColdIndexMs: Math.round(lsp.coldIndexMs),
      serverEditMedianMs: +quantile(lsp.editMs, 0.5).toFixed(2),
      serverEditP95Ms: +quantile(lsp.editMs, 0.95).toFixed(2),
      hoverMedianMs: +quantile(lsp.hoverMs, 0.5).toFixed(2),
      hoverP95Ms: +quantile(lsp.hoverMs, 0.95).toFixed(2),
      serverPeakRssMB: Math.round(lsp.peakRssMB),
      openAll,
      editing: { hover: Object.fromEntries(Object.entries(editing.hover).map(([k, xs]) => [k, { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) }])), editKinds: editing.editKinds },
      cli,
    };
  }
  if (!options.noReach) {
    console.log('\n## reach: 2,000 workloads, 500 NetworkPolicies, 50 namespaces');
    const reach = await runReachBench();
    for (const [k, v] of Object.entries(reach)) console.log(`${k}: ${typeof v === 'number' ? +v.toFixed(2) : v}`);
    report.reach = reach;
  }
  if (!options.noReach) {
    console.log('\n## reach with tiers: the same workspace plus 50 AdminNetworkPolicies and a BaselineAdminNetworkPolicy');
    const admin = runAdminBench();
    for (const [k, v] of Object.entries(admin)) console.log(`${k}: ${+v.toFixed(2)}`);
    report.reachAdmin = admin;
  }
  if (!options.noReach) {
    console.log('\n## reach: Namespace label edits (applyChange, CPU time), the same workspace with Namespace objects');
    const nsEdits = { strict: runNamespaceEditBench('strict'), sparse: runNamespaceEditBench('sparse') };
    for (const [iso, figures] of Object.entries(nsEdits)) for (const [k, v] of Object.entries(figures)) console.log(`${iso}.${k}: ${+v.toFixed(2)}`);
    report.reachNamespaceEdits = nsEdits;
  }
  fs.mkdirSync(path.join(root, '.bench'), { recursive: true });
  fs.writeFileSync(path.join(root, '.bench', 'results.json'), JSON.stringify(report, null, 2) + '\n');
  console.log(`\nfigures written to .bench/results.json`);
}

void main();
