// NetworkPolicy reachability: which pods (and outside addresses, and the ingress controller) may
// open connections to which pods, on which protocols and ports. Pure: no I/O, model types in,
// plain data out.
//
// API
//   const engine = new ReachabilityEngine(input)        // or ReachabilityEngine.fromSource(workspaceIndex)
//   engine.update(input)                                 // new snapshot (O(workspace), reuses what it can, see below)
//   ReachabilityEngine.inPortions(input, sizes?)         // {engine, step()}: the same engine built a few ms at a time
//                                  (build.ts); read the engine only once step() has returned false
//   engine.applyChange({ removed?, added?, objects? }, settings?)
//                                  objects that left and joined; `objects` takes IndexChange.objects as
//                                  recorded (each flips: leaves if held, joins otherwise). Cost follows the
//                                  change; answers equal a fresh engine's on the index after it. Bulk loads
//                                  record no objects: call update(inputFromSource(index)) after those.
//                                  inputFromSource passes the Namespace objects (source.namespaceObjects),
//                                  so that a Namespace leaving is exact even with duplicates. Several
//                                  updates' objects may be concatenated (in order) and applied at once.
//                                  Pass the settings in force each time if they may change (a detected
//                                  ingress controller): an unchanged identity costs nothing.
//
//   engine.pairs()                 every allowed ordered pair {src, dst, conns}, in `reach` order
//   engine.allowedFrom(dst)        allowed sources of a peer (PeerInfo or its printed name)
//   engine.allowedTo(src)          allowed destinations of a peer
//   engine.conns(src, dst)         the ConnSet between two peers
//   engine.explain(src, dst)       per side: open, or the policy rules admitting the other end, with ports
//   engine.reachabilityOf(w)       for a Workload: {peer, ingress, egress}, each {isolated, policies, allowed[]}
//                                  (isolated false = "open to all": no policy selects it for that direction)
//   engine.policiesDeciding(w, 'ingress'|'egress')   the policies that select the workload's pods
//   engine.adminPoliciesDeciding(w, dir)   the ANPs (evaluation order) and BANP with rules for its pods
//   engine.tierDecisions(src, dst) per direction, which tier decided which connections: an ANP rule
//                                  (policy, rule index, Allow/Deny), the NetworkPolicies (allowed or
//                                  not; `passedBy`: the ANP Pass rules that handed them down), the BANP rule,
//                                  or the default; undefined when no ANP/BANP takes part (then
//                                  explain() says it all). For --explain, diff and hovers.
//   engine.adminTiers              the AdminTiers in force (adminPolicies.ts), if any
//   engine.servicePortReachability(svc, servicePort) can anything reach the target port on the selected pods
//   engine.backendReachability(ingressOrRoute, backend) Service, port and pods a backend ends in, and
//                                  whether the ingress controller may reach each pod on that port
//   engine.peers(), engine.peer(name), engine.peerOf(w), engine.externalPeers(dir)
//   engine.openWorld()             representative peers and exposure (SPEC §3 open world; exposure.ts):
//                                  .representatives(), .exposure(podClass, dir) → {protected, entireCluster, representatives[]},
//                                  .ruleAdmitsOutside(policy, rule); engine.classesOfPeer(peer) gives the classes
//   reachViewText(engine, {exposure, focus, focusPeers, focusDirection, focusConn})  (exposureText.ts)
//                                  `reach` with netpol-analyzer's focus options and exposure section
//   engine.labelGapFindings()      pods of one owner whose differing labels a policy looks at ({peer, label, policy};
//                                  the CLI words them)
//   engine.lastUpdate              what the last update recompiled and re-checked (tests of incrementality)
//   rowAccess(engine)              rows and sides, for the benchmarks' whole matrix (bench/reachMatrix.ts)
//   ConnSet: interned per-protocol port interval sets; toString() is the `reach` notation.
//   selectorMatches / labelsOf (../selectors.ts), serviceSelects / resolveTargetPort (../routing.ts).
//
// Model and costs
//   Workloads fall into classes by (namespace, pod labels, namespace labels, container ports):
//   replicas and look-alike workloads cost nothing extra. Each NetworkPolicy is compiled once
//   against the classes (selected classes; per rule the classes and addresses it admits and its
//   ports, named ports resolved per destination class); selector tests cost the policy's own
//   namespace plus, for namespaceSelector peers, one test per namespace. A row per class and
//   direction (what its deciding policies allow) is built lazily and shared by every class with
//   the same deciding policies (and, for ingress, the same container ports); a pair is the
//   intersection of the destination's ingress row and the source's egress row. pairs(),
//   allowedFrom() and allowedTo() visit only the peers an isolated row names. Connection sets
//   are interned with memoised union/intersection.
//   applyChange(): a workload moves between classes by key (a new class is tested against every
//   policy rule once, a vanished one is removed from them); a policy that leaves and joins with the
//   same content keeps its compiled form, a new one is compiled; a Namespace whose labels change
//   re-classes that namespace's workloads, and only the policies whose namespaceSelectors match its
//   old or new labels test the new classes (policies in that namespace swap class ids, the others
//   are untouched); peers are patched by name. Object order follows the
//   index's (a joining object goes last), so lists come out as a fresh engine's would.
//   Open world: representatives are taken once per policy content (representative.ts), gathered per
//   engine epoch on first use and carried over while the policies and classes stay the same; a
//   class's exposure is computed on demand from its deciding policies. servicePortReachability()
//   counts a rule that admits a representative or the entire cluster as a sender.
//   servicePortReachability(): read from the deciding policies' rules (no row built); the classes
//   each ingress rule admits are summarised once (one with open egress? the controller? the egress
//   policies of the others); each call then checks those policies' rules against its destination.
//   backendReachability() likewise reads the target's rules, the controller's egress row and routes.
//   ANP/BANP tiers (adminPolicies.ts) wrap each direction: the row's NetworkPolicy answer (or
//   "not isolated") goes through AdminTiers.decide(), memoised per (rules that apply, other class).
//   Pruning also visits the classes that ANP Allow rules name. An ANP/BANP change rebuilds the
//   tiers only (their caches depend on class facts alone); rows are untouched.
//   Compiling: a namespaceSelector peer's classes are found once per update and shared (as copies)
//   by every policy that repeats the peer (the same DNS rule in every namespace).
//   update(): the change from the objects held (per kind, the input's longest prefix held
//   unchanged stays; the rest leaves and joins in input order), applied by applyChange: one update
//   path. A policy whose content is unchanged keeps its compiled form (patched for classes that
//   appeared or vanished, O(changed classes × policies)); a changed policy is recompiled
//   (O(classes)); rows are revalidated by the generations of the policies that decide them, so
//   editing one policy rebuilds only the rows of the classes it selects (before or after the edit).
//   A new engine is the empty one brought up to its input by the same path.
//
// Conventions (SPEC §3–§4, netpol-analyzer's): peers are named by owner; pods of one owner with
// different labels are one peer showing the union of what its pods may do (labelGapFindings()
// flags policies whose selectors see the difference); external addresses are IPv4 ranges split
// per direction at the ends of each ipBlock's merged intervals (cidr minus all excepts); ipBlocks
// match only outside addresses; the ingress controller is a pod with the configured identity that
// reaches only TCP container ports routed to by an Ingress or HTTPRoute/GRPCRoute, where policies
// admit it.

export { ConnSet } from './connset';
export {
  ReachabilityEngine,
  inputFromSource,
  type Allowed,
  type Direction,
  type DirectionReport,
  type LabelGapFinding,
  type ObjectChange,
  type PairResult,
  type PeerInfo,
  type PodClass,
  type PortionSizes,
  type SideExplanation,
  type ReachabilityInput,
  type ReachabilitySource,
} from './engine';
export { formatJson, formatText, toLines, type ReachLine } from './format';
export { AdminTiers, type AdminRuleRef, type TierDecision, type TierName } from './adminPolicies';
export { selectionMatches } from './adminRules';
export { adminWarnings, workloadsSelectedBy } from './adminWorkspace';
export { peerNameOf } from './peers';
export { resolveTargetPort, serviceSelects, findServicePort } from '../routing';
export { isValidLabelKey, isValidLabelValue, labelsOf, selectorMatches } from '../selectors';
