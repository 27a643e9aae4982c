// One workspace's analysis: the index, its links and the reachability engine, kept in step.
// The engine is brought up to date lazily, on the first question after an edit; a server builds
// it ahead in slices (`prepare`) after a bulk load, so that requests are answered in between.
import { ControllerHints, guessIngressController, type ControllerGuess } from './controllerGuess';
import { Links } from './links';
import { ExplainContext } from './explain';
import { inputFromSource, ReachabilityEngine, type PortionSizes } from './reachability';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { AnalysisSettings, IngressControllerIdentity, K8sObject, Workload } from '../model/types';

// Pod label values that mark well-known ingress controllers.
const CONTROLLER_NAMES = /^(?:ingress-nginx|nginx-ingress|rke2-ingress-nginx|traefik|contour|haproxy-ingress|kubernetes-ingress|kong|envoy-gateway|ingress-controller)$/;
/** The pod label keys whose values name a well-known controller (a workload with one may be the controller). */
export const CONTROLLER_LABEL_KEYS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'app.kubernetes.io/instance'];

/**
 * An ingress controller that the workspace itself defines: a workload whose pod labels name a
 * well-known controller. The first by namespace and name, so the choice is stable.
 */
function detectIngressController(index: WorkspaceIndex): { identity: IngressControllerIdentity; workload: Workload } | undefined {
  const candidates = index
    .workloads()
    .filter((w) => w.podLabels.some((l) => CONTROLLER_LABEL_KEYS.includes(l.key) && CONTROLLER_NAMES.test(l.value)))
    .sort((a, b) => (a.namespace + '/' + a.name < b.namespace + '/' + b.name ? -1 : 1));
  const w = candidates[0];
  if (!w) return undefined;
  const podLabels: Record<string, string> = {};
  for (const l of w.podLabels) podLabels[l.key] = l.value;
  return { identity: { namespace: w.namespace, namespaceLabels: {}, podLabels }, workload: w };
}

function looksLikeController(o: K8sObject): boolean {
  return o.type === 'workload' && o.podLabels.some((l) => CONTROLLER_LABEL_KEYS.includes(l.key) && CONTROLLER_NAMES.test(l.value));
}

export class Analysis {
  readonly links: Links;
  private engine: ReachabilityEngine | undefined;
  /** An engine being built in portions (`prepare`) from the index as it stood when it began; `pending` holds what changed since. */
  private building: { engine: ReachabilityEngine; step(): boolean } | undefined;
  private explained: { engine: ReachabilityEngine; epoch: number; generation: number; ctx: ExplainContext } | undefined;
  /** Objects that left or joined since the engine last saw the index, in order. */
  private pending: K8sObject[] = [];
  /** True when the engine must start over (a bulk load, or no engine yet). */
  private needsFull = true;
  private detected: ReturnType<typeof detectIngressController>;
  private detectionStale = true;
  private guess: ControllerGuess | undefined;
  private guessStale = true;
  private readonly hints: ControllerHints;

  constructor(readonly index: WorkspaceIndex) {
    this.links = new Links(index);
    this.hints = new ControllerHints(index);
    index.onDidChange((change, bulk) => {
      if (bulk) {
        this.needsFull = true;
        this.pending = [];
        this.building = undefined; // built from an index that is gone
        this.detectionStale = true;
        this.guessStale = true;
        return;
      }
      for (const o of change.objects) {
        this.pending.push(o);
        if (looksLikeController(o)) this.detectionStale = true;
        if (o.type === 'networkpolicy' || o.type === 'ingress') this.guessStale = true;
      }
    });
  }

  /**
   * Settings in force: the configured ones; else the controller the workspace defines; else the
   * identity guessed from the policies and ingress classes (controllerGuess.ts); else the default.
   */
  private effectiveSettings(): AnalysisSettings {
    const s = this.index.settings;
    if (s.ingressControllerConfigured) return s;
    if (this.detectionStale) {
      this.detected = detectIngressController(this.index);
      this.detectionStale = false;
    }
    if (this.detected) return { ...s, ingressController: this.detected.identity };
    if (this.guessStale) {
      this.guess = guessIngressController(this.index, this.hints.policies());
      this.guessStale = false;
    }
    return this.guess ? { ...s, ingressController: this.guess.identity } : s;
  }

