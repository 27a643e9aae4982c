// The workspace's objects, by file, namespace, kind, name and label. Pure: text comes in, no I/O.
// Kept up to date file by file, so an edit costs the size of the edited file, not of the workspace.
// Past 400 lines: every lookup table is updated in indexFile/unindexFile and read by its accessor;
// kept in one class so that no table can be changed without the others.
import type {
  AdminPolicy,
  AnalysisSettings,
  Ingress,
  K8sObject,
  Kustomization,
  Namespace,
  NetworkPolicy,
  ParsedFile,
  ReferenceGrant,
  Route,
  Service,
  Workload,
} from '../model/types';
import { DEFAULT_SETTINGS } from '../model/types';
import { compareByPath, identityKey } from '../model/identity';
import { parseFile } from '../yaml/parseFile';
import { kustomizeNamespaces } from './kustomize';

export interface SetFileOptions {
  /** A Helm template: not read as manifests. */
  helmTemplate?: boolean;
  /** With helmTemplate: a template of a chart folder, whose Chart.yaml carries the one note. */
  inHelmChart?: boolean;
  /** The `Chart.yaml` of a chart folder with `templates/`: it carries the chart's one note. */
  helmChart?: boolean;
  /** The cold reader may read it (yaml/fastParse.ts); the model is the same either way. */
  fast?: boolean;
}

/** What an update touched, for deciding which other files need their diagnostics again. */
export interface IndexChange {
  uris: Set<string>;
  /** Namespaces whose objects were added, removed or changed (old and new). */
  namespaces: Set<string>;
  /** True when Namespace objects or the set of named namespaces changed (namespaceSelectors may change meaning). */
  namespacesChanged: boolean;
  /** Objects removed and added (old and new versions of an edited file's objects); not kept during a bulk run. */
  objects: K8sObject[];
  /**
   * Objects a kustomization moved to another namespace in place, each as it was (a copy) and the
   * object itself (also in `objects`, as removed and added); not kept during a bulk run.
   */
  moved: Array<[was: K8sObject, now: K8sObject]>;
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}

export class WorkspaceIndex {
  readonly settings: AnalysisSettings;
  private readonly files = new Map<string, ParsedFile>();
  private readonly kustomizations = new Map<string, Kustomization>();
  private kustomizeNs = new Map<string, string>();

  private readonly objectsByNamespace = new Map<string, Set<K8sObject>>();
  private readonly workloadsByLabel = new Map<string, Map<string, Set<Workload>>>(); // ns → key\0value → workloads
  private readonly byName = new Map<string, K8sObject[]>(); // kind/ns/name → objects
  private readonly objectsByType = new Map<K8sObject['type'], Set<K8sObject>>();
  /** Path-ordered copies of the two tables above, made on demand and dropped when a member changes. */
  private readonly sortedByNamespace = new Map<string, K8sObject[]>();
  private readonly sortedByType = new Map<K8sObject['type'], K8sObject[]>();
  private namespaceLabelCache: Map<string, Record<string, string>> | undefined;
  private version = 0;
  private bulkDepth = 0;
  private readonly listeners: Array<(change: IndexChange, bulk: boolean) => void> = [];
  private bulkChange: IndexChange | undefined;
  /** Namespaces that lost their last object during the current update (they may come back in it). */
  private readonly vanished = new Set<string>();
  /** Namespace → number of namespaced objects in it: the namespaces the workspace names. */
  private readonly namespacedCount = new Map<string, number>();

