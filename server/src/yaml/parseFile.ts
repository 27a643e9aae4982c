// Reads one file's text into model objects (SPEC §2): documents (multi-document, JSON, `List`
// kinds), Helm detection, suppression comments, kustomization facts, and each object's common
// fields; the kinds' own fields are read in kindReaders.ts (ANP/BANP in adminPolicies.ts). The only
// module, with those, nodes.ts, flowTabs.ts and fastParse.ts (the cold reader, whose documents it
// reads alike), that knows `yaml`.
import { parseAllDocuments, type Document, type Node } from 'yaml';
import { fitArrays } from '../model/fitArrays';
import { computeLineStarts } from '../model/positions';
import { flattened } from '../model/text';
import type {
  FileProblem,
  K8sObject,
  Kustomization,
  ObjectBase,
  ParsedFile,
  Span,
  WorkloadKind,
} from '../model/types';
import { WORKLOAD_KINDS } from '../model/types';
import { ADMIN_API_VERSION, readAdminPolicy, unevaluatedPolicyKind } from './adminPolicies';
import {
  asSeqItems,
  get,
  getString,
  isMap,
  scalarOf,
  scalarText,
  nodeSpan,
  spanOf,
  stringOf,
  aliasBudgetExceeded,
  documentAliases,
  type AliasTable,
  type NodeContext,
} from './nodes';
import { mapDocumentsBack, widenFlowTabs } from './flowTabs';
import { coldReaderEnabled, fastDocuments } from './fastParse';
import { readIngress, readLabelMap, readNetworkPolicy, readRoute, readSelector, readService, readWorkload } from './kindReaders';

export interface ParseOptions {
  /** A Helm template (under `templates/` of a chart, or a loose one): not read as manifests. */
  helmTemplate?: boolean;
  /** With helmTemplate: the template belongs to a chart folder, whose `Chart.yaml` carries the one note. */
  inHelmChart?: boolean;
  /** The file is a chart's `Chart.yaml` (beside `templates/`): it carries the chart's one note (SPEC §2). */
  helmChart?: boolean;
  defaultNamespace?: string;
  /** Read by the cold reader (fastParse.ts) unless it declines the file; the model is the same either way. */
  fast?: boolean;
}

