// `k8s-netmap reach <paths…|->` (SPEC §4): NetworkPolicy reachability between every pair of peers,
// the views of analysis/reachability/exposureText.ts (--exposure, focus options), or the
// explanation of analysis/explain (--explain).
// Exit codes: 0 done, 2 bad usage or no readable input, 3 internal error. Files that do not parse
// are reported on stderr and skipped; the rest is analysed.

import { explainAll, formatExplain } from '../analysis/explain';
import { ReachabilityEngine, adminWarnings, formatJson, inputFromSource, type LabelGapFinding } from '../analysis/reachability';
import { exposureText, focusKeeps, focusedPairs, parseFocusConn, reachViewText, unknownFocus, type ReachViewOptions } from '../analysis/reachability/exposureText';
import { displayPath, noInputMessage } from '../host/files';
import { CACHE_OPTION, loadInputs } from './load';
import { positionAt } from '../model/positions';
import type { ParsedFile } from '../model/types';
import { type CliIO, flagValue, stringValue, stringValues, UsageError } from './options';
import { type CommandArgs, type CommandIO, type CommandSpec, runCommand } from './runner';

export const REACH: CommandSpec = {
  name: 'reach',
  summary: 'Which peers NetworkPolicies let reach which, on which ports (as netpol-analyzer prints it).',
  operands: '<paths…|->',
  formats: ['text', 'json'],
  options: {
    ...CACHE_OPTION,
    exposure: { type: 'boolean', help: 'text only: the lines, then each workload\'s exposure (entire cluster, representative peers, outside addresses)' },
    focus: { type: 'string', multiple: true, value: 'W', help: 'only lines with this peer (ns/name[Kind], ns/name or a bare name); repeatable, each adds' },
    'focus-peer': { type: 'string', multiple: true, value: 'W', help: 'only lines whose other end is one of these; repeatable' },
    'focus-direction': { type: 'string', value: 'ingress|egress', help: 'with --focus: the focused peers as destinations (ingress) or sources (egress)' },
    'focus-conn': { type: 'string', value: 'PROTO-PORT', help: 'text only: only pairs that allow this port (tcp-8080)' },
    explain: { type: 'boolean', help: 'text only: why each pair is allowed or denied, policy by policy' },
    'explain-only': { type: 'string', value: 'allow|deny', help: 'with --explain: only the allowed or only the denied pairs' },
  },
  notes: 'exit codes: 0 done, 2 bad usage or no readable input, 3 internal error',
  run: reach,
};

export function runReach(args: string[], io: CliIO): Promise<number> {
  return runCommand(REACH, args, io);
}

function viewOf(args: CommandArgs): ReachViewOptions {
  const exposure = flagValue(args.values, 'exposure');
  const focus = stringValues(args.values, 'focus');
  const fd = stringValue(args.values, 'focus-direction');
  if (fd !== undefined && fd !== 'ingress' && fd !== 'egress') throw new UsageError(`--focus-direction must be ingress or egress, got '${fd}'`);
  if (fd !== undefined && focus.length === 0) throw new UsageError('--focus-direction needs --focus');
  const focusConn = stringValue(args.values, 'focus-conn');
  if (focusConn !== undefined) {
    try {
      parseFocusConn(focusConn);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if ((exposure || focusConn !== undefined || flagValue(args.values, 'explain')) && args.format !== 'text') {
    throw new UsageError('--exposure, --focus-conn and --explain print text only');
  }
  return { exposure, focus, focusPeers: stringValues(args.values, 'focus-peer'), focusDirection: fd, focusConn };
}

function explainOnly(args: CommandArgs): 'allow' | 'deny' | undefined {
  const only = stringValue(args.values, 'explain-only');
  if (only === undefined) return undefined;
  if (only !== 'allow' && only !== 'deny') throw new UsageError(`--explain-only must be allow or deny, got '${only}'`);
  if (!flagValue(args.values, 'explain')) throw new UsageError('--explain-only needs --explain');
  return only;
}

async function reach(args: CommandArgs, io: CommandIO): Promise<number> {
  const view = viewOf(args);
  const explain = flagValue(args.values, 'explain');
  const only = explainOnly(args);
  const loaded = await loadInputs(args.paths, io, args.settings, args.read, stringValue(args.values, 'cache'));
  const { index, skipped, fileCount } = loaded;
  for (const s of skipped) io.note(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  for (const file of index.parsedFiles()) reportSyntaxErrors(file, io);
  if (fileCount === 0) {
    io.stderr(`k8s-netmap reach: ${noInputMessage(loaded)}\n`);
    return 2;
  }

  const engine = new ReachabilityEngine(inputFromSource(index));
  for (const f of engine.labelGapFindings()) io.note(`warning: ${labelGapText(f)}\n`);
  for (const w of adminWarnings(index.adminPolicies())) io.note(`warning: ${w}\n`);
  for (const file of index.parsedFiles()) {
    for (const p of file.problems) if (p.code === 'policy-kind-not-evaluated') io.note(`${displayPath(file.uri, io.cwd)}: note: ${p.message}\n`);
  }

  for (const f of unknownFocus(engine, view.focus ?? [])) io.note(`k8s-netmap reach: --focus ${f} names no peer\n`);
  if (explain) {
    io.stdout(explainText(engine, index, view, only, io));
    return 0;
  }
  if (args.format === 'json') {
    const lines = focusedPairs(engine.pairs(), view).map((p) => ({ src: p.src.name, dst: p.dst.name, conn: p.conns.toString() }));
    io.stdout(formatJson(lines));
  } else io.stdout(reachViewText(engine, view));
  return 0;
}

/** `--explain`: the explanation of the focused pairs, then the exposure section (netpol-analyzer drops it with --explain-only). */
function explainText(engine: ReachabilityEngine, index: Parameters<typeof explainAll>[1], view: ReachViewOptions, only: 'allow' | 'deny' | undefined, io: CommandIO): string {
  if (view.exposure && only) io.note('warning: --exposure is ignored with --explain-only\n');
  const exposure = !!view.exposure && !only;
  const fc = view.focusConn ? parseFocusConn(view.focusConn) : undefined;
  const pairs = explainAll(engine, index, { only, include: focusKeeps(view), exposure, focusConn: fc && { protocol: fc.protocol, port: fc.port } });
  let out = formatExplain(pairs);
  const section = exposure ? exposureText(engine, view) : '';
  if (section && out !== '' && out !== '\n') out += '\n';
  return out + section;
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

/** A label-gap finding as `reach` warns of it (after `warning: `). */
export function labelGapText(f: LabelGapFinding): string {
  return `${f.peer.name}: its pods differ in label "${f.label}", which NetworkPolicy ${f.policy.namespace}/${f.policy.name} selects on; the peer shows what any of its pods may do`;
}
