// Publishing diagnostics: the per-document edit debounce, phased publishing after an index update
// (the edited documents at once, the other files' link diagnostics on the next turn, then
// NetworkPolicy verdicts), the idle sweep of the Services and routes whose verdicts the changes
// may move beyond those, the cache of verdicts between them, and only changed lists re-sent.
import { CodeLensRefreshRequest, type Connection, type Diagnostic } from 'vscode-languageserver/node';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { createDiagnosticContext } from '../features/context';
import { controllerKey, dependentFiles, filesWithVerdicts, verdictFilesBeyond, verdictsMoved, verdictsNear } from '../features/dependents';
import { diagnoseFile, type ReachabilityChecks } from '../features/diagnostics';
import { diagnoseFileAlone } from '../features/fileChecks';
import { reachabilityChecks } from '../features/reachabilityFindings';
import type { Finding } from '../features/rules';
import type { IndexChange } from '../index/workspaceIndex';
import { GraphChangedNotification } from '../protocol';
import { type LineSource, toDiagnostic } from './convert';
import { EncodedDiagnostics } from './encodedDiagnostics';
import { type FileDiagnostics, type RecordedList, recordedList } from './persistedDiagnostics';
import { prepareAnalysis } from './prepare';
import { ReachFindings } from './reachFindings';
import type { StatusReporter } from './status';
import { fsPathOf, hashText, type IndexUpdate } from './indexUpdate';
import type { Workspace } from './workspace';

/** Wait after the last keystroke before re-analysing a document (SPEC §9: at most 100 ms). */
const EDIT_DEBOUNCE_MS = 30;
/** Wait without edits before the idle sweep re-checks Services and routes against the NetworkPolicies. */
const IDLE_SWEEP_MS = 1500;
/** Changes kept for the idle sweep to narrow; past this many it re-checks everything. */
const MAX_SWEEP_CHANGES = 500;
/** Diagnose files for at most this long before yielding, so keystrokes and hovers are answered in between. */
const SLICE_MS = 15;
/** Wait after the last update before telling the diagram to ask for the graph again. */
const GRAPH_CHANGED_MS = 150;

/** Diagnose only what a file decides alone (before the index is whole). */
const FILE_ALONE = 'file-alone';

/** Per-document debounce of edits: the last one wins, once typing pauses. */
export class EditDebounce {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Runs `apply` after a pause of edits of `uri` (a newer edit of it replaces this one). */
  schedule(uri: string, apply: () => void): void {
    const existing = this.timers.get(uri);
    if (existing) clearTimeout(existing);
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        apply();
      }, EDIT_DEBOUNCE_MS),
    );
  }

  /** Whether an edit of `uri` waits to be applied. */
  pending(uri: string): boolean {
    return this.timers.has(uri);
  }

  /** Resolves once a pending edit of `uri` has been applied, or after a few debounce periods. */
  async settled(uri: string): Promise<void> {
    for (let i = 0; i < 10 && this.timers.has(uri); i++) await new Promise((r) => setTimeout(r, EDIT_DEBOUNCE_MS));
  }
}

export class Publisher {
  private reach: ReachFindings;
  /**
   * Diagnostics last published per file (a hash of them, their error count, whether any is decided
   * by other files), to avoid re-sending unchanged lists.
   */
  private readonly published = new Map<string, { hash: string; errors: number; beyondFile: boolean }>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepGeneration = 0;
  /** Index changes since the last idle sweep: it re-checks the verdicts they may move beyond their own update's re-check (verdictFilesBeyond). */
  private readonly sweepChanges: IndexChange[] = [];
  /** Set when the next idle sweep re-checks every Service and route (a change it cannot narrow). */
  private sweepAll = false;
  /** The ingress controller identity in force when every verdict was last computed (publishAll) or swept. */
  private controllerSeen = '';
  /** Files whose link diagnostics an update asked for and that are not yet published (publishPendingLinks). */
  private readonly linksPending = new Set<string>();
  /** Files whose verdicts an update asked to re-check and that are not yet re-checked (an overtaken update's go to the next one). */
  private readonly verdictsPending = new Set<string>();
  /** Index changes whose dependents are not yet worked out (followUpdate). */
  private readonly changesPending: IndexChange[] = [];
  private graphTimer: NodeJS.Timeout | undefined;
  /** Whether the client takes `workspace/codeLens/refresh` (its initialize capabilities say so). */
  lensRefresh = false;
  /** Line tables for diagnostics: the folders' config files, then the index. */
  private readonly lines: LineSource;

  constructor(
    private readonly connection: Connection,
    private readonly workspace: Workspace,
    private readonly status: StatusReporter,
  ) {
    this.reach = new ReachFindings(reachabilityChecks(workspace.analysis));
    this.lines = { file: (uri) => workspace.settings.configs.get(uri) ?? workspace.index.file(uri) };
  }

