// Namespaces decided by kustomizations (SPEC §2): the `namespace:` of a kustomization that lists a file,
// directly or through a listed folder, overrides the file's own. Pure: paths are URI strings.
import type { Kustomization } from '../model/types';

function dirOf(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i === -1 ? '' : uri.slice(0, i);
}

function decoded(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri; // a stray `%`: compare as written
  }
}

/** Resolves `rel` against the folder `dir` (URI path segments; `..` and `.` handled). */
export function resolveRelative(dir: string, rel: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rel)) return rel; // remote bases are not ours to read
  const schemeEnd = dir.indexOf('://');
  const prefix = schemeEnd === -1 ? '' : dir.slice(0, schemeEnd + 3);
  const parts = (schemeEnd === -1 ? dir : dir.slice(schemeEnd + 3)).split('/');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length > 1) parts.pop();
    } else parts.push(seg);
  }
  return prefix + parts.join('/');
}

/**
 * Computes file URI → namespace for every file that kustomizations decide.
 * @param kustomizations kustomization file URI → its facts
 * @param manifestFiles every manifest file URI known (to expand listed folders without a kustomization)
 */
export function kustomizeNamespaces(kustomizations: ReadonlyMap<string, Kustomization>, manifestFiles: Iterable<string>): Map<string, string> {
  // `resources` entries are plain paths (`my app/svc.yaml`) while URIs are percent-encoded
  // (`my%20app/svc.yaml`): paths are matched decoded, and the results keyed by the real URIs.
  const byDir = new Map<string, string>(); // decoded folder → kustomization uri
  for (const uri of kustomizations.keys()) byDir.set(decoded(dirOf(uri)), uri);
  const uriOf = new Map<string, string>(); // decoded file → file uri
  for (const f of manifestFiles) uriOf.set(decoded(f), f);

  // What each kustomization covers: file → namespace it gives (undefined: the file keeps its own).
  const covered = new Map<string, Map<string, string | undefined>>();
  const included = new Set<string>();
  const visiting = new Set<string>();
  const cover = (kUri: string): Map<string, string | undefined> => {
    const done = covered.get(kUri);
    if (done) return done;
    const out = new Map<string, string | undefined>();
    if (visiting.has(kUri)) return out; // a cycle: kustomize rejects it; we just stop
    visiting.add(kUri);
    const k = kustomizations.get(kUri);
    if (!k) return out;
    const dir = decoded(dirOf(kUri));
    for (const rel of k.resources) {
      const target = resolveRelative(dir, rel);
      const inner = byDir.get(target);
      if (inner) {
        included.add(inner);
        for (const [file, ns] of cover(inner)) out.set(file, k.namespace ?? ns);
      } else {
        const uri = uriOf.get(target);
        if (uri !== undefined) out.set(uri, k.namespace);
        else {
          const prefix = target + '/';
          for (const [f, u] of uriOf) if (f.startsWith(prefix)) out.set(u, k.namespace);
        }
      }
    }
    visiting.delete(kUri);
    covered.set(kUri, out);
    return out;
  };
  for (const kUri of kustomizations.keys()) cover(kUri);

  // Only the outermost kustomizations decide; where they disagree the file keeps its own namespace.
  const votes = new Map<string, Set<string | undefined>>();
  for (const [kUri, map] of covered) {
    if (included.has(kUri)) continue;
    for (const [file, ns] of map) {
      let set = votes.get(file);
      if (!set) votes.set(file, (set = new Set()));
      set.add(ns);
    }
  }
  const result = new Map<string, string>();
  for (const [file, set] of votes) {
    if (set.size === 1) {
      const ns = [...set][0];
      if (ns) result.set(file, ns);
    }
  }
  return result;
}
