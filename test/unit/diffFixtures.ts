// Fixtures of the diff tests: a Deployment manifest, and git (whether the binary is there, commands
// run in a test repository with a fixed identity).
import { execFileSync } from 'node:child_process';
import { y } from './helpers';

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

export function pod(name: string, app: string, port = 80, ns = 'default'): string {
  return y(
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}}`,
    `spec: {containers: [{name: c, image: i, ports: [{containerPort: ${port}}]}]}`,
  );
}

export const DENY_ALL = y(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: deny-all, namespace: default}',
  'spec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
);

/** web admits api on `port`, or on the ports written out in `portsYaml` (e.g. `{port: 80}, {port: 81}`). */
export function allowWebFromApi(port: number, portsYaml = `{port: ${port}}`): string {
  return y(
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web-from-api, namespace: default}',
    'spec:',
    '  podSelector: {matchLabels: {app: web}}',
    '  ingress:',
    '  - from: [{podSelector: {matchLabels: {app: api}}}]',
    `    ports: [${portsYaml}]`,
  );
}

export function ingressFromCidr(cidr: string, except: string[] = []): string {
  return y(
    'apiVersion: networking.k8s.io/v1',
    'kind: NetworkPolicy',
    'metadata: {name: web-from-net, namespace: default}',
    'spec:',
    '  podSelector: {matchLabels: {app: web}}',
    '  policyTypes: [Ingress]',
    '  ingress:',
    `  - from: [{ipBlock: {cidr: ${cidr}, except: [${except.join(', ')}]}}]`,
  );
}
