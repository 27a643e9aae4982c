// The persisted results of a run (`check --cache DIR`): the findings of the last run, already
// located (line and UTF-16 column), under a key made of everything they depend on — the version,
// the command's settings, and every input's path, read key (Helm role, default namespace), size,
// mtime and content hash (host/cache.ts's stamps). A run whose key is the one recorded prints these
// findings without parsing, indexing or analysing anything; any other key is a miss. The language
// server keeps its published diagnostics the same way (`RecordedResults` with its own file and
// payload check: lsp/persistedDiagnostics.ts).
//
// One file in DIR, `k8s-netmap-results.json` for `check`:
//   line 1: {"k8sNetmap": VERSION, "format": RESULTS_FORMAT, "key": <hex>, "sha1": <hex of every byte after line 1>}
//   line 2: {"command": <hex of the command part of the key>, "stamps": [[path, readKey, size, mtime, hash], …]}
//   line 3: the findings […]
//   line 4: how the findings were printed ({"as": <format and folder>, "severities": […], "bytes": N}), or null
//   then the N bytes of the text printed, as they were written (no escapes, no decoding to print them)
// A run whose key matches reads only what it needs: check prints the text when it was printed as it
// asks (same format, same folder), and parses line 3 otherwise; line 2 is for a run that missed.
// A file of another version or format is ignored (replaced on the next save). A file whose checksum
// does not match, or that cannot be read as above, is corrupt: discarded with a note, never trusted.
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../buildInfo';
import type { Position } from '../model/positions';
import type { Severity } from '../model/types';
import type { InputStamp } from './cache';

/** Bump when the shape of LocatedFinding, of the server's recorded diagnostics, or what a key covers changes. */
const RESULTS_FORMAT = 4;
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
  // One string hashed at once, built without a JSON text per stamp (a third of the key's cost at
  // M): fields end with NUL, which no path holds and no read key (JSON) or number or hash does
  // either, so two lists of stamps never make the same string.
  let text = commandKey;
  for (const s of stamps) {
    if (s === undefined) return undefined;
    text += `\n${s.path}\u0000${s.readKey}\u0000${s.size}\u0000${s.mtimeMs}\u0000${s.hash}\u0000`;
  }
  let recorded: RecordedStamp[] | undefined;
  return {
    key: createHash('sha1').update(text).digest('hex'),
    command: commandKey,
    // Only a run that records its results or compares them with the last run's needs these.
    get stamps() {
      return (recorded ??= (stamps as InputStamp[]).map(recordedStamp));
    },
  };
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
  readonly stamps: RecordedStamp[];
}

/** What the last run recorded (`findings`: the payload, whatever kind of results it is). */
export interface RecordedRun<T = LocatedFinding[]> {
  command: string;
  stamps: RecordedStamp[];
  findings: T;
}

/**
 * The findings as a command printed them (`as`: the format and whatever else the text depends on,
 * such as the folder paths are relative to), and the severities among them (the exit code's).
 */
export interface PrintedResults {
  as: string;
  severities: string[];
  /** The text as printed, in UTF-8. */
  bytes: Buffer;
}

/** The printed results as `put` records them: the text in the pieces it was printed in. */
export interface PrintedPieces {
  as: string;
  severities: string[];
  text: readonly string[];
}

/** What a file records: each part parsed when asked for (undefined: corrupt, with a note, or absent). */
export interface RecordedEntry<T> {
  /** Whether it was recorded under the key asked for. */
  current: boolean;
  findings(): T | undefined;
  printed(as: string): PrintedResults | undefined;
  /** The whole run: its command, its inputs' stamps and its findings. */
  run(): RecordedRun<T> | undefined;
}

/** One file of results of a kind, recorded under a run's key. */
export class RecordedResults<T extends readonly unknown[]> {
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

