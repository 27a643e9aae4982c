// SARIF 2.1.0 pieces shared by `check -o sarif` and `diff -o sarif`: the log around one run of
// k8s-netmap, and a location from 0-based positions (SARIF's regions are 1-based).
import type { Position } from '../model/positions';

export interface Located {
  file: string;
  start: Position;
  end: Position;
}

export function sarifLocation(l: Located, message?: string): unknown {
  return {
    physicalLocation: {
      artifactLocation: { uri: l.file.split('\\').join('/') },
      region: { startLine: l.start.line + 1, startColumn: l.start.character + 1, endLine: l.end.line + 1, endColumn: l.end.character + 1 },
    },
    ...(message ? { message: { text: message } } : {}),
  };
}

/** A SARIF log with one run of k8s-netmap. */
export function sarifLog(rules: unknown[], results: unknown[]): unknown {
  const version = (globalThis as { K8S_NETMAP_VERSION?: string }).K8S_NETMAP_VERSION ?? '0.1.0';
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'k8s-netmap', version, informationUri: 'https://github.com/k8s-netmap/k8s-netmap', rules } }, results }],
  };
}
