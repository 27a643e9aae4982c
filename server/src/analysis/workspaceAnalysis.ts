// One workspace's analysis: the index, its links and the reachability engine, kept in step.
// The engine is brought up to date lazily, on the first question after an edit.
import { Links } from './links';
import { inputFromSource, ReachabilityEngine } from './reachability';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import type { Workload } from '../model/types';

export class Analysis {
  readonly links: Links;
  private engine: ReachabilityEngine | undefined;
  private engineGeneration = -1;

  constructor(readonly index: WorkspaceIndex) {
    this.links = new Links(index);
  }

  reachability(): ReachabilityEngine {
    if (!this.engine) {
      this.engine = new ReachabilityEngine(inputFromSource(this.index));
    } else if (this.engineGeneration !== this.index.generation) {
      this.engine.update(inputFromSource(this.index));
    }
    this.engineGeneration = this.index.generation;
    return this.engine;
  }

  /**
   * True when ingress-controller verdicts can be trusted: the identity is configured, or the
   * workspace defines workloads that carry it (SPEC §3: the default identity is a convention).
   */
  ingressControllerKnown(): boolean {
    const ic = this.index.settings.ingressController;
    if (this.index.settings.ingressControllerConfigured) return true;
    const keys = Object.entries(ic.podLabels);
    if (keys.length === 0) return false;
    return this.index.workloadsIn(ic.namespace).some((w: Workload) => keys.every(([k, v]) => w.podLabels.some((l) => l.key === k && l.value === v)));
  }
}
