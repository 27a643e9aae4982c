// Completion of Service names and ports in backends, and of label keys and values in selectors.
// The document being typed is often not valid YAML yet, so the context comes from indentation,
// not from a parse: the keys of the lines above that hold the cursor's line.
import type { Service } from '../model/types';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { objectAt } from './locate';
import { cutText } from './text';

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

interface LineShape {
  /** Column of the line's first character (a sequence dash counts as indentation of its key). */
  ws: number;
  /** Column where the key starts: after the indentation and any `- `. */
  keyCol: number;
  dash: boolean;
  key?: string;
}

const LINE_LEAD = /^(\s*)(-\s+)?/;
const LINE_KEY = /^\s*(?:-\s+)?(?:"([^"]*)"|'([^']*)'|([^\s:#"'][^:#]*?))\s*:(?:\s|$)/;

function shapeOf(line: string): LineShape {
  const lead = LINE_LEAD.exec(line); // always matches, possibly empty
  const ws = lead?.[1]?.length ?? 0;
  const dash = !!lead?.[2];
  const keyCol = ws + (lead?.[2]?.length ?? 0);
  const m = LINE_KEY.exec(line);
  const key = m ? (m[1] ?? m[2] ?? m[3]) : undefined;
  return key !== undefined ? { ws, keyCol, dash, key } : { ws, keyCol, dash };
}

