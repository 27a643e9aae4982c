import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toDot, toJson, toMermaid } from '../../server/src/analysis/graph/serialize';
import type { Graph } from '../../server/src/model/graph';

const graph: Graph = {
  nodes: [
    { id: 'Deployment/shop/web', kind: 'Deployment', name: 'web', namespace: 'shop', uri: 'file:///x.yaml', span: { start: 1, end: 2 }, replicas: 2, detail: ['x'] },
    { id: 'Ingress/shop/shop', kind: 'Ingress', name: 'shop', namespace: 'shop' },
    { id: 'Service/shop/web', kind: 'Service', name: 'web', namespace: 'shop' },
    { id: 'Service/web-2/<img src=x onerror=alert(1)>', kind: 'Service', name: '<img src=x onerror=alert(1)>', namespace: 'web-2' },
    { id: 'Service/web_2/a"];b', kind: 'Service', name: 'a"];b\\N', namespace: 'web_2', missing: true },
    { id: 'internet', kind: 'internet', name: 'Internet', namespace: '' },
  ],
  edges: [
    { from: 'Ingress/shop/shop', to: 'Service/shop/web', kind: 'route', ports: 'TCP 80' },
    { from: 'Ingress/shop/shop', to: 'Service/web_2/a"];b', kind: 'blocked', ports: '' },
    { from: 'Service/shop/web', to: 'Deployment/shop/web', kind: 'select', ports: 'TCP 8080' },
    { from: 'internet', to: 'Ingress/shop/shop', kind: 'route', ports: 'TCP 80,443', detail: ['shop.example.com'] },
  ],
};

describe('graph serializers', () => {
  it('JSON keeps exactly the contract fields', () => {
    const parsed = JSON.parse(toJson(graph));
    assert.deepEqual(Object.keys(parsed), ['nodes', 'edges']);
    assert.deepEqual(parsed.nodes[0], { id: 'Deployment/shop/web', kind: 'Deployment', name: 'web', namespace: 'shop' });
    assert.deepEqual(parsed.edges[3], { from: 'internet', to: 'Ingress/shop/shop', kind: 'route', ports: 'TCP 80,443' });
    assert.ok(toJson(graph).endsWith('}\n'));
  });

  it('Mermaid: namespaces as subgraphs, distinct safe ids, escaped labels, edge styles', () => {
    const m = toMermaid(graph);
    assert.ok(m.startsWith('flowchart LR\n'));
    assert.match(m, /subgraph ns_shop\["namespace shop"\]/);
    assert.match(m, /subgraph ns_web_2\["namespace web-2"\]/);
    assert.match(m, /subgraph ns_web_2_2\["namespace web_2"\]/);
    assert.match(m, /n_internet\(\("Internet"\)\):::external/);
    assert.match(m, /n_Ingress_shop_shop -->\|"TCP 80"\| n_Service_shop_web/);
    assert.match(m, /n_Ingress_shop_shop --x n_Service_web_2_a_b/);
    assert.match(m, /linkStyle 1 stroke:#d62728/);
    // Manifest text never reaches Mermaid as markup.
    assert.ok(!m.includes('<img'));
    assert.match(m, /#lt;img src=x onerror=alert\(1\)#gt;/);
    assert.match(m, /a#quot;\];b/);
    for (const line of m.split('\n')) {
      const id = /^\s+(n_\S+?)[[({/]/.exec(line)?.[1];
      if (id) assert.match(id, /^[A-Za-z0-9_]+$/);
    }
  });

  it('DOT: clusters per namespace, quoted ids and labels', () => {
    const d = toDot(graph);
    assert.ok(d.startsWith('digraph "k8s-netmap" {\n'));
    assert.match(d, /subgraph "cluster_shop" \{/);
    assert.match(d, /"Deployment\/shop\/web" \[label="Deployment ×2\\nweb"/);
    assert.match(d, /"Service\/web_2\/a\\"\];b" \[label="Service \(missing\)\\na\\"\];b\\\\N"/);
    assert.match(d, /"internet" -> "Ingress\/shop\/shop" \[label="TCP 80,443", color="#1f77b4"/);
    assert.match(d, /arrowhead=tee/);
    assert.ok(d.trimEnd().endsWith('}'));
  });
});
