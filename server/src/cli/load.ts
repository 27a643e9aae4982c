// Loading the inputs of a command, through the persisted index when `--cache DIR` is given (SPEC §8):
// first every input is found, read and stamped (`InputLoad.read`), then indexed (`index`), so that a
// command with its results cached (check) can answer between the two without indexing anything.
import * as path from 'node:path';
import { isHelmRead, ParseCache, readKeyFacts } from '../host/cache';
import { indexInputs, type LoadOptions, type LoadResult, readInputs, type ReadInputs } from '../host/files';
import { limitHeapGrowth } from '../host/heapGrowth';
import { ParsePool } from '../host/parsePool';
import { moveFindings } from '../host/movedFindings';
import { type LocatedFinding, type RecordedEntry, type RecordedStamp, ResultCache, type RunKey, type StampChanges, stampChanges } from '../host/resultCache';
import type { AnalysisSettings, ParsedFile } from '../model/types';
import type { CliIO } from './options';
import type { RecordedModels } from './recheckedFindings';
import type { OptionTable } from './runner';

/**
 * Past this many files changed, added or removed since the recorded run, `check` diagnoses every
 * file: the recorded findings are brought up to date only after a few edits (cli/recheckedFindings.ts).
 */
const MAX_RECHECKED_EDITS = 64;

/** `--cache DIR`, taken by the commands that read manifests from folders. */
export const CACHE_OPTION: OptionTable = {
  cache: { type: 'string', value: 'DIR', help: 'keep parsed files (and check\'s findings) in DIR between runs (unchanged files are not parsed again)' },
};

/** How the inputs differ from the last run's (`InputLoad.recordedModels`). */
export interface RecordedDifference {
  /** The last run's findings. */
  findings: LocatedFinding[];
  /** The model, as the last run read it, of each file that differs (by URI; undefined: added since). */
  before: RecordedModels;
  changes: StampChanges;
  /** Whether a file that differs belongs to a Helm chart (whose one note goes to one of its files). */
  charted: boolean;
}

/** A command's inputs, read and stamped but not yet indexed. */
export class InputLoad {
  private constructor(
    readonly inputs: ReadInputs,
    private readonly cache: ParseCache | undefined,
    private readonly pool: () => ParsePool | undefined,
    /** The results persisted beside the index (`--cache DIR` only). */
    readonly results: ResultCache | undefined,
  ) {}

  /**
   * What the cache records (its checksum verified), and whether under `run`'s key; read once, for
   * `recordedModels` too. Undefined: no cache, none, or not readable.
   */
  recorded(run: RunKey): RecordedEntry<LocatedFinding[]> | undefined {
    this.last ??= { entry: this.results?.lookup(run.key) };
    return this.last.entry;
  }
  private last: { entry: RecordedEntry<LocatedFinding[]> | undefined } | undefined;

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
      limitHeapGrowth(); // the inputs read (bin.ts let the heap grow freely meanwhile)
      this.cache?.save();
      return result;
    } finally {
      await this.close();
    }
  }

  /**
   * The last run's findings and the models, as it read them, of the few files that differ from its
   * (by URI; undefined for a file added since), taken from the persisted index before this run's
   * replace them: call it before `movedFindings` and `index`. Undefined when the last run was
   * another command's, when nothing or too much differs, or when a model is not in the persisted index.
   */
  recordedModels(run: RunKey): RecordedDifference | undefined {
    const last = this.recorded(run)?.run();
    if (!last || !this.cache || this.inputs.readStdin || last.command !== run.command) return undefined;
    const changes = stampChanges(last.stamps, run.stamps);
    if (!changes) return undefined;
    const { changed, removed, added } = changes;
    const count = changed.length + removed.length + added.length;
    if (count === 0 || count > MAX_RECHECKED_EDITS) return undefined;
    const inputs = new Map(this.inputs.inputs.map((input) => [input.file, input]));
    const before = new Map<string, ParsedFile | undefined>();
    let charted = false;
    for (const file of added) {
      const input = inputs.get(file);
      if (!input) return undefined;
      before.set(input.uri, undefined);
      charted ||= isHelmRead(input.helm);
    }
    for (const stamp of [...changed, ...removed]) {
      const facts = readKeyFacts(stamp[1]);
      const model = facts && this.recordedModel(stamp);
      if (!facts || !model) return undefined;
      before.set(facts.uri, model);
      const input = inputs.get(stamp[0]);
      charted ||= facts.helm || (input !== undefined && isHelmRead(input.helm));
    }
    return { findings: last.findings, before, changes, charted };
  }

  /** A model as the last run read it, from the persisted index; undefined when it is not there. */
  private recordedModel([file, readKey, size, mtimeMs, hash]: RecordedStamp): ParsedFile | undefined {
    try {
      return this.cache?.get(file, readKey, { size, mtimeMs, hash }, () => {
        throw new Error('no recorded model');
      })?.decode();
    } catch {
      return undefined;
    }
  }

  /**
   * When one input changed since the last run, read the same way, and only moved text
   * (host/movedFindings.ts), that run's findings with their positions moved (the caller records them
   * as this run's); else undefined (the caller indexes and analyses as usual).
   */
  async movedFindings(run: RunKey, recorded: RecordedDifference): Promise<LocatedFinding[] | undefined> {
    const { changed, added, removed } = recorded.changes;
    if (changed.length !== 1 || added.length > 0 || removed.length > 0 || !this.cache) return undefined;
    const [file, readKey] = changed[0];
    const input = this.inputs.inputs.find((i) => i.file === file);
    const before = input && recorded.before.get(input.uri);
    if (!before || typeof input.model !== 'function' || run.stamps.find((s) => s[0] === file)?.[1] !== readKey) return undefined;
    const after = await input.model();
    if (this.inputs.changedWhileRead) return undefined;
    const moved = moveFindings(recorded.findings, input.uri, before, after);
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
