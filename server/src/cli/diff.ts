// `k8s-netmap diff <dir1> <dir2>` and `k8s-netmap diff --base <rev> [--head <rev>] [path]`:
// which connections a change opens, closes or alters (SPEC §4). A thin layer: argument handling
// (parseDiffArgs, kept apart), loading the two trees (folders or git revisions), then the
// analysis layer's diff model and formats.
// Exit codes: 0 done (whatever the diff), 1 with --fail-on when the diff has what it names, 2 bad
// usage / no readable input / a git error.

import { diffConnectivity, formatDiffJson, formatDiffMarkdown, formatDiffText, sideOf, type ConnectivityDiff } from '../analysis/diff';
import { ReachabilityEngine, inputFromSource } from '../analysis/reachability';
import { displayPath } from '../index/files';
import type { AnalysisSettings } from '../model/types';
import { failOnMatches, type FailOn } from '../analysis/diff/failOn';
import { formatDiffSarif } from './diffSarif';
import { loadTrees, TreeError, type LoadedTree } from './diffTrees';
import { SETTINGS_FLAGS, UsageError, lastValue, parseArgs, settingsFromArgs, type CliIO } from './options';
import { reportSyntaxErrors } from './reach';

const FORMATS = ['text', 'json', 'md', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const FAIL_ON = ['added', 'exposure-added'] as const;

export const DIFF_USAGE = `usage: k8s-netmap diff <dir1> <dir2> [options]
       k8s-netmap diff --base <rev> [--head <rev>] [path] [options]

Connections allowed in the second tree and not the first (added), the reverse (removed), or
allowed in both with other ports (changed), as netpol-analyzer's "Connectivity diff".
  --base REV        compare git revision REV with the working tree under path (default .)
  --head REV        with --base: compare two revisions (nothing is checked out)
  -o, --format F    text (default) | json | md (a table for a pull-request comment) | sarif
  --fail-on WHAT    exit 1 when the diff has: added (a connection added or widened) |
                    exposure-added (one from outside the cluster: addresses, the ingress
                    controller, entire-cluster)
  --default-namespace NS, --ingress-controller JSON   as for reach
`;

export interface DiffOptions {
  format: Format;
  failOn?: FailOn;
  base?: string;
  head?: string;
  paths: string[];
  settings: Partial<AnalysisSettings>;
}

/** Arguments → options, or 'help'. Throws UsageError. */
export function parseDiffArgs(args: string[]): DiffOptions | 'help' {
  if (args.includes('-h') || args.includes('--help')) return 'help';
  const expanded = args.map((a) => (a === '-o' ? '--format' : a.startsWith('-o=') ? `--format=${a.slice(3)}` : a));
  const parsed = parseArgs(expanded, ['format', 'fail-on', 'base', 'head', ...SETTINGS_FLAGS]);
  const format = (lastValue(parsed, 'format') ?? 'text') as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  const failOn = lastValue(parsed, 'fail-on') as FailOn | undefined;
  if (failOn !== undefined && !FAIL_ON.includes(failOn)) throw new UsageError(`--fail-on must be one of ${FAIL_ON.join(', ')}`);
  const base = lastValue(parsed, 'base');
  const head = lastValue(parsed, 'head');
  const paths = parsed.paths;
  if (head !== undefined && base === undefined) throw new UsageError('--head needs --base');
  if (base !== undefined) {
    if (paths.length > 1) throw new UsageError('with --base, give at most one path');
  } else if (paths.length !== 2) {
    throw new UsageError('diff needs two paths (or --base REV)');
  }
  if (paths.includes('-')) throw new UsageError('diff reads folders or git revisions, not standard input');
  return { format, failOn, base, head, paths, settings: settingsFromArgs(parsed).settings };
}

export async function runDiff(args: string[], io: CliIO): Promise<number> {
  let options: DiffOptions | 'help';
  try {
    options = parseDiffArgs(args);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`k8s-netmap diff: ${error.message}\n${DIFF_USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    io.stdout(DIFF_USAGE);
    return 0;
  }

  let trees: [LoadedTree, LoadedTree];
  try {
    trees = await loadTrees(options, io.cwd);
  } catch (error) {
    if (error instanceof TreeError) {
      io.stderr(`k8s-netmap diff: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  for (const tree of trees) {
    for (const s of tree.skipped) io.stderr(`${tree.label}: ${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
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

