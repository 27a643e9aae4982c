// Whether a real workspace pod stands for a representative peer (exposure.ts drops a
// representative made of matchLabels when one does), kept across engine epochs. Each answer keeps
// the class that gave it: after an edit, a "yes" is looked for again only when that class is gone,
// and a "no" is tested against the new classes only — not every representative against every
// namespace, which at 50k objects cost more than the rest of an edit.
import type { ClassView } from './policies';
import { realPodMatches, repNamespaceMatches, type RepresentativePeer } from './representative';

type Classes = ReadonlyMap<string, readonly (ClassView & { controller: boolean })[]>;

export class RealPods {
  /** Per representative key: the representative and a class whose pods it stands for (null: none). */
  private readonly answers = new Map<string, { rep: RepresentativePeer; witness: ClassView | null }>();
  /** The classes the answers hold for, by id. */
  private classes = new Map<number, ClassView>();
  private version: string | undefined;

  /** Brings the answers up to the classes of `byNamespace` (`version` changes with them; class ids are never reused). */
  sync(version: string, byNamespace: Classes): void {
    if (version === this.version) return;
    this.version = version;
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
    if (!a) this.answers.set(rep.key, (a = { rep, witness: find(rep, byNamespace) }));
    return a.witness !== null;
  }
}

/** One namespace test per namespace, then its classes. */
function find(rep: RepresentativePeer, byNamespace: Classes): ClassView | null {
  for (const classes of byNamespace.values()) {
    const first = classes.find((c) => !c.controller);
    if (!first || !repNamespaceMatches(rep, first.nsLabels)) continue;
    for (const c of classes) if (!c.controller && realPodMatches(rep, c.labels, c.nsLabels)) return c;
  }
  return null;
}
