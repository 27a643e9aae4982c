// Plain data types of the analysis core. Nothing here imports anything: every other module
// depends on these, never the other way round.

/** A half-open range of UTF-16 offsets into a file's text (after any BOM is removed). */
export interface Span {
  start: number;
  end: number;
}

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];

/** How a scalar was written, for checks that depend on kubectl's YAML 1.1 reading. */
export type ScalarKind =
  | 'string' // a plain or quoted string that both YAML 1.1 and 1.2 read as a string
  | 'yaml11-non-string' // plain text that YAML 1.1 (kubectl) reads as bool/number/null: `on`, `yes`, `1.0`, `0644`
  | 'number'
  | 'boolean'
  | 'null'
  | 'collection';

/** A scalar value with where it stands. */
export interface Located<T> {
  value: T;
  span: Span;
}

/** One `key: value` entry of a label map (`metadata.labels`, `matchLabels`, a Service selector). */
export interface LabelEntry {
  key: string;
  value: string;
  keySpan: Span;
  valueSpan: Span;
  valueKind: ScalarKind;
}

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorExpression {
  key: string;
  /** As written; an unknown operator is kept so that it can be reported. */
  operator: string;
  values: string[];
  keySpan: Span;
  operatorSpan: Span;
  valueSpans: Span[];
  span: Span;
}

/**
 * A label selector. A Service's plain `spec.selector` map is represented with `matchLabels` only.
 * An empty selector (`{}`) matches everything for NetworkPolicies; the Service layer decides its own meaning.
 */
export interface LabelSelector {
  matchLabels: LabelEntry[];
  matchExpressions: SelectorExpression[];
  /** The selector's value node. */
  span: Span;
}

export interface OwnerReference {
  kind?: string;
  name: string;
}

export interface ObjectBase {
  /** Stable within a run: `<uri>#<document index>[.<list item index>]`. */
  id: string;
  uri: string;
  apiVersion: string;
  kind: string;
  name: string;
  /** Effective namespace (kustomization > metadata.namespace > default setting). */
  namespace: string;
  /** `metadata.namespace` as written, if any. */
  declaredNamespace?: string;
  labels: LabelEntry[];
  /** The whole object (document or list item). */
  span: Span;
  kindSpan: Span;
  /** `metadata.name` value; falls back to the kind's value when the name is missing. */
  nameSpan: Span;
}

export interface ContainerPort {
  name?: string;
  nameSpan?: Span;
  containerPort: number;
  /** The `containerPort` value. */
  portSpan: Span;
  protocol: Protocol;
  /** A written protocol other than TCP, UDP or SCTP (read as TCP; port-invalid). */
  invalidProtocol?: Located<string>;
  span: Span;
}

export interface Container {
  name: string;
  nameSpan?: Span;
  init: boolean;
  ports: ContainerPort[];
}

export type WorkloadKind =
  | 'Pod'
  | 'Deployment'
  | 'ReplicaSet'
  | 'StatefulSet'
  | 'DaemonSet'
  | 'Job'
  | 'CronJob'
  | 'ReplicationController';

