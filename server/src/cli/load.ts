// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8):
// first every input is found, read and stamped (`InputLoad.read`), then indexed (`index`), so that a
// command with its results cached (check) can answer between the two without indexing anything.
import * as path from 'node:path';
import { ParseCache } from '../host/cache';
import { indexInputs, type LoadOptions, type LoadResult, readInputs, type ReadInputs } from '../host/files';
import { ParsePool } from '../host/parsePool';
import { ResultCache } from '../host/resultCache';
import type { AnalysisSettings } from '../model/types';
import type { CliIO } from './options';
import type { OptionTable } from './runner';

/** `--cache DIR`, taken by the commands that read manifests from folders. */
export const CACHE_OPTION: OptionTable = {
  cache: { type: 'string', value: 'DIR', help: 'keep parsed files (and check\'s findings) in DIR between runs (unchanged files are not parsed again)' },
};

/** A command's inputs, read and stamped but not yet indexed. */
export class InputLoad {
  private constructor(
    readonly inputs: ReadInputs,
    private readonly cache: ParseCache | undefined,
    private readonly pool: () => ParsePool | undefined,
    /** The results persisted beside the index (`--cache DIR` only). */
    readonly results: ResultCache | undefined,
  ) {}

  static async read(
    paths: string[],
    io: CliIO,
    settings: Partial<AnalysisSettings>,
    read: Pick<LoadOptions, 'isExcluded' | 'maxFileSize'>,
    cacheDir: string | undefined,
  ): Promise<InputLoad> {
    const note = (m: string): void => io.stderr(`${m}\n`);
    const dir = cacheDir === undefined ? undefined : path.resolve(io.cwd, cacheDir);
    const cache = dir === undefined ? undefined : ParseCache.open(dir, { note });
    // Past POOL_AFTER_FILES files, the rest are parsed in a worker per core (K8S_NETMAP_PARSE_WORKERS=N
    // sets the number, 0 parses on this thread). At L it cost less CPU and memory than parsing here:
    // smaller heaps collect faster (figures in bench/cliBench.ts's output).
    const workers = process.env.K8S_NETMAP_PARSE_WORKERS === undefined ? undefined : Number(process.env.K8S_NETMAP_PARSE_WORKERS);
    let pool: ParsePool | undefined;
    const makePool = (): ParsePool | undefined => (workers === 0 ? undefined : (pool = ParsePool.create(workers)));
    try {
      const inputs = await readInputs(paths, io.cwd, settings, () => io.readStdin(), { ...read, cache, pool: makePool });
      return new InputLoad(inputs, cache, () => pool, dir === undefined ? undefined : new ResultCache(dir, { note }));
    } catch (error) {
      await pool?.close();
      throw error;
    }
  }

  /** Indexes the inputs (waiting for the parse workers), then saves the persisted index. */
  async index(): Promise<LoadResult> {
    try {
      const result = await indexInputs(this.inputs);
      this.cache?.save();
      return result;
    } finally {
      await this.close();
    }
  }

  /** Stops the parse workers, if any were started (a command that does not index calls this). */
  async close(): Promise<void> {
    await this.pool()?.close();
  }
}

export async function loadInputs(
  paths: string[],
  io: CliIO,
  settings: Partial<AnalysisSettings>,
  read: Pick<LoadOptions, 'isExcluded' | 'maxFileSize'>,
  cacheDir: string | undefined,
): Promise<LoadResult> {
  return (await InputLoad.read(paths, io, settings, read, cacheDir)).index();
}
