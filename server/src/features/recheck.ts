// Which files' findings a few edited files may move: the question of a run that kept the findings
// it recorded and has to bring them up to the files as they are now (check --cache after a few files
// changed: cli/recheckedFindings.ts). The answer is the language server's after an edit, taken whole
// and at once: the files dependentFiles re-diagnoses, the verdicts verdictsNear re-checks and those the
// idle sweep would (verdictFilesBeyond), and every file with verdicts where that says so or where the
// ingress controller identity in force moved. A change that no other file can see (unseenElsewhere)
// moves no other file's findings.
import { Analysis, CONTROLLER_LABEL_KEYS } from '../analysis/workspaceAnalysis';
import type { IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import { selectorKeys } from '../analysis/selectors';
import type { IngressControllerIdentity, K8sObject, LabelSelector, ParsedFile } from '../model/types';
import { controllerKey, dependentFiles, filesWithVerdicts, fingerprint, verdictFilesBeyond, verdictsNear, withoutReturns } from './dependents';

/** A file as it is now: its model, or undefined when it is gone. */
export interface FileEdit {
  uri: string;
  model: ParsedFile | undefined;
}

/**
 * Applies `edits` to an index that holds the state the findings were recorded for; returns the
 * analysis of the index as it is then, and the files whose findings may differ from the recorded
 * ones (gone files among them).
 */
export function applyEdits(index: WorkspaceIndex, edits: readonly FileEdit[]): { analysis: Analysis; files: Set<string> } {
  const analysis = new Analysis(index);
  const before = controllerKey(analysis);
  const changes = edits.map((e) => (e.model ? index.setParsed(e.uri, e.model) : index.removeFile(e.uri)));
  const controllerMoved = controllerKey(analysis) !== before;
  const { identity } = analysis.ingressControllerInfo();
  // With the controller identity unchanged, a change no other file can see is its own file's alone.
  const seen = controllerMoved ? changes : withoutUnseen(index, changes, identity);
  const files = filesToRecheck(index, seen, controllerMoved, identity.namespace);
  for (const e of edits) files.add(e.uri);
  return { analysis, files };
}

/**
 * The files whose findings `changes` may move, against the index after them (as the server follows
 * updates it overtook: a file that depended on an earlier change only through what a later one
 * changed is among that one's). `controllerMoved`: the controller identity in force changed.
 */
export function filesToRecheck(index: WorkspaceIndex, changes: readonly IndexChange[], controllerMoved: boolean, controllerNamespace: string): Set<string> {
  const out = new Set<string>();
  let everyVerdict = controllerMoved;
  for (const change of changes) {
    for (const uri of dependentFiles(index, change)) out.add(uri);
    for (const uri of verdictsNear(index, change)) out.add(uri);
    if (everyVerdict) continue;
    const beyond = verdictFilesBeyond(index, change, controllerNamespace);
    if (beyond === 'all') everyVerdict = true;
    else for (const uri of beyond) out.add(uri);
  }
  if (everyVerdict) for (const uri of filesWithVerdicts(index)) out.add(uri);
  return out;
}

/**
 * `changes` less those no other file can see (unseenElsewhere), against the label keys that every
 * pod selector of the index after them, and of the objects they removed, names.
 */
function withoutUnseen(index: WorkspaceIndex, changes: readonly IndexChange[], identity: IngressControllerIdentity): IndexChange[] {
  const candidates = changes.filter((c) => c.objects.length > 0 && !c.namespacesChanged && c.moved.length === 0);
  if (candidates.length === 0) return [...changes];
  const keys = new Set<string>([...CONTROLLER_LABEL_KEYS, ...Object.keys(identity.podLabels), ...Object.keys(index.settings.ingressController.podLabels)]);
  const addKeys = (sel: LabelSelector | undefined): void => {
    if (sel) for (const key of selectorKeys(sel)) keys.add(key);
  };
  for (const o of [...index.services(), ...index.networkPoliciesUnordered(), ...index.adminPolicies(), ...changes.flatMap((c) => c.objects)]) {
    if (o.type === 'service') addKeys(o.selector);
    else if (o.type === 'networkpolicy') {
      addKeys(o.podSelector);
      for (const rule of [...o.ingress, ...o.egress]) for (const peer of rule.peers ?? []) addKeys(peer.podSelector);
    } else if (o.type === 'adminpolicy') addSelectorKeys(o, keys); // few, and selections of several shapes
  }
  const unseen = new Set(candidates.filter((c) => unseenElsewhere(c, keys)));
  return changes.filter((c) => !unseen.has(c));
}

/**
 * Whether other files see a change as nothing: each object, as they read it, left and came back the
 * same, the place in the file aside (dependents.ts's withoutReturns), and so are pod labels whose
 * keys no selector names (`selected`: a version label bumped, say) and the metadata labels of
 * anything but a Namespace. Other files read a workload's pod labels only through selectors (links,
 * policies and their representatives, ANP/BANP selections, near misses that name a selector's own
 * labels) and the controller's identity (kept by the caller, its keys among `selected`); metadata
 * labels only as a Namespace's.
 */
function unseenElsewhere(change: IndexChange, selected: ReadonlySet<string>): boolean {
  const asOthersSee = (o: K8sObject): K8sObject =>
    o.type === 'namespace' ? o : o.type === 'workload' ? { ...o, labels: [], podLabels: o.podLabels.filter((l) => selected.has(l.key)) } : { ...o, labels: [] };
  return withoutReturns(change.objects, (o) => fingerprint(asOthersSee(o))).length === 0;
}

/** Adds the label keys that the label selectors anywhere in `value` name (matchLabels and matchExpressions). */
function addSelectorKeys(value: unknown, keys: Set<string>): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const v of value) addSelectorKeys(v, keys);
    return;
  }
  const o = value as Record<string, unknown>;
  for (const field of ['matchLabels', 'matchExpressions']) {
    const list = o[field];
    if (Array.isArray(list)) for (const entry of list as Array<{ key?: unknown }>) if (typeof entry?.key === 'string') keys.add(entry.key);
  }
  for (const v of Object.values(o)) addSelectorKeys(v, keys);
}