export const WORKLOAD_KINDS: ReadonlySet<string> = new Set<WorkloadKind>([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

export interface Workload extends ObjectBase {
  type: 'workload';
  kind: WorkloadKind;
  /** `spec.replicas`; undefined when not written (the API default is 1 for the kinds that have it). */
  replicas?: number;
  /** `spec.selector` (plain map for ReplicationController). */
  selector?: LabelSelector;
  /** Pod labels: the template's labels, or the Pod's own. */
  podLabels: LabelEntry[];
  /** The pod labels' map node, or the template/metadata when there are none. */
  podLabelsSpan: Span;
  containers: Container[];
  /**
   * `hostNetwork: true` in the pod spec: the pods share the node's network, where NetworkPolicy
   * behaviour is undefined (most plugins do not isolate them), so no verdict about them is certain.
   */
  hostNetwork?: boolean;
  /** StatefulSet `spec.serviceName`. */
  serviceName?: Located<string>;
  ownerReferences: OwnerReference[];
}

export interface ServicePort {
  name?: string;
  nameSpan?: Span;
  port: number;
  portSpan: Span;
  /** Number or name; defaults to `port` (also when written as 0 or ""). */
  targetPort: number | string;
  /** Undefined when `targetPort` is not written (the `port` stands in). */
  targetPortSpan?: Span;
  protocol: Protocol;
  /** A written protocol other than TCP, UDP or SCTP (read as TCP; port-invalid). */
  invalidProtocol?: Located<string>;
  nodePort?: number;
  span: Span;
}

export interface Service extends ObjectBase {
  type: 'service';
  serviceType: string;
  headless: boolean;
  externalName?: string;
  /** Undefined when `spec.selector` is absent. */
  selector?: LabelSelector;
  ports: ServicePort[];
}

/** A backend of an Ingress rule, default backend, or Gateway API route. */
export interface Backend {
  /** Kind the backend refers to (`Service` unless a route names another). */
  targetKind: string;
  serviceName: string;
  serviceNameSpan: Span;
  /** Namespace written on a route's backendRef; otherwise the Service is looked up in the owner's namespace. */
  explicitNamespace?: Located<string>;
  /** Port number or name; undefined when not given (routes may omit it for non-Services). */
  port?: number | string;
  portSpan?: Span;
  host?: string;
  path?: string;
  isDefault: boolean;
  /**
   * A `networking.k8s.io/v1` Ingress backend written with the old `serviceName`/`servicePort`
   * fields: the API server rejects it, so it routes nowhere (ingress-backend-legacy).
   */
  legacyInV1?: boolean;
  span: Span;
}

export interface Ingress extends ObjectBase {
  type: 'ingress';
  ingressClassName?: string;
  backends: Backend[];
  hosts: string[];
  tlsHosts: string[];
}

export interface Route extends ObjectBase {
  type: 'route';
  kind: 'HTTPRoute' | 'GRPCRoute';
  hostnames: string[];
  /** `parentRefs` that are Services (GAMMA mesh routes), with their namespace defaulted to the route's. */
  parentServices?: Array<{ name: string; namespace: string }>;
  backends: Backend[];
}

export interface IpBlock {
  cidr: string;
  except: string[];
  span: Span;
}

export interface PolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IpBlock;
  span: Span;
}

export interface PolicyPort {
  protocol: Protocol;
  /** Undefined: every port of the protocol. */
  port?: number | string;
  endPort?: number;
  portSpan?: Span;
  span: Span;
}

export interface PolicyRule {
  /** Undefined when `from`/`to` is absent or empty: every peer. */
  peers?: PolicyPeer[];
  /** Undefined when `ports` is absent or empty: every port. */
  ports?: PolicyPort[];
  span: Span;
}

export interface NetworkPolicy extends ObjectBase {
  type: 'networkpolicy';
  podSelector: LabelSelector;
  /** Effective policy types, defaulted as the API server does. */
  policyTypes: Array<'Ingress' | 'Egress'>;
  ingress: PolicyRule[];
  egress: PolicyRule[];
}

/** An AdminNetworkPolicy or BaselineAdminNetworkPolicy action as written (`Allow`, `Deny`, `Pass`; others are invalid). */
export type AdminAction = 'Allow' | 'Deny' | 'Pass';

/** `namespaces` (a namespace selector) or `pods` (namespace and pod selectors), as in `subject` and rule peers. */
export interface AdminSelection {
  namespaces?: LabelSelector;
  pods?: { namespaceSelector: LabelSelector; podSelector: LabelSelector; span: Span };
  /** Egress peers only: CIDRs (`networks`). */
  networks?: Array<Located<string>>;
  /** Egress peers only: `nodes` (a node selector; not evaluated, as in netpol-analyzer). */
  nodes?: LabelSelector;
  span: Span;
}

/** `portNumber` (one port), `namedPort` (a container port name) or `portRange`. */
export type AdminPort =
  | { form: 'number'; protocol: Protocol; port: number; span: Span }
  | { form: 'named'; protocol: Protocol; name: string; span: Span }
  | { form: 'range'; protocol: Protocol; port: number; endPort: number; span: Span };

export interface AdminRule {
  name: string;
  /** As written (validated in `issues`). */
  action: string;
  actionSpan: Span;
  peers: AdminSelection[];
  /** Undefined when `ports` is absent: every port. */
  ports?: AdminPort[];
  span: Span;
}

/**
 * A `policy.networking.k8s.io/v1alpha1` AdminNetworkPolicy (cluster-wide, before NetworkPolicies,
 * by priority) or BaselineAdminNetworkPolicy (the cluster's default below them). Cluster-scoped:
 * `namespace` is meaningless here.
 */
export interface AdminPolicy extends ObjectBase {
  type: 'adminpolicy';
  kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  /** ANP only: `spec.priority` (0–1000; lower goes first). */
  priority?: Located<number>;
  subject: AdminSelection;
  ingress: AdminRule[];
  egress: AdminRule[];
  /** What the API server would reject in the object itself; an object with issues is not evaluated. */
  issues: Array<{ message: string; span: Span }>;
}

export interface Namespace extends ObjectBase {
  type: 'namespace';
}

export interface ReferenceGrant extends ObjectBase {
  type: 'referencegrant';
  from: Array<{ group: string; kind: string; namespace: string }>;
  to: Array<{ group: string; kind: string; name?: string }>;
}

export interface OtherObject extends ObjectBase {
  type: 'other';
}

export type K8sObject = Workload | Service | Ingress | Route | NetworkPolicy | AdminPolicy | Namespace | ReferenceGrant | OtherObject;

export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** A finding that needs no cross-file knowledge, made while reading a file. */
export interface FileProblem {
  code: string;
  severity: Severity;
  message: string;
  span: Span;
}

/** `kustomization.yaml` facts that decide namespaces. */
export interface Kustomization {
  namespace?: string;
  /** `resources`, `bases` and `components` entries as written (files or folders, relative). */
  resources: string[];
}

/** Everything the core keeps of one file. The text itself is not kept. */
export interface ParsedFile {
  uri: string;
  /** Offsets of the first character of every line. */
  lineStarts: number[];
  /** Objects with their namespace as written (or the default): the index applies kustomizations. */
  objects: K8sObject[];
  problems: FileProblem[];
  /** 0-based line → codes suppressed on that line (empty array: all codes). */
  suppressions: ReadonlyMap<number, string[]>;
  kustomization?: Kustomization;
  /** True when the file has a top-level `apiVersion:` or `kind:` line: its syntax is ours to judge. */
  looksLikeKubernetes: boolean;
}

export interface IngressControllerIdentity {
  namespace: string;
  namespaceLabels: Record<string, string>;
  podLabels: Record<string, string>;
}

export interface AnalysisSettings {
  defaultNamespace: string;
  ingressController: IngressControllerIdentity;
  /** True when the user configured the controller identity (diagnostics may then speak with certainty). */
  ingressControllerConfigured: boolean;
}

export const DEFAULT_INGRESS_CONTROLLER: IngressControllerIdentity = {
  namespace: 'ingress-controller-ns',
  namespaceLabels: {},
  podLabels: {},
};

export const DEFAULT_SETTINGS: AnalysisSettings = {
  defaultNamespace: 'default',
  ingressController: DEFAULT_INGRESS_CONTROLLER,
  ingressControllerConfigured: false,
};
