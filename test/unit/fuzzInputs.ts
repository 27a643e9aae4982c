// Arbitraries for the fuzzer (issue 9): Kubernetes-aware manifests written as YAML the way people
// and tools write it (block and flow style, quoting, anchors, aliases and merge keys, tags, JSON,
// CRLF, BOM, Helm templates), plus mutations. Used by fuzz.test.ts.
import fc from 'fast-check';

// ---------- values: a tree that the emitter writes out ----------

/** A YAML value: scalars, lists and maps (keys in order; duplicates possible on purpose). */
export type Value = string | number | boolean | null | Value[] | { map: Array<[string, Value]> };

const m = (...pairs: Array<[string, Value | undefined]>): Value => ({ map: pairs.filter((p): p is [string, Value] => p[1] !== undefined) });

/** Sometimes a field is missing or of the wrong type: what careless manifests do. */
function sometimesOdd(arb: fc.Arbitrary<Value>): fc.Arbitrary<Value | undefined> {
  return fc.oneof(
    { weight: 12, arbitrary: arb },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<Value>(null, 7, true, [], { map: [] }, '', 'x') },
  );
}

const NAMES = ['web', 'api', 'db', 'cache', 'front-end', 'a.b', 'Web', '', 'x'.repeat(70), 'ünï', '$(alert) x', '<img src=x>', 'web ', '0'];
const NAMESPACES = ['default', 'shop', 'ops', 'kube-system', ''];
const LABEL_KEYS = ['app', 'tier', 'role', 'app.kubernetes.io/name', 'team', 'bad key', 'a/b/c', 'x'.repeat(64)];
const LABEL_VALUES = ['web', 'api', 'db', 'monitoring', 'yes', 'on', '1.0', '', 'x'.repeat(64), 'ops', 'a b'];

// Mostly a few common names and namespaces, so that objects meet (a backend names a Service that
// exists, a policy selects a workload); the odd ones often enough to matter.
export const name = fc.oneof({ weight: 6, arbitrary: fc.constantFrom('web', 'api') }, { weight: 2, arbitrary: fc.constantFrom(...NAMES) });
const namespace = fc.oneof({ weight: 4, arbitrary: fc.constant('default') }, { weight: 2, arbitrary: fc.constantFrom(...NAMESPACES) });
const labelKey = fc.constantFrom(...LABEL_KEYS);
const labelValue = fc.oneof(fc.constantFrom<Value>(...LABEL_VALUES), fc.constantFrom<Value>(1, true, null, 1.5));

const labels: fc.Arbitrary<Value> = fc.array(fc.tuple(labelKey, labelValue), { maxLength: 3 }).map((pairs) => ({ map: pairs }));

const expression: fc.Arbitrary<Value> = fc
  .record({
    key: labelKey,
    operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus', 'in'),
    values: fc.option(fc.array(fc.constantFrom<Value>(...LABEL_VALUES), { maxLength: 3 }), { nil: undefined }),
  })
  .map((e) => m(['key', e.key], ['operator', e.operator], ['values', e.values]));

/** A LabelSelector: matchLabels and matchExpressions, `{}` and oddities included. */
export const selector: fc.Arbitrary<Value> = fc
  .record({
    matchLabels: fc.option(labels, { nil: undefined }),
    matchExpressions: fc.option(fc.array(expression, { maxLength: 2 }), { nil: undefined }),
  })
  .map((s) => m(['matchLabels', s.matchLabels], ['matchExpressions', s.matchExpressions]));

/** Ports as numbers and strings, in range and out. */
export const portValue: fc.Arbitrary<Value> = fc.oneof(
  fc.constantFrom<Value>(80, 443, 8080, 9090, 53, 0, 65535, 70000, -1, 1.5),
  fc.constantFrom<Value>('http', 'web', 'metrics', '80', 'a-very-long-port-name', 'HTTP', ''),
);
const protocol = fc.constantFrom<Value | undefined>(undefined, 'TCP', 'UDP', 'SCTP', 'tcp', 'ICMP');

