// The `k8s-netmap` command line: one runner (runner.ts) for every command in COMMANDS.
import { VERSION } from '../buildInfo';
import { CHECK } from './check';
import { DIFF } from './diff';
import { GRAPH } from './graph';
import type { CliIO } from './options';
import { REACH } from './reach';
import { type CommandSpec, runCommand } from './runner';

const COMMANDS: readonly CommandSpec[] = [CHECK, REACH, GRAPH, DIFF];

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  return [
    'usage: k8s-netmap <command> <paths…|-> [options]',
    '',
    'commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    "`k8s-netmap <command> --help` lists a command's options. '-' reads manifests from standard input (named <stdin>).",
    'Settings come from k8s-netmap.yaml (or --config FILE), then from flags.',
    'Exit codes: 2 bad usage or no readable input, 3 internal error.',
    '',
  ].join('\n');
}

/** Runs the command line; an internal error is reported and exits 3 (2 means bad usage). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.stderr(`k8s-netmap: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await runCommand(command, rest, io);
  } catch (error) {
    io.stderr(`k8s-netmap: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 3;
  }
}
