// Builds the diagnostic context of an analysis: links, reachability checks and rule settings.
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { DiagnosticContext } from './diagnostics';
import { reachabilityChecks } from './reachabilityFindings';
import type { RuleSeverities } from './rules';

export function createDiagnosticContext(analysis: Analysis, rules: RuleSeverities = {}): DiagnosticContext {
  return { index: analysis.index, links: analysis.links, rules, reachability: reachabilityChecks(analysis) };
}
