// The rule catalogue (SPEC §5): codes, default severities and one-line descriptions.
// Used by diagnostics, the CLI's SARIF output and the settings.
import { DOCS_BASE_URL } from '../buildInfo';
import type { Severity, Span } from '../model/types';

export interface RuleInfo {
  code: string;
  defaultSeverity: Severity;
  summary: string;
}

export const RULES = [
  { code: 'yaml-syntax', defaultSeverity: 'error', summary: 'A Kubernetes manifest does not parse as YAML.' },
  { code: 'helm-template-skipped', defaultSeverity: 'info', summary: 'A Helm template is not read as manifests.' },
  { code: 'file-not-read', defaultSeverity: 'info', summary: 'A file was not read (too large, binary or unreadable).' },
  { code: 'service-selects-nothing', defaultSeverity: 'warning', summary: 'A Service selector matches no workload in its namespace.' },
  {
    code: 'service-target-port-unresolved',
    defaultSeverity: 'error',
    summary: 'A Service targetPort matches no container port of the selected pods.',
  },
  { code: 'ingress-service-missing', defaultSeverity: 'error', summary: 'An Ingress or route backend names a Service that does not exist.' },
  {
    code: 'ingress-backend-legacy',
    defaultSeverity: 'error',
    summary: 'A networking.k8s.io/v1 Ingress backend uses the old serviceName/servicePort fields.',
  },
  { code: 'ingress-port-missing', defaultSeverity: 'error', summary: 'An Ingress or route backend port is not a port of its Service.' },
  { code: 'workload-selector-mismatch', defaultSeverity: 'error', summary: "A workload's selector does not match its own pod template labels." },
  { code: 'networkpolicy-selects-nothing', defaultSeverity: 'warning', summary: 'A NetworkPolicy podSelector selects no workload.' },
  { code: 'networkpolicy-peer-selects-nothing', defaultSeverity: 'warning', summary: 'A NetworkPolicy rule peer selects no pod.' },
  { code: 'service-unreachable', defaultSeverity: 'warning', summary: "NetworkPolicies let nothing reach a Service's target port." },
  { code: 'ingress-blocked', defaultSeverity: 'warning', summary: 'NetworkPolicies close the routed pods to the ingress controller.' },
  { code: 'statefulset-service-missing', defaultSeverity: 'warning', summary: 'A StatefulSet serviceName names no headless Service that selects its pods.' },
  { code: 'label-invalid', defaultSeverity: 'error', summary: 'A label key or value, or a selector operator, is invalid.' },
  {
    code: 'object-duplicate',
    defaultSeverity: 'info',
    summary: 'The same kind, namespace and name is defined in several places; the first in path order is used.',
  },
  { code: 'port-invalid', defaultSeverity: 'error', summary: 'A port number or port name is invalid, missing or duplicated.' },
  { code: 'config-invalid', defaultSeverity: 'error', summary: 'A k8s-netmap.yaml setting is not valid (it is left out; the rest applies).' },
  {
    code: 'adminnetworkpolicy-invalid',
    defaultSeverity: 'error',
    summary: 'An AdminNetworkPolicy or BaselineAdminNetworkPolicy would be rejected by the API server (it is not evaluated).',
  },
  { code: 'adminnetworkpolicy-priority-conflict', defaultSeverity: 'warning', summary: 'Two AdminNetworkPolicies share a priority.' },
  { code: 'baselineadminnetworkpolicy-duplicate', defaultSeverity: 'error', summary: 'More than one BaselineAdminNetworkPolicy is defined.' },
  { code: 'adminnetworkpolicy-selects-nothing', defaultSeverity: 'warning', summary: 'An AdminNetworkPolicy subject or peer selects no workload.' },
  { code: 'policy-kind-not-evaluated', defaultSeverity: 'info', summary: 'A policy kind that k8s-netmap does not evaluate (reach may overstate connectivity).' },
] as const satisfies readonly RuleInfo[];

/** Every rule code, from the table above. */
export type RuleCode = (typeof RULES)[number]['code'];

export const RULES_BY_CODE: ReadonlyMap<string, RuleInfo> = new Map<string, RuleInfo>(RULES.map((r) => [r.code, r]));

export function ruleDocUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}

/** Severity per rule code, as configured (a code no rule has is kept and never matches). */
export type RuleSeverities = Record<string, Severity | 'off'>;

export function isRuleCode(code: string): code is RuleCode {
  return RULES_BY_CODE.has(code);
}

export interface RelatedLocation {
  uri: string;
  span: Span;
  message: string;
}

export interface TextEdit {
  uri: string;
  span: Span;
  newText: string;
}

/** An edit that is obviously right for a finding (offered as a quick fix, never applied unasked). */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

/** A diagnostic in core terms: offsets, not positions (the LSP and CLI layers convert). */
export interface Finding {
  uri: string;
  span: Span;
  severity: Severity;
  code: RuleCode;
  message: string;
  related: RelatedLocation[];
  fixes?: Fix[];
}

const SEVERITIES = new Set(['error', 'warning', 'info', 'hint', 'off']);

/** Reads `k8sNetmap.rules` leniently: unknown severities are ignored. */
export function normalizeRuleSeverities(value: unknown): RuleSeverities {
  const out: RuleSeverities = {};
  if (value && typeof value === 'object') {
    for (const [code, sev] of Object.entries(value as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev)) out[code] = sev as Severity | 'off';
    }
  }
  return out;
}
