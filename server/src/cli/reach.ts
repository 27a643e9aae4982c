// `k8s-netmap reach <paths…|-> [--format text|json] [--exposure] [--focus W]… [--focus-peer W]…
//   [--focus-direction ingress|egress] [--focus-conn PROTO-PORT] [--explain [--explain-only allow|deny]]
//   [--default-namespace NS] [--ingress-controller JSON]` (SPEC §4; the views are in
//   analysis/reachability/exposureText.ts, the explanation in analysis/explain).
// Exit codes: 0 done, 2 bad usage or no readable input. Files that do not parse are reported on
// stderr and skipped; the rest is analysed.

import { explainAll, formatExplain } from '../analysis/explain';
import { ReachabilityEngine, formatJson, inputFromSource } from '../analysis/reachability';
import { exposureText, focusKeeps, focusedPairs, parseFocusConn, reachViewText, unknownFocus, type ReachViewOptions } from '../analysis/reachability/exposureText';
import { displayPath } from '../index/files';
import { loadInputs } from './load';
import type { ParsedFile } from '../model/types';
import { SETTINGS_FLAGS, UsageError, lastValue, parseArgs, settingsFromArgs, type CliIO } from './options';

const REACH_FLAGS = ['format', 'focus', 'focus-peer', 'focus-direction', 'focus-conn', 'explain-only', 'cache', ...SETTINGS_FLAGS] as const;

export const REACH_USAGE =
  'usage: k8s-netmap reach <paths…|-> [--format text|json] [--exposure] [--focus W]… [--focus-peer W]… ' +
  '[--focus-direction ingress|egress] [--focus-conn PROTO-PORT] [--explain [--explain-only allow|deny]] ' +
  '[--default-namespace NS] [--ingress-controller JSON]\n' +
  '  W is a peer as printed (ns/name[Kind]), ns/name or a bare name\n';

export async function runReach(args: string[], io: CliIO): Promise<number> {
  let paths: string[];
  let format: string;
  let view: ReachViewOptions;
  let settings;
  let cacheDir: string | undefined;
  let explain: ExplainFlags;
  try {
    const exposure = args.includes('--exposure'); // a flag without a value
    explain = explainFlags(args.filter((a) => a !== '--exposure'));
    const parsed = parseArgs(explain.rest, REACH_FLAGS);
    explain.only = explainOnly(parsed, explain.on);
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
    if ((exposure || focusConn !== undefined || explain.on) && format !== 'text') throw new UsageError('--exposure, --focus-conn and --explain print text only');
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
  if (explain.on) {
    io.stdout(explainText(engine, index, view, explain.only, io));
    return 0;
  }
  if (format === 'json') {
    const lines = focusedPairs(engine.pairs(), view).map((p) => ({ src: p.src.name, dst: p.dst.name, conn: p.conns.toString() }));
    io.stdout(formatJson(lines));
  } else io.stdout(reachViewText(engine, view));
  return 0;
}

interface ExplainFlags {
  on: boolean;
  only?: 'allow' | 'deny';
  rest: string[];
}

/** `--explain` takes no value: taken out before the value flags are read. */
function explainFlags(args: string[]): ExplainFlags {
  return { on: args.includes('--explain'), rest: args.filter((a) => a !== '--explain') };
}

function explainOnly(parsed: ReturnType<typeof parseArgs>, explain: boolean): 'allow' | 'deny' | undefined {
  const only = lastValue(parsed, 'explain-only');
  if (only === undefined) return undefined;
  if (only !== 'allow' && only !== 'deny') throw new UsageError(`--explain-only must be allow or deny, got '${only}'`);
  if (!explain) throw new UsageError('--explain-only needs --explain');
  return only;
}

/** `--explain`: the explanation of the focused pairs, then the exposure section (netpol-analyzer drops it with --explain-only). */
function explainText(engine: ReachabilityEngine, index: Parameters<typeof explainAll>[1], view: ReachViewOptions, only: 'allow' | 'deny' | undefined, io: CliIO): string {
  if (view.exposure && only) io.stderr('warning: --exposure is ignored with --explain-only\n');
  const exposure = !!view.exposure && !only;
  const fc = view.focusConn ? parseFocusConn(view.focusConn) : undefined;
  const pairs = explainAll(engine, index, { only, include: focusKeeps(view), exposure, focusConn: fc && { protocol: fc.protocol, port: fc.port } });
  let out = formatExplain(pairs);
  const section = exposure ? exposureText(engine, view) : '';
  if (section && out !== '' && out !== '\n') out += '\n';
  return out + section;
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