  /**
   * What the file records (its checksum verified), and whether under `key`: one read for both
   * questions (this run's results? the last run's, to bring up to date?). Its parts are parsed only
   * when asked for: a run that prints the recorded text never parses the findings. Undefined: no
   * file, another version, or corrupt (with a note).
   */
  lookup(key: string | undefined): RecordedEntry<T> | undefined {
    const read = this.readLines();
    if (!read) return undefined;
    const { lines, text } = read;
    let findings: { value: T | undefined } | undefined;
    const findingsOnce = (): T | undefined => (findings ??= { value: this.findingsOf(lines) }).value;
    return {
      current: key !== undefined && read.key === key,
      findings: findingsOnce,
      printed: (as) => {
        const printed = parseJson(lines[PRINTED_LINE].toString('utf8')) as Partial<PrintedMeta> | null | undefined;
        if (printed === null && text.length === 0) return undefined; // none recorded
        if (!isPrintedMeta(printed) || printed.bytes !== text.length) return this.discard('unreadable findings');
        return printed.as === as ? { as: printed.as, severities: printed.severities, bytes: text } : undefined;
      },
      run: () => {
        const run = parseJson(lines[RUN_LINE].toString('utf8')) as Partial<Omit<RecordedRun<unknown>, 'findings'>> | undefined;
        if (typeof run !== 'object' || run === null || typeof run.command !== 'string' || !Array.isArray(run.stamps) || !run.stamps.every(isRecordedStamp)) return this.discard('unreadable findings');
        const found = findingsOnce();
        return found === undefined ? undefined : { command: run.command, stamps: run.stamps as RecordedStamp[], findings: found };
      },
    };
  }

  /** What the last run recorded, whatever its key (same version and format; corrupt: with a note). */
  previous(): RecordedRun<T> | undefined {
    return this.lookup(undefined)?.run();
  }

  private discard(why: string): undefined {
    fs.rmSync(this.file, { force: true });
    this.note(`k8s-netmap: cache ${this.file} discarded (${why}); findings are computed again`);
    return undefined;
  }

  private findingsOf(lines: Buffer[]): T | undefined {
    const findings = parseJson(lines[FINDINGS_LINE].toString('utf8'));
    return this.kind.isPayload(findings) ? findings : this.discard('unreadable findings');
  }

