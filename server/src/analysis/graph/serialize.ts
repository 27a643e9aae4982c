// Text forms of the graph for `k8s-netmap graph --format json|mermaid|dot`. Every string that
// came from a manifest is escaped for the target language: a Service named `"];alert(1)//` stays a label.

import type { Graph, GraphEdge, GraphNode } from '../../model/graph';

/** The CLI's JSON contract (SPEC §7): only the contract's fields, so output does not depend on where files are. */
export function toJson(graph: Graph): string {
  const out = {
    nodes: graph.nodes.map((n) => ({ id: n.id, kind: n.kind, name: n.name, namespace: n.namespace })),
    edges: graph.edges.map((e) => ({ from: e.from, to: e.to, kind: e.kind, ports: e.ports })),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Groups nodes by namespace, external nodes (namespace '') first, each group in the graph's order. */
function byNamespace(nodes: readonly GraphNode[]): Array<[string, GraphNode[]]> {
  const groups = new Map<string, GraphNode[]>();
  for (const n of nodes) {
    const list = groups.get(n.namespace) ?? [];
    list.push(n);
    groups.set(n.namespace, list);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Short ids that the target language accepts, derived from the stable ids (so diffs stay small). */
function shortIds(keys: Iterable<string>, prefix: string): Map<string, string> {
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const key of keys) {
    if (ids.has(key)) continue;
    const base = `${prefix}${key.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`;
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    ids.set(key, id);
  }
  return ids;
}

function graphKeys(graph: Graph): string[] {
  return [...graph.nodes.map((n) => n.id), ...graph.edges.flatMap((e) => [e.from, e.to])];
}

function nodeCaption(n: GraphNode): string[] {
  switch (n.kind) {
    case 'internet':
      return ['Internet'];
    case 'ingress-controller':
      return ['ingress controller'];
    case 'ipBlock':
      return ['ipBlock', n.name];
    default: {
      const lines = [n.missing ? `${n.kind} (missing)` : n.kind, n.name];
      if (n.replicas !== undefined) lines[0] += ` ×${n.replicas}`;
      return lines;
    }
  }
}

// ---------------------------------------------------------------------------------------- Mermaid

/** Mermaid's entity codes keep quotes, angle brackets and `#` from being read as syntax or HTML. */
function mermaidText(s: string): string {
  return s
    .replace(/#/g, '#35;')
    .replace(/&/g, '#38;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/`/g, '#96;')
    .replace(/[\r\n]+/g, ' ');
}

function mermaidShape(n: GraphNode, label: string): string {
  const q = `"${label}"`;
  switch (n.kind) {
    case 'internet':
      return `((${q}))`;
    case 'ipBlock':
      return `{{${q}}}`;
    case 'ingress-controller':
      return `[[${q}]]`;
    case 'Service':
      return `([${q}])`;
    case 'Ingress':
    case 'HTTPRoute':
    case 'GRPCRoute':
      return `[/${q}/]`;
    default:
      return `[${q}]`;
  }
}

function mermaidClass(n: GraphNode): string {
  if (n.missing) return 'missing';
  if (n.namespace === '') return 'external';
  if (n.kind === 'Service') return 'service';
  if (n.kind === 'Ingress' || n.kind === 'HTTPRoute' || n.kind === 'GRPCRoute') return 'entry';
  return 'workload';
}

const MERMAID_ARROW: Record<GraphEdge['kind'], string> = { route: '-->', select: '-->', allow: '-.->', blocked: '--x', 'tier-denied': '-.-x' };
const MERMAID_EDGE_STYLE: Record<GraphEdge['kind'], string> = {
  route: 'stroke:#1f77b4,stroke-width:2px',
  select: 'stroke:#7f7f7f',
  allow: 'stroke:#2ca02c',
  blocked: 'stroke:#d62728,stroke-width:2px,stroke-dasharray:6 4',
  'tier-denied': 'stroke:#9467bd,stroke-width:2px,stroke-dasharray:2 3',
};

export function toMermaid(graph: Graph): string {
  const ids = shortIds(graphKeys(graph), 'n_');
  const groups = byNamespace(graph.nodes);
  const nsIds = shortIds(groups.map(([ns]) => ns), 'ns_');
  const out: string[] = ['flowchart LR'];
  for (const [ns, nodes] of groups) {
    const indent = ns === '' ? '  ' : '    ';
    if (ns !== '') out.push(`  subgraph ${nsIds.get(ns)}["namespace ${mermaidText(ns)}"]`);
    for (const n of nodes) {
      const label = nodeCaption(n).map(mermaidText).join('<br/>');
      out.push(`${indent}${ids.get(n.id)}${mermaidShape(n, label)}:::${mermaidClass(n)}`);
    }
    if (ns !== '') out.push('  end');
  }
  const styles: string[] = [];
  graph.edges.forEach((e, i) => {
    const label = e.ports !== '' ? `|"${mermaidText(e.ports)}"|` : '';
    out.push(`  ${ids.get(e.from)} ${MERMAID_ARROW[e.kind]}${label} ${ids.get(e.to)}`);
    styles.push(`  linkStyle ${i} ${MERMAID_EDGE_STYLE[e.kind]}`);
  });
  out.push(...styles);
  out.push(
    '  classDef external fill:#f4f4f4,stroke:#555,color:#222',
    '  classDef entry fill:#e8f1fb,stroke:#1f77b4,color:#0b2a44',
    '  classDef service fill:#f3ecfa,stroke:#8e5cc4,color:#2e1a47',
    '  classDef workload fill:#eaf6ea,stroke:#2ca02c,color:#133d13',
    '  classDef missing fill:#fdecea,stroke:#d62728,color:#5c0f0f,stroke-dasharray:4 3',
  );
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------- DOT

function dotString(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n|\r/g, '\\n')}"`;
}

function dotNodeAttrs(n: GraphNode): string {
  const label = dotString(nodeCaption(n).join('\n'));
  const attrs = [`label=${label}`];
  switch (mermaidClass(n)) {
    case 'external':
      attrs.push(n.kind === 'internet' ? 'shape=circle' : n.kind === 'ipBlock' ? 'shape=hexagon' : 'shape=box3d', 'fillcolor="#f4f4f4"', 'color="#555555"');
      break;
    case 'entry':
      attrs.push('shape=parallelogram', 'fillcolor="#e8f1fb"', 'color="#1f77b4"');
      break;
    case 'service':
      attrs.push('shape=box', 'style="rounded,filled"', 'fillcolor="#f3ecfa"', 'color="#8e5cc4"');
      break;
    case 'missing':
      attrs.push('style="rounded,filled,dashed"', 'fillcolor="#fdecea"', 'color="#d62728"');
      break;
    default:
      attrs.push('fillcolor="#eaf6ea"', 'color="#2ca02c"');
  }
  return attrs.join(', ');
}

const DOT_EDGE_STYLE: Record<GraphEdge['kind'], string> = {
  route: 'color="#1f77b4", penwidth=2',
  select: 'color="#7f7f7f"',
  allow: 'color="#2ca02c", style=dashed',
  blocked: 'color="#d62728", style=dashed, penwidth=2, arrowhead=tee',
  'tier-denied': 'color="#9467bd", style=dotted, penwidth=2, arrowhead=tee',
};

export function toDot(graph: Graph): string {
  const out: string[] = [
    'digraph "k8s-netmap" {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.3, ranksep=0.9];',
    '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled"];',
    '  edge [fontname="Helvetica", fontsize=9];',
  ];
  for (const [ns, nodes] of byNamespace(graph.nodes)) {
    const indent = ns === '' ? '  ' : '    ';
    if (ns !== '') {
      out.push(`  subgraph ${dotString(`cluster_${ns}`)} {`);
      out.push(`    label=${dotString(`namespace ${ns}`)}; style="rounded"; color="#999999";`);
    }
    for (const n of nodes) out.push(`${indent}${dotString(n.id)} [${dotNodeAttrs(n)}];`);
    if (ns !== '') out.push('  }');
  }
  for (const e of graph.edges) {
    const label = e.ports !== '' ? `label=${dotString(e.ports)}, ` : '';
    out.push(`  ${dotString(e.from)} -> ${dotString(e.to)} [${label}${DOT_EDGE_STYLE[e.kind]}];`);
  }
  out.push('}');
  return `${out.join('\n')}\n`;
}
