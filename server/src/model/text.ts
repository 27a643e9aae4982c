// Cutting untrusted manifest text to a readable length (SPEC §5, §6). One rule for messages, hover,
// code lens titles and the diagram: a quoted manifest string is at most about 100 characters.
import type { Graph } from './graph';

/** Longest manifest string quoted whole; longer ones keep their start and end in an ellipsis. */
export const MAX_QUOTED_LENGTH = 100;

/**
 * `s` when it is at most `max` characters, else its first `max - 1` characters and `…`. Never
 * splits a surrogate pair.
 */
export function cutText(s: string, max: number = MAX_QUOTED_LENGTH): string {
  if (s.length <= max) return s;
  let end = Math.max(0, max - 1);
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // a high surrogate whose pair would be cut off
  return s.slice(0, end) + '…';
}

/**
 * `s`, made one piece in memory. V8 keeps a string joined by `+` or a template as a tree of its
 * parts (an object per join) until its characters are read; then it copies them into one string in
 * place. A string that is kept (a finding's message lives until printed, an object's id as long as
 * the object) would keep its whole tree alive, each node of it copied by every collection it
 * survives: at L about half a million of them. Reading one character makes the copy while the
 * tree's nodes are still young, and cheap to drop.
 */
export function flattened(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Lines of wording around manifest strings (a detail line of the diagram) are cut a little later. */
export const MAX_LINE_LENGTH = 160;

/**
 * The graph as the diagram receives it: names, namespaces, hosts, ports and detail lines cut.
 * Ids are kept whole (edges refer to them); they are not shown.
 */
export function cutGraphText(graph: Graph): Graph {
  return {
    nodes: graph.nodes.map((n) => ({
      ...n,
      name: cutText(n.name),
      namespace: cutText(n.namespace),
      ...(n.detail ? { detail: n.detail.map((d) => cutText(d, MAX_LINE_LENGTH)) } : {}),
      ...(n.hosts ? { hosts: n.hosts.map((h) => cutText(h)) } : {}),
      ...(n.ports !== undefined ? { ports: cutText(n.ports, MAX_LINE_LENGTH) } : {}),
      ...(n.serviceType !== undefined ? { serviceType: cutText(n.serviceType) } : {}),
    })),
    edges: graph.edges.map((e) => ({
      ...e,
      ports: cutText(e.ports, MAX_LINE_LENGTH),
      ...(e.detail ? { detail: e.detail.map((d) => cutText(d, MAX_LINE_LENGTH)) } : {}),
    })),
  };
}
