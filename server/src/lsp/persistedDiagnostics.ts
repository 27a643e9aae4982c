// The server's published diagnostics, persisted beside its index in the workspace storage (SPEC §8)
// so that a start with nothing changed publishes them at once: recorded (host/resultCache.ts's
// file format) under a key made of the version, the effective settings of every folder (rules,
// exclusions, size limits, the k8s-netmap.yaml findings) and every listed file's stamp (path, Helm
// role, size, mtime, content hash). Any other key, another version's file, or a corrupt one (with a
// note) is a miss: the server then works as without it.
import type { Diagnostic } from 'vscode-languageserver/node';
import { FILE_SCOPED_CODES } from '../features/rules';
import type { FileStamp, InputStamp } from '../host/cache';
import { helmReadOptions, readStampedBytes } from '../host/files';
import { commandKeyOf, RecordedResults, resultKey, type RunKey } from '../host/resultCache';
import type { WorkspaceSettings } from './folderSettings';

export const DIAGNOSTICS_FILE = 'k8s-netmap-diagnostics.json';
/** How the key reads a file not read for its size or content: by its note. */
export const NOT_READ = 'not read: ';

/**
 * A file's non-empty diagnostics list as published: its JSON text as sent (a warm start writes it to
 * the connection as it is, without decoding and encoding it again: encodedDiagnostics.ts), and what
 * the publisher keeps of a sent list besides its hash (its errors, whether other files decide any).
 */
export type RecordedList = [uri: string, json: string, errors: number, beyondFile: boolean];

/** Every file's non-empty diagnostics list, as published (open documents' included). */
export type FileDiagnostics = RecordedList[];

/** A list as recorded (and as the publisher sends it), from its diagnostics. */
export function recordedList(uri: string, diagnostics: readonly Diagnostic[]): RecordedList {
  const errors = diagnostics.filter((d) => d.severity === 1).length;
  return [uri, JSON.stringify(diagnostics), errors, diagnostics.some((d) => !FILE_SCOPED_CODES.has(String(d.code)))];
}

function isRecordedList(e: unknown): e is RecordedList {
  return Array.isArray(e) && e.length === 4 && typeof e[0] === 'string' && typeof e[1] === 'string' && typeof e[2] === 'number' && typeof e[3] === 'boolean';
}

// The lists' texts are not parsed to be checked: the record's checksum holds, and they were written by JSON.stringify.
function isFileDiagnostics(p: unknown): p is FileDiagnostics {
  return Array.isArray(p) && p.every(isRecordedList);
}

export class PersistedDiagnostics extends RecordedResults<FileDiagnostics> {
  constructor(dir: string, options: { version?: string; note?: (message: string) => void } = {}) {
    super(dir, { fileName: DIAGNOSTICS_FILE, isPayload: isFileDiagnostics }, options);
  }
}

/**
 * A listed file's stamp, as the key records it, from its read: a file not read for its size or
 * content is keyed by its note (its stamp still taken); undefined when it could not be opened (its
 * diagnostics are then never recorded nor taken from the record).
 */
export function keyStampOf(file: string, read: { text: string; stamp?: FileStamp } | { bytes: Buffer; stamp: FileStamp } | { skipped: string; stamp?: FileStamp }): InputStamp | undefined {
  if (!read.stamp) return undefined;
  // The path is the stamp's own: how the file reads is its Helm role.
  const readKey = 'skipped' in read ? `${NOT_READ}${read.skipped}` : JSON.stringify(helmReadOptions(file));
  return { path: file, readKey, ...read.stamp };
}

/** `keyStampOf` a file read now (its bytes hashed, not decoded). */
export function stampOfListed(file: string, maxFileSize: number): InputStamp | undefined {
  return keyStampOf(file, readStampedBytes(file, maxFileSize));
}

/** Whether two stamps of a file are the same (path, read key, size, mtime, content hash). */
export function sameInputStamp(a: InputStamp, b: InputStamp): boolean {
  return a.path === b.path && a.readKey === b.readKey && a.size === b.size && a.mtimeMs === b.mtimeMs && a.hash === b.hash;
}

/** What of the key `settings` make: the command part (RecordedRun.command). */
export function settingsKey(settings: WorkspaceSettings): string {
  return commandKeyOf(commandOf(settings));
}

/** The key of the diagnostics of `settings` over the listed files' `stamps` (undefined: not to be recorded). */
export function diagnosticsKey(settings: WorkspaceSettings, stamps: ReadonlyArray<InputStamp | undefined>): RunKey | undefined {
  return resultKey(commandOf(settings), stamps);
}

function commandOf(settings: WorkspaceSettings): unknown {
  return ['server', settings.folders, settings.window, [...settings.configs.values()]];
}
