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
  // Parsed on this thread unless K8S_NETMAP_PARSE_WORKERS=N asks for N workers (past POOL_AFTER_FILES
  // files). Measured at M and L (bench/cliBench.ts, 2 shared cores): the workers cost 10–45 % more
  // CPU and more peak memory than one thread, and gave no shorter wall time there; on an idle machine
  // with many cores they may shorten the wall time, hence the opt-in.
  const workers = Number(process.env.K8S_NETMAP_PARSE_WORKERS ?? 0);
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
