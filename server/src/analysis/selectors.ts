// Kubernetes label selectors: matching, and the API server's validity rules for keys, values and
// operators (so that callers can tell "selects nothing" from "would be rejected").

import type { LabelEntry, LabelSelector, SelectorExpression } from '../model/types';

export function labelsOf(entries: LabelEntry[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) out[e.key] = e.value;
  return out;
}

/**
 * Whether a selector matches a label set: every `matchLabels` entry and every expression must hold;
 * the empty selector matches everything. An expression the API server would reject (unknown
 * operator, `In`/`NotIn` without values, `Exists`/`DoesNotExist` with values) matches nothing,
 * so a broken selector never widens what a policy allows or isolates.
 */
export function selectorMatches(sel: LabelSelector, labels: Record<string, string>): boolean {
  for (const e of sel.matchLabels) {
    if (!Object.prototype.hasOwnProperty.call(labels, e.key) || labels[e.key] !== e.value) return false;
  }
  for (const x of sel.matchExpressions) {
    if (!expressionMatches(x, labels)) return false;
  }
  return true;
}

function expressionMatches(x: SelectorExpression, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, x.key);
  switch (x.operator) {
    case 'In':
      return x.values.length > 0 && has && x.values.includes(labels[x.key]);
    case 'NotIn':
      return x.values.length > 0 && (!has || !x.values.includes(labels[x.key]));
    case 'Exists':
      return x.values.length === 0 && has;
    case 'DoesNotExist':
      return x.values.length === 0 && !has;
    default:
      return false;
  }
}

/**
 * Items with label sets (namespaces, pod classes), indexed by `key=value` pair: a selector with
 * matchLabels can only match a label set holding its first pair, so a workspace's many selectors
 * naming one namespace each test that namespace, not all of them. Candidates keep the items' order.
 */
export class LabelIndex<T> {
  private readonly byPair = new Map<string, T[]>();

  constructor(
    private readonly items: readonly T[],
    labelsOf: (item: T) => Record<string, string>,
  ) {
    for (const item of items) {
      const labels = labelsOf(item);
      for (const key of Object.keys(labels)) {
        const pair = `${key}=${labels[key]}`;
        const list = this.byPair.get(pair);
        if (list) list.push(item);
        else this.byPair.set(pair, [item]);
      }
    }
  }

  /** The items the selector may match (test each with selectorMatches). */
  candidates(sel: LabelSelector): readonly T[] {
    const first = sel.matchLabels[0];
    return first ? (this.byPair.get(`${first.key}=${first.value}`) ?? []) : this.items;
  }
}

export function isEmptySelector(sel: LabelSelector): boolean {
  return sel.matchLabels.length === 0 && sel.matchExpressions.length === 0;
}

/** Label keys a selector looks at. */
export function selectorKeys(sel: LabelSelector): string[] {
  return [...sel.matchLabels.map((e) => e.key), ...sel.matchExpressions.map((x) => x.key)];
}

// Model selectors are never changed once read: each one's fingerprint is made once (a policy's
// is asked for by its own fingerprint, its compilation, and the open world's keys).
const fingerprints = new WeakMap<LabelSelector, string>();

/** A canonical text of a selector's meaning (order-independent), for caching by content. */
export function selectorFingerprint(sel: LabelSelector): string {
  let fp = fingerprints.get(sel);
  if (fp === undefined) {
    const ml = sel.matchLabels.map((e) => `${e.key}=${e.value}`).sort();
    const mx = sel.matchExpressions.map((x) => `${x.key} ${x.operator} ${[...x.values].sort().join(',')}`).sort();
    fp = JSON.stringify([ml, mx]);
    fingerprints.set(sel, fp);
  }
  return fp;
}

const NAME_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// A workspace repeats its label keys and values (a tenth are distinct): each is checked once.
// Bounded, as the editor sees new text all the time.
const VALIDITY_MAX = 50_000;
const validKeys = new Map<string, boolean>();
const validValues = new Map<string, boolean>();

function remembered(memo: Map<string, boolean>, text: string, check: (text: string) => boolean): boolean {
  let valid = memo.get(text);
  if (valid === undefined) {
    valid = check(text);
    if (memo.size >= VALIDITY_MAX) memo.clear();
    memo.set(text, valid);
  }
  return valid;
}

/** `[prefix/]name`: prefix a DNS subdomain of at most 253 characters, name at most 63 alphanumerics, `-`, `_`, `.`. */
export function isValidLabelKey(key: string): boolean {
  return remembered(validKeys, key, labelKeyValid);
}

function labelKeyValid(key: string): boolean {
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN_RE.test(prefix)) return false;
  }
  return name.length > 0 && name.length <= 63 && NAME_RE.test(name);
}

/** Empty, or at most 63 alphanumerics, `-`, `_`, `.`, beginning and ending with an alphanumeric. */
export function isValidLabelValue(value: string): boolean {
  return value === '' || (value.length <= 63 && remembered(validValues, value, isName));
}

function isName(text: string): boolean {
  return NAME_RE.test(text);
}

export const SELECTOR_OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);