  /**
   * The key, the lines after the header and the printed text after them, when the file is of this
   * version and format and its checksum holds. The bytes are checked as read: decoding them to hash
   * them again as UTF-8 cost a third of reading the file at M.
   */
  private readLines(): { key: string; lines: Buffer[]; text: Buffer } | undefined {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(this.file);
    } catch {
      return undefined; // none yet
    }
    const eol = raw.indexOf(NEWLINE);
    const header = parseJson(raw.toString('utf8', 0, eol === -1 ? raw.length : eol)) as { k8sNetmap?: unknown; format?: unknown; key?: unknown; sha1?: unknown } | undefined;
    if (typeof header !== 'object' || header === null) return this.discard('unreadable header');
    if (header.k8sNetmap !== this.version || header.format !== RESULTS_FORMAT) return undefined; // another version's: replaced on save
    if (typeof header.sha1 !== 'string' || typeof header.key !== 'string') return this.discard('no checksum');
    const body = raw.subarray(eol + 1);
    if (eol === -1 || createHash('sha1').update(body).digest('hex') !== header.sha1) return this.discard('checksum mismatch');
    const lines: Buffer[] = [];
    let at = 0;
    while (lines.length < LINES) {
      const next = body.indexOf(NEWLINE, at);
      if (next === -1) return this.discard('unreadable findings');
      lines.push(body.subarray(at, next));
      at = next + 1;
    }
    return { key: header.key, lines, text: body.subarray(at) };
  }

  /**
   * Records the results of a run under its key (atomically), with the text printed from them when
   * given. Never throws: a file that cannot be written is a note.
   */
  put(run: RunKey, findings: T, printed?: PrintedPieces): void {
    const printedMeta: PrintedMeta | null = printed ? { as: printed.as, severities: printed.severities, bytes: printed.text.reduce((n, piece) => n + Buffer.byteLength(piece), 0) } : null;
    const body = [JSON.stringify({ command: run.command, stamps: run.stamps }), '\n', ...jsonListPieces(findings), '\n', JSON.stringify(printedMeta), '\n', ...(printed?.text ?? [])];
    // The header holds the body's checksum, known once the body is written: it is written first
    // with a stand-in of the same length (a hex SHA-1 is 40 digits), then over it.
    const headerWith = (sha1: string): string => `${JSON.stringify({ k8sNetmap: this.version, format: RESULTS_FORMAT, key: run.key, sha1 })}\n`;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      const fd = fs.openSync(tmp, 'w');
      try {
        fs.writeSync(fd, headerWith('0'.repeat(40)));
        const sha1 = createHash('sha1');
        writeEncoded(fd, body, sha1);
        fs.writeSync(fd, headerWith(sha1.digest('hex')), 0);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
    } catch (error) {
      fs.rmSync(tmp, { force: true });
      this.note(`k8s-netmap: cache not written to ${this.dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
}

/** UTF-16 units encoded at a time by writeEncoded. */
const ENCODE_CHARS = 1 << 20;

/**
 * Writes `texts` as UTF-8 at the file's current position, hashing the bytes written, through one
 * buffer filled before each write. Encoding a whole text of tens of MB at once (Buffer.from) cost
 * about ten times as much once the text holds a character past Latin-1 (an ellipsis in a message is
 * enough): at L, 0.7 s of a run that rechecked one changed file. No text may end in the first half
 * of a surrogate pair (the pieces below never do).
 */
function writeEncoded(fd: number, texts: readonly string[], hash: Hash): void {
  const buffer = Buffer.allocUnsafe(ENCODE_CHARS * 3); // a UTF-16 unit is at most 3 bytes of UTF-8
  let used = 0;
  const flush = (): void => {
    const bytes = buffer.subarray(0, used);
    hash.update(bytes);
    fs.writeSync(fd, bytes);
    used = 0;
  };
  for (const text of texts) {
    for (const part of parts(text)) {
      if (used + part.length * 3 > buffer.length) flush();
      used += buffer.write(part, used);
    }
  }
  if (used > 0) flush();
}

/** A text in parts of at most ENCODE_CHARS units, never between the two halves of a surrogate pair (each half alone would be written as U+FFFD). */
function* parts(text: string): Generator<string> {
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + ENCODE_CHARS, text.length);
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    yield text.slice(at, end);
    at = end;
  }
}

/** How many items of a list are stringified at once. */
const LIST_PIECE_ITEMS = 512;

/** `JSON.stringify(list)` in pieces of a few hundred items, so that the whole text is never held at once (tens of MB at L). */
function* jsonListPieces(list: readonly unknown[]): Generator<string> {
  yield '[';
  for (let from = 0; from < list.length; from += LIST_PIECE_ITEMS) {
    const piece = JSON.stringify(list.slice(from, from + LIST_PIECE_ITEMS));
    yield `${from === 0 ? '' : ','}${piece.slice(1, -1)}`;
  }
  yield ']';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

// The lines after the header, in order.
const RUN_LINE = 0;
const FINDINGS_LINE = 1;
const PRINTED_LINE = 2;
const LINES = 3;

/** Line 4: how the text after it was printed, and its length in bytes. */
interface PrintedMeta {
  as: string;
  severities: string[];
  bytes: number;
}

function isPrintedMeta(p: Partial<PrintedMeta> | null | undefined): p is PrintedMeta {
  return typeof p === 'object' && p !== null && typeof p.as === 'string' && Number.isSafeInteger(p.bytes) && Array.isArray(p.severities) && p.severities.every((s) => typeof s === 'string');
}

/** `check`'s findings, located. */
export class ResultCache extends RecordedResults<LocatedFinding[]> {
  constructor(dir: string, options: ResultCacheOptions = {}) {
    super(dir, { fileName: RESULTS_FILE, isPayload: (p): p is LocatedFinding[] => Array.isArray(p) && p.every(isLocatedFinding) }, options);
  }
}

const NEWLINE = 0x0a;

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
