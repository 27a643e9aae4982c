export { buildGraph, targetPortsOf, workloadDisplay, workloadNodeId } from './builder';
export type { BackendResolution, Flow, FlowPeer, GraphInput, PolicyView, PortRef } from './input';
export { mergePorts, PortSet } from './ports';
export { toDot, toJson, toMermaid } from './serialize';
export { aggregateGraph, foldEdges, isWholeInternet, WHOLE_INTERNET_RANGE } from './aggregate';
export { DEFAULT_FOCUS_DEPTH, focusGraph, resolveFocus } from './focus';
export { findPath, type PathResult } from './path';