const KUSTOMIZATION_NAMES = new Set(['kustomization.yaml', 'kustomization.yml', 'Kustomization']);
const K8S_HEADER = /^(?:apiVersion|kind)[ \t]*:|^\s*\{?\s*"(?:apiVersion|kind)"\s*:/m;
const GO_TEMPLATE_ACTION = /(?<!\$)\{\{-?\s*(?:\.|\$|\/\*|(?:include|template|if|else|range|with|define|block|end|toYaml|tpl|required|default)\b)/;
const DIRECTIVE = /#[ \t]*k8s-netmap-disable-next-line(?:[ \t]+([A-Za-z0-9-]+(?:[ \t]*,[ \t]*[A-Za-z0-9-]+)*))?[ \t]*\r?$/gm;

function basename(uri: string): string {
  const i = uri.lastIndexOf('/');
  return i === -1 ? uri : uri.slice(i + 1);
}

function firstLineSpan(text: string): Span {
  const nl = text.indexOf('\n');
  let end = nl === -1 ? text.length : nl;
  if (end > 0 && text.charCodeAt(end - 1) === 13) end--;
  return { start: 0, end };
}

/** The alias table of a document without aliases (every document of the cold reader). */
const NO_ALIASES: AliasTable = { targets: new Map(), expandedNodes: 0, expandedAliases: 0 };

/** Shared by every file without suppression comments (most files), so that none holds a Map of its own. */
const NO_SUPPRESSIONS: ReadonlyMap<number, string[]> = new Map();

function parseSuppressions(text: string, lineStarts: number[]): ReadonlyMap<number, string[]> {
  if (!text.includes('k8s-netmap-disable-next-line')) return NO_SUPPRESSIONS;
  const out = new Map<number, string[]>();
  DIRECTIVE.lastIndex = 0;
  for (let m = DIRECTIVE.exec(text); m; m = DIRECTIVE.exec(text)) {
    // Binary search is overkill here: directives are rare.
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1] <= m.index) line++;
    const codes = m[1] ? m[1].split(',').map((c) => c.trim()) : [];
    out.set(line + 1, codes);
  }
  return out;
}

/**
 * Parses a file, its model's arrays at their length (fitArrays.ts: the index keeps every model, and
 * the server holds an index of every file). Never throws: whatever cannot be read becomes a problem
 * or is ignored (SPEC §2).
 */
export function parseFile(uri: string, rawText: string, options: ParseOptions = {}): ParsedFile {
  return fitArrays(parseFileUnfitted(uri, rawText, options));
}

/**
 * `parseFile` without fitting the arrays, for a model that is copied before it is kept: the parse
 * workers' structured clone makes every array at its length anyway (fitting there cost 2 % of the
 * parse for nothing).
 */
export function parseFileUnfitted(uri: string, rawText: string, options: ParseOptions = {}): ParsedFile {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  const lineStarts = computeLineStarts(text);
  const result: ParsedFile = {
    uri,
    lineStarts,
    objects: [],
    problems: [],
    suppressions: parseSuppressions(text, lineStarts),
    looksLikeKubernetes: K8S_HEADER.test(text),
  };
  if (options.helmTemplate) {
    if (!options.inHelmChart) result.problems.push(helmNote(text));
    return result;
  }
  if (options.helmChart) result.problems.push(chartNote(text));
  let docs: Document.Parsed[];
  // The cold reader's documents carry only `contents` (and no errors, no aliases), which is all
  // that is read of them below once their alias table is the empty one.
  const fast = options.fast && coldReaderEnabled() ? (fastDocuments(text) as Document.Parsed[] | undefined) : undefined;
  try {
    docs = fast ?? parseDocuments(text);
    if (!fast && docs.some((d) => d.errors.length > 0)) docs = withFlowTabsWidened(text, docs);
  } catch (error) {
    if (result.looksLikeKubernetes) {
      result.problems.push({ code: 'yaml-syntax', severity: 'error', message: `YAML could not be read: ${parserErrorText(String(error))}`, span: firstLineSpan(text) });
    }
    return result;
  }
  const hasErrors = !fast && docs.some((d) => d.errors.length > 0);
  // In a file that is not ours to judge, only a Go template action counts: a broken GitHub
  // workflow with `${{ matrix.os }}` or an Ansible file with `{{ item }}` is ignored silently.
  if (hasErrors && (result.looksLikeKubernetes ? text.includes('{{') : GO_TEMPLATE_ACTION.test(text))) {
    result.problems.push(helmNote(text));
    return result;
  }
  const isKustomization = KUSTOMIZATION_NAMES.has(basename(uri));
  const defaultNamespace = options.defaultNamespace ?? 'default';
  docs.forEach((doc, docIndex) => {
    if (!fast && doc.errors.length > 0) {
      if (result.looksLikeKubernetes) {
        for (const err of doc.errors) {
          const [start, end] = err.pos;
          result.problems.push({
            code: 'yaml-syntax',
            severity: 'error',
            message: parserErrorText(err.message.split('\n')[0] ?? err.message),
            span: { start, end: Math.max(end, start + 1) > text.length ? Math.max(start, text.length) : Math.max(end, start + 1) },
          });
        }
      }
      // A broken document yields no objects: half-read objects would produce misleading links.
      return;
    }
    const root = doc.contents;
    if (!isMap(root)) return;
    const aliases = fast ? NO_ALIASES : documentAliases(doc);
    if (aliasBudgetExceeded(aliases)) {
      if (result.looksLikeKubernetes) {
        result.problems.push({
          code: 'yaml-syntax',
          severity: 'error',
          message: `Excessive aliasing: with its aliases expanded this document would have ${aliases.expandedNodes >= 1e15 ? 'over 10^15' : aliases.expandedNodes.toLocaleString('en-US')} nodes (kubectl refuses it too); it is not read.`,
          span: documentStartSpan(text, root),
        });
      }
      return;
    }
    const ctx: NodeContext = { doc, text, aliasCache: { aliases } };
    const before = result.objects.length;
    try {
      if (isKustomization) {
        result.kustomization = readKustomization(ctx, root);
        return;
      }
      readObjectOrList(ctx, root, uri, `${docIndex}`, defaultNamespace, result.objects);
    } catch (error) {
      // Only a document nested deeper than the stack allows gets here; it yields no objects.
      if (!(error instanceof RangeError)) throw error;
      result.objects.length = before;
      if (result.looksLikeKubernetes) {
        result.problems.push({ code: 'yaml-syntax', severity: 'error', message: parserErrorText(error.message), span: documentStartSpan(text, root) });
      }
    }
  });
  const unevaluated = notEvaluatedNote(result.objects);
  if (unevaluated) result.problems.push(unevaluated);
  return result;
}

/** The parser's words, except where they are the JavaScript engine's: a stack overflow means too deep. */
function parserErrorText(message: string): string {
  return /Maximum call stack size exceeded|too much recursion/i.test(message)
    ? 'Nested too deeply to be read (thousands of levels of lists or maps).'
    : message;
}

/** The first line of a document's root node. */
function documentStartSpan(text: string, root: Node): Span {
  const start = root.range?.[0] ?? 0;
  const nl = text.indexOf('\n', start);
  let end = nl === -1 ? text.length : nl;
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  return { start, end: Math.max(end, start) };
}

/** One note per file naming the policy kinds in it that `reach` does not evaluate. */
function notEvaluatedNote(objects: K8sObject[]): FileProblem | undefined {
  const kinds: string[] = [];
  let first: K8sObject | undefined;
  for (const o of objects) {
    const k = unevaluatedPolicyKind(o.apiVersion, o.kind);
    if (!k) continue;
    first ??= o;
    if (!kinds.includes(k)) kinds.push(k);
  }
  if (!first) return undefined;
  return {
    code: 'policy-kind-not-evaluated',
    severity: 'info',
    message: `${kinds.join(', ')} ${kinds.length > 1 ? 'are' : 'is'} not evaluated: reachability (reach, hovers, diagram) may show connections that ${kinds.length > 1 ? 'these policies' : 'this policy'} deny.`,
    span: first.kindSpan,
  };
}

function parseDocuments(text: string): Document.Parsed[] {
  const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  return Array.isArray(parsed) ? parsed : [];
}

/** A file that fails only on tab-led lines inside flow collections reads as kubectl reads it (flowTabs.ts). */
function withFlowTabsWidened(text: string, docs: Document.Parsed[]): Document.Parsed[] {
  const widened = widenFlowTabs(text);
  if (!widened) return docs;
  const again = parseDocuments(widened.text);
  mapDocumentsBack(again, widened.toOriginal);
  const errors = (ds: Document.Parsed[]) => ds.reduce((n, d) => n + d.errors.length, 0);
  return errors(again) < errors(docs) ? again : docs;
}

const RENDER_HINT = 'Render it (`helm template`) and pipe it to `k8s-netmap check -` to analyse it.';

/** The one note of a skipped Helm template, or of a whole chart on its Chart.yaml (SPEC §2). */
function helmNote(text: string, what = 'Helm template: not read as manifests.'): FileProblem {
  return { code: 'helm-template-skipped', severity: 'info', message: `${what} ${RENDER_HINT}`, span: firstLineSpan(text) };
}

function chartNote(text: string): FileProblem {
  return helmNote(text, 'Helm chart: every file under its templates/ is a template, not read as manifests.');
}

function readKustomization(ctx: NodeContext, root: Node): Kustomization {
  const resources: string[] = [];
  for (const key of ['resources', 'bases', 'components']) {
    for (const item of asSeqItems(ctx, get(ctx, root, key))) {
      const s = scalarOf(ctx, item);
      if (s && typeof s.value === 'string') resources.push(scalarText(s));
    }
  }
  const namespace = getString(ctx, root, 'namespace');
  return namespace ? { namespace, resources } : { resources };
}

function readObjectOrList(ctx: NodeContext, root: Node, uri: string, id: string, defaultNamespace: string, out: K8sObject[]): void {
  const apiVersion = getString(ctx, root, 'apiVersion');
  const kind = getString(ctx, root, 'kind');
  if (!apiVersion || !kind) return;
  if (kind === 'List' || (kind.endsWith('List') && get(ctx, root, 'items'))) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    asSeqItems(ctx, get(ctx, root, 'items')).forEach((item, i) => {
      if (!isMap(item)) return;
      const obj = readObject(ctx, item, uri, `${id}.${i}`, defaultNamespace, apiVersion, itemKind);
      if (obj) out.push(obj);
    });
    return;
  }
  const obj = readObject(ctx, root, uri, id, defaultNamespace);
  if (obj) out.push(obj);
}

