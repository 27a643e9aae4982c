// `k8s-netmap reach <paths…|-> [--format text|json] [--exposure] [--focus W]… [--focus-peer W]…
//   [--focus-direction ingress|egress] [--focus-conn PROTO-PORT] [--default-namespace NS]
//   [--ingress-controller JSON]` (SPEC §4; the views are in analysis/reachability/exposureText.ts).
// Exit codes: 0 done, 2 bad usage or no readable input. Files that do not parse are reported on
// stderr and skipped; the rest is analysed.

import { ReachabilityEngine, formatJson, inputFromSource } from '../analysis/reachability';
import { focusedPairs, parseFocusConn, reachViewText, unknownFocus, type ReachViewOptions } from '../analysis/reachability/exposureText';
import { displayPath } from '../index/files';
import { loadInputs } from './load';
import type { ParsedFile } from '../model/types';
import { SETTINGS_FLAGS, UsageError, lastValue, parseArgs, settingsFromArgs, type CliIO } from './options';

const REACH_FLAGS = ['format', 'focus', 'focus-peer', 'focus-direction', 'focus-conn', ...SETTINGS_FLAGS] as const;

export const REACH_USAGE =
  'usage: k8s-netmap reach <paths…|-> [--format text|json] [--exposure] [--focus W]… [--focus-peer W]… ' +
  '[--focus-direction ingress|egress] [--focus-conn PROTO-PORT] [--default-namespace NS] [--ingress-controller JSON]\n' +
  '  W is a peer as printed (ns/name[Kind]), ns/name or a bare name\n';

export async function runReach(args: string[], io: CliIO): Promise<number> {
  let paths: string[];
  let format: string;
  let view: ReachViewOptions;
  let settings;
  let cacheDir: string | undefined;
  try {
    const exposure = args.includes('--exposure'); // the one flag without a value
    const parsed = parseArgs(
      args.filter((a) => a !== '--exposure'),
      REACH_FLAGS,
    );
    paths = parsed.paths;
    if (paths.length === 0) throw new UsageError('no paths given');
    format = lastValue(parsed, 'format') ?? 'text';
    if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, got '${format}'`);
    const focus = parsed.values.get('focus') ?? [];
    const fd = lastValue(parsed, 'focus-direction');
    if (fd !== undefined && fd !== 'ingress' && fd !== 'egress') throw new UsageError(`--focus-direction must be ingress or egress, got '${fd}'`);
    if (fd !== undefined && focus.length === 0) throw new UsageError('--focus-direction needs --focus');
    const focusConn = lastValue(parsed, 'focus-conn');
    if (focusConn !== undefined) {
      try {
        parseFocusConn(focusConn);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    if ((exposure || focusConn !== undefined) && format !== 'text') throw new UsageError('--exposure and --focus-conn print text only');
    view = { exposure, focus, focusPeers: parsed.values.get('focus-peer') ?? [], focusDirection: fd, focusConn };
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

  for (const f of unknownFocus(engine, view.focus ?? [])) io.stderr(`k8s-netmap reach: --focus ${f} names no peer\n`);
  if (format === 'json') {
    const lines = focusedPairs(engine.pairs(), view).map((p) => ({ src: p.src.name, dst: p.dst.name, conn: p.conns.toString() }));
    io.stdout(formatJson(lines));
  } else io.stdout(reachViewText(engine, view));
  return 0;
}

export function reportSyntaxErrors(file: ParsedFile, io: CliIO): void {
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
