// `k8s-netmap graph <paths…|-> [--format json|mermaid|dot] [--focus ns/name [--depth N]] [--default-namespace NS] [--ingress-controller JSON]`
// (SPEC §7–§8). Exit codes: 0 done, 2 bad usage or no readable input. Files that do not parse are
// reported on stderr and skipped; the rest is drawn.

import { buildGraph, focusGraph, resolveFocus, toDot, toJson, toMermaid } from '../analysis/graph';
import { graphInputOf } from '../analysis/graph/fromAnalysis';
import { Analysis } from '../analysis/workspaceAnalysis';
import { displayPath } from '../index/files';
import { loadInputs } from './load';
import { positionAt } from '../model/positions';
import { type CliIO, lastValue, parseArgs, SETTINGS_FLAGS, settingsFromArgs, UsageError } from './options';

const FORMATS = { json: toJson, mermaid: toMermaid, dot: toDot } as const;

export const GRAPH_USAGE =
  'usage: k8s-netmap graph <paths…|-> [--format json|mermaid|dot] [--focus ns/name [--depth N]] [--default-namespace NS] [--ingress-controller JSON]\n';

export async function runGraph(args: string[], io: CliIO): Promise<number> {
  let format: keyof typeof FORMATS;
  let paths: string[];
  let settings;
  let cacheDir: string | undefined;
  let focus: string | undefined;
  let depth: number | undefined;
  try {
    const parsed = parseArgs(args, ['format', 'focus', 'depth', 'cache', ...SETTINGS_FLAGS]);
    focus = lastValue(parsed, 'focus');
    const d = lastValue(parsed, 'depth');
    if (d !== undefined && !/^\d{1,3}$/.test(d)) throw new UsageError(`--depth takes a whole number, got '${d.slice(0, 40)}'`);
    if (d !== undefined && focus === undefined) throw new UsageError('--depth needs --focus');
    depth = d === undefined ? undefined : Number(d);
    const f = lastValue(parsed, 'format') ?? 'json';
    if (!(f in FORMATS)) throw new UsageError(`--format must be json, mermaid or dot, got '${f}'`);
    format = f as keyof typeof FORMATS;
    paths = parsed.paths;
    if (paths.length === 0) throw new UsageError('graph needs at least one path (or - for standard input)');
    settings = settingsFromArgs(parsed).settings;
    cacheDir = lastValue(parsed, 'cache');
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`k8s-netmap graph: ${error.message}\n${GRAPH_USAGE}`);
      return 2;
    }
    throw error;
  }

  const { index, skipped, fileCount } = await loadInputs(paths, io, settings, cacheDir);
  for (const s of skipped) io.stderr(`${displayPath(s.uri, io.cwd)}: ${s.reason}\n`);
  for (const file of index.parsedFiles()) {
    for (const p of file.problems) {
      if (p.code !== 'yaml-syntax') continue;
      const pos = positionAt(file.lineStarts, p.span.start);
      io.stderr(`${displayPath(file.uri, io.cwd)}:${pos.line + 1}:${pos.character + 1}: error yaml-syntax ${p.message.split('\n')[0].slice(0, 200)} (document skipped)\n`);
    }
  }
  if (fileCount === 0) {
    io.stderr('k8s-netmap graph: no readable input\n');
    return 2;
  }
  let graph = buildGraph(graphInputOf(new Analysis(index)));
  if (focus !== undefined) {
    const ids = resolveFocus(graph, focus);
    if (ids.length === 0) io.stderr(`k8s-netmap graph: --focus ${focus.slice(0, 100)} names no object of the graph\n`);
    graph = focusGraph(graph, ids, depth).graph;
  }
  io.stdout(FORMATS[format](graph));
  return 0;
}
