// The open world in editor words (SPEC §3, §6): who outside the workspace may connect to a
// workload (representative peers, the entire cluster), as hover lines, a code-lens summary and a
// yes/no per port for the diagnostics. Wording is ours; the facts come from the engine's exposure.
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { ClassExposure, Direction, PortConns } from '../analysis/reachability/exposure';
import type { RepSelector, RepresentativePeer } from '../analysis/reachability/representative';
import { NAMESPACE_NAME_LABEL } from '../analysis/reachability/representative';
import type { Protocol, Workload } from '../model/types';
import { code } from './text';

/** The workload's exposure to pods the workspace does not define (undefined for a workload the engine does not hold). */
export function outsideOf(analysis: Analysis, w: Workload, dir: Direction): ClassExposure | undefined {
  const engine = analysis.reachability();
  const peer = engine.peerOf(w);
  if (!peer) return undefined;
  const c = engine.classesOfPeer(peer).find((x) => x.workloads.includes(w));
  return c ? engine.openWorld().exposure(c, dir) : undefined;
}

/** Whether some pod outside the workspace (the entire cluster or a representative) may reach the port. */
export function outsideReaches(x: ClassExposure | undefined, protocol: Protocol, port: number): boolean {
  if (!x || !x.protected) return !!x;
  return x.entireCluster.has(protocol, port) || x.representatives.some((l) => l.conns.has(protocol, port));
}

function selectorWords(sel: RepSelector): string {
  const parts = Object.keys(sel.labels)
    .sort()
    .map((k) => `${k}=${sel.labels[k]}`);
  for (const x of sel.expressions) {
    if (x.operator === 'Exists') parts.push(x.key);
    else if (x.operator === 'DoesNotExist') parts.push(`!${x.key}`);
    else parts.push(`${x.key} ${x.operator === 'NotIn' ? 'notin' : x.operator === 'In' ? 'in' : x.operator} (${x.values.join(',')})`);
  }
  return parts.join(',');
}

function namespaceName(rep: RepresentativePeer): string | undefined {
  const keys = Object.keys(rep.ns.labels);
  return keys.length === 1 && keys[0] === NAMESPACE_NAME_LABEL && rep.ns.expressions.length === 0 ? rep.ns.labels[NAMESPACE_NAME_LABEL] : undefined;
}

const isEmpty = (s: RepSelector): boolean => Object.keys(s.labels).length === 0 && s.expressions.length === 0;

/** `pods with role=monitoring in namespaces with team=ops`, `all pods in namespace shop`, `pods with app=x in any namespace`. */
export function representativeText(rep: RepresentativePeer): string {
  const pods = isEmpty(rep.pod) ? 'all pods' : `pods with ${selectorWords(rep.pod)}`;
  const name = namespaceName(rep);
  const where = name !== undefined ? `namespace ${name}` : isEmpty(rep.ns) ? 'any namespace' : `namespaces with ${selectorWords(rep.ns)}`;
  return `${pods} in ${where}`;
}

/** Short form for a code lens: `namespaces role=edge`, `pods app=x`, `pods app=x in namespaces team=ops`. */
export function representativeShort(rep: RepresentativePeer): string {
  const name = namespaceName(rep);
  const ns = name !== undefined ? `namespace ${name}` : isEmpty(rep.ns) ? '' : `namespaces ${selectorWords(rep.ns)}`;
  if (isEmpty(rep.pod)) return ns || 'entire cluster';
  const pods = `pods ${selectorWords(rep.pod)}`;
  return ns ? `${pods} in ${ns}` : pods;
}

/** The representatives with a connection of their own. */
function representativeLines(x: ClassExposure): Array<{ rep: RepresentativePeer; conns: PortConns }> {
  return x.representatives.flatMap(({ rep, conns }) => (rep && !conns.isEmpty ? [{ rep, conns }] : []));
}

/** Markdown list items: `entire cluster : TCP 80`, then each representative with its ports (those allowing `port` only, when given). */
export function outsideItems(x: ClassExposure | undefined, only?: { protocol: Protocol; port: number }): string[] {
  if (!x || !x.protected) return [];
  const out: string[] = [];
  const keep = (c: { has(p: Protocol, n: number): boolean }): boolean => !only || c.has(only.protocol, only.port);
  if (!x.entireCluster.isEmpty && keep(x.entireCluster)) out.push(`${code('entire cluster')}: ${code(x.entireCluster.toString())}`);
  for (const { rep, conns } of representativeLines(x)) {
    if (keep(conns)) out.push(`${code(representativeText(rep))}: ${code(conns.toString())} _(outside this workspace)_`);
  }
  return out;
}

/** The names alone (`entire cluster`, `pods with app=x in namespace shop`), as inline code, for a one-line list. */
export function outsideNames(x: ClassExposure | undefined, only?: { protocol: Protocol; port: number }): string[] {
  if (!x || !x.protected) return [];
  const keep = (c: { has(p: Protocol, n: number): boolean }): boolean => !only || c.has(only.protocol, only.port);
  const out: string[] = [];
  if (!x.entireCluster.isEmpty && keep(x.entireCluster)) out.push(code('entire cluster'));
  for (const { rep, conns } of representativeLines(x)) if (keep(conns)) out.push(code(representativeText(rep)));
  return out;
}

/** `+ namespaces role=edge`, `+ entire cluster`, `+ pods app=x (+2 more)`; empty when nothing outside may connect. */
export function outsideSummary(x: ClassExposure | undefined): string {
  if (!x || !x.protected) return '';
  const names = [...(x.entireCluster.isEmpty ? [] : ['entire cluster']), ...representativeLines(x).map((l) => representativeShort(l.rep))];
  if (names.length === 0) return '';
  return names[0] + (names.length > 1 ? ` (+${names.length - 1} more)` : '');
}