const CIDRS = ['10.0.0.0/8', '0.0.0.0/0', '10.1.2.3/32', '192.168.0.0/16', '10.0.0.1/33', '::/0', 'fe80::/10', 'banana', '256.0.0.0/8', '10.0.0.0', '10.0.0.0/8 '];
export const ipBlock: fc.Arbitrary<Value> = fc
  .record({ cidr: fc.constantFrom(...CIDRS), except: fc.option(fc.array(fc.constantFrom<Value>(...CIDRS), { maxLength: 2 }), { nil: undefined }) })
  .map((b) => m(['cidr', b.cidr], ['except', b.except]));

const containerPort: fc.Arbitrary<Value> = fc
  .record({ containerPort: portValue, name: fc.option(fc.constantFrom('http', 'web', 'metrics', 'dns', 'HTTP', 'a-very-long-port-name'), { nil: undefined }), protocol })
  .map((p) => m(['containerPort', p.containerPort], ['name', p.name], ['protocol', p.protocol]));

const podSpec: fc.Arbitrary<Value> = fc
  .record({
    containers: fc.array(
      fc.record({ name: name, ports: fc.option(fc.array(containerPort, { maxLength: 3 }), { nil: undefined }) }).map((c) => m(['name', c.name], ['image', 'nginx:1'], ['ports', c.ports])),
      { maxLength: 2 },
    ),
    hostNetwork: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((s) => m(['containers', s.containers], ['hostNetwork', s.hostNetwork]));

function metadata(extra: Array<[string, Value | undefined]> = []): fc.Arbitrary<Value> {
  return fc
    .record({ name, namespace: fc.option(namespace, { nil: undefined }), labels: fc.option(labels, { nil: undefined }) })
    .map((md) => m(['name', md.name], ['namespace', md.namespace], ['labels', md.labels], ...extra));
}

const workload: fc.Arbitrary<Value> = fc
  .record({
    kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod', 'ReplicationController'),
    apiVersion: fc.constantFrom('apps/v1', 'v1', 'batch/v1', 'metrics.k8s.io/v1beta1'),
    metadata: metadata(),
    podLabels: labels,
    selector: sometimesOdd(selector),
    replicas: fc.option(fc.constantFrom<Value>(0, 1, 3, -1, 'two'), { nil: undefined }),
    spec: podSpec,
    serviceName: fc.option(name, { nil: undefined }),
  })
  .map((w) => {
    if (w.kind === 'Pod') return m(['apiVersion', w.apiVersion], ['kind', w.kind], ['metadata', w.metadata], ['spec', w.spec]);
    const template = m(['metadata', m(['labels', w.podLabels])], ['spec', w.spec]);
    const spec =
      w.kind === 'CronJob'
        ? m(['schedule', '* * * * *'], ['jobTemplate', m(['spec', m(['template', template])])])
        : m(['replicas', w.replicas], ['selector', w.selector], ['serviceName', w.serviceName], ['template', template]);
    return m(['apiVersion', w.apiVersion], ['kind', w.kind], ['metadata', w.metadata], ['spec', spec]);
  });

const servicePort: fc.Arbitrary<Value> = fc
  .record({ port: portValue, targetPort: fc.option(portValue, { nil: undefined }), name: fc.option(fc.constantFrom('http', 'web', 'grpc', 'HTTP'), { nil: undefined }), protocol, nodePort: fc.option(fc.constantFrom<Value>(30080, 1), { nil: undefined }) })
  .map((p) => m(['name', p.name], ['port', p.port], ['targetPort', p.targetPort], ['protocol', p.protocol], ['nodePort', p.nodePort]));

const serviceObj: fc.Arbitrary<Value> = fc
  .record({
    apiVersion: fc.constantFrom('v1', 'v1', 'v1', 'apps/v1', 'x'),
    metadata: metadata(),
    type: fc.option(fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'), { nil: undefined }),
    selector: sometimesOdd(labels),
    ports: sometimesOdd(fc.array(servicePort, { maxLength: 3 })),
    clusterIP: fc.option(fc.constant('None'), { nil: undefined }),
    externalName: fc.option(fc.constantFrom('db.example.com', '$(alert)'), { nil: undefined }),
  })
  .map((s) =>
    m(['apiVersion', s.apiVersion], ['kind', 'Service'], ['metadata', s.metadata], ['spec', m(['type', s.type], ['clusterIP', s.clusterIP], ['externalName', s.externalName], ['selector', s.selector], ['ports', s.ports])]),
  );

const ingressBackend: fc.Arbitrary<Value> = fc.oneof(
  fc.record({ name, port: portValue }).map((b) => m(['service', m(['name', b.name], ['port', typeof b.port === 'number' ? m(['number', b.port]) : m(['name', b.port])])])),
  fc.record({ name, port: portValue }).map((b) => m(['serviceName', b.name], ['servicePort', b.port])),
  fc.constant(m(['resource', m(['kind', 'Bucket'], ['name', 'b'])])),
);

const ingressObj: fc.Arbitrary<Value> = fc
  .record({
    apiVersion: fc.constantFrom('networking.k8s.io/v1', 'extensions/v1beta1', 'networking.k8s.io/v1beta1'),
    metadata: metadata(),
    defaultBackend: fc.option(ingressBackend, { nil: undefined }),
    rules: fc.array(
      fc.record({ host: fc.option(fc.constantFrom('shop.example.com', '*.example.com', ''), { nil: undefined }), backends: fc.array(ingressBackend, { maxLength: 2 }) }),
      { maxLength: 2 },
    ),
  })
  .map((i) =>
    m(
      ['apiVersion', i.apiVersion],
      ['kind', 'Ingress'],
      ['metadata', i.metadata],
      [
        'spec',
        m(
          ['defaultBackend', i.defaultBackend],
          ['rules', i.rules.map((r) => m(['host', r.host], ['http', m(['paths', r.backends.map((b, n) => m(['path', `/p${n}`], ['pathType', 'Prefix'], ['backend', b]))])]))],
        ),
      ],
    ),
  );

const routeObj: fc.Arbitrary<Value> = fc
  .record({
    kind: fc.constantFrom('HTTPRoute', 'GRPCRoute'),
    apiVersion: fc.constantFrom('gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1', 'v1'),
    metadata: metadata(),
    refs: fc.array(
      fc.record({ name, port: fc.option(portValue, { nil: undefined }), namespace: fc.option(namespace, { nil: undefined }), kind: fc.option(fc.constantFrom('Service', 'Backend'), { nil: undefined }) }),
      { maxLength: 3 },
    ),
    parentService: fc.option(name, { nil: undefined }),
  })
  .map((r) =>
    m(
      ['apiVersion', r.apiVersion],
      ['kind', r.kind],
      ['metadata', r.metadata],
      [
        'spec',
        m(
          ['parentRefs', r.parentService === undefined ? undefined : [m(['kind', 'Service'], ['group', ''], ['name', r.parentService])]],
          ['hostnames', ['shop.example.com']],
          ['rules', [m(['matches', [m(['path', m(['type', 'PathPrefix'], ['value', '/'])])]], ['backendRefs', r.refs.map((x) => m(['name', x.name], ['namespace', x.namespace], ['kind', x.kind], ['port', x.port]))])]],
        ),
      ],
    ),
  );

const peer: fc.Arbitrary<Value> = fc
  .record({
    podSelector: fc.option(selector, { nil: undefined }),
    namespaceSelector: fc.option(selector, { nil: undefined }),
    ipBlock: fc.option(ipBlock, { nil: undefined }),
  })
  .map((p) => m(['podSelector', p.podSelector], ['namespaceSelector', p.namespaceSelector], ['ipBlock', p.ipBlock]));

const policyPort: fc.Arbitrary<Value> = fc
  .record({ port: fc.option(portValue, { nil: undefined }), endPort: fc.option(fc.constantFrom<Value>(90, 8090, 70000, 10), { nil: undefined }), protocol })
  .map((p) => m(['protocol', p.protocol], ['port', p.port], ['endPort', p.endPort]));

const policyRule = (peers: 'from' | 'to'): fc.Arbitrary<Value> =>
  fc
    .record({ peers: fc.option(fc.array(peer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(policyPort, { maxLength: 2 }), { nil: undefined }) })
    .map((r) => m([peers, r.peers], ['ports', r.ports]));

const policyObj: fc.Arbitrary<Value> = fc
  .record({
    apiVersion: fc.constantFrom('networking.k8s.io/v1', 'networking.k8s.io/v1', 'extensions/v1beta1', 'v1'),
    metadata: metadata(),
    podSelector: sometimesOdd(selector),
    policyTypes: fc.option(fc.subarray<Value>(['Ingress', 'Egress', 'Bogus']), { nil: undefined }),
    ingress: fc.option(fc.array(policyRule('from'), { maxLength: 2 }), { nil: undefined }),
    egress: fc.option(fc.array(policyRule('to'), { maxLength: 2 }), { nil: undefined }),
  })
  .map((p) =>
    m(['apiVersion', p.apiVersion], ['kind', 'NetworkPolicy'], ['metadata', p.metadata], ['spec', m(['podSelector', p.podSelector], ['policyTypes', p.policyTypes], ['ingress', p.ingress], ['egress', p.egress])]),
  );

const namespaceObj: fc.Arbitrary<Value> = metadata().map((md) => m(['apiVersion', 'v1'], ['kind', 'Namespace'], ['metadata', md]));

const grantObj: fc.Arbitrary<Value> = fc
  .record({ metadata: metadata(), fromNs: namespace, toName: fc.option(name, { nil: undefined }) })
  .map((g) =>
    m(
      ['apiVersion', 'gateway.networking.k8s.io/v1beta1'],
      ['kind', 'ReferenceGrant'],
      ['metadata', g.metadata],
      ['spec', m(['from', [m(['group', 'gateway.networking.k8s.io'], ['kind', 'HTTPRoute'], ['namespace', g.fromNs])]], ['to', [m(['group', ''], ['kind', 'Service'], ['name', g.toName])]])],
    ),
  );

const otherObj: fc.Arbitrary<Value> = metadata().map((md) => m(['apiVersion', 'v1'], ['kind', 'ConfigMap'], ['metadata', md], ['data', m(['k', '{{PROJECT_ID}}'])]));

/** One Kubernetes object of any kind the analysis models (and a few it does not). */
export const k8sObject: fc.Arbitrary<Value> = fc.oneof(
  { weight: 4, arbitrary: workload },
  { weight: 4, arbitrary: serviceObj },
  { weight: 2, arbitrary: ingressObj },
  { weight: 2, arbitrary: routeObj },
  { weight: 3, arbitrary: policyObj },
  { weight: 1, arbitrary: namespaceObj },
  { weight: 1, arbitrary: grantObj },
  { weight: 1, arbitrary: otherObj },
);

/** A document: an object, a `List` of objects, or something that is not a manifest at all. */
export const documentValue: fc.Arbitrary<Value> = fc.oneof(
  { weight: 10, arbitrary: k8sObject },
  { weight: 1, arbitrary: fc.array(k8sObject, { maxLength: 3 }).map((items) => m(['apiVersion', 'v1'], ['kind', 'List'], ['items', items])) },
  { weight: 1, arbitrary: fc.constantFrom<Value>(m(['on', 'push'], ['jobs', m()]), 'just a string', [1, 2], null) },
);

// ---------- the emitter: one value, many ways of writing it ----------

/** Choices the emitter draws from, in order; the same choices always give the same text. */
export interface Style {
  choices: number[];
  crlf: boolean;
  bom: boolean;
  json: boolean;
}

class Emitter {
  private i = 0;
  private anchors: string[] = [];
  constructor(private readonly style: Style) {}

  private pick(n: number): number {
    const c = this.style.choices;
    if (c.length === 0) return 0;
    return c[this.i++ % c.length]! % n;
  }

  scalar(v: string | number | boolean | null): string {
    if (typeof v !== 'string') {
      if (v === null) return ['null', '~', ''][this.pick(3)]!;
      return String(v);
    }
    switch (this.pick(6)) {
      case 0:
        return JSON.stringify(v);
      case 1:
        return `'${v.replace(/'/g, "''")}'`;
      case 2:
        return `!!str ${JSON.stringify(v)}`;
      default:
        // plain when it is safe to write plain, else double-quoted
        return /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/.test(v) && !/ $/.test(v) && !/^(?:[-?:,[\]{}#&*!|>'"%@`]|true|false|null|yes|no|on|off|~)$/i.test(v) ? v : JSON.stringify(v);
    }
  }

  key(k: string): string {
    return this.pick(8) === 0 ? JSON.stringify(k) : /^[A-Za-z0-9_./-]+$/.test(k) ? k : JSON.stringify(k);
  }

  /** Anchor prefix (`&aN `) on some collections, remembered for later aliases. */
  private anchor(): string {
    if (this.pick(7) !== 0) return '';
    const a = `a${this.anchors.length}`;
    this.anchors.push(a);
    return `&${a} `;
  }

  /** Sometimes an alias to an earlier anchor stands in for a value (what a careless copy-paste does). */
  private alias(): string | undefined {
    if (this.anchors.length === 0 || this.pick(13) !== 0) return undefined;
    return `*${this.anchors[this.pick(this.anchors.length)]}`;
  }

  flow(v: Value): string {
    const al = this.alias();
    if (al) return al;
    if (Array.isArray(v)) return `${this.anchor()}[${v.map((x) => this.flow(x)).join(', ')}]`;
    if (v !== null && typeof v === 'object') return `${this.anchor()}{${v.map.map(([k, x]) => `${this.key(k)}: ${this.flow(x)}`).join(', ')}}`;
    return this.scalar(v);
  }

  /** Block style at `indent`; returns text that follows `key:` (starting with a space or a line break). */
  block(v: Value, indent: number): string {
    const al = this.alias();
    if (al) return ` ${al}`;
    const pad = ' '.repeat(indent);
    if (Array.isArray(v)) {
      if (v.length === 0 || this.pick(5) === 0) return ` ${this.flow(v)}`;
      const anchor = this.anchor();
      const dash = this.pick(2) === 0 ? pad : ' '.repeat(Math.max(0, indent - 2)); // indented or compact sequences
      return `${anchor ? ` ${anchor.trim()}` : ''}\n${v.map((x) => `${dash}- ${this.blockItem(x, dash.length + 2)}`).join('\n')}`;
    }
    if (v !== null && typeof v === 'object') {
      if (v.map.length === 0 || this.pick(6) === 0) return ` ${this.flow(v)}`;
      const anchor = this.anchor();
      const merge = this.anchors.length > 1 && this.pick(9) === 0 ? [`${pad}<<: *${this.anchors[this.pick(this.anchors.length - 1)]}`] : [];
      const lines = v.map.map(([k, x]) => `${pad}${this.key(k)}:${this.block(x, indent + 2)}`);
      return `${anchor ? ` ${anchor.trim()}` : ''}\n${[...merge, ...lines].join('\n')}`;
    }
    return ` ${this.scalar(v)}`;
  }

  /** A list item: a map's first pair goes on the dash line. */
  private blockItem(v: Value, indent: number): string {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.map.length > 0 && this.pick(4) !== 0) {
      const pad = ' '.repeat(indent);
      return v.map.map(([k, x], n) => `${n === 0 ? '' : pad}${this.key(k)}:${this.block(x, indent + 2)}`).join('\n');
    }
    return this.block(v, indent).replace(/^ /, '');
  }

  document(v: Value): string {
    if (this.style.json) return JSON.stringify(toJson(v), null, this.pick(2) === 0 ? 2 : undefined);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      if (this.pick(10) === 0) return this.flow(v);
      return v.map.map(([k, x]) => `${this.key(k)}:${this.block(x, 2)}`).join('\n');
    }
    return this.flow(v);
  }
}

function toJson(v: Value): unknown {
  if (Array.isArray(v)) return v.map(toJson);
  if (v !== null && typeof v === 'object') return Object.fromEntries(v.map.map(([k, x]) => [k, toJson(x)]));
  return v;
}

/** Writes documents as one file in the given style. */
export function writeFile(docs: Value[], style: Style): string {
  const e = new Emitter(style);
  const body = style.json && docs.length > 0 ? e.document(docs[0]!) : docs.map((d, n) => (n === 0 && style.choices[0]! % 3 === 0 ? '' : '---\n') + e.document(d)).join('\n');
  let text = body + '\n';
  if (style.crlf) text = text.replace(/\n/g, '\r\n');
  if (style.bom) text = '\ufeff' + text;
  return text;
}

export const style: fc.Arbitrary<Style> = fc.record({
  choices: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 40 }),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  json: fc.nat({ max: 7 }).map((n) => n === 7),
});

/** Text mutations: what a half-typed edit, a bad merge or a template leaves behind. */
export const mutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant((t: string) => t) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom('{{ .Values.name }}', '{{- include "x" . }}', '\t', ':', '- ', '&', '*', '!!binary ', '"', "'", '\u0000', '\ud800', '#', '\n  ', '<<: *a0\n', '? ', '%YAML 1.1\n', '\r')).map(
      ([at, s]) =>
        (t: string) =>
          t.slice(0, at % (t.length + 1)) + s + t.slice(at % (t.length + 1)),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.nat({ max: 40 })).map(([at, n]) => (t: string) => t.slice(0, at % (t.length + 1)) + t.slice((at % (t.length + 1)) + n)) },
);

