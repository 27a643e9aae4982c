// Completion of Service names and ports in backends, and of label keys and values in selectors.
// The document being typed is often not valid YAML yet, so the context comes from indentation,
// not from a parse: the keys of the lines above that hold the cursor's line.
import type { Service } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { objectAt } from './locate';

export interface Completion {
  label: string;
  kind: 'service' | 'port' | 'label-key' | 'label-value';
  detail?: string;
}

export interface KeyContext {
  /** Keys of the enclosing mappings, outermost first (sequence items are transparent). */
  path: string[];
  /** The key on the cursor's line, when the cursor is in its value. */
  key?: string;
  inValue: boolean;
}

const KEY_LINE = /^(\s*)(?:-\s+)?(?:"([^"]*)"|'([^']*)'|([^\s:#][^:#]*?))\s*:(?:\s|$)/;

function indentOf(line: string): { indent: number; key?: string } {
  const m = KEY_LINE.exec(line);
  const lead = /^(\s*)(-\s+)?/.exec(line)!;
  const indent = lead[1]!.length + (lead[2]?.length ?? 0);
  return m ? { indent, key: m[2] ?? m[3] ?? m[4] } : { indent };
}

/** The key path at an offset, from indentation. */
export function keyContextAt(text: string, offset: number): KeyContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /^(\s*)(-\s+)?([^\s:#][^:#]*?)\s*:\s*(\S*)$/.exec(before);
  const lead = /^(\s*)(-\s+)?/.exec(before)!;
  let indent = lead[1]!.length + (lead[2]?.length ?? 0);
  const path: string[] = [];
  // Walk up: each line with smaller indentation that holds a key is a parent.
  let pos = lineStart - 1;
  while (pos > 0 && indent > 0) {
    const start = text.lastIndexOf('\n', pos - 1) + 1;
    const line = text.slice(start, pos).replace(/\r$/, '');
    pos = start - 1;
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^---/.test(line)) break;
    const info = indentOf(line);
    const lineIndent = /^\s*/.exec(line)![0].length;
    if (lineIndent < indent && info.key !== undefined) {
      path.unshift(info.key);
      indent = lineIndent;
    } else if (lineIndent < indent) {
      indent = lineIndent;
    }
  }
  if (m) return { path, key: m[3], inValue: true };
  return { path, inValue: false };
}

function last(path: string[], n = 1): string | undefined {
  return path[path.length - n];
}

function serviceItems(analysis: Analysis, namespace: string): Completion[] {
  return [...analysis.index.objectsIn(namespace)]
    .filter((o): o is Service => o.type === 'service')
    .map((s) => ({ label: s.name, kind: 'service' as const, detail: `Service ${s.namespace}/${s.name} · ports ${s.ports.map((p) => p.port).join(', ')}` }));
}

function portItems(svc: Service | undefined, named: boolean): Completion[] {
  if (!svc) return [];
  return svc.ports
    .filter((p) => !named || p.name)
    .map((p) => ({ label: named ? p.name! : String(p.port), kind: 'port' as const, detail: `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''} → ${p.targetPort}` }));
}

/** The Service named on a sibling line (`name:` or `serviceName:`) of the mapping around `offset`. */
function siblingServiceName(text: string, offset: number, nameKey: string, depthUp: number): string | undefined {
  // Search a small window around the cursor for the sibling key at the right indentation.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const ownIndent = /^\s*(-\s+)?/.exec(text.slice(lineStart))![0].length;
  const window = text.slice(Math.max(0, lineStart - 600), Math.min(text.length, lineStart + 600));
  const re = new RegExp(`^(\\s*)(?:-\\s+)?${nameKey}\\s*:\\s*["']?([^"'\\s#]+)`, 'gm');
  let best: string | undefined;
  for (let m = re.exec(window); m; m = re.exec(window)) {
    const indent = m[0].length - m[0].trimStart().length;
    if (Math.abs(indent - (ownIndent - depthUp * 2)) <= 2 + depthUp * 2) best = m[2];
  }
  return best;
}

export function complete(analysis: Analysis, uri: string, text: string, offset: number): Completion[] {
  const ctx = keyContextAt(text, offset);
  const obj = objectAt(analysis.index, uri, offset);
  const namespace = obj?.namespace ?? analysis.index.settings.defaultNamespace;
  const kind = obj?.kind;
  const p = ctx.path;
  const findService = (name: string | undefined) => (name ? analysis.links.service(namespace, name) : undefined);

  if (ctx.inValue) {
    // networking.k8s.io/v1 backend: service.name / service.port.number / service.port.name
    if (ctx.key === 'name' && last(p) === 'service' && (last(p, 2) === 'backend' || last(p, 2) === 'defaultBackend')) return serviceItems(analysis, namespace);
    if ((ctx.key === 'number' || ctx.key === 'name') && last(p) === 'port' && last(p, 2) === 'service') {
      return portItems(findService(siblingServiceName(text, offset, 'name', 1)), ctx.key === 'name');
    }
    // v1beta1 backends and StatefulSet serviceName
    if (ctx.key === 'serviceName') return serviceItems(analysis, namespace);
    if (ctx.key === 'servicePort') return portItems(findService(siblingServiceName(text, offset, 'serviceName', 0)), false);
    // Gateway API backendRefs
    if (last(p) === 'backendRefs' && ctx.key === 'name') return serviceItems(analysis, namespace);
    if (last(p) === 'backendRefs' && ctx.key === 'port') return portItems(findService(siblingServiceName(text, offset, 'name', 0)), false);
    // Label values in selectors
    if (isSelectorMap(p, kind)) return labelValues(analysis, namespace, ctx.key!, p.includes('namespaceSelector'));
    return [];
  }
  if (isSelectorMap(p, kind)) return labelKeys(analysis, namespace, p.includes('namespaceSelector'));
  return [];
}

function isSelectorMap(p: string[], kind: string | undefined): boolean {
  if (last(p) === 'matchLabels') return true;
  return kind === 'Service' && last(p) === 'selector' && last(p, 2) === 'spec';
}

function labelSource(analysis: Analysis, namespace: string, ofNamespaces: boolean): Array<Record<string, string>> {
  if (ofNamespaces) return [...analysis.index.namespaceLabels().values()];
  return analysis.index.workloadsIn(namespace).map((w) => Object.fromEntries(w.podLabels.map((l) => [l.key, l.value])));
}

function labelKeys(analysis: Analysis, namespace: string, ofNamespaces: boolean): Completion[] {
  const counts = new Map<string, number>();
  for (const labels of labelSource(analysis, namespace, ofNamespaces)) for (const k of Object.keys(labels)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => ({ label: k, kind: 'label-key' as const, detail: `on ${n} ${ofNamespaces ? 'namespace' : 'workload'}${n === 1 ? '' : 's'}` }));
}

function labelValues(analysis: Analysis, namespace: string, key: string, ofNamespaces: boolean): Completion[] {
  const counts = new Map<string, number>();
  for (const labels of labelSource(analysis, namespace, ofNamespaces)) {
    const v = labels[key];
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([v, n]) => ({ label: v, kind: 'label-value' as const, detail: `${key}=${v} on ${n} ${ofNamespaces ? 'namespace' : 'workload'}${n === 1 ? '' : 's'}` }));
}
