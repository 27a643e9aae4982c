// The rule catalogue (SPEC §5): codes, default severities and one-line descriptions.
// Used by diagnostics, the CLI's SARIF output and the settings.
import { DOCS_BASE_URL } from '../buildInfo';
import type { Severity, Span } from '../model/types';

export interface RuleInfo {
  code: string;
  defaultSeverity: Severity;
  summary: string;
  /**
   * 'file': decided by the file alone (its text, the rule settings), so it holds before the rest of
   * the workspace is read (fileChecks.ts); 'workspace': other files can change it.
   */
  scope: 'file' | 'workspace';
}

export const RULES = [
  { code: 'yaml-syntax', defaultSeverity: 'error', scope: 'file', summary: 'A Kubernetes manifest does not parse as YAML.' },
  { code: 'helm-template-skipped', defaultSeverity: 'info', scope: 'file', summary: 'A Helm template is not read as manifests.' },
  { code: 'file-not-read', defaultSeverity: 'info', scope: 'file', summary: 'A file was not read (too large, binary or unreadable).' },
  { code: 'service-selects-nothing', defaultSeverity: 'warning', scope: 'workspace', summary: 'A Service selector matches no workload in its namespace.' },
  {
    code: 'service-target-port-unresolved',
    scope: 'workspace',
    defaultSeverity: 'error',
    summary: 'A Service targetPort matches no container port of the selected pods.',
  },
  { code: 'ingress-service-missing', defaultSeverity: 'error', scope: 'workspace', summary: 'An Ingress or route backend names a Service that does not exist.' },
  {
    code: 'ingress-backend-legacy',
    scope: 'file',
    defaultSeverity: 'error',
    summary: 'A networking.k8s.io/v1 Ingress backend uses the old serviceName/servicePort fields.',
  },
  { code: 'ingress-port-missing', defaultSeverity: 'error', scope: 'workspace', summary: 'An Ingress or route backend port is not a port of its Service.' },
  { code: 'workload-selector-mismatch', defaultSeverity: 'error', scope: 'file', summary: "A workload's selector does not match its own pod template labels." },
  { code: 'networkpolicy-selects-nothing', defaultSeverity: 'warning', scope: 'workspace', summary: 'A NetworkPolicy podSelector selects no workload.' },
  { code: 'networkpolicy-peer-selects-nothing', defaultSeverity: 'warning', scope: 'workspace', summary: 'A NetworkPolicy rule peer selects no pod.' },
  { code: 'service-unreachable', defaultSeverity: 'warning', scope: 'workspace', summary: "NetworkPolicies let nothing reach a Service's target port." },
  { code: 'ingress-blocked', defaultSeverity: 'warning', scope: 'workspace', summary: 'NetworkPolicies close the routed pods to the ingress controller.' },
  { code: 'statefulset-service-missing', defaultSeverity: 'warning', scope: 'workspace', summary: 'A StatefulSet serviceName names no headless Service that selects its pods.' },
  { code: 'label-invalid', defaultSeverity: 'error', scope: 'file', summary: 'A label key or value, or a selector operator, is invalid.' },
  {
    code: 'object-duplicate',
    scope: 'workspace',
    defaultSeverity: 'info',
    summary: 'The same kind, namespace and name is defined in several places; the first in path order is used.',
  },
  { code: 'port-invalid', defaultSeverity: 'error', scope: 'file', summary: 'A port number or port name is invalid, missing or duplicated.' },
  { code: 'config-invalid', defaultSeverity: 'error', scope: 'file', summary: 'A k8s-netmap.yaml setting is not valid (it is left out; the rest applies).' },
  {
    code: 'adminnetworkpolicy-invalid',
    scope: 'file',
    defaultSeverity: 'error',
    summary: 'An AdminNetworkPolicy or BaselineAdminNetworkPolicy would be rejected by the API server (it is not evaluated).',
  },
  { code: 'adminnetworkpolicy-priority-conflict', defaultSeverity: 'warning', scope: 'workspace', summary: 'Two AdminNetworkPolicies share a priority.' },
  { code: 'baselineadminnetworkpolicy-duplicate', defaultSeverity: 'error', scope: 'workspace', summary: 'More than one BaselineAdminNetworkPolicy is defined.' },
  { code: 'adminnetworkpolicy-selects-nothing', defaultSeverity: 'warning', scope: 'workspace', summary: 'An AdminNetworkPolicy subject or peer selects no workload.' },
  { code: 'policy-kind-not-evaluated', defaultSeverity: 'info', scope: 'file', summary: 'A policy kind that k8s-netmap does not evaluate (reach may overstate connectivity).' },
] as const satisfies readonly RuleInfo[];

/** Every rule code, from the table above. */
export type RuleCode = (typeof RULES)[number]['code'];

export const RULES_BY_CODE: ReadonlyMap<string, RuleInfo> = new Map<string, RuleInfo>(RULES.map((r) => [r.code, r]));

/** Codes of the rules whose findings a file decides alone. */
export const FILE_SCOPED_CODES: ReadonlySet<string> = new Set(RULES.filter((r) => r.scope === 'file').map((r) => r.code));

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
