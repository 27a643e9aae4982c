// Which files' findings a few edited files may move: the question of a run that kept the findings
// it recorded and has to bring them up to the files as they are now (check --cache after a few files
// changed: cli/recheckedFindings.ts). The answer is the language server's after an edit, taken whole
// and at once: the files dependentFiles re-diagnoses, the verdicts verdictsNear re-checks and those the
// idle sweep would (verdictFilesBeyond), every file with verdicts where that says so or where the
// ingress controller identity in force moved; and what dependentFiles leaves to the lookups by
// name that it does not follow (backendsNamingLike).
import { Analysis } from '../analysis/workspaceAnalysis';
import type { IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import type { K8sObject, ParsedFile } from '../model/types';
import { similar } from './diagnostics';
import { changedObjects, dependentFiles, filesWithVerdicts, verdictFilesBeyond, verdictsNear } from './dependents';

/** A file as it is now: its model, or undefined when it is gone. */
export interface FileEdit {
  uri: string;
  model: ParsedFile | undefined;
}

/** The ingress controller identity in force and where it comes from: when it changes, any verdict may. */
export function controllerKey(analysis: Analysis): string {
  const { source, identity } = analysis.ingressControllerInfo();
  return `${source} ${JSON.stringify(identity)}`;
}

/**
 * Applies `edits` to an index that holds the state the findings were recorded for; returns the
 * analysis of the index as it is then, and the files whose findings may differ from the recorded
 * ones (gone files among them): every file after a kustomization changed.
 */
export function applyEdits(index: WorkspaceIndex, edits: readonly FileEdit[]): { analysis: Analysis; files: Set<string> } {
  const analysis = new Analysis(index);
  const before = controllerKey(analysis);
  // A kustomization moves the objects of the files it lists to its namespace in place: the change
  // holds each as it is after, once removed and once added, as if it had not changed.
  const kustomized = edits.some((e) => e.model?.kustomization !== undefined || index.file(e.uri)?.kustomization !== undefined);
  const changes = edits.map((e) => (e.model ? index.setParsed(e.uri, e.model) : index.removeFile(e.uri)));
  const controllerMoved = controllerKey(analysis) !== before;
  const files = kustomized ? new Set(index.fileUris()) : filesToRecheck(index, changes, controllerMoved, analysis.ingressControllerInfo().identity.namespace);
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
    for (const uri of backendsNamingLike(index, change)) out.add(uri);
    if (everyVerdict) continue;
    const beyond = verdictFilesBeyond(index, change, controllerNamespace);
    if (beyond === 'all') everyVerdict = true;
    else for (const uri of beyond) out.add(uri);
  }
  if (everyVerdict) for (const uri of filesWithVerdicts(index)) out.add(uri);
  return out;
}

/**
 * The Ingresses and routes whose ingress-service-missing finding may name a changed Service: it
 * names Services of the missing name in other namespaces, and those of a similar name in its own
 * (dependentFiles follows only the backends that name a Service where it stands). A changed
 * ReferenceGrant decides which cross-namespace references are refused: every route that makes one.
 */
function backendsNamingLike(index: WorkspaceIndex, change: IndexChange): Set<string> {
  const out = new Set<string>();
  const names = new Set<string>();
  let grantChanged = false;
  for (const o of changedObjects(change)) {
    if (o.type === 'service') names.add(o.name);
    else if (o.type === 'referencegrant') grantChanged = true;
  }
  if (names.size === 0 && !grantChanged) return out;
  const owners: K8sObject[] = [...index.ingresses(), ...index.routes()];
  for (const o of owners) {
    if (o.type !== 'ingress' && o.type !== 'route') continue;
    for (const b of o.backends) {
      if ((grantChanged && b.explicitNamespace) || names.has(b.serviceName) || [...names].some((n) => similar(n, b.serviceName))) out.add(o.uri);
    }
  }
  return out;
}
