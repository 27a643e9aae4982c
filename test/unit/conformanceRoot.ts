// Where netpol-analyzer's conformance cases are: ../shared/conformance/netpol-analyzer beside the
// repository root (the nearest folder above this file, or the working folder, whose package.json
// is ours). Undefined when no root is found; the folder itself may still be absent.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string | undefined {
  for (const start of [__dirname, process.cwd()]) {
    let dir = path.resolve(start);
    for (;;) {
      const pkg = path.join(dir, 'package.json');
      if (fs.existsSync(pkg)) {
        try {
          if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'k8s-netmap') return dir;
        } catch {
          // not ours; keep looking
        }
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}

export function conformanceRoot(): string | undefined {
  const root = repoRoot();
  return root ? path.resolve(root, '../shared/conformance/netpol-analyzer') : undefined;
}
