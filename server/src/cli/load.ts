// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8).
import * as path from 'node:path';
import { ParseCache } from '../host/cache';
import { loadPaths, type LoadOptions, type LoadResult } from '../host/files';
import { ParsePool } from '../host/parsePool';
import type { AnalysisSettings } from '../model/types';
import type { CliIO } from './options';
import type { OptionTable } from './runner';

/** `--cache DIR`, taken by the commands that read manifests from folders. */
export const CACHE_OPTION: OptionTable = {
  cache: { type: 'string', value: 'DIR', help: 'keep parsed files in DIR between runs (unchanged files are not parsed again)' },
};

export async function loadInputs(
  paths: string[],
  io: CliIO,
  settings: Partial<AnalysisSettings>,
  read: Pick<LoadOptions, 'isExcluded' | 'maxFileSize'>,
  cacheDir: string | undefined,
): Promise<LoadResult> {
  const cache = cacheDir === undefined ? undefined : ParseCache.open(path.resolve(io.cwd, cacheDir), { note: (m) => io.stderr(`${m}\n`) });
  // Past POOL_AFTER_FILES files, the rest are parsed in a worker per core (K8S_NETMAP_PARSE_WORKERS=N
  // sets the number, 0 parses on this thread). At L it cost less CPU and memory than parsing here:
  // smaller heaps collect faster (figures in bench/cliBench.ts's output).
  const workers = process.env.K8S_NETMAP_PARSE_WORKERS === undefined ? undefined : Number(process.env.K8S_NETMAP_PARSE_WORKERS);
  let pool: ParsePool | undefined;
  const makePool = (): ParsePool | undefined => (workers === 0 ? undefined : (pool = ParsePool.create(workers)));
  try {
    const result = await loadPaths(paths, io.cwd, settings, () => io.readStdin(), { ...read, cache, pool: makePool });
    cache?.save();
    return result;
  } finally {
    await pool?.close();
  }
}
