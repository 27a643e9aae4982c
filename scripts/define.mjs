// esbuild `define`s from package.json (read by server/src/buildInfo.ts): one source for the version
// and the address of the rule pages. Used by every esbuild build of the repository.
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const repository = String(pkg.repository?.url ?? pkg.homepage ?? '')
  .replace(/^git\+/, '')
  .replace(/\.git$/, '')
  .replace(/#.*$/, '');

export const define = {
  K8S_NETMAP_VERSION: JSON.stringify(pkg.version),
  K8S_NETMAP_DOCS_BASE_URL: JSON.stringify(`${repository}/blob/main/docs/rules/`),
};
