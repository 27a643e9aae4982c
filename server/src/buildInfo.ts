// Facts fixed at build time: scripts/define.mjs defines them from package.json through esbuild's
// `define`, so the version and the docs address have one source. A bundle built without those
// defines (an ad-hoc esbuild run) says so instead of failing to load.
declare const K8S_NETMAP_VERSION: string;
declare const K8S_NETMAP_DOCS_BASE_URL: string;

/** package.json's `version`. */
export const VERSION: string = typeof K8S_NETMAP_VERSION === 'string' ? K8S_NETMAP_VERSION : '0.0.0-unbuilt';

/** Where the rule pages are published: package.json's repository, `docs/rules/` on its main branch. */
export const DOCS_BASE_URL: string =
  typeof K8S_NETMAP_DOCS_BASE_URL === 'string' ? K8S_NETMAP_DOCS_BASE_URL : 'docs/rules/';
