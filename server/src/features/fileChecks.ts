// Findings a file decides alone (rules whose scope is 'file'): what its reader found, label and
// selector syntax, port numbers and names, a workload's selector against its own pod template, the
// v1beta1 backend form in a v1 Ingress, an AdminNetworkPolicy the API server rejects. They hold for
// every copy of an object (a duplicate would be rejected as much as the copy in use) and need no
// other file, so they are published for an edit before the workspace index is whole.
import { podLabelsOf } from '../analysis/links';
import { isEmptySelector, isValidLabelKey, isValidLabelValue, SELECTOR_OPERATORS, selectorMatches } from '../analysis/selectors';
import type { K8sObject, LabelEntry, LabelSelector, ParsedFile, Service, Span, Workload } from '../model/types';
import { issuesOfAdminPolicy } from './adminDiagnostics';
import { applySettings, FindingSink, relatedTo } from './findingSink';
import type { Finding, RuleSeverities } from './rules';
import { isRuleCode } from './rules';
import { cutText, quote } from './text';

/** The findings of a parsed file that no other file can change, after its settings. */
export function diagnoseFileAlone(file: ParsedFile, rules: RuleSeverities): Finding[] {
  const sink = new FindingSink(file.uri);
  addReaderProblems(sink, file);
  for (const obj of file.objects) checkObjectAlone(sink, obj);
  return applySettings(sink.findings, file, rules);
}

/** What the reader found (its codes are catalogue codes, a test checks it; the guard only narrows the type). */
export function addReaderProblems(sink: FindingSink, file: ParsedFile): void {
  for (const p of file.problems) if (isRuleCode(p.code)) sink.add(p.code, p.span, p.message, [], p.severity);
}

/** One object's findings that depend on nothing outside it. */
export function checkObjectAlone(sink: FindingSink, obj: K8sObject): void {
  checkLabels(sink, obj);
  switch (obj.type) {
    case 'workload':
      checkWorkloadPorts(sink, obj);
      checkOwnSelector(sink, obj);
      break;
    case 'service':
      checkServicePorts(sink, obj);
      break;
    case 'ingress':
    case 'route':
      for (const b of obj.backends) {
        if (b.targetKind === 'Service' && b.legacyInV1) {
          sink.add(
            'ingress-backend-legacy',
            b.serviceNameSpan,
            `A ${obj.apiVersion} Ingress backend needs service.name and service.port; serviceName/servicePort belong to v1beta1. The API server rejects it, and it routes nowhere.`,
          );
        }
      }
      break;
    case 'adminpolicy':
      issuesOfAdminPolicy((...args) => sink.add(...args), obj);
      break;
  }
}

/** A workload's selector must match its own pod template (Jobs get theirs generated unless manualSelector is set: not ours to check). */
function checkOwnSelector(sink: FindingSink, w: Workload): void {
  if (!w.selector || w.kind === 'Job' || w.kind === 'CronJob' || isEmptySelector(w.selector)) return;
  if (selectorMatches(w.selector, podLabelsOf(w))) return;
  sink.add(
    'workload-selector-mismatch',
    w.selector.span,
    `The ${w.kind}'s selector does not match its own pod template labels: the API server rejects it, and no pod would be managed.`,
    [relatedTo(w, 'pod template labels', w.podLabelsSpan)],
  );
}

// ---------- labels and selectors ----------

function checkLabelEntries(sink: FindingSink, entries: LabelEntry[], what: string): void {
  for (const l of entries) {
    if (!isValidLabelKey(l.key)) {
      sink.add(
        'label-invalid',
        l.keySpan,
        `Invalid ${what} key ${quote(l.key)}: a key is an optional DNS-subdomain prefix and '/', then at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.`,
      );
    }
    if (l.valueKind === 'yaml11-non-string' || l.valueKind === 'number' || l.valueKind === 'boolean' || l.valueKind === 'null') {
      sink.add(
        'label-invalid',
        l.valueSpan,
        `${capitalize(what)} value ${quote(l.value)} is not a string to kubectl, which reads YAML 1.1: quote it (${quote(`"${l.value}"`)}).`,
        [],
        undefined,
        [{ title: `Quote "${cutText(l.value)}"`, edits: [{ uri: sink.uri, span: l.valueSpan, newText: JSON.stringify(l.value) }] }],
      );
    } else if (l.valueKind === 'collection') {
      sink.add('label-invalid', l.valueSpan, `${capitalize(what)} value of ${quote(l.key)} must be a string, not a list or map.`);
    } else if (!isValidLabelValue(l.value)) {
      sink.add(
        'label-invalid',
        l.valueSpan,
        `Invalid ${what} value ${quote(l.value)}: at most 63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit.`,
      );
    }
  }
}

function checkSelector(sink: FindingSink, sel: LabelSelector | undefined): void {
  if (!sel) return;
  checkLabelEntries(sink, sel.matchLabels, 'selector label');
  for (const x of sel.matchExpressions) {
    if (!isValidLabelKey(x.key)) sink.add('label-invalid', x.keySpan, `Invalid selector key ${quote(x.key)}.`);
    if (!SELECTOR_OPERATORS.has(x.operator)) {
      sink.add('label-invalid', x.operatorSpan, `Unknown selector operator ${quote(x.operator)}: use In, NotIn, Exists or DoesNotExist.`);
    } else if ((x.operator === 'In' || x.operator === 'NotIn') && x.values.length === 0) {
      sink.add('label-invalid', x.operatorSpan, `Operator ${x.operator} needs at least one value.`);
    } else if ((x.operator === 'Exists' || x.operator === 'DoesNotExist') && x.values.length > 0) {
      sink.add('label-invalid', x.operatorSpan, `Operator ${x.operator} takes no values.`);
    }
    x.values.forEach((v, i) => {
      if (!isValidLabelValue(v)) sink.add('label-invalid', x.valueSpans[i] ?? x.span, `Invalid selector value ${quote(v)}.`);
    });
  }
}

