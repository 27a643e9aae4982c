// `k8s-netmap reach <paths…|->` (SPEC §4): NetworkPolicy reachability between every pair of peers.
// Exit codes: 0 done, 2 bad usage or no readable input, 3 internal error. Files that do not parse
// are reported on stderr and skipped; the rest is analysed.

import { ReachabilityEngine, formatJson, formatText, inputFromSource, toLines } from '../analysis/reachability';
import { displayPath, loadPaths } from '../host/files';
import { positionAt } from '../model/positions';
import type { ParsedFile } from '../model/types';
import { type CliIO, stringValue, stringValues, UsageError } from './options';
import { type CommandArgs, type CommandIO, type CommandSpec, runCommand } from './runner';

export const REACH: CommandSpec = {
  name: 'reach',
  summary: 'Which peers NetworkPolicies let reach which, on which ports (as netpol-analyzer prints it).',
  operands: '<paths…|->',
  formats: ['text', 'json'],
  options: {
    focus: { type: 'string', multiple: true, value: 'NS/NAME[Kind]', help: 'only lines with this peer (`ns/name` for any kind); repeatable, each adds' },
    'focus-direction': { type: 'string', value: 'ingress|egress', help: 'with --focus: only traffic into (ingress) or out of (egress) the focused peers' },
  },
  notes: 'exit codes: 0 done, 2 bad usage or no readable input, 3 internal error',
  run: reach,
};

export function runReach(args: string[], io: CliIO): Promise<number> {
  return runCommand(REACH, args, io);
}

async function reach(args: CommandArgs, io: CommandIO): Promise<number> {
  const focus = stringValues(args.values, 'focus');
  const fd = stringValue(args.values, 'focus-direction');
  if (fd !== undefined && fd !== 'ingress' && fd !== 'egress') throw new UsageError(`--focus-direction must be ingress or egress, got '${fd}'`);
  if (fd !== undefined && focus.length === 0) throw new UsageError('--focus-direction needs --focus');

  const { index, skipped, fileCount } = await loadPaths(args.paths, io.cwd, args.settings, () => io.readStdin(), args.read);
  for (const s of skipped) io.note(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  for (const file of index.parsedFiles()) reportSyntaxErrors(file, io);
  if (fileCount === 0) {
    io.stderr('k8s-netmap reach: no readable input\n');
    return 2;
  }

  const engine = new ReachabilityEngine(inputFromSource(index));
  for (const w of engine.labelGapWarnings()) io.note(`warning: ${w}\n`);

  let focusPeers: Set<string> | undefined;
  if (focus.length > 0) {
    focusPeers = new Set();
    for (const f of focus) {
      const peers = resolveFocus(engine, f);
      if (peers.size === 0) io.note(`k8s-netmap reach: --focus ${f} names no peer\n`);
      for (const p of peers) focusPeers.add(p);
    }
  }
  const lines = toLines(engine.pairs(), focusPeers && { peers: focusPeers, direction: fd });
  io.stdout(args.format === 'json' ? formatJson(lines) : formatText(lines));
  return 0;
}

/** `--focus` takes a peer as printed (`ns/name[Kind]`), or `ns/name` for every peer of that name whatever its kind. */
function resolveFocus(engine: ReachabilityEngine, focus: string): Set<string> {
  if (engine.peer(focus)) return new Set([focus]);
  return new Set(engine.peers().filter((p) => p.name.slice(0, p.name.lastIndexOf('[')) === focus).map((p) => p.name));
}

/** Syntax errors go to stderr whatever `--quiet` says: a document was left out of the results. */
export function reportSyntaxErrors(file: ParsedFile, io: CliIO): void {
  for (const p of file.problems) {
    if (p.code !== 'yaml-syntax') continue;
    const pos = positionAt(file.lineStarts, p.span.start);
    const message = (p.message.split('\n')[0] ?? '').slice(0, 200);
    io.stderr(`${displayPath(file.uri, io.cwd)}:${pos.line + 1}:${pos.character + 1}: error yaml-syntax ${message} (document skipped)\n`);
  }
}
