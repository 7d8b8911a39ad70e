import {
  GRAPH_FORMAT_VERSION,
  WorkflowGraphSchema,
  applyGraphDiff as applyGraphDocDiff,
  readGraphDocParts,
  type WorkflowGraph,
} from '@auterity/workflow-contracts';
import { Y, type YTypes } from './esm';

/** Seeds are written under this client id so that two replicas seeding the same graph write the same structs. */
const SEED_CLIENT_ID = 1;

// The shared document of one workflow's canvas, in the layout the studio keeps too
// (@auterity/workflow-contracts graph-doc), bound here to the API's Yjs instance.

/** Applies the difference between two graphs to the document (in the caller's transaction). */
export function applyGraphDiff(doc: YTypes.Doc, before: WorkflowGraph, after: WorkflowGraph): void {
  applyGraphDocDiff(Y.Map, doc, before, after);
}

/**
 * The graph the document holds now (nodes and edges in id order, so every replica reads the same
 * graph), or null when an editor wrote something that is not a valid graph.
 */
export function readGraph(doc: YTypes.Doc): WorkflowGraph | null {
  const { nodes, edges } = readGraphDocParts(Y.Map, doc);
  const parsed = WorkflowGraphSchema.safeParse({ version: GRAPH_FORMAT_VERSION, nodes, edges });
  return parsed.success ? parsed.data : null;
}

/**
 * The first state of a workflow's document, from its saved graph. Deterministic: the same graph
 * always gives the same update, so replicas that seed one document at the same time agree.
 */
export function seedUpdate(graph: WorkflowGraph): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = SEED_CLIENT_ID;
  doc.transact(() => applyGraphDiff(doc, { version: graph.version, nodes: [], edges: [] }, graph));
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
