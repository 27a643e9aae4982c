// Findings are collected per file through one sink, which bounds messages and orders related
// locations, and leave through the file's rule settings and suppression comments.
import { positionAt } from '../model/positions';
import { flattened } from '../model/text';
import type { K8sObject, ParsedFile, Severity, Span } from '../model/types';
import type { Finding, Fix, RelatedLocation, RuleCode, RuleSeverities } from './rules';
import { RULES_BY_CODE } from './rules';
import { cutText } from './text';

export class FindingSink {
  readonly findings: Finding[] = [];
  constructor(readonly uri: string) {}
  add(code: RuleCode, span: Span, message: string, related: RelatedLocation[] = [], severity?: Severity, fixes?: Fix[]): void {
    this.findings.push({
      uri: this.uri,
      span,
      code,
      // Each quoted manifest string is cut by quote(); this bounds what several of them add up to.
      message: flattened(cutText(message, MAX_MESSAGE_LENGTH)),
      related: sortRelated(related.map((r) => ({ ...r, message: flattened(cutText(r.message, MAX_MESSAGE_LENGTH)) }))),
      severity: severity ?? RULES_BY_CODE.get(code)?.defaultSeverity ?? 'warning',
      ...(fixes && fixes.length ? { fixes } : {}),
    });
  }
}

const MAX_MESSAGE_LENGTH = 400;

/** Related information in path order (file, then place), never in the order files were read. */
export function sortRelated(related: RelatedLocation[]): RelatedLocation[] {
  return related.sort((a, b) => (a.uri !== b.uri ? (a.uri < b.uri ? -1 : 1) : a.span.start - b.span.start || a.span.end - b.span.end));
}

export function relatedTo(obj: K8sObject, message: string, span: Span = obj.nameSpan): RelatedLocation {
  return { uri: obj.uri, span, message };
}

/** The findings as the file's settings leave them: severities overridden, rules turned off, `# k8s-netmap-disable-next-line` comments. */
export function applySettings(findings: Finding[], file: ParsedFile, rules: RuleSeverities): Finding[] {
  const out: Finding[] = [];
  for (const f of findings) {
    const setting = rules[f.code];
    if (setting === 'off') continue;
    if (file.suppressions.size > 0) {
      const codes = file.suppressions.get(positionAt(file.lineStarts, f.span.start).line);
      if (codes && (codes.length === 0 || codes.includes(f.code))) continue;
    }
    out.push(setting ? { ...f, severity: setting } : f);
  }
  return out;
}
