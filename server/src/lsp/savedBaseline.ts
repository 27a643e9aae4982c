// The saved state that the "unsaved edit" lens compares with, kept warm so that the first lens
// after a keystroke does not rebuild it (on a 10k-object workspace a rebuild is a full index copy
// plus a full reachability engine: about a second).
//
// A second WorkspaceIndex mirrors the live one file by file, sharing its parsed files, except for
// one "pinned" file that holds the text on disk (the file being edited). Its Analysis brings its
// engine up to date incrementally, like the live one: a change of any other file in the live index
// is copied over as it happens and costs what an edit costs. The mirror is built once (in the
// background when a NetworkPolicy file is opened: `warm`) and again only after a bulk load of the
// live index (a rescan) or a change to a kustomization, whose namespace rewriting reaches into
// other files' objects.
import { createHash } from 'node:crypto';
import { Analysis } from '../analysis/workspaceAnalysis';
import { WorkspaceIndex } from '../index/workspaceIndex';
import type { ParsedFile } from '../model/types';

/** The hash that identifies a saved text. */
export function textHash(text: string): string {
  return createHash('sha1').update(text).digest('base64');
}

interface Mirror {
  live: WorkspaceIndex;
  index: WorkspaceIndex;
  analysis: Analysis;
  /** The file that holds its saved text, and the hash of that text. */
  pinned?: { uri: string; hash: string };
}

export class SavedBaseline {
  private mirror: Mirror | undefined;
  /** Live indexes listened to (an index has no way to remove a listener). */
  private readonly watched = new WeakSet<WorkspaceIndex>();
  /** How many times the mirror was built from scratch (for tests). */
  builds = 0;

  /**
   * The saved state: the live index with `uri` holding `savedText`. The analysis is owned by the
   * baseline and stays valid until the next call.
   */
  analysisFor(live: WorkspaceIndex, uri: string, savedText: string, options: { helmTemplate: boolean }): Analysis {
    const m = this.current(live);
    const hash = textHash(savedText);
    this.unpinOther(m, uri);
    if (m.pinned?.hash !== hash) {
      m.index.setFile(uri, savedText, options);
      m.pinned = { uri, hash };
      if (m.index.file(uri)?.kustomization) this.drop(m); // rebuilt on the next call
    }
    return m.analysis;
  }

  /**
   * Builds the mirror and its engine now, if they are not up to date (the work a first lens would
   * do). With `saved`: `saved.parsed` is what the live index held for `saved.uri` when its text
   * equalled the file on disk (hash `saved.hash`); if the live index and the mirror still hold that
   * very parse, the mirror's copy is the saved state of the file and is pinned as it is, so the
   * first edit does not even re-read the saved text.
   */
  warm(live: WorkspaceIndex, saved?: { uri: string; hash: string; parsed: ParsedFile }): void {
    const m = this.current(live);
    if (saved && live.file(saved.uri) === saved.parsed && m.index.file(saved.uri) === saved.parsed && !saved.parsed.kustomization) {
      this.unpinOther(m, saved.uri);
      m.pinned = { uri: saved.uri, hash: saved.hash };
    }
    m.analysis.reachability();
  }

  /** Gives the file pinned other than `uri` back its live content. */
  private unpinOther(m: Mirror, uri: string): void {
    if (!m.pinned || m.pinned.uri === uri) return;
    const was = m.pinned.uri;
    m.pinned = undefined;
    this.copyFromLive(m, was);
  }

  private current(live: WorkspaceIndex): Mirror {
    if (this.mirror && this.mirror.live === live) return this.mirror;
    if (!this.watched.has(live)) {
      this.watched.add(live);
      live.onDidChange((change, bulk) => {
        const m = this.mirror;
        if (!m || m.live !== live) return;
        if (bulk) return this.drop(m);
        for (const uri of change.uris) {
          if (uri === m.pinned?.uri) continue; // holds the saved text; the next lens checks it against the disk
          this.copyFromLive(m, uri);
          if (this.mirror !== m) return;
        }
      });
    }
    const index = new WorkspaceIndex(live.settings);
    index.bulk(() => {
      for (const f of live.parsedFiles()) index.setParsed(f.uri, f);
    });
    this.builds++;
    this.mirror = { live, index, analysis: new Analysis(index) };
    return this.mirror;
  }

  /** Makes the mirror's `uri` what the live index has; a kustomization on either side drops the mirror. */
  private copyFromLive(m: Mirror, uri: string): void {
    const now = m.live.file(uri);
    if (now?.kustomization || m.index.file(uri)?.kustomization) return this.drop(m);
    if (now) m.index.setParsed(uri, now);
    else m.index.removeFile(uri);
  }

  private drop(m: Mirror): void {
    if (this.mirror === m) this.mirror = undefined;
  }
}
