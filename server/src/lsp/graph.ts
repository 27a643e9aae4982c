// The graph request: the whole workspace's network graph for the diagram.
import type { Graph } from '../model/graph';
import type { Analysis } from '../analysis/workspaceAnalysis';
import { graphInputOf } from '../analysis/graph/fromAnalysis';
import { buildGraph } from '../analysis/graph';
import { cutGraphText } from '../model/text';

/** The graph the diagram draws, its manifest strings cut to a readable length (SPEC §6). */
export function graphOf(analysis: Analysis): Graph {
  return cutGraphText(buildGraph(graphInputOf(analysis)));
}
