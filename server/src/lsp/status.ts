// What the server tells the editor about itself: the status notification behind the status item,
// the scan's work-done progress, and one-off messages.
import { type Connection, MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import { type StatusParams, StatusNotification } from '../protocol';
import type { ScanProgress } from './indexUpdate';

/** At most this often, the status is sent after publishing (counting walks every file). */
const STATUS_INTERVAL_MS = 250;

export class StatusReporter {
  private timer: NodeJS.Timeout | undefined;
  /** From the start of a scan until its diagnostics are all published. */
  private indexing = false;

  /** `counts` gives the status now, except whether a scan runs. */
  constructor(
    private readonly connection: Connection,
    private readonly counts: () => Omit<StatusParams, 'indexing'>,
  ) {}

  /** The status is about to change: sent soon, at most a few times a second. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.send(this.indexing);
    }, STATUS_INTERVAL_MS);
  }

  /**
   * A scan starts: the status says so at once, and progress is shown while it runs, from when the
   * client has made its token (`progress` resolves then: the scan waits for it; a warm start's
   * recorded lists, sent before the scan, do not).
   */
  scanStarted(): { progress: Promise<ScanProgress>; done(): void } {
    this.indexing = true;
    this.send(true);
    const created = this.connection.window.createWorkDoneProgress().catch(() => undefined);
    const progress = created.then((token): ScanProgress => {
      token?.begin('k8s-netmap: indexing manifests', 0, undefined, false);
      return { report: (index, total) => token?.report(Math.round((index / total) * 100), `${index + 1}/${total} files`) };
    });
    return { progress, done: () => void created.then((token) => token?.done()) };
  }

  /** The scan's diagnostics are all published: the status says so at once. */
  indexed(): void {
    this.indexing = false;
    this.send(false);
  }

  /** Shows a message once in the editor (LSP's `window/showMessage`). */
  notice(level: 'info' | 'warning', message: string): void {
    void this.connection.sendNotification(ShowMessageNotification.type, { type: level === 'warning' ? MessageType.Warning : MessageType.Info, message });
  }

  private send(indexing: boolean): void {
    void this.connection.sendNotification(StatusNotification, { indexing, ...this.counts() });
  }
}
