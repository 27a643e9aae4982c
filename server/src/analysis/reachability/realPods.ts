// Whether a real workspace pod stands for a representative peer (exposure.ts drops a
// representative made of matchLabels when one does), kept across engine epochs. Each answer keeps
// the class that gave it: after an edit, a "yes" is looked for again only when that class is gone,
// and a "no" is tested against the new classes only — not every representative against every
// namespace, which at 50k objects cost more than the rest of an edit.
import { LabelIndex, selectorMatches } from '../selectors';
import type { ClassView } from './policies';
import { realPodMatches, repNamespaceSelector, type RepresentativePeer } from './representative';

type NamespaceClasses = readonly (ClassView & { controller: boolean })[];
type Classes = ReadonlyMap<string, NamespaceClasses>;

export class RealPods {
  /** Per representative key: the representative and a class whose pods it stands for (null: none). */
  private readonly answers = new Map<string, { rep: RepresentativePeer; witness: ClassView | null }>();
  /** The classes the answers hold for, by id. */
  private classes = new Map<number, ClassView>();
  private version: string | undefined;
  /** The namespaces of the classes last synced by their labels (their first real class's), made when first asked. */
  private namespaces?: LabelIndex<NamespaceClasses>;

  /** Brings the answers up to the classes of `byNamespace` (`version` changes with them; class ids are never reused). */
  sync(version: string, byNamespace: Classes): void {
    if (version === this.version) return;
    this.version = version;
    this.namespaces = undefined;
    const now = new Map<number, ClassView>();
    for (const list of byNamespace.values()) for (const c of list) if (!c.controller) now.set(c.id, c);
    const added: ClassView[] = [];
    for (const [id, c] of now) if (!this.classes.has(id)) added.push(c);
    this.classes = now;
    for (const [key, a] of this.answers) {
      if (a.witness) {
        if (!now.has(a.witness.id)) this.answers.delete(key); // found again when asked
      } else {
        a.witness = added.find((c) => realPodMatches(a.rep, c.labels, c.nsLabels)) ?? null;
      }
    }
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
    const nsSelector = repNamespaceSelector(rep);
    for (const classes of this.namespaces.candidates(nsSelector)) {
      if (!selectorMatches(nsSelector, firstReal(classes)!.nsLabels)) continue;
      for (const c of classes) if (!c.controller && realPodMatches(rep, c.labels, c.nsLabels)) return c;
    }
    return null;
  }
}

function firstReal(classes: NamespaceClasses): ClassView | undefined {
  return classes.find((c) => !c.controller);
}
