// Fixtures of the diff tests: a Deployment manifest, and git (whether the binary is there, commands
// run in a test repository with a fixed identity).
import { execFileSync } from 'node:child_process';

export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function git(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  return execFileSync('git', args, { cwd, encoding: 'utf8', env });
}

/** A Deployment `name` in `ns` labelled app=name, declaring `ports` (YAML, ends with a newline). */
export function deployment(name: string, ns: string, ports: number[] = []): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    `metadata: {name: ${name}, namespace: ${ns}}`,
    'spec:',
    `  selector: {matchLabels: {app: ${name}}}`,
    '  template:',
    `    metadata: {labels: {app: ${name}}}`,
    `    spec: {containers: [{name: c, image: i${ports.length ? `, ports: [${ports.map((p) => `{containerPort: ${p}}`).join(', ')}]` : ''}}]}`,
    '',
  ].join('\n');
}
