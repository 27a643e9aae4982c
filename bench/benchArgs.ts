// The bench's command line, read with node:util parseArgs. Strict: an unknown or misspelt option
// stops with the usage rather than silently running the full (long) default bench.
import { parseArgs } from 'node:util';

export const BENCH_USAGE = `usage: node --expose-gc dist/bench.js [options]   (npm run bench -- [options])
  (no mode)              generate S, M, L under .bench/ and print every figure; writes .bench/results.json
    --sizes=S,M,L        only these sizes
    --no-reach           skip the reachability engine sections
  --cli-dir=DIR          on a workspace made elsewhere (e.g. ../shared/bench/gen.mjs): the CLI beside the
                         parser floors, the server's warm starts, and every file opened in the server
    --yls=PATH           compare every-file-opened with yaml-language-server (its bin/yaml-language-server)
  --lsp-edit=DIR         only editing through the server on DIR
    --edits=N            edits per kind (10)      --hovers=N   hovers (210)
    --kinds=A,B          only these edit kinds (names as printed, e.g. Namespace,Service)
    --cpu-prof=DIR       write the server's CPU profiles to DIR
  --rounds=N             CLI figures: best of N child runs (1)
  --no-cli               skip the CLI figures
  --floor=jsyaml|yaml DIR  (internal) one parser floor in a child process
  -h, --help             this text`;

export interface BenchOptions {
  help: boolean;
  sizes?: string[];
  noReach: boolean;
  cliDir?: string;
  yls?: string;
  lspEdit?: string;
  edits: number;
  hovers: number;
  kinds?: string[];
  cpuProf?: string;
  rounds: number;
  noCli: boolean;
  floor?: { parser: string; dir: string };
}

function positiveInteger(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive whole number, not "${text}"`);
  return n;
}

const list = (text: string | undefined) => text?.split(',').filter((s) => s.length > 0);

/** Throws (with a message meant for the user) on an unknown option or a bad value. */
export function readBenchArgs(argv: readonly string[]): BenchOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      sizes: { type: 'string' },
      'no-reach': { type: 'boolean' },
      'cli-dir': { type: 'string' },
      yls: { type: 'string' },
      'lsp-edit': { type: 'string' },
      edits: { type: 'string' },
      hovers: { type: 'string' },
      kinds: { type: 'string' },
      'cpu-prof': { type: 'string' },
      rounds: { type: 'string' },
      'no-cli': { type: 'boolean' },
      floor: { type: 'string' },
    },
  });
  if (values.floor !== undefined && positionals.length !== 1) throw new Error('--floor=PARSER takes one workspace folder after it');
  if (values.floor === undefined && positionals.length > 0) throw new Error(`unexpected argument "${positionals[0]}"`);
  const sizes = list(values.sizes);
  const unknownSize = sizes?.find((s) => !['S', 'M', 'L'].includes(s));
  if (unknownSize) throw new Error(`--sizes takes S, M and L, not "${unknownSize}"`);
  return {
    help: values.help ?? false,
    ...(sizes ? { sizes } : {}),
    noReach: values['no-reach'] ?? false,
    ...(values['cli-dir'] !== undefined ? { cliDir: values['cli-dir'] } : {}),
    ...(values.yls !== undefined ? { yls: values.yls } : {}),
    ...(values['lsp-edit'] !== undefined ? { lspEdit: values['lsp-edit'] } : {}),
    edits: positiveInteger('edits', values.edits, 10),
    hovers: positiveInteger('hovers', values.hovers, 210),
    ...(values.kinds !== undefined ? { kinds: list(values.kinds) } : {}),
    ...(values['cpu-prof'] !== undefined ? { cpuProf: values['cpu-prof'] } : {}),
    rounds: positiveInteger('rounds', values.rounds, 1),
    noCli: values['no-cli'] ?? false,
    ...(values.floor !== undefined ? { floor: { parser: values.floor, dir: positionals[0]! } } : {}),
  };
}