function checkLabels(sink: FindingSink, obj: K8sObject): void {
  checkLabelEntries(sink, obj.labels, 'label');
  switch (obj.type) {
    case 'workload':
      if (obj.kind !== 'Pod') checkLabelEntries(sink, obj.podLabels, 'pod label');
      checkSelector(sink, obj.selector);
      break;
    case 'service':
      checkSelector(sink, obj.selector);
      break;
    case 'networkpolicy':
      checkSelector(sink, obj.podSelector);
      for (const rule of [...obj.ingress, ...obj.egress]) {
        for (const peer of rule.peers ?? []) {
          checkSelector(sink, peer.podSelector);
          checkSelector(sink, peer.namespaceSelector);
        }
      }
      break;
  }
}

// ---------- ports ----------

// IANA service names, as the API server validates container and Service port names.
const PORT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
function portNameProblem(name: string): string | undefined {
  if (name.length > 15) return `port name ${quote(name)} is longer than 15 characters`;
  if (!PORT_NAME.test(name)) return `port name ${quote(name)} may hold only lowercase letters, digits and '-', and must start and end with a letter or digit`;
  if (name.includes('--')) return `port name ${quote(name)} must not contain '--'`;
  if (!/[a-z]/.test(name)) return `port name ${quote(name)} must contain at least one letter`;
  return undefined;
}

// Service port names are DNS labels (RFC 1123): up to 63 lowercase letters, digits and '-'.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
function servicePortNameProblem(name: string): string | undefined {
  if (name.length > 63) return `port name ${quote(name)} is longer than 63 characters`;
  if (!DNS_LABEL.test(name)) return `port name ${quote(name)} may hold only lowercase letters, digits and '-', and must start and end with a letter or digit`;
  return undefined;
}

function validPort(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && n <= 65535;
}

function checkProtocol(sink: FindingSink, p: { invalidProtocol?: { value: string; span: Span } }): void {
  if (p.invalidProtocol) sink.add('port-invalid', p.invalidProtocol.span, `Invalid protocol ${quote(p.invalidProtocol.value)}: use TCP, UDP or SCTP (case matters).`);
}

function checkWorkloadPorts(sink: FindingSink, w: Workload): void {
  const names = new Map<string, Span>();
  for (const c of w.containers) {
    for (const p of c.ports) {
      checkProtocol(sink, p);
      if (!validPort(p.containerPort)) {
        sink.add('port-invalid', p.portSpan, Number.isNaN(p.containerPort) ? 'containerPort is missing or not a number.' : `containerPort ${p.containerPort} is outside 1–65535.`);
      }
      if (p.name !== undefined && p.nameSpan) {
        const problem = portNameProblem(p.name);
        if (problem) sink.add('port-invalid', p.nameSpan, `Invalid ${problem}.`);
        const seen = names.get(p.name);
        if (seen && !c.init) {
          sink.add('port-invalid', p.nameSpan, `Duplicate port name ${quote(p.name)} in this pod: names must be unique across its containers.`, [
            { uri: w.uri, span: seen, message: 'first use' },
          ]);
        } else if (!c.init) names.set(p.name, p.nameSpan);
      }
    }
  }
}

function checkServicePorts(sink: FindingSink, svc: Service): void {
  const names = new Map<string, Span>();
  const many = svc.ports.length > 1;
  for (const sp of svc.ports) {
    checkProtocol(sink, sp);
    if (!validPort(sp.port)) {
      sink.add('port-invalid', sp.portSpan, Number.isNaN(sp.port) ? 'Service port is missing or not a number.' : `Service port ${sp.port} is outside 1–65535.`);
    }
    if (sp.targetPortSpan) {
      if (typeof sp.targetPort === 'number' && !validPort(sp.targetPort)) {
        sink.add('port-invalid', sp.targetPortSpan, `targetPort ${sp.targetPort} is outside 1–65535.`);
      } else if (typeof sp.targetPort === 'string') {
        const problem = portNameProblem(sp.targetPort);
        if (problem) sink.add('port-invalid', sp.targetPortSpan, `Invalid targetPort: ${problem}.`);
      }
    }
    if (sp.name !== undefined && sp.nameSpan) {
      const problem = servicePortNameProblem(sp.name);
      if (problem) sink.add('port-invalid', sp.nameSpan, `Invalid ${problem}.`);
      const seen = names.get(sp.name);
      if (seen) sink.add('port-invalid', sp.nameSpan, `Duplicate port name ${quote(sp.name)}.`, [{ uri: svc.uri, span: seen, message: 'first use' }]);
      else names.set(sp.name, sp.nameSpan);
    } else if (many) {
      sink.add('port-invalid', sp.portSpan, 'A Service with more than one port needs a name on every port.');
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