  /**
   * `defaultNamespaceOf` gives a file's default namespace when it differs from the settings' one
   * (the server's workspace folders each have their own).
   */
  constructor(
    settings: Partial<AnalysisSettings> = {},
    private readonly defaultNamespaceOf: (uri: string) => string | undefined = () => undefined,
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...settings };
  }

  /** The namespace of objects in `uri` that name none and are under no kustomization with one. */
  defaultNamespace(uri: string): string {
    return this.defaultNamespaceOf(uri) ?? this.settings.defaultNamespace;
  }

  /** Increases on every change; caches elsewhere key on it. */
  get generation(): number {
    return this.version;
  }

  setFile(uri: string, text: string, options: SetFileOptions = {}): IndexChange {
    const parsed = parseFile(uri, text, { ...options, defaultNamespace: this.defaultNamespace(uri) });
    return this.setParsed(uri, parsed);
  }

  /** Adds an already parsed file (e.g. parsed in a worker). */
  setParsed(uri: string, parsed: ParsedFile): IndexChange {
    const change = newChange();
    const old = this.files.get(uri);
    if (old) this.unindexFile(old, change);
    this.files.set(uri, parsed);
    const kustomizationChanged = old?.kustomization !== undefined || parsed.kustomization !== undefined;
    if (parsed.kustomization) this.kustomizations.set(uri, parsed.kustomization);
    else this.kustomizations.delete(uri);
    this.indexFile(parsed, change);
    if (kustomizationChanged || (!old && this.kustomizations.size > 0)) this.refreshKustomize(change);
    this.settleNamespaces(change);
    this.version++;
    if (this.bulkChange) mergeChange(this.bulkChange, change);
    else this.emit(change, false);
    return change;
  }

  removeFile(uri: string): IndexChange {
    const change = newChange();
    const old = this.files.get(uri);
    if (!old) return change;
    this.unindexFile(old, change);
    this.files.delete(uri);
    if (this.kustomizations.delete(uri) || this.kustomizations.size > 0) this.refreshKustomize(change);
    this.settleNamespaces(change);
    this.version++;
    if (this.bulkChange) mergeChange(this.bulkChange, change);
    else this.emit(change, false);
    return change;
  }

  /**
   * Starts a run of many updates with one kustomization pass at its end (a cold index would
   * otherwise redo it for every file). Updates between `beginBulk` and `endBulk` may span
   * several event-loop turns; `endBulk` returns the union of their changes.
   */
  beginBulk(): void {
    if (this.bulkDepth++ === 0) this.bulkChange = newChange();
  }

  endBulk(): IndexChange {
    const change = this.bulkChange ?? newChange();
    if (--this.bulkDepth > 0) return change;
    this.bulkChange = undefined;
    this.refreshKustomize(change, true);
    this.settleNamespaces(change);
    this.version++;
    this.emit(change, true);
    return change;
  }

  /**
   * Listens to every update: `bulk` is true after a bulk run, whose change records no objects
   * (a listener that follows objects must then start over from the whole index).
   */
  onDidChange(listener: (change: IndexChange, bulk: boolean) => void): void {
    this.listeners.push(listener);
  }

  private emit(change: IndexChange, bulk: boolean): void {
    for (const l of this.listeners) l(change, bulk);
  }

  /** `beginBulk`/`endBulk` around a synchronous run. */
  bulk(run: () => void): IndexChange {
    this.beginBulk();
    try {
      run();
    } catch (error) {
      this.endBulk(); // never leave the index in bulk mode
      throw error;
    }
    return this.endBulk();
  }

  hasFile(uri: string): boolean {
    return this.files.has(uri);
  }

  file(uri: string): ParsedFile | undefined {
    return this.files.get(uri);
  }

  get fileCount(): number {
    return this.files.size;
  }

  fileUris(): IterableIterator<string> {
    return this.files.keys();
  }

  parsedFiles(): IterableIterator<ParsedFile> {
    return this.files.values();
  }

  allObjects(): K8sObject[] {
    const out: K8sObject[] = [];
    for (const f of this.files.values()) for (const o of f.objects) out.push(o);
    return out;
  }

  /** Objects of a type, in path order (a copy: callers may keep it). */
  private ofType<T extends K8sObject>(type: T['type']): T[] {
    let sorted = this.sortedByType.get(type);
    if (!sorted) this.sortedByType.set(type, (sorted = [...(this.objectsByType.get(type) ?? [])].sort(compareByPath)));
    return [...sorted] as T[];
  }

  workloads(): Workload[] {
    return this.ofType<Workload>('workload');
  }
  services(): Service[] {
    return this.ofType<Service>('service');
  }
  ingresses(): Ingress[] {
    return this.ofType<Ingress>('ingress');
  }
  routes(): Route[] {
    return this.ofType<Route>('route');
  }
  networkPolicies(): NetworkPolicy[] {
    return this.ofType<NetworkPolicy>('networkpolicy');
  }
  /** The NetworkPolicies in no set order, without the sorted copy that each change of one drops: for callers that order what they keep. */
  networkPoliciesUnordered(): Iterable<NetworkPolicy> {
    return (this.objectsByType.get('networkpolicy') ?? []) as Iterable<NetworkPolicy>;
  }
  /** AdminNetworkPolicies and BaselineAdminNetworkPolicies (cluster-scoped), in file order. */
  adminPolicies(): AdminPolicy[] {
    return this.ofType<AdminPolicy>('adminpolicy');
  }
  namespaceObjects(): Namespace[] {
    return this.ofType<Namespace>('namespace');
  }
  referenceGrants(): ReferenceGrant[] {
    return this.ofType<ReferenceGrant>('referencegrant');
  }

  /** Objects of a namespace (all kinds), in path order: answers never depend on the order files were read. */
  objectsIn(namespace: string): readonly K8sObject[] {
    let sorted = this.sortedByNamespace.get(namespace);
    if (!sorted) this.sortedByNamespace.set(namespace, (sorted = [...(this.objectsByNamespace.get(namespace) ?? EMPTY)].sort(compareByPath)));
    return sorted;
  }

  /**
   * Objects with this kind, namespace and name, in path order (normally one; duplicates are
   * possible in a workspace, and only the first one is in the analysis: SPEC §2).
   */
  lookup(kind: string, namespace: string, name: string): K8sObject[] {
    return this.byName.get(`${kind}/${namespace}/${name}`) ?? [];
  }

  /**
   * The copies of an object that count less: every copy of the same kind/namespace/name after the
   * first in path order (empty for the object the analysis uses, and for nameless objects).
   */
  isDuplicate(obj: K8sObject): boolean {
    return !this.isActive(obj);
  }

  /** Every object with the same kind, namespace and name, the first in path order first. */
  copiesOf(obj: K8sObject): readonly K8sObject[] {
    return this.byName.get(identityKey(obj)) ?? [obj];
  }

  /** Whether the object is in the analysis: it is the first of its kind/namespace/name in path order. */
  private isActive(obj: K8sObject): boolean {
    if (obj.name === '') return true;
    const list = this.byName.get(identityKey(obj));
    return !list || list[0] === obj;
  }

  /** Workloads of a namespace whose pod labels include `key=value`, in no particular order (sort what you show). */
  workloadsWithLabel(namespace: string, key: string, value: string): ReadonlySet<Workload> {
    return this.workloadsByLabel.get(namespace)?.get(labelKey(key, value)) ?? EMPTY_WORKLOADS;
  }

  workloadsIn(namespace: string): Workload[] {
    const out: Workload[] = [];
    for (const o of this.objectsIn(namespace)) if (o.type === 'workload') out.push(o);
    return out;
  }

  /** Namespaces that namespaced objects are in (a Namespace object, or a ClusterRole, names none). */
  namespaceNames(): string[] {
    return [...this.namespacedCount.keys()].sort();
  }

  /** Every namespace any object names, with labels: kubernetes.io/metadata.name plus its Namespace object's labels. */
  namespaceLabels(): Map<string, Record<string, string>> {
    if (this.namespaceLabelCache) return this.namespaceLabelCache;
    const out = new Map<string, Record<string, string>>();
    for (const ns of this.namespaceNames()) out.set(ns, { 'kubernetes.io/metadata.name': ns });
    for (const nsObj of this.namespaceObjects()) {
      const labels: Record<string, string> = {};
      for (const l of nsObj.labels) labels[l.key] = l.value;
      labels['kubernetes.io/metadata.name'] = nsObj.name;
      out.set(nsObj.name, labels);
    }
    this.namespaceLabelCache = out;
    return out;
  }

  private refreshKustomize(change: IndexChange, force = false): void {
    if (this.bulkDepth > 0 && !force) return;
    const manifests = [...this.files.keys()].filter((u) => !this.kustomizations.has(u));
    const next = kustomizeNamespaces(this.kustomizations, manifests);
    const prev = this.kustomizeNs;
    this.kustomizeNs = next;
    const touched = new Set<string>();
    for (const [uri, ns] of next) if (prev.get(uri) !== ns) touched.add(uri);
    for (const uri of prev.keys()) if (!next.has(uri)) touched.add(uri);
    for (const uri of touched) {
      const f = this.files.get(uri);
      if (!f) continue;
      // Indexing again moves the objects to their new namespace in place: the change keeps each as it
      // was beside it (`moved`), since `objects` holds it twice as it is after (no change by itself).
      if (this.bulkDepth === 0) for (const o of f.objects) change.moved.push([{ ...o }, o]);
      this.unindexFile(f, change);
      this.indexFile(f, change);
    }
  }

  private effectiveNamespace(uri: string, obj: K8sObject): string {
    return this.kustomizeNs.get(uri) ?? obj.declaredNamespace ?? this.defaultNamespace(uri);
  }

  private indexFile(file: ParsedFile, change: IndexChange): void {
    change.uris.add(file.uri);
    for (const obj of file.objects) {
      obj.namespace = this.effectiveNamespace(file.uri, obj);
      const namespaced = !CLUSTER_SCOPED_KINDS.has(obj.kind);
      const count = namespaced ? (this.namespacedCount.get(obj.namespace) ?? 0) + 1 : 0;
      if (namespaced) this.namespacedCount.set(obj.namespace, count);
      const isNewNamespace = count === 1;
      const nameKey = identityKey(obj);
      const list = this.byName.get(nameKey);
      if (!list) this.byName.set(nameKey, [obj]);
      else {
        // Kept in path order: the first copy is the one in the analysis, whatever the read order.
        let at = list.length;
        while (at > 0 && compareByPath(list[at - 1], obj) > 0) at--;
        list.splice(at, 0, obj);
        if (at === 0 && obj.name !== '') this.deactivate(list[1], change);
        for (const copy of list) change.uris.add(copy.uri); // their object-duplicate notes name each other
      }
      if (this.isActive(obj)) this.activate(obj, change);
      // A namespace that vanished and came back within one update (a file re-read) is no change.
      if ((isNewNamespace && !this.vanished.delete(obj.namespace)) || obj.type === 'namespace') this.markNamespacesChanged(change);
    }
  }

  private unindexFile(file: ParsedFile, change: IndexChange): void {
    change.uris.add(file.uri);
    for (const obj of file.objects) {
      const wasActive = this.isActive(obj);
      if (wasActive) this.deactivate(obj, change);
      const nameKey = identityKey(obj);
      const list = this.byName.get(nameKey);
      if (list) {
        const i = list.indexOf(obj);
        if (i !== -1) list.splice(i, 1);
        if (list.length === 0) this.byName.delete(nameKey);
        else if (i === 0 && obj.name !== '') this.activate(list[0], change);
        for (const copy of list) change.uris.add(copy.uri);
      }
      change.namespaces.add(obj.namespace);
      if (!CLUSTER_SCOPED_KINDS.has(obj.kind)) {
        const count = (this.namespacedCount.get(obj.namespace) ?? 1) - 1;
        if (count > 0) this.namespacedCount.set(obj.namespace, count);
        else {
          this.namespacedCount.delete(obj.namespace);
          this.vanished.add(obj.namespace);
        }
      }
    }
  }

  /** Puts an object into the analysis' tables (it is the first of its identity). Recorded as a flip. */
  private activate(obj: K8sObject, change: IndexChange): void {
    addTo(this.objectsByNamespace, obj.namespace, obj);
    addTo(this.objectsByType, obj.type, obj);
    if (obj.type === 'workload') {
      let byLabel = this.workloadsByLabel.get(obj.namespace);
      if (!byLabel) this.workloadsByLabel.set(obj.namespace, (byLabel = new Map()));
      for (const l of obj.podLabels) addTo(byLabel, labelKey(l.key, l.value), obj);
    }
    this.touched(obj, change);
  }

  /** Takes an object out of the analysis' tables (removed, or now a later copy). Recorded as a flip. */
  private deactivate(obj: K8sObject, change: IndexChange): void {
    removeFrom(this.objectsByNamespace, obj.namespace, obj);
    removeFrom(this.objectsByType, obj.type, obj);
    if (obj.type === 'workload') {
      const byLabel = this.workloadsByLabel.get(obj.namespace);
      if (byLabel) {
        for (const l of obj.podLabels) removeFrom(byLabel, labelKey(l.key, l.value), obj);
        if (byLabel.size === 0) this.workloadsByLabel.delete(obj.namespace);
      }
    }
    this.touched(obj, change);
  }

  private touched(obj: K8sObject, change: IndexChange): void {
    this.sortedByNamespace.delete(obj.namespace);
    this.sortedByType.delete(obj.type);
    change.uris.add(obj.uri);
    change.namespaces.add(obj.namespace);
    if (this.bulkDepth === 0) change.objects.push(obj);
    if (obj.type === 'namespace') this.markNamespacesChanged(change);
  }

  /** Ends an update: namespaces that lost their last object and did not get one back are gone. */
  private settleNamespaces(change: IndexChange): void {
    if (this.vanished.size === 0) return;
    this.vanished.clear();
    this.markNamespacesChanged(change);
  }

  private markNamespacesChanged(change: IndexChange): void {
    change.namespacesChanged = true;
    this.namespaceLabelCache = undefined;
  }
}

// Cluster-scoped kinds: they are filed under the default (or kustomize) namespace like any object,
// but being there does not make that namespace exist.
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'StorageClass',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'IngressClass',
  'GatewayClass',
  'PriorityClass',
  'RuntimeClass',
  'APIService',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'CSIDriver',
  'VolumeSnapshotClass',
  'ClusterIssuer',
]);

const EMPTY: ReadonlySet<K8sObject> = new Set();
const EMPTY_WORKLOADS: ReadonlySet<Workload> = new Set();

function mergeChange(into: IndexChange, from: IndexChange): void {
  for (const u of from.uris) into.uris.add(u);
  for (const n of from.namespaces) into.namespaces.add(n);
  into.namespacesChanged ||= from.namespacesChanged;
  into.objects.push(...from.objects);
}

function newChange(): IndexChange {
  return { uris: new Set(), namespaces: new Set(), namespacesChanged: false, objects: [], moved: [] };
}
