export { buildGraph, targetPortsOf, workloadDisplay, workloadNodeId } from './builder';
export type { BackendResolution, Flow, FlowPeer, GraphInput, PolicyView, PortRef } from './input';
export { mergePorts, PortSet } from './ports';
export { toDot, toJson, toMermaid } from './serialize';
