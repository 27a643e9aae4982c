// The `k8s-netmap` command line: `check`, `reach` and `graph` over files, folders or standard input.
import { runCheck } from './check';
import { runDiff } from './diff';
import { runGraph } from './graph';
import { type CliIO, UsageError } from './options';
import { runReach } from './reach';

const USAGE = `usage: k8s-netmap <command> <paths…|-> [options]

commands:
  check   diagnostics            --format text|json|sarif   (exit 1 when errors are found)
  reach   NetworkPolicy reachability  --format text|json  --focus NS/NAME  --focus-direction ingress|egress
  graph   the network graph      --format json|mermaid|dot  --focus NS/NAME  --depth N
  diff    connectivity changes   <dir1> <dir2> | --base REV [--head REV] [path]  -o text|json|md|sarif

settings (every command):
  --default-namespace NS        namespace of objects that name none (default: default)
  --rule CODE=SEVERITY          error|warning|info|hint|off; repeatable
  --ingress-controller JSON     {"namespace":"…","namespaceLabels":{…},"podLabels":{…}}

check, reach and graph:
  --cache DIR                   keep parsed files in DIR between runs (unchanged files are not parsed again)

'-' reads manifests from standard input (named <stdin>). Exit 2 on bad usage or no readable input.
`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    (command ? io.stdout : io.stderr)(USAGE);
    return command ? 0 : 2;
  }
  if (command === '--version') {
    io.stdout('0.1.0\n');
    return 0;
  }
  try {
    switch (command) {
      case 'check':
        return await runCheck(rest, io);
      case 'reach':
        return await runReach(rest, io);
      case 'graph':
        return await runGraph(rest, io);
      case 'diff':
        return await runDiff(rest, io);
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`k8s-netmap: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}
