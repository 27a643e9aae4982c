// The persisted results of a run (`check --cache DIR`): the findings of the last run, already
// located (line and UTF-16 column), under a key made of everything they depend on — the version,
// the command's settings, and every input's path, read key (Helm role, default namespace), size,
// mtime and content hash (host/cache.ts's stamps). A run whose key is the one recorded prints these
// findings without parsing, indexing or analysing anything; any other key is a miss. The language
// server keeps its published diagnostics the same way (`RecordedResults` with its own file and
// payload check: lsp/persistedDiagnostics.ts).
//
// One file in DIR, `k8s-netmap-results.json` for `check`:
//   line 1: {"k8sNetmap": VERSION, "format": RESULTS_FORMAT, "key": <hex>, "sha1": <hex of line 2>}
//   line 2: {"command": <hex of the command part of the key>, "stamps": [[path, readKey, size, mtime, hash], …], "findings": […]}
// A file of another version or format is ignored (replaced on the next save). A file whose checksum
// does not match, or that cannot be read as above, is corrupt: discarded with a note, never trusted.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../buildInfo';
import type { Position } from '../model/positions';
import type { Severity } from '../model/types';
import type { InputStamp } from './cache';

/** Bump when the shape of LocatedFinding, of the server's recorded diagnostics, or what a key covers changes. */
const RESULTS_FORMAT = 1;
export const RESULTS_FILE = 'k8s-netmap-results.json';

export interface LocatedRange {
  uri: string;
  start: Position;
  end: Position;
}

/** A finding as the CLI prints it: positions resolved, so that printing needs no index. */
export interface LocatedFinding extends LocatedRange {
  severity: Severity;
  code: string;
  message: string;
  related: Array<LocatedRange & { message: string }>;
}

interface ResultCacheOptions {
  /** The k8s-netmap version the results belong to (tests pass another to see them ignored). */
  version?: string;
  /** Where notes go (a corrupt file, a file that could not be written). */
  note?: (message: string) => void;
}

/** What a kind of recorded results is: its file name in DIR, and the check of a payload read back. */
export interface ResultsKind<T> {
  fileName: string;
  isPayload: (payload: unknown) => payload is T;
}

/**
 * The key of a run's results: the command and its settings (any JSON), and every input's stamp in
 * order. Undefined when an input has no stamp (standard input, a file that could not be stat'ed):
 * such a run is never answered from the cache.
 */
export function resultKey(command: unknown, stamps: ReadonlyArray<InputStamp | undefined>, version = VERSION): RunKey | undefined {
  const commandKey = commandKeyOf(command, version);
  const lines = [commandKey];
  const recorded: RecordedStamp[] = [];
  for (const s of stamps) {
    if (s === undefined) return undefined;
    const r = recordedStamp(s);
    recorded.push(r);
    lines.push(JSON.stringify(r));
  }
  return { key: createHash('sha1').update(lines.join('\n')).digest('hex'), command: commandKey, stamps: recorded };
}

/** The command part of a run's key (`RecordedRun.command`): the command, its settings, the version and format. */
export function commandKeyOf(command: unknown, version = VERSION): string {
  return createHash('sha1').update(JSON.stringify([version, RESULTS_FORMAT, command])).digest('hex');
}

/** An input's stamp as recorded: path, read key, size, mtime, content hash. */
export type RecordedStamp = [string, string, number, number, string];

/** A stamp as the record keeps it. */
export function recordedStamp(s: InputStamp): RecordedStamp {
  return [s.path, s.readKey, s.size, s.mtimeMs, s.hash];
}

/** How a run's inputs differ from a recorded run's, by path: the recorded stamps of the files changed or gone, and the paths added. */
export interface StampChanges {
  changed: RecordedStamp[];
  removed: RecordedStamp[];
  added: string[];
}

/** The differences between the recorded stamps and those of now; undefined when a path is listed twice in either. */
export function stampChanges(recorded: readonly RecordedStamp[], now: readonly RecordedStamp[]): StampChanges | undefined {
  const then = new Map<string, RecordedStamp>();
  for (const s of recorded) {
    if (then.has(s[0])) return undefined;
    then.set(s[0], s);
  }
  const out: StampChanges = { changed: [], removed: [], added: [] };
  const seen = new Set<string>();
  for (const s of now) {
    if (seen.has(s[0])) return undefined;
    seen.add(s[0]);
    const was = then.get(s[0]);
    if (!was) out.added.push(s[0]);
    else if (s.some((v, i) => v !== was[i])) out.changed.push(was);
  }
  for (const [file, s] of then) if (!seen.has(file)) out.removed.push(s);
  return out;
}

/** A run's key, with its parts: the command's (settings, version) and every input's stamp. */
export interface RunKey {
  key: string;
  command: string;
  stamps: RecordedStamp[];
}

/** What the last run recorded (`findings`: the payload, whatever kind of results it is). */
export interface RecordedRun<T = LocatedFinding[]> {
  command: string;
  stamps: RecordedStamp[];
  findings: T;
}

