// Runs the CLI's main() with captured I/O (shared by the CLI tests).
import { main } from '../../server/src/cli/main';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `stdin` undefined: reading standard input is an error of the test. */
export async function runCli(argv: string[], cwd: string, stdin?: string | Buffer): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd,
    readStdin: async () => {
      if (stdin === undefined) throw new Error('stdin was not expected to be read');
      return stdin;
    },
  });
  return { code, stdout, stderr };
}
