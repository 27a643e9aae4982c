// Whether a real workspace pod stands for a representative peer (exposure.ts drops a
// representative made of matchLabels when one does), kept across engine epochs. Each answer keeps
// the class that gave it: after an edit, a "yes" is looked for again only when that class is gone,
// and a "no" is tested against the new classes only — not every representative against every
// namespace, which at 50k objects cost more than the rest of an edit.
import { LabelIndex } from '../selectors';
import type { ClassView } from './policies';
import { realPodMatches, repNamespaceMatches, repNamespaceSelector, repPodMatches, type RepresentativePeer } from './representative';

type NamespaceClasses = readonly (ClassView & { controller: boolean })[];
type Classes = ReadonlyMap<string, NamespaceClasses>;

export class RealPods {
  /** Per representative key: the representative and a class whose pods it stands for (null: none). */
  private readonly answers = new Map<string, { rep: RepresentativePeer; witness: ClassView | null }>();
  /** The engine's next class id when last synced: classes at or past it are new since. */
  private nextId = 0;
  private version: string | undefined;
  /** The namespaces of the classes last synced by their labels (their first real class's), made when first asked. */
  private namespaces?: LabelIndex<NamespaceClasses>;

  /**
   * Brings the answers up to the classes of `byNamespace` (`version` changes with them; class ids
   * are never reused, so the classes added since are the ids from the last sync's `nextId` on).
   * Returns whether any representative's answer turned: when none did, the representatives in
   * force are the same as before.
   */
  sync(version: string, byNamespace: Classes, byId: ReadonlyMap<number, NamespaceClasses[number]>, nextId: number): boolean {
    if (version === this.version) return false;
    this.version = version;
    this.namespaces = undefined;
    let added: ClassView[] | undefined;
    const addedSince = (): ClassView[] => {
      const list: ClassView[] = [];
      for (let id = this.nextId; id < nextId; id++) {
        const c = byId.get(id);
        if (c && !c.controller) list.push(c);
      }
      return list;
    };
    let turned = false;
    for (const a of this.answers.values()) {
      if (a.witness) {
        // Its class is gone: another may stand for it still.
        if (!byId.has(a.witness.id)) turned = (a.witness = this.find(a.rep, byNamespace)) === null || turned;
      } else {
        a.witness = (added ??= addedSince()).find((c) => realPodMatches(a.rep, c.labels, c.nsLabels)) ?? null;
        turned ||= a.witness !== null;
      }
    }
    this.nextId = nextId;
    return turned;
  }

  /** Whether a real pod (of the classes last synced) is one of `rep`'s pods. */
  has(rep: RepresentativePeer, byNamespace: Classes): boolean {
    let a = this.answers.get(rep.key);
    if (!a) this.answers.set(rep.key, (a = { rep, witness: this.find(rep, byNamespace) }));
    return a.witness !== null;
  }

  /**
   * A class whose pods `rep` stands for, in namespace order: one namespace test per namespace
   * holding the first pair of the representative's namespace matchLabels (every namespace when it
   * has none), then its classes.
   */
  private find(rep: RepresentativePeer, byNamespace: Classes): ClassView | null {
    this.namespaces ??= new LabelIndex(
      [...byNamespace.values()].filter((list) => firstReal(list)),
      (list) => firstReal(list)!.nsLabels,
    );
    for (const classes of this.namespaces.candidates(repNamespaceSelector(rep))) {
      // The namespace is tested once: its classes (the controller's aside) share its labels.
      if (!repNamespaceMatches(rep, firstReal(classes)!.nsLabels)) continue;
      for (const c of classes) if (!c.controller && repPodMatches(rep, c.labels)) return c;
    }
    return null;
  }
}

function firstReal(classes: NamespaceClasses): ClassView | undefined {
  return classes.find((c) => !c.controller);
}