  /** Where the controller identity in use comes from, with the grounds of a guess (for hovers). */
  ingressControllerInfo(): { source: 'configured' | 'workspace' | 'guess' | 'default'; identity: IngressControllerIdentity; grounds: string[]; workload?: Workload } {
    const s = this.effectiveSettings();
    const identity = s.ingressController;
    if (this.index.settings.ingressControllerConfigured) return { source: 'configured', identity, grounds: [] };
    if (this.detected) return { source: 'workspace', identity, grounds: [], workload: this.detected.workload };
    if (this.guess) return { source: 'guess', identity, grounds: this.guess.grounds };
    return { source: 'default', identity, grounds: [] };
  }

  /**
   * Builds the engine after a bulk load (when it must start over) in slices of about `sliceMs`,
   * yielding to the event loop in between, so that requests and edits are handled meanwhile.
   * Edits made meanwhile are applied once it is whole; a question asked meanwhile finishes the
   * build at once (reachability()): nothing reads a half-built engine. Resolves when the engine is
   * whole, or when a bulk load made the build moot (the next question builds from that index).
   */
  async prepare(sliceMs: number, portions?: PortionSizes): Promise<void> {
    if (this.engine && !this.needsFull) return;
    const build = (this.building ??= this.startBuild(portions));
    for (;;) {
      const start = performance.now();
      do {
        if (this.building !== build) return; // finished by a question, or dropped by a bulk load
        if (!build.step()) return this.install(build);
      } while (performance.now() - start < sliceMs);
      await new Promise((r) => setImmediate(r));
    }
  }

  /** A build in portions from the index as it stands: what changes from now on is applied after it. */
  private startBuild(portions?: PortionSizes): { engine: ReachabilityEngine; step(): boolean } {
    this.pending = [];
    return ReachabilityEngine.inPortions({ ...inputFromSource(this.index), settings: this.effectiveSettings() }, portions);
  }

  /** A build in portions is whole: its engine is the one in force, with the edits made meanwhile still to apply. */
  private install(build: { engine: ReachabilityEngine }): void {
    this.building = undefined;
    this.engine = build.engine;
    this.needsFull = false;
  }

  /** The reachability engine, brought up to date with the index: incrementally after edits, in full after a bulk load. */
  reachability(): ReachabilityEngine {
    if (this.building) {
      const build = this.building;
      while (build.step());
      this.install(build);
    }
    if (!this.engine || this.needsFull) {
      const input = { ...inputFromSource(this.index), settings: this.effectiveSettings() };
      if (!this.engine) this.engine = new ReachabilityEngine(input);
      else this.engine.update(input);
      this.needsFull = false;
      this.pending = [];
    } else if (this.pending.length > 0) {
      const objects = this.pending;
      this.pending = [];
      this.engine.applyChange({ objects }, this.effectiveSettings());
    }
    return this.engine;
  }

  /**
   * The explain context of the current engine and index, kept while neither changes: building one
   * reads every NetworkPolicy and route, and what it learns (routes per peer, isolation per class,
   * the classes each Deny rule names) holds for every hover, path query and diagram until then.
   */
  explainContext(): ExplainContext {
    const engine = this.reachability();
    const known = this.explained;
    if (known && known.engine === engine && known.epoch === engine.epoch && known.generation === this.index.generation) return known.ctx;
    const ctx = new ExplainContext(engine, this.index);
    this.explained = { engine, epoch: engine.epoch, generation: this.index.generation, ctx };
    return ctx;
  }

  /**
   * Builds ahead what the first explanation after a change would (the explain context and the
   * outside address ranges), so that a server can do it while nobody waits for an answer.
   */
  prepareExplanations(): void {
    const engine = this.explainContext().engine;
    engine.externalPeers('ingress');
    engine.externalPeers('egress');
  }

  /**
   * True when ingress-controller verdicts can be trusted: the identity is configured, or the
   * workspace defines the controller (SPEC §3: the default identity is only a convention).
   */
  ingressControllerKnown(): boolean {
    this.effectiveSettings();
    return this.index.settings.ingressControllerConfigured || this.detected !== undefined;
  }

  /**
   * The workspace's own ingress controller workload: the detected one, or, when the identity is
   * configured, a workload of that namespace carrying all of its pod labels.
   */
  detectedIngressController(): Workload | undefined {
    const s = this.effectiveSettings();
    if (!this.index.settings.ingressControllerConfigured) return this.detected?.workload;
    const wanted = Object.entries(s.ingressController.podLabels);
    if (wanted.length === 0) return undefined;
    return this.index
      .workloadsIn(s.ingressController.namespace)
      .find((w) => wanted.every(([k, v]) => w.podLabels.some((l) => l.key === k && l.value === v)));
  }
}
