// Shared by the conformance tests: where ../shared/conformance/netpol-analyzer is, and how a
// family's case (cases.json `options`) becomes `k8s-netmap reach` arguments (SPEC §4 flags).
// Families are compared as the suite's README says: line by line, ignoring blank lines and
// trailing blanks.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explainAll } from '../../server/src/analysis/explain';
import { ReachabilityEngine, inputFromSource } from '../../server/src/analysis/reachability';
import { runReach } from '../../server/src/cli/reach';
import { loadPaths } from '../../server/src/host/files';
import { conformanceRoot, repoRoot } from './conformanceRoot';

export { repoRoot };

/** ../shared/conformance/netpol-analyzer, or undefined with the reason it is missing. */
export function suiteDir(): { dir?: string; reason: string } {
  const dir = conformanceRoot();
  if (dir && fs.existsSync(path.join(dir, 'cases.json'))) return { dir, reason: '' };
  return { reason: `${dir ?? '../shared'} not found: conformance cases need it` };
}

export interface FamilyCase {
  case: string;
  input: string;
  expected: string;
  options: {
    exposure?: boolean;
    explain?: boolean;
    explainOnly?: string;
    focus?: string[];
    focusPeers?: string[];
    focusDirection?: string;
    focusConn?: string;
  };
}

export function argsOf(c: FamilyCase): string[] {
  const o = c.options ?? {};
  const args = [c.input];
  if (o.exposure) args.push('--exposure');
  if (o.explain) args.push('--explain');
  if (o.explainOnly) args.push('--explain-only', o.explainOnly);
  for (const f of o.focus ?? []) args.push('--focus', f);
  for (const f of o.focusPeers ?? []) args.push('--focus-peer', f);
  if (o.focusDirection) args.push('--focus-direction', o.focusDirection);
  if (o.focusConn) args.push('--focus-conn', o.focusConn);
  return args;
}

/** Lines without trailing blanks, blank lines dropped. */
export function meaningfulLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.replace(/[ \t\r]+$/, ''))
    .filter((l) => l !== '');
}

export async function runCase(dir: string, c: FamilyCase): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReach(argsOf(c), {
    stdout: (s) => (stdout += s),
    stderr: (s) => (stderr += s),
    cwd: dir,
    readStdin: async () => '',
  });
  return { code, stdout, stderr };
}

/** For one case input (under `dir`): the allowed pairs of explain and of reach, each `src => dst : conns`, sorted. */
export async function explainAndReachPairs(dir: string, input: string): Promise<{ explained: string[]; reached: string[] }> {
  const { index } = await loadPaths([input], dir, {}, async () => '');
  const engine = new ReachabilityEngine(inputFromSource(index));
  const allowed = (pairs: Iterable<{ src: { name: string }; dst: { name: string }; conns: { toString(): string } }>): string[] =>
    [...pairs].map((p) => `${p.src.name} => ${p.dst.name} : ${p.conns.toString()}`).filter((l) => !l.endsWith(' : ')).sort();
  return { explained: allowed(explainAll(engine, index)), reached: allowed(engine.pairs()) };
}
