// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8).
import * as path from 'node:path';
import { ParseCache } from '../index/cache';
import { loadPaths, type LoadResult } from '../index/files';
import type { AnalysisSettings } from '../model/types';
import type { CliIO } from './options';

export async function loadInputs(paths: string[], io: CliIO, settings: Partial<AnalysisSettings>, cacheDir: string | undefined): Promise<LoadResult> {
  const cache = cacheDir === undefined ? undefined : ParseCache.open(path.resolve(io.cwd, cacheDir), { note: (m) => io.stderr(`${m}\n`) });
  const result = await loadPaths(paths, io.cwd, settings, () => io.readStdin(), cache);
  cache?.save();
  return result;
}
