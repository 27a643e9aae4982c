// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8).
import * as path from 'node:path';
import { ParsePool } from '../host/parsePool';
import { ParseCache } from '../index/cache';
import { loadPaths, type LoadResult } from '../index/files';
import type { AnalysisSettings } from '../model/types';
import type { CliIO } from './options';

export async function loadInputs(paths: string[], io: CliIO, settings: Partial<AnalysisSettings>, cacheDir: string | undefined): Promise<LoadResult> {
  const cache = cacheDir === undefined ? undefined : ParseCache.open(path.resolve(io.cwd, cacheDir), { note: (m) => io.stderr(`${m}\n`) });
  // K8S_NETMAP_PARSE_WORKERS=N parses in N worker threads (measured by the benchmark; off by default).
  const workers = Number(process.env.K8S_NETMAP_PARSE_WORKERS ?? 0);
  const pool = workers > 0 ? ParsePool.create(workers) : undefined;
  try {
    const result = await loadPaths(paths, io.cwd, settings, () => io.readStdin(), { cache, pool });
    cache?.save();
    return result;
  } finally {
    await pool?.close();
  }
}
