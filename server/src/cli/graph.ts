// `k8s-netmap graph <paths…|->` (SPEC §7–§8): the network graph as JSON, Mermaid or DOT.
// Exit codes: 0 done, 2 bad usage or no readable input, 3 internal error. Files that do not parse
// are reported on stderr and skipped; the rest is drawn.

import { buildGraph, focusGraph, resolveFocus, toDot, toJson, toMermaid } from '../analysis/graph';
import { graphInputOf } from '../analysis/graph/fromAnalysis';
import { Analysis } from '../analysis/workspaceAnalysis';
import { displayPath, noInputMessage } from '../host/files';
import { CACHE_OPTION, loadInputs } from './load';
import { type CliIO, stringValue, UsageError } from './options';
import { reportSyntaxErrors } from './reach';
import { type CommandArgs, type CommandIO, type CommandSpec, runCommand } from './runner';

const WRITERS = { json: toJson, mermaid: toMermaid, dot: toDot } as const;

export const GRAPH: CommandSpec = {
  name: 'graph',
  summary: 'The network graph (workloads, Services, routes, policies) as JSON, Mermaid or DOT.',
  operands: '<paths…|->',
  formats: ['json', 'mermaid', 'dot'],
  options: {
    ...CACHE_OPTION,
    focus: { type: 'string', value: 'NS/NAME', help: 'only this object and what is linked to it' },
    depth: { type: 'string', value: 'N', help: 'with --focus: links followed from it (default: all)' },
  },
  notes: 'exit codes: 0 done, 2 bad usage or no readable input, 3 internal error',
  run: graph,
};

export function runGraph(args: string[], io: CliIO): Promise<number> {
  return runCommand(GRAPH, args, io);
}

async function graph(args: CommandArgs, io: CommandIO): Promise<number> {
  const focus = stringValue(args.values, 'focus');
  const d = stringValue(args.values, 'depth');
  if (d !== undefined && !/^\d{1,3}$/.test(d)) throw new UsageError(`--depth takes a whole number, got '${d.slice(0, 40)}'`);
  if (d !== undefined && focus === undefined) throw new UsageError('--depth needs --focus');
  const depth = d === undefined ? undefined : Number(d);
  const loaded = await loadInputs(args.paths, io, args.settings, args.read, stringValue(args.values, 'cache'));
  const { index, skipped, fileCount } = loaded;
  for (const s of skipped) io.note(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  for (const file of index.parsedFiles()) reportSyntaxErrors(file, io);
  if (fileCount === 0) {
    io.stderr(`k8s-netmap graph: ${noInputMessage(loaded)}\n`);
    return 2;
  }
  let drawn = buildGraph(graphInputOf(new Analysis(index)));
  if (focus !== undefined) {
    const ids = resolveFocus(drawn, focus);
    if (ids.length === 0) io.note(`k8s-netmap graph: --focus ${focus.slice(0, 100)} names no object of the graph\n`);
    drawn = focusGraph(drawn, ids, depth).graph;
  }
  const write = WRITERS[args.format as keyof typeof WRITERS];
  io.stdout(write(drawn));
  return 0;
}
