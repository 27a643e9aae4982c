// `k8s-netmap reach <paths…|-> [--format text|json] [--focus ns/name] [--focus-direction ingress|egress]
//   [--default-namespace NS] [--ingress-controller JSON]` (SPEC §4).
// Exit codes: 0 done, 2 bad usage or no readable input. Files that do not parse are reported on
// stderr and skipped; the rest is analysed.

import { ReachabilityEngine, formatJson, formatText, inputFromSource, toLines } from '../analysis/reachability';
import { displayPath } from '../index/files';
import { loadInputs } from './load';
import type { ParsedFile } from '../model/types';
import { SETTINGS_FLAGS, UsageError, lastValue, parseArgs, settingsFromArgs, type CliIO } from './options';

const REACH_FLAGS = ['format', 'focus', 'focus-direction', ...SETTINGS_FLAGS] as const;

export const REACH_USAGE =
  'usage: k8s-netmap reach <paths…|-> [--format text|json] [--focus ns/name[Kind]] [--focus-direction ingress|egress] ' +
  '[--default-namespace NS] [--ingress-controller JSON]\n';

export async function runReach(args: string[], io: CliIO): Promise<number> {
  let paths: string[];
  let format: string;
  let focus: string | undefined;
  let focusDirection: 'ingress' | 'egress' | undefined;
  let settings;
  let cacheDir: string | undefined;
  try {
    const parsed = parseArgs(args, REACH_FLAGS);
    paths = parsed.paths;
    if (paths.length === 0) throw new UsageError('no paths given');
    format = lastValue(parsed, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
    focus = lastValue(parsed, 'focus');
    const fd = lastValue(parsed, 'focus-direction');
    if (fd !== undefined && fd !== 'ingress' && fd !== 'egress') throw new UsageError(`--focus-direction must be ingress or egress, got '${fd}'`);
    if (fd !== undefined && focus === undefined) throw new UsageError('--focus-direction needs --focus');
    focusDirection = fd;
    settings = settingsFromArgs(parsed).settings;
    cacheDir = lastValue(parsed, 'cache');
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`k8s-netmap reach: ${error.message}\n${REACH_USAGE}`);
      return 2;
    }
    throw error;
  }

  const { index, skipped, fileCount } = await loadInputs(paths, io, settings, cacheDir);
  for (const s of skipped) io.stderr(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  for (const file of index.parsedFiles()) reportSyntaxErrors(file, io);
  if (fileCount === 0) {
    io.stderr('k8s-netmap reach: no readable input\n');
    return 2;
  }

  const engine = new ReachabilityEngine(inputFromSource(index));
  for (const w of engine.labelGapWarnings()) io.stderr(`warning: ${w}\n`);

  let focusPeers: Set<string> | undefined;
  if (focus !== undefined) {
    focusPeers = resolveFocus(engine, focus);
    if (focusPeers.size === 0) io.stderr(`k8s-netmap reach: --focus ${focus} names no peer\n`);
  }
  const lines = toLines(engine.pairs(), focusPeers && { peers: focusPeers, direction: focusDirection });
  io.stdout(format === 'json' ? formatJson(lines) : formatText(lines));
  return 0;
}

/** `--focus` takes a peer as printed (`ns/name[Kind]`), or `ns/name` for every peer of that name whatever its kind. */
function resolveFocus(engine: ReachabilityEngine, focus: string): Set<string> {
  if (engine.peer(focus)) return new Set([focus]);
  return new Set(engine.peers().filter((p) => p.name.slice(0, p.name.lastIndexOf('[')) === focus).map((p) => p.name));
}

function reportSyntaxErrors(file: ParsedFile, io: CliIO): void {
  for (const p of file.problems) {
    if (p.code !== 'yaml-syntax') continue;
    const { line, col } = position(file.lineStarts, p.span.start);
    const message = p.message.split('\n')[0].slice(0, 200);
    io.stderr(`${displayPath(file.uri, io.cwd)}:${line}:${col}: error yaml-syntax ${message} (document skipped)\n`);
  }
}

function position(lineStarts: number[], offset: number): { line: number; col: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, col: offset - (lineStarts[lo] ?? 0) + 1 };
}
