// What the workspace's steps report: one indexing step's update to the publisher (IndexUpdate), a
// scan's progress to the status (ScanProgress); and the two helpers the workspace, the warm start and the publisher share: a text's hash and a URI's path.
import { URI } from 'vscode-uri';
import { contentHash } from '../host/cache';
import type { IndexChange } from '../index/workspaceIndex';

/** SHA-1 of a text (base64): what the workspace records of indexed text and the publisher of sent lists. */
export function hashText(text: string): string {
  // The same digest as the persisted stamps' (one-shot where Node has it): the warm start compares the two.
  return contentHash(text);
}

/** The path of a `file:` URI; undefined for any other (an unsaved document). */
export function fsPathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** What one indexing step did: every removal and every edit lands here the same way. */
export class IndexUpdate {
  /** Files indexed, noted or removed: to re-diagnose, with the dependents of `changes` (the publisher works those out). */
  readonly dirty = new Set<string>();
  /** The index changes behind them, for the NetworkPolicy follow-up. */
  readonly changes: IndexChange[] = [];
  /** Files whose text was indexed again: verdicts cached for them point at old spans. */
  readonly reread = new Set<string>();
  /** Files gone from the workspace: their diagnostics are cleared. */
  readonly removed = new Set<string>();

  /** Records an index change. */
  record(change: IndexChange): void {
    this.changes.push(change);
  }
}

/** How a scan reports its progress (status.ts). */
export interface ScanProgress {
  /** The file at `index` (0-based) of `total` has been read. */
  report(index: number, total: number): void;
}
