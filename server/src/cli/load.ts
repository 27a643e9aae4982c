// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8):
// first every input is found, read and stamped (`InputLoad.read`), then indexed (`index`), so that a
// command with its results cached (check) can answer between the two without indexing anything.
import * as path from 'node:path';
import { ParseCache } from '../host/cache';
import { indexInputs, type LoadOptions, type LoadResult, readInputs, type ReadInputs } from '../host/files';
import { ParsePool } from '../host/parsePool';
import { moveFindings } from '../host/movedFindings';
import { type LocatedFinding, ResultCache, type RunKey } from '../host/resultCache';
import type { AnalysisSettings, ParsedFile } from '../model/types';
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
    // Parsed on this thread unless K8S_NETMAP_PARSE_WORKERS=N asks for N workers (past POOL_AFTER_FILES
    // files). Measured at M and L (bench/cliBench.ts, 2 shared cores): the workers cost 10–45 % more CPU and
    // more peak memory than one thread and gave no shorter wall time there, hence opt-in.
    const workers = Number(process.env.K8S_NETMAP_PARSE_WORKERS ?? 0);
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

  /**
   * When one input changed since the last run recorded in the cache, and only moved text
   * (host/movedFindings.ts), that run's findings with their positions moved (the caller records them
   * as this run's); else undefined (the caller indexes and analyses as usual).
   */
  async movedFindings(run: RunKey): Promise<LocatedFinding[] | undefined> {
    const last = this.results?.previous();
    if (!last || !this.cache || this.inputs.readStdin || last.command !== run.command || last.stamps.length !== run.stamps.length) return undefined;
    let changed: number | undefined;
    for (const [i, [file, readKey, ...stamp]] of run.stamps.entries()) {
      const [lastFile, lastReadKey, ...lastStamp] = last.stamps[i];
      if (file !== lastFile || readKey !== lastReadKey) return undefined;
      if (stamp.some((v, j) => v !== lastStamp[j])) {
        if (changed !== undefined) return undefined;
        changed = i;
      }
    }
    if (changed === undefined) return undefined;
    // Without standard input, stamps and inputs are in the same order.
    const input = this.inputs.inputs[changed];
    const [file, readKey, size, mtimeMs, hash] = last.stamps[changed];
    if (typeof input.model !== 'function' || input.file !== file) return undefined;
    // The model of the last run first: reading this run's replaces it in the cache.
    let before: ParsedFile | undefined;
    try {
      before = this.cache.get(file, readKey, { size, mtimeMs, hash }, () => {
        throw new Error('no recorded model');
      })?.decode();
    } catch {
      return undefined;
    }
    const after = await input.model();
    if (!before || this.inputs.changedWhileRead) return undefined;
    const moved = moveFindings(last.findings, input.uri, before, after);
    if (moved) this.cache.save();
    return moved;
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