/** The key path at an offset, from indentation (sequence items are transparent). */
function keyContextAt(text: string, offset: number): KeyContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /^(\s*)(-\s+)?([^\s:#][^:#]*?)\s*:\s*(\S*)$/.exec(before);
  const own = shapeOf(before);
  // Keys of this line's mapping stand at `indent`; a dash starts a new item whose parent is further left.
  let indent = own.dash ? own.ws : own.keyCol;
  const path: string[] = [];
  let pos = lineStart - 1;
  while (pos > 0 && indent > 0) {
    const start = text.lastIndexOf('\n', pos - 1) + 1;
    const line = text.slice(start, pos).replace(/\r$/, '');
    pos = start - 1;
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^---/.test(line)) break;
    const shape = shapeOf(line);
    if (shape.keyCol < indent) {
      if (shape.key !== undefined) path.unshift(shape.key);
      indent = shape.dash ? shape.ws : shape.keyCol;
    } else if (shape.keyCol === indent && shape.dash) {
      indent = shape.ws; // a sibling key that opens the item: the item's parent is left of the dash
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
    .map((s) => ({ label: s.name, kind: 'service' as const, detail: `Service ${cutText(s.namespace)}/${cutText(s.name)} · ports ${s.ports.map((p) => p.port).join(', ')}` }));
}

function portItems(svc: Service | undefined, named: boolean): Completion[] {
  if (!svc) return [];
  return svc.ports.flatMap((p) => {
    const label = named ? p.name : String(p.port);
    return label ? [{ label, kind: 'port' as const, detail: `${p.port}/${p.protocol}${p.name ? ` (${cutText(p.name)})` : ''} → ${cutText(String(p.targetPort))}` }] : [];
  });
}

/**
 * The value of `nameKey` in the mapping `depthUp` levels above the cursor's line: the Service a
 * port belongs to (`service.name` above `port.number`, `serviceName` beside `servicePort`, a
 * backendRef's `name` beside its `port`). Only lines of that same mapping are considered.
 */
function siblingServiceName(text: string, offset: number, nameKey: string, depthUp: number): string | undefined {
  const lines = text.split('\n');
  let row = text.slice(0, offset).split('\n').length - 1;
  const own = shapeOf(lines[row] ?? '');
  let indent = own.keyCol;
  // Climb `depthUp` parents.
  for (let up = 0; up < depthUp; up++) {
    let r = row - 1;
    while (r >= 0 && (/^\s*(#|$)/.test(lines[r]) || shapeOf(lines[r]).keyCol >= indent)) r--;
    if (r < 0) return undefined;
    row = r;
    indent = shapeOf(lines[r]).keyCol;
  }
  const valueOf = (line: string): string | undefined => {
    const m = new RegExp(`^\\s*(?:-\\s+)?${nameKey}\\s*:\\s*["']?([^"'\\s#]+)`).exec(line);
    return m?.[1];
  };
  // Same mapping: lines at this key column, up and down, until one further left (or a new item).
  for (const step of [-1, 1]) {
    for (let r = row; r >= 0 && r < lines.length; r += step) {
      const line = lines[r].replace(/\r$/, '');
      if (/^\s*(#|$)/.test(line)) continue;
      if (/^---/.test(line)) break;
      const shape = shapeOf(line);
      if (shape.keyCol < indent) break;
      if (shape.keyCol === indent) {
        const v = valueOf(line);
        if (v) return v;
        if (shape.dash && step === -1) break; // the item starts here
        if (shape.dash && step === 1 && r !== row) break; // the next item
      }
    }
  }
  return undefined;
}

/** The object that ends just before the cursor (typing at the end of a document, past its last node). */
function objectBefore(analysis: Analysis, uri: string, offset: number): ReturnType<typeof objectAt> {
  let best: ReturnType<typeof objectAt>;
  for (const o of analysis.index.file(uri)?.objects ?? []) if (o.span.start <= offset && (!best || o.span.start > best.span.start)) best = o;
  return best;
}

export function complete(analysis: Analysis, uri: string, text: string, offset: number): Completion[] {
  const ctx = keyContextAt(text, offset);
  const obj = objectAt(analysis.index, uri, offset) ?? objectBefore(analysis, uri, offset);
  const namespace = obj?.namespace ?? analysis.index.defaultNamespace(uri);
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
    if (ctx.key !== undefined && isSelectorMap(p, kind)) return labelValues(analysis, namespace, ctx.key, ofNamespaces(p, kind), clusterWide(kind));
    return [];
  }
  if (isSelectorMap(p, kind)) return labelKeys(analysis, namespace, ofNamespaces(p, kind), clusterWide(kind));
  return [];
}

/** AdminNetworkPolicy and BaselineAdminNetworkPolicy are cluster-scoped: their pod selectors look at every namespace. */
function clusterWide(kind: string | undefined): boolean {
  return kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy';
}

/** Whether the selector at this path selects namespaces (`namespaceSelector`, or an ANP's `namespaces`). */
function ofNamespaces(p: string[], kind: string | undefined): boolean {
  return p.includes('namespaceSelector') || (clusterWide(kind) && last(p, 2) === 'namespaces');
}

function isSelectorMap(p: string[], kind: string | undefined): boolean {
  if (last(p) === 'matchLabels') return true;
  return kind === 'Service' && last(p) === 'selector' && last(p, 2) === 'spec';
}

function labelSource(analysis: Analysis, namespace: string, ofNamespaces: boolean, clusterWide = false): Array<Record<string, string>> {
  if (ofNamespaces) return [...analysis.index.namespaceLabels().values()];
  const workloads = clusterWide ? analysis.index.workloads() : analysis.index.workloadsIn(namespace);
  return workloads.map((w) => Object.fromEntries(w.podLabels.map((l) => [l.key, l.value])));
}

function labelKeys(analysis: Analysis, namespace: string, ofNamespaces: boolean, clusterWide = false): Completion[] {
  const counts = new Map<string, number>();
  for (const labels of labelSource(analysis, namespace, ofNamespaces, clusterWide)) for (const k of Object.keys(labels)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => ({ label: k, kind: 'label-key' as const, detail: `on ${n} ${ofNamespaces ? 'namespace' : 'workload'}${n === 1 ? '' : 's'}` }));
}

function labelValues(analysis: Analysis, namespace: string, key: string, ofNamespaces: boolean, clusterWide = false): Completion[] {
  const counts = new Map<string, number>();
  for (const labels of labelSource(analysis, namespace, ofNamespaces, clusterWide)) {
    const v = labels[key];
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([v, n]) => ({ label: v, kind: 'label-value' as const, detail: `${cutText(key)}=${cutText(v)} on ${n} ${ofNamespaces ? 'namespace' : 'workload'}${n === 1 ? '' : 's'}` }));
}
