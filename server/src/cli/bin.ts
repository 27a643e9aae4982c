// The executable behind `k8s-netmap` (dist/cli.js): process I/O around `main`, kept apart so that
// importing the CLI (tests, other bundles) never runs it.
import * as v8 from 'node:v8';
import { growHeapWhileLoading } from '../host/heapGrowth';
import { main } from './main';
import type { CliIO } from './options';

growHeapWhileLoading(); // limited again once the inputs are indexed (cli/load.ts, cli/diffTrees.ts)
limitInlining();

/**
 * A smaller inlining budget for TurboFan (920 bytes of bytecode by default), unless the user gave
 * one (NODE_OPTIONS, node's own flags). A run of the CLI is short: TurboFan compiles its hot
 * functions once, on another thread, and that compile time is CPU the run pays
 * (perf: 27 % of check's CPU samples at M, 12 % at L; compilePolicy, serviceFindings,
 * policyOpenWorld each took 0.2-0.5 s to compile with everything they call inlined).
 */
function limitInlining(): void {
  if (!`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes('max-inlined-bytecode-size-cumulative')) {
    v8.setFlagsFromString('--max-inlined-bytecode-size-cumulative=200');
  }
}

function readStdin(): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
}

const io: CliIO = {
  stdout: (s) => void process.stdout.write(s),
  stdoutBytes: (bytes) => void process.stdout.write(bytes),
  stderr: (s) => void process.stderr.write(s),
  cwd: process.cwd(),
  readStdin,
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`k8s-netmap: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  },
);
