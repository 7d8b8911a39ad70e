import * as Y from 'yjs';
import {
  GRAPH_FORMAT_VERSION,
  WorkflowEdgeSchema,
  WorkflowNodeSchema,
  applyGraphDiff as applyGraphDocDiff,
  readGraphDocParts,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from '@auterity/workflow-contracts';

/**
 * The shared (Yjs) document of a workflow's canvas, in the layout the API's collaboration server
 * seeds (@auterity/workflow-contracts graph-doc), bound to the studio's Yjs.
 */

/** Writes the difference between two graphs into the document: only what changed, field by field. */
export function applyGraphDiff(doc: Y.Doc, before: WorkflowGraph, after: WorkflowGraph): void {
  applyGraphDocDiff(Y.Map, doc, before, after);
}

/** The graph the document holds (in id order); parts another client wrote that are not valid are left out. */
export function readGraph(doc: Y.Doc): WorkflowGraph {
  const parts = readGraphDocParts(Y.Map, doc);
  const nodes: WorkflowNode[] = [];
  for (const node of parts.nodes) {
    const parsed = WorkflowNodeSchema.safeParse(node);
    if (parsed.success) nodes.push(parsed.data);
  }
  const edges: WorkflowEdge[] = [];
  for (const edge of parts.edges) {
    const parsed = WorkflowEdgeSchema.safeParse(edge);
    if (parsed.success) edges.push(parsed.data);
  }
  return { version: GRAPH_FORMAT_VERSION, nodes, edges };
}
