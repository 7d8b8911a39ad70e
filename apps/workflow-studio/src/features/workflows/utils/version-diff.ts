import type { WorkflowDiffDto, WorkflowEdge, WorkflowGraph } from '@auterity/workflow-contracts';

export type DiffMark = 'added' | 'removed' | 'changed';

/** Highlights of a visual diff, by node id and by edge id of the merged graph. */
export interface DiffMarks {
  nodes: Record<string, DiffMark>;
  edges: Record<string, DiffMark>;
}

/** One line of the change list under the diff. */
export interface DiffLine {
  nodeId: string;
  label: string;
  mark: DiffMark;
  /** For changed nodes: what changed, in words (`url`, `moved`, `renamed`). */
  details: string[];
}

/** The API's identity of a connection (ids may differ between versions; endpoints do not). */
function edgeKey(edge: WorkflowEdge): string {
  return `${edge.source}:${edge.sourceHandle ?? ''}->${edge.target}:${edge.targetHandle ?? ''}`;
}

function describeField(field: string): string {
  if (field === 'position') return 'moved';
  if (field === 'label') return 'renamed';
  if (field === 'type') return 'type';
  return field.startsWith('config.') ? field.slice('config.'.length) : field;
}

/**
 * The newer graph with the older one's removed nodes and connections added back, and marks saying
 * what was added, removed or changed, so one drawing shows both versions' differences.
 */
export function mergeForDiff(
  from: WorkflowGraph,
  to: WorkflowGraph,
  diff: WorkflowDiffDto,
): { graph: WorkflowGraph; marks: DiffMarks } {
  const marks: DiffMarks = { nodes: {}, edges: {} };
  const removedNodes = new Set(diff.nodes.removed);
  for (const id of diff.nodes.added) marks.nodes[id] = 'added';
  for (const id of diff.nodes.removed) marks.nodes[id] = 'removed';
  for (const change of diff.nodes.changed) marks.nodes[change.id] = 'changed';

  const addedEdges = new Set(diff.edges.added);
  const removedEdges = new Set(diff.edges.removed);
  const edgeIds = new Set(to.edges.map((e) => e.id));
  const edges: WorkflowEdge[] = [];
  for (const edge of to.edges) {
    if (addedEdges.has(edgeKey(edge))) marks.edges[edge.id] = 'added';
    edges.push(edge);
  }
  for (const edge of from.edges) {
    if (!removedEdges.has(edgeKey(edge))) continue;
    // A removed connection may share its id with a newer one; the drawing needs distinct ids.
    const id = edgeIds.has(edge.id) ? `removed:${edge.id}` : edge.id;
    marks.edges[id] = 'removed';
    edges.push({ ...edge, id });
  }
  return {
    graph: { ...to, nodes: [...to.nodes, ...from.nodes.filter((n) => removedNodes.has(n.id))], edges },
    marks,
  };
}

/** The node-level changes as readable lines: added, then changed, then removed. */
export function diffLines(from: WorkflowGraph, to: WorkflowGraph, diff: WorkflowDiffDto): DiffLine[] {
  const labelIn = (graph: WorkflowGraph, id: string) => graph.nodes.find((n) => n.id === id)?.data.label ?? id;
  return [
    ...diff.nodes.added.map((id) => ({ nodeId: id, label: labelIn(to, id), mark: 'added' as const, details: [] })),
    ...diff.nodes.changed.map((c) => ({
      nodeId: c.id,
      label: labelIn(to, c.id),
      mark: 'changed' as const,
      details: c.fields.map(describeField),
    })),
    ...diff.nodes.removed.map((id) => ({ nodeId: id, label: labelIn(from, id), mark: 'removed' as const, details: [] })),
  ];
}
