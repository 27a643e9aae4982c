// The graph request: the whole workspace's network graph for the diagram.
import type { Graph } from '../model/graph';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { graphInputOf } from '../analysis/graph/fromAnalysis';
import { buildGraph } from '../analysis/graph';

export function graphOf(analysis: Analysis): Graph {
  return buildGraph(graphInputOf(analysis));
}