  /** Errors across the published diagnostics. */
  errorCount(): number {
    let errors = 0;
    for (const p of this.published.values()) errors += p.errors;
    return errors;
  }

  /** The workspace was rebuilt on `analysis`: verdicts computed on the previous one are dropped. */
  useAnalysis(analysis: Analysis): void {
    this.reach = new ReachFindings(reachabilityChecks(analysis));
    // The new scan's publishAll diagnoses every file.
    this.linksPending.clear();
    this.verdictsPending.clear();
    this.changesPending.length = 0;
    this.sweepChanges.length = 0;
    this.sweepAll = false;
  }

  /**
   * Publishes every file's diagnostics with fresh verdicts, open documents first (theirs are sent
   * even when unchanged), in slices that let requests and edits be answered in between. False
   * when the workspace was rebuilt meanwhile (the rest is left to the new scan). `record` collects
   * every non-empty list, sent or not (persistedDiagnostics.ts).
   */
  async publishAll(record?: FileDiagnostics): Promise<boolean> {
    const ws = this.workspace;
    const index = ws.index;
    const open = new Set(ws.documents.keys());
    const uris = new Set<string>([...open, ...index.fileUris(), ...ws.notRead.keys(), ...this.published.keys(), ...ws.settings.configs.keys()]);
    const reach = this.reach.freshPass();
    this.controllerSeen = controllerKey(ws.analysis);
    return this.inSlices([...uris], () => ws.index !== index, (uri) => this.publish(new Set([uri]), open.has(uri) ? new Set([uri]) : new Set(), reach, record));
  }

  /**
   * After a warm start whose recorded lists stand as published (the index is the record's: same
   * settings, every file's stamp, no event since), what publishAll would add without diagnosing and
   * hashing every file again, whose lists are the record's by construction: the open documents'
   * lists, always sent with their versions. The verdicts edits read as `cached` are computed when
   * first read (ReachFindings.computeWhenAsked).
   */
  publishAsRecorded(): void {
    const ws = this.workspace;
    this.reach.computeWhenAsked();
    this.controllerSeen = controllerKey(ws.analysis);
    this.publish(new Set(), new Set(ws.documents.keys()), this.reach.cached);
  }

  /**
   * Publishes diagnostics recorded by an earlier run over the workspace as it stands now (or, with
   * `except`, over what it was before an update that may change those files), open documents first
   * (theirs are sent even when empty, with their version); they count as published, so that the
   * fresh pass that follows (publishAll) sends only what differs.
   */
  async publishRecorded(recorded: FileDiagnostics, except: ReadonlySet<string> = new Set()): Promise<void> {
    const open = new Set(this.workspace.documents.keys());
    const byUri = new Map(recorded.map((list) => [list[0], list]));
    const sent: Array<Promise<void>> = [];
    for (const uri of open) if (!except.has(uri)) sent.push(this.send(byUri.get(uri) ?? [uri, '[]', 0, false]));
    for (const [uri, list] of byUri) if (!open.has(uri) && !except.has(uri)) sent.push(this.send(list));
    this.status.changed();
    // Resolves once every list is written to the connection (a client slow to read holds it back).
    await Promise.all(sent).catch(() => undefined);
  }

  /**
   * Before the index is whole (an edit during the scan): publishes the findings the document
   * decides alone (FILE_SCOPED_CODES), with its version; what other files decide follows when the
   * scan publishes everything. Not when its published list holds findings of other files (a warm
   * start's record): those stand until the scan's fresh list replaces them, rather than vanish for a while.
   */
  publishFileAlone(uri: string): void {
    if (this.published.get(uri)?.beyondFile) return;
    this.publish(new Set([uri]), new Set([uri]), FILE_ALONE);
  }

  /** Runs `each` over `items`, yielding every SLICE_MS; false when `stop` said so first. */
  private async inSlices<T>(items: readonly T[], stop: () => boolean, each: (item: T) => void): Promise<boolean> {
    let sliceStart = performance.now();
    for (const item of items) {
      if (performance.now() - sliceStart >= SLICE_MS) {
        await new Promise((r) => setImmediate(r));
        sliceStart = performance.now();
      }
      if (stop()) return false;
      each(item);
    }
    return true;
  }

