// `k8s-netmap diff <dir1> <dir2>` and `k8s-netmap diff --base <rev> [--head <rev>] [path]`:
// which connections a change opens, closes or alters (SPEC §4). A thin layer: its options table
// (run by runner.ts), loading the two trees (folders or git revisions), then the analysis layer's
// diff model and formats.
// Exit codes: 0 done (whatever the diff), 1 with --fail-on when the diff has what it names, 2 bad
// usage / no readable input / a git error, 3 internal error.

import { diffConnectivity, formatDiffJson, formatDiffMarkdown, formatDiffText, sideOf, type ConnectivityDiff } from '../analysis/diff';
import { ReachabilityEngine, inputFromSource } from '../analysis/reachability';
import { displayPath } from '../host/files';
import { limitHeapGrowth } from '../host/heapGrowth';
import type { AnalysisSettings } from '../model/types';
import { failOnMatches, type FailOn } from '../analysis/diff/failOn';
import { formatDiffSarif } from './diffSarif';
import { loadTrees, TreeError, type LoadedTree } from './diffTrees';
import { type CliIO, stringValue, UsageError } from './options';
import { type CommandArgs, type CommandIO, type CommandSpec, runCommand } from './runner';
import { reportSyntaxErrors } from './reach';

const FORMATS = ['text', 'json', 'md', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['added', 'exposure-added'] as const;

export const DIFF: CommandSpec = {
  name: 'diff',
  summary: 'Connections allowed in the second tree and not the first (added), the reverse (removed), or in both with other ports (changed), as netpol-analyzer\'s "Connectivity diff".',
  operands: '<dir1> <dir2> | --base REV [--head REV] [path]',
  formats: FORMATS,
  minPaths: 0,
  options: {
    base: { type: 'string', value: 'REV', help: 'compare git revision REV with the working tree under path (default .)' },
    head: { type: 'string', value: 'REV', help: 'with --base: compare two revisions (nothing is checked out)' },
    'fail-on': {
      type: 'string',
      value: 'added|exposure-added',
      help: 'exit 1 when the diff has: added (a connection added or widened) | exposure-added (one from outside the cluster: addresses, the ingress controller, entire-cluster)',
    },
  },
  notes: 'md is a table for a pull-request comment.\nexit codes: 0 done (whatever the diff), 1 with --fail-on when the diff has what it names, 2 bad usage, no readable input or a git error, 3 internal error',
  run: diffCommand,
};

export function runDiff(args: string[], io: CliIO): Promise<number> {
  return runCommand(DIFF, args, io);
}

interface DiffOptions {
  format: Format;
  failOn?: FailOn;
  base?: string;
  head?: string;
  paths: string[];
  settings: Partial<AnalysisSettings>;
}

/** The command's values → diff options. Throws UsageError. */
function diffOptions(args: CommandArgs): DiffOptions {
  const format = args.format as Format;
  const failOn = stringValue(args.values, 'fail-on') as FailOn | undefined;
  if (failOn !== undefined && !FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  const base = stringValue(args.values, 'base');
  const head = stringValue(args.values, 'head');
  const paths = args.paths;
  if (head !== undefined && base === undefined) throw new UsageError('--head needs --base');
  if (base !== undefined) {
    if (paths.length > 1) throw new UsageError('with --base, give at most one path');
  } else if (paths.length !== 2) {
    throw new UsageError('diff needs two paths (or --base REV)');
  }
  if (paths.includes('-')) throw new UsageError('diff reads folders or git revisions, not standard input');
  return { format, failOn, base, head, paths, settings: args.settings };
}

async function diffCommand(args: CommandArgs, io: CommandIO): Promise<number> {
  const options = diffOptions(args);
  let trees: [LoadedTree, LoadedTree];
  try {
    trees = await loadTrees(options, io.cwd);
    limitHeapGrowth(); // both trees read (bin.ts let the heap grow freely meanwhile)
  } catch (error) {
    if (error instanceof TreeError) {
      io.stderr(`k8s-netmap diff: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const tree of trees) {
    for (const s of tree.skipped) io.note(`${tree.label}: ${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
    for (const file of tree.index.parsedFiles()) reportSyntaxErrors(file, io);
  }
  if (trees[0].fileCount === 0 && trees[1].fileCount === 0) {
    io.stderr('k8s-netmap diff: no readable input in either tree\n');
    return 2;
  }

  const [engine1, engine2] = trees.map((t) => new ReachabilityEngine(inputFromSource(t.index)));
  const diff = diffConnectivity(sideOf(engine1), sideOf(engine2));
  io.stdout(render(options.format, diff, trees, engine1, engine2, io.cwd));
  return options.failOn && failOnMatches(diff, options.failOn) ? 1 : 0;
}

function render(
  format: Format,
  diff: ConnectivityDiff,
  trees: [LoadedTree, LoadedTree],
  engine1: ReachabilityEngine,
  engine2: ReachabilityEngine,
  cwd: string,
): string {
  switch (format) {
    case 'text':
      return formatDiffText(diff);
    case 'json':
      return formatDiffJson(diff);
    case 'md':
      return formatDiffMarkdown(diff, { ref1: trees[0].label, ref2: trees[1].label });
    case 'sarif':
      return formatDiffSarif(diff, { index: trees[0].index, engine: engine1 }, { index: trees[1].index, engine: engine2 }, cwd);
  }
}