/** One file of results of a kind, recorded under a run's key. */
export class RecordedResults<T> {
  readonly version: string;
  private readonly note: (message: string) => void;

  constructor(
    readonly dir: string,
    private readonly kind: ResultsKind<T>,
    options: ResultCacheOptions = {},
  ) {
    this.version = options.version ?? VERSION;
    this.note = options.note ?? (() => undefined);
  }

  get file(): string {
    return path.join(this.dir, this.kind.fileName);
  }

  /** The results recorded under `key`, or undefined (no file, another key or version, or corrupt: with a note). */
  get(key: string): T | undefined {
    return this.read(key)?.run.findings;
  }

  /** What the last run recorded, whatever its key (same version and format; corrupt: with a note). */
  previous(): RecordedRun<T> | undefined {
    return this.read(undefined)?.run;
  }

  /** What the last run recorded, and whether under `key`: one read of the file for both questions. */
  lookup(key: string): { run: RecordedRun<T>; current: boolean } | undefined {
    const recorded = this.read(undefined);
    return recorded && { run: recorded.run, current: recorded.key === key };
  }

  private read(key: string | undefined): { key: string; run: RecordedRun<T> } | undefined {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch {
      return undefined; // none yet
    }
    const discard = (why: string): undefined => {
      fs.rmSync(this.file, { force: true });
      this.note(`k8s-netmap: cache ${this.file} discarded (${why}); findings are computed again`);
      return undefined;
    };
    const eol = raw.indexOf('\n');
    const header = parseJson(eol === -1 ? raw : raw.slice(0, eol)) as { k8sNetmap?: unknown; format?: unknown; key?: unknown; sha1?: unknown } | undefined;
    if (typeof header !== 'object' || header === null) return discard('unreadable header');
    if (header.k8sNetmap !== this.version || header.format !== RESULTS_FORMAT) return undefined; // another version's: replaced on save
    if (typeof header.sha1 !== 'string' || typeof header.key !== 'string') return discard('no checksum');
    const body = raw.slice(eol + 1, raw.endsWith('\n') ? raw.length - 1 : raw.length);
    if (eol === -1 || createHash('sha1').update(body).digest('hex') !== header.sha1) return discard('checksum mismatch');
    if (key !== undefined && header.key !== key) return undefined;
    const run = parseJson(body) as Partial<RecordedRun<unknown>> | undefined;
    if (typeof run !== 'object' || run === null || typeof run.command !== 'string' || !Array.isArray(run.stamps) || !run.stamps.every(isRecordedStamp)) return discard('unreadable findings');
    if (!this.kind.isPayload(run.findings)) return discard('unreadable findings');
    return { key: header.key, run: run as RecordedRun<T> };
  }

  /** Records the results of a run under its key (atomically). Never throws: a file that cannot be written is a note. */
  put(run: RunKey, findings: T): void {
    const body = JSON.stringify({ command: run.command, stamps: run.stamps, findings } satisfies RecordedRun<T>);
    const header = JSON.stringify({ k8sNetmap: this.version, format: RESULTS_FORMAT, key: run.key, sha1: createHash('sha1').update(body).digest('hex') });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, `${header}\n${body}\n`);
      fs.renameSync(tmp, this.file);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      this.note(`k8s-netmap: cache not written to ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
}

/** `check`'s findings, located. */
export class ResultCache extends RecordedResults<LocatedFinding[]> {
  constructor(dir: string, options: ResultCacheOptions = {}) {
    super(dir, { fileName: RESULTS_FILE, isPayload: (p): p is LocatedFinding[] => Array.isArray(p) && p.every(isLocatedFinding) }, options);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecordedStamp(s: unknown): s is RecordedStamp {
  return Array.isArray(s) && s.length === 5 && typeof s[0] === 'string' && typeof s[1] === 'string' && typeof s[2] === 'number' && typeof s[3] === 'number' && typeof s[4] === 'string';
}

function isPosition(p: unknown): p is Position {
  return typeof p === 'object' && p !== null && typeof (p as Position).line === 'number' && typeof (p as Position).character === 'number';
}

/** Whether `r` has a start and an end position (an LSP range). */
export function isPositionRange(r: unknown): r is { start: Position; end: Position } {
  const o = r as { start: unknown; end: unknown };
  return typeof o === 'object' && o !== null && isPosition(o.start) && isPosition(o.end);
}

function isRange(r: unknown): r is LocatedRange {
  return isPositionRange(r) && typeof (r as LocatedRange).uri === 'string';
}

function isLocatedFinding(f: unknown): f is LocatedFinding {
  const o = f as LocatedFinding;
  return (
    isRange(o) &&
    typeof o.severity === 'string' &&
    typeof o.code === 'string' &&
    typeof o.message === 'string' &&
    Array.isArray(o.related) &&
    o.related.every((r) => isRange(r) && typeof r.message === 'string')
  );
}