  /**
   * After an index update: first the edited documents' diagnostics, then, on the next turn, the
   * link diagnostics of the files that depend on it (both with the verdicts last computed), then
   * fresh NetworkPolicy verdicts where they may have changed; after a pause in typing, the
   * Services and routes whose verdicts the changes may move further away are re-checked. `always` are sent even when unchanged (the edited document:
   * clients wait for its version).
   */
  publishUpdate(update: IndexUpdate, always: ReadonlySet<string>): void {
    for (const uri of update.reread) this.reach.forget(uri);
    for (const uri of update.removed) {
      this.reach.forget(uri);
      this.linksPending.delete(uri);
      this.verdictsPending.delete(uri);
      this.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.published.delete(uri);
    }
    // The edited documents now; which other files depend on the update, and their link
    // diagnostics, after a turn: the connection writes on a later turn, and at L working those out
    // first (a relabelled namespace's policies: 5–20 ms CPU) held the edited ones back.
    this.publish(new Set(), always, this.reach.cached);
    for (const uri of update.dirty) if (!update.removed.has(uri) && !always.has(uri)) this.linksPending.add(uri);
    for (const change of update.changes) {
      this.changesPending.push(change);
      this.sweepChanges.push(change);
    }
    // Typing without a pause of IDLE_SWEEP_MS: the changes are not kept without end.
    if (this.sweepChanges.length > MAX_SWEEP_CHANGES) {
      this.sweepChanges.length = 0;
      this.sweepChanges.push(...update.changes);
      this.sweepAll = true;
    }
    const generation = ++this.sweepGeneration;
    void this.followUpdate(update, always, generation).then((done) => {
      // The next hover's explanations are prepared once the verdicts are out, unless an edit came.
      if (done) setImmediate(() => generation === this.sweepGeneration && this.workspace.analysis.prepareExplanations());
    });
    this.viewsChanged();
    if (this.sweepTimer) clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => void this.idleSweep(generation), IDLE_SWEEP_MS);
  }

  /**
   * The files whose diagnostics `update` may have changed: its files and their dependents, those whose
   * verdicts may move, and, after a policy or namespace change, every file with a Service or route.
   */
  mayHaveChanged(update: IndexUpdate): Set<string> {
    const index = this.workspace.index;
    const { sensitive, beyond } = verdictsMoved(index, update.changes);
    const out = new Set([...update.dirty, ...update.removed, ...sensitive]);
    for (const change of update.changes) for (const uri of dependentFiles(index, change)) out.add(uri);
    if (beyond) for (const uri of filesWithVerdicts(index)) out.add(uri);
    return out;
  }

  /**
   * An update's turn: the link diagnostics of the files that depend on it and on the updates it
   * overtook, then the NetworkPolicy verdicts they may move, in slices; false when a newer update
   * cut it short (the files and changes not yet followed, verdicts included, are left to that one).
   */
  private async followUpdate(update: IndexUpdate, always: ReadonlySet<string>, generation: number): Promise<boolean> {
    await new Promise((r) => setImmediate(r));
    if (generation !== this.sweepGeneration) return false;
    const index = this.workspace.index;
    // Against the index as it is now: a file that depended on an overtaken update only through
    // what a later one changed is among that one's files or dependents.
    for (const change of this.changesPending.splice(0)) {
      for (const uri of dependentFiles(index, change)) if (!update.removed.has(uri) && !always.has(uri)) this.linksPending.add(uri);
      for (const uri of verdictsNear(index, change)) if (!update.removed.has(uri)) this.verdictsPending.add(uri);
    }
    for (const uri of always) this.verdictsPending.add(uri);
    if (!(await this.publishPendingLinks(generation))) return false;
    // The edited documents first, then the rest in chunks, yielding so that a new keystroke or a
    // hover is answered in between (a newer edit cancels what is left).
    const first = [...this.verdictsPending].filter((u) => always.has(u));
    const rest = [...this.verdictsPending].filter((u) => !always.has(u));
    return this.recheckReachability([...first, ...rest], generation);
  }

  /**
   * Tells the diagram the graph changed, once updates pause, and asks the editor for every code lens
   * again: it asks on its own only for the document typed in, so the lens of a Service in another
   * open editor would otherwise keep counting the workloads it selected before the edit.
   */
  viewsChanged(): void {
    if (this.graphTimer) clearTimeout(this.graphTimer);
    this.graphTimer = setTimeout(() => {
      void this.connection.sendNotification(GraphChangedNotification);
      if (this.lensRefresh) void this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, GRAPH_CHANGED_MS);
  }

  /**
   * Publishes the link diagnostics of the files updates left to do (with the verdicts last
   * computed), in slices; false when a newer update cut it short (what is left stays pending for
   * that update's turn).
   */
  private publishPendingLinks(generation: number): Promise<boolean> {
    const uris = [...this.linksPending];
    return this.inSlices(uris, () => generation !== this.sweepGeneration, (uri) => {
      this.linksPending.delete(uri);
      this.publish(new Set([uri]), new Set(), this.reach.cached);
    });
  }

  /** Re-checks files against the NetworkPolicies in slices; false when a newer update cut it short. */
  private async recheckReachability(uris: string[], generation: number): Promise<boolean> {
    // Yield first: the diagnostics just published go out before the verdicts are worked out.
    await new Promise((r) => setImmediate(r));
    // An engine still being built after the scan is finished in slices, not at once by the first verdict.
    await prepareAnalysis(this.workspace.analysis);
    if (generation !== this.sweepGeneration) return false;
    const reach = this.reach.freshPass();
    return this.inSlices(uris, () => generation !== this.sweepGeneration, (uri) => {
      this.verdictsPending.delete(uri);
      this.publish(new Set([uri]), new Set(), reach);
    });
  }

  /**
   * Re-checks the Services and routes whose verdicts the changes since the last sweep may have
   * moved beyond what their updates re-checked, in chunks; stops when an update comes (the next
   * sweep takes its changes again).
   */
  private async idleSweep(generation: number): Promise<void> {
    if (generation !== this.sweepGeneration || this.sweepChanges.length === 0) return;
    const files = this.sweepFiles();
    if (await this.recheckReachability([...files], generation)) {
      this.sweepChanges.length = 0;
      this.sweepAll = false;
    }
  }

  /** What the idle sweep re-checks: every file with verdicts when a change or the controller identity says so, else the changes' files beyond (verdictFilesBeyond). */
  private sweepFiles(): Set<string> {
    const index = this.workspace.index;
    const analysis = this.workspace.analysis;
    const controller = controllerKey(analysis);
    if (controller !== this.controllerSeen) this.sweepAll = true;
    this.controllerSeen = controller;
    const files = new Set(this.verdictsPending);
    const controllerNamespace = analysis.ingressControllerInfo().identity.namespace;
    for (const change of this.sweepChanges) {
      if (this.sweepAll) break;
      const beyond = verdictFilesBeyond(index, change, controllerNamespace);
      if (beyond === 'all') this.sweepAll = true;
      else for (const uri of beyond) files.add(uri);
    }
    return this.sweepAll ? filesWithVerdicts(index) : files;
  }

  /**
   * Publishes diagnostics of `uris` (and `always`, sent even when unchanged), with `reachability`'s
   * verdicts; `record` collects the non-empty lists.
   */
  private publish(uris: ReadonlySet<string>, always: ReadonlySet<string>, reachability: ReachabilityChecks | typeof FILE_ALONE, record?: FileDiagnostics): void {
    for (const uri of new Set([...always, ...uris])) {
      const diagnostics = this.diagnose(uri, reachability).map((f) => toDiagnostic(this.lines, f));
      const list = recordedList(uri, diagnostics);
      if (record && diagnostics.length) record.push(list);
      const hash = diagnostics.length ? hashText(list[1]) : '';
      if (!always.has(uri) && (this.published.get(uri)?.hash ?? '') === hash) continue;
      void this.send(list, hash, diagnostics);
    }
    this.status.changed();
  }

  /**
   * Sends a file's list as its JSON text was made or recorded (never encoded again on the way over
   * stdio, nor decoded when `diagnostics` are given: encodedDiagnostics.ts) and remembers it as
   * published (`hash`: of that text, '' when none); resolves once written.
   */
  private send([uri, json, errors, beyondFile]: RecordedList, hash = json === '[]' ? '' : hashText(json), diagnostics?: Diagnostic[]): Promise<void> {
    if (hash) this.published.set(uri, { hash, errors, beyondFile });
    else this.published.delete(uri);
    // The document version tells clients which edit these diagnostics answer.
    return this.connection.sendDiagnostics(new EncodedDiagnostics(uri, this.workspace.documents.get(uri)?.version, json, diagnostics));
  }

  /** A file's findings: all of them with `reachability`'s verdicts, or only those it decides alone (FILE_ALONE). */
  private diagnose(uri: string, reachability: ReachabilityChecks | typeof FILE_ALONE): Finding[] {
    const ws = this.workspace;
    const rules = ws.settings.forPath(fsPathOf(uri)).rules;
    const config = ws.settings.configs.get(uri);
    if (config) {
      const severity = rules['config-invalid'];
      if (severity === 'off') return [];
      return severity ? config.findings.map((f) => ({ ...f, severity })) : config.findings;
    }
    const note = ws.notRead.get(uri);
    if (note) return rules['file-not-read'] === 'off' ? [] : [note];
    try {
      if (reachability !== FILE_ALONE) return diagnoseFile(createDiagnosticContext(ws.analysis, rules, reachability), uri);
      const file = ws.index.file(uri);
      return file ? diagnoseFileAlone(file, rules) : [];
    } catch (error) {
      this.connection.console.error(`k8s-netmap: diagnostics of ${uri} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return [];
    }
  }
}
