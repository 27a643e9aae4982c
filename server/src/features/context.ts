// Builds the diagnostic context of an analysis: links, reachability checks and rule settings.
import type { Analysis } from '../analysis/workspaceAnalysis';
import type { DiagnosticContext, ReachabilityChecks } from './diagnostics';
import { reachabilityChecks } from './reachabilityFindings';
import type { RuleSeverities } from './rules';

/** `reachability` replaces the live NetworkPolicy checks (the server passes its cache in front of them). */
export function createDiagnosticContext(analysis: Analysis, rules: RuleSeverities = {}, reachability: ReachabilityChecks = reachabilityChecks(analysis)): DiagnosticContext {
  return { index: analysis.index, links: analysis.links, rules, reachability };
}
