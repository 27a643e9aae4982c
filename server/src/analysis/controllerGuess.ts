// The ingress controller's identity when neither the settings nor the workspace give it (SPEC §3):
// guessed from what the NetworkPolicies admit on ingress (a namespace named or labelled like a
// known controller's: ingress-nginx, traefik, a gateway, …) and from the Ingresses'
// `ingressClassName`. A guess carries its grounds, for the hover, and never makes a diagnostic
// speak with certainty (ingress-blocked stays an info).
import type { IngressControllerIdentity, LabelSelector, NetworkPolicy } from '../model/types';
import type { WorkspaceIndex } from '../index/workspaceIndex';
import { compareByPath } from '../model/identity';
import { PolicyTable } from './policyTable';

export interface ControllerGuess {
  identity: IngressControllerIdentity;
  /** Why, in words: `NetworkPolicy shop/storefront admits namespace ingress-system on ingress`. */
  grounds: string[];
}

/** Well-known controllers: what their class names and namespaces look like, and their usual identity. */
const KNOWN: Array<{ re: RegExp; namespace: string; podLabels: Record<string, string> }> = [
  { re: /nginx/, namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  { re: /traefik/, namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
  { re: /contour/, namespace: 'projectcontour', podLabels: { 'app.kubernetes.io/name': 'contour' } },
  { re: /haproxy/, namespace: 'haproxy-controller', podLabels: { 'app.kubernetes.io/name': 'haproxy-ingress' } },
  { re: /kong/, namespace: 'kong', podLabels: { 'app.kubernetes.io/name': 'kong' } },
  { re: /istio/, namespace: 'istio-system', podLabels: { istio: 'ingressgateway' } },
  { re: /envoy|gateway/, namespace: 'envoy-gateway-system', podLabels: { 'app.kubernetes.io/name': 'envoy' } },
];

/** A label value or namespace name that looks like an ingress controller's. */
const CONTROLLERISH = /ingress|nginx|traefik|contour|haproxy|kong|istio|envoy|gateway|router/i;

interface Candidate {
  identity: IngressControllerIdentity;
  text: string;
  policies: string[];
}

/** A policy admitting a controller-like peer on ingress, with what it admits. */
interface AdmittingPolicy {
  id: string;
  np: NetworkPolicy;
  admits: Admitted[];
}

/**
 * The policies the guess reads (those admitting a controller-like peer on ingress), in the guess's
 * order, kept up to date from the index's changes: a policy edit then costs the guess a binary
 * search per changed policy, not a sort of every admitting policy (thousands at 50k objects).
 */
export class ControllerHints {
  /** Sorted by `byNameThenPath`. */
  private admitting: AdmittingPolicy[] = [];
  /** Per admitting policy, its entry in `admitting`: a policy leaves from where it was put (an object's namespace may be reassigned in place). */
  private readonly followed: PolicyTable<AdmittingPolicy>;

  constructor(index: WorkspaceIndex) {
    this.followed = new PolicyTable(index, {
      join: (np) => {
        const admits = admittedOf(np);
        if (admits.length === 0) return undefined;
        const entry = { id: idOf(np), np, admits };
        this.admitting.splice(firstNotBefore(this.admitting, entry), 0, entry);
        return entry;
      },
      leave: (_np, entry) => {
        let at = firstNotBefore(this.admitting, entry);
        while (at < this.admitting.length && this.admitting[at] !== entry) at++; // past entries that sort alike
        this.admitting.splice(at, 1);
      },
      // One sort of them all rather than a binary insertion each.
      rebuild: (policies) => {
        this.admitting = admittingOf(policies);
        return new Map(this.admitting.map((e) => [e.np, e]));
      },
    });
  }

  policies(): readonly AdmittingPolicy[] {
    this.followed.refresh();
    return this.admitting;
  }
}

/**
 * The policies that take part in the guess, in the index's order by name (path order among
 * policies of one name). Only policies admitting a controller-like namespace do; what each admits
 * is kept per policy object (an edit re-reads one file, and the guess runs after each).
 */
function admittingOf(policies: Iterable<NetworkPolicy>): AdmittingPolicy[] {
  const admitting: AdmittingPolicy[] = [];
  for (const np of policies) {
    const admits = admittedOf(np);
    if (admits.length > 0) admitting.push({ id: idOf(np), np, admits });
  }
  return admitting.sort(byNameThenPath);
}

function idOf(np: NetworkPolicy): string {
  return `${np.namespace}/${np.name}`;
}

function byNameThenPath(a: AdmittingPolicy, b: AdmittingPolicy): number {
  return cmp(a.id, b.id) || compareByPath(a.np, b.np);
}

/** The first position in `sorted` whose entry does not come before `entry`. */
function firstNotBefore(sorted: readonly AdmittingPolicy[], entry: AdmittingPolicy): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byNameThenPath(sorted[mid], entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The guess, or undefined when nothing in the workspace hints at a controller. `admitting`: the
 * policies taking part, in order (ControllerHints keeps them; all of the index's by default).
 */
export function guessIngressController(index: WorkspaceIndex, admitting: readonly AdmittingPolicy[] = admittingOf(index.networkPoliciesUnordered())): ControllerGuess | undefined {
  const classes = [...new Set(index.ingresses().flatMap((i) => (i.ingressClassName ? [i.ingressClassName] : [])))].sort();
  const classText = classes.length ? `Ingress class ${classes.map((c) => `'${cut(c)}'`).join(', ')}` : undefined;
  const candidates = new Map<string, Candidate & { seen: Set<string> }>();
  for (const { id, admits } of admitting) {
    for (const a of admits) {
      let c = candidates.get(a.key);
      if (!c) candidates.set(a.key, (c = { identity: a.identity, text: a.text, policies: [], seen: new Set() }));
      if (!c.seen.has(id)) {
        c.seen.add(id);
        c.policies.push(cut(id));
      }
    }
  }
  let list = [...candidates.values()];
  // An ingressClassName that names a known controller picks among the candidates.
  const classKnown = KNOWN.find((k) => classes.some((c) => k.re.test(c.toLowerCase())));
  if (classKnown && list.some((c) => classKnown.re.test(c.text))) list = list.filter((c) => classKnown.re.test(c.text));
  list.sort((a, b) => b.policies.length - a.policies.length || cmp(a.text, b.text));
  const best = list[0];
  if (best) {
    const grounds = [`${best.policies.slice(0, 3).map((p) => `NetworkPolicy ${p}`).join(', ')}${best.policies.length > 3 ? ` and ${best.policies.length - 3} more` : ''} admit${best.policies.length === 1 ? 's' : ''} ${best.text} on ingress`];
    if (classText) grounds.push(classText);
    return { identity: best.identity, grounds };
  }
  if (classKnown) {
    return { identity: { namespace: classKnown.namespace, namespaceLabels: {}, podLabels: { ...classKnown.podLabels } }, grounds: [`${classText} (the controller's usual namespace and labels)`] };
  }
  return undefined;
}

/** One controller-like peer a policy admits on ingress. */
interface Admitted {
  key: string;
  identity: IngressControllerIdentity;
  text: string;
}

const admittedCache = new WeakMap<NetworkPolicy, Admitted[]>();

/** The controller-like peers a policy admits on ingress, in rule order (cached per policy object: its content does not change). */
function admittedOf(np: NetworkPolicy): Admitted[] {
  let out = admittedCache.get(np);
  if (out) return out;
  out = [];
  admittedCache.set(np, out);
  if (!np.policyTypes.includes('Ingress')) return out;
  for (const rule of np.ingress) {
    for (const peer of rule.peers ?? []) {
      const ns = peer.namespaceSelector;
      if (!ns || peer.ipBlock || ns.matchLabels.length === 0) continue;
      const looks = ns.matchLabels.some((e) => CONTROLLERISH.test(e.value) || CONTROLLERISH.test(e.key));
      if (!looks) continue;
      const nsLabels: Record<string, string> = {};
      for (const e of ns.matchLabels) nsLabels[e.key] = e.value;
      const name = nsLabels['kubernetes.io/metadata.name'] ?? nsLabels['name'] ?? ns.matchLabels.find((e) => CONTROLLERISH.test(e.value))?.value ?? 'ingress-controller-ns';
      const podLabels = peer.podSelector ? satisfying(peer.podSelector) : {};
      if (podLabels === undefined) continue;
      const nsWords = Object.keys(nsLabels).length === 1 && nsLabels['kubernetes.io/metadata.name'] ? `namespace '${cut(name)}'` : `namespaces with ${words(nsLabels)}`;
      const text = Object.keys(podLabels).length ? `pods with ${words(podLabels)} in ${nsWords}` : nsWords;
      out.push({ key: JSON.stringify([name, nsLabels, podLabels]), identity: { namespace: name, namespaceLabels: nsLabels, podLabels }, text });
    }
  }
  return out;
}

/** Pod labels that satisfy a selector made of labels and `In`/`Exists` expressions; undefined for others. */
function satisfying(sel: LabelSelector): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const e of sel.matchLabels) out[e.key] = e.value;
  for (const x of sel.matchExpressions) {
    if (x.operator === 'In' && x.values.length) out[x.key] ??= x.values[0];
    else if (x.operator === 'Exists') out[x.key] ??= 'true';
    else if (x.operator !== 'DoesNotExist' && x.operator !== 'NotIn') return undefined;
  }
  return out;
}

function words(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => cut(`${k}=${labels[k]}`))
    .join(',');
}

/** Manifest text cut to a sane length for messages and hovers. */
function cut(s: string): string {
  return s.length > 100 ? `${s.slice(0, 99)}…` : s;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