export interface FuzzFile {
  path: string;
  text: string;
}

const PATHS = ['a.yaml', 'b.yaml', 'app/web.yaml', 'app/svc.yml', 'base/all.yaml', 'z.json', 'ops/policy.yaml', 'ops/x.yaml'];

/** A file: a path, documents, a style and perhaps a mutation. */
export const manifestFile: fc.Arbitrary<FuzzFile> = fc
  .record({ path: fc.constantFrom(...PATHS), docs: fc.array(documentValue, { minLength: 1, maxLength: 4 }), style, mutate: mutation })
  .map(({ path, docs, style: s, mutate }) => ({ path, text: mutate(writeFile(docs, s)) }));

const kustomization: fc.Arbitrary<FuzzFile> = fc
  .record({ dir: fc.constantFrom('', 'app/', 'ops/'), ns: namespace, resources: fc.subarray(['web.yaml', 'svc.yml', 'policy.yaml', 'x.yaml', '../base', 'missing.yaml']) })
  .map(({ dir, ns, resources }) => ({ path: `${dir}kustomization.yaml`, text: `namespace: ${ns || 'default'}\nresources:\n${resources.map((r) => `  - ${r}`).join('\n')}\n` }));

/** A workspace: a few files with distinct paths (a later file of the same path replaces an earlier one). */
export const workspace: fc.Arbitrary<FuzzFile[]> = fc
  .array(fc.oneof({ weight: 8, arbitrary: manifestFile }, { weight: 1, arbitrary: kustomization }), { minLength: 1, maxLength: 5 })
  .map((files) => [...new Map(files.map((f) => [f.path, f])).values()]);
