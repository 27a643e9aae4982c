// Which files' findings a few edited files may move: the question of a run that kept the findings
// it recorded and has to bring them up to the files as they are now (check --cache after a few files
// changed: cli/recheckedFindings.ts). The answer is the language server's after an edit, taken whole
// and at once: the files dependentFiles re-diagnoses, the verdicts verdictsNear re-checks and those the
// idle sweep would (verdictFilesBeyond), and every file with verdicts where that says so or where the
// ingress controller identity in force moved.
import { Analysis } from '../analysis/workspaceAnalysis';
import type { IndexChange, WorkspaceIndex } from '../index/workspaceIndex';
import type { ParsedFile } from '../model/types';
import { controllerKey, dependentFiles, filesWithVerdicts, verdictFilesBeyond, verdictsNear } from './dependents';

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
  const files = filesToRecheck(index, changes, controllerMoved, analysis.ingressControllerInfo().identity.namespace);
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
