// Explain (SPEC §4 `reach --explain`, SPEC §6 hover facts): for a pair of peers, which policies
// and rules allow or deny which connections. Pure: model and engine in, plain data and text out.
//
// API
//   explainAll(engine, source, { only?, include?, exposure? })   every pair netpol-analyzer explains, sorted
//   formatExplain(pairs)                                          the `--explain` text
//   new ExplainContext(engine, source) + explainPair(ctx, src, dst)   one pair (hover)
//   Fact: { kind, text, allows, object?, span?, rule?, admin? }: one deciding rule (or the system
//   default); a tier (AdminNetworkPolicy, BaselineAdminNetworkPolicy) adds facts of its own kind
//   (tiers.ts, with `admin`: rule name, action, priority), and layerOf() orders kinds when printed.
//   tierDenial(ctx, src, dst) / overriddenByTiers(ctx, limit)   what ANP/BANP Deny rules deny, and
//   where that wins over the NetworkPolicies (denials.ts: hover, diagram)
//
// `source` is what the engine was built from (a WorkspaceIndex): its NetworkPolicies, Ingresses
// and routes. Verdicts are read from the model per pair, not from the engine's rows, over the
// engine's peers and the pod class behind each.

export { explainAll, explainPair, ExplainContext, type ExplainOptions, type ExplainSource, type PairExplanation, type PairPiece, type SideFacts } from './pairs';
export { formatExplain, connsText } from './format';
export { layerOf, type Fact, type FactKind } from './facts';
export { isTierDenied, tierDenial, tierDenialCandidates, overriddenByTiers, type TierDenial } from './denials';
export { adminRuleFact } from './tiers';