function readObject(
  ctx: NodeContext,
  node: Node,
  uri: string,
  id: string,
  defaultNamespace: string,
  listApiVersion?: string,
  listItemKind?: string,
): K8sObject | undefined {
  const apiVersion = getString(ctx, node, 'apiVersion') ?? listApiVersion;
  const kindNode = get(ctx, node, 'kind');
  const kind = stringOf(ctx, kindNode) ?? listItemKind;
  if (!apiVersion || !kind) return undefined;
  const span = nodeSpan(ctx, node);
  const kindSpan = spanOf(ctx, kindNode) ?? { start: span.start, end: span.start };
  const metadata = get(ctx, node, 'metadata');
  const nameNode = get(ctx, metadata, 'name');
  const name = stringOf(ctx, nameNode) ?? getString(ctx, metadata, 'generateName') ?? '';
  const declaredNamespace = getString(ctx, metadata, 'namespace');
  // Made one field at a time, and completed in place by the kind's reader. V8 gives each object
  // literal with spreads (`...(x ? { x } : {})`) a hidden class of its own, half a kilobyte apiece,
  // a fifth of the model's memory, and makes every read of a field megamorphic; objects made by
  // assignment in one order share their classes. So are the ports, containers, rules and peers.
  const base = {} as ObjectBase;
  base.id = flattened(`${uri}#${id}`);
  base.uri = uri;
  base.apiVersion = apiVersion;
  base.kind = kind;
  base.name = name;
  base.namespace = declaredNamespace || defaultNamespace;
  if (declaredNamespace) base.declaredNamespace = declaredNamespace;
  base.labels = readLabelMap(ctx, get(ctx, metadata, 'labels'));
  base.span = span;
  base.kindSpan = kindSpan;
  base.nameSpan = spanOf(ctx, nameNode) ?? kindSpan;
  const spec = get(ctx, node, 'spec');
  if (WORKLOAD_KINDS.has(kind) && apiVersion !== 'metrics.k8s.io/v1beta1') {
    return readWorkload(ctx, node, spec, kind as WorkloadKind, base, metadata);
  }
  switch (kind) {
    case 'Service':
      if (apiVersion !== 'v1') break;
      return readService(ctx, spec, base);
    case 'Ingress':
      return Object.assign(base, { type: 'ingress' as const }, readIngress(ctx, spec, apiVersion === 'networking.k8s.io/v1'));
    case 'HTTPRoute':
    case 'GRPCRoute':
      if (!apiVersion.startsWith('gateway.networking.k8s.io/')) break;
      return readRoute(ctx, spec, base, kind);
    case 'NetworkPolicy':
      if (apiVersion !== 'networking.k8s.io/v1' && apiVersion !== 'extensions/v1beta1') break;
      return readNetworkPolicy(ctx, spec, base);
    case 'AdminNetworkPolicy':
    case 'BaselineAdminNetworkPolicy':
      if (apiVersion !== ADMIN_API_VERSION) break;
      return readAdminPolicy(ctx, spec, base, kind, readSelector);
    case 'Namespace':
      if (apiVersion !== 'v1') break;
      return Object.assign(base, { type: 'namespace' as const });
    case 'ReferenceGrant':
      if (!apiVersion.startsWith('gateway.networking.k8s.io/')) break;
      return Object.assign(base, {
        type: 'referencegrant' as const,
        from: asSeqItems(ctx, get(ctx, spec, 'from')).map((f) => ({
          group: getString(ctx, f, 'group') ?? '',
          kind: getString(ctx, f, 'kind') ?? '',
          namespace: getString(ctx, f, 'namespace') ?? '',
        })),
        to: asSeqItems(ctx, get(ctx, spec, 'to')).map((t) => {
          const toName = getString(ctx, t, 'name');
          return { group: getString(ctx, t, 'group') ?? '', kind: getString(ctx, t, 'kind') ?? '', ...(toName ? { name: toName } : {}) };
        }),
      });
  }
  return Object.assign(base, { type: 'other' as const });
}
