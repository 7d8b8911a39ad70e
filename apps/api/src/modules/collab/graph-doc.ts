import {
  GRAPH_FORMAT_VERSION,
  WorkflowGraphSchema,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from '@auterity/workflow-contracts';
import { Y, type YTypes } from './esm';

/**
 * The shared document of one workflow's canvas: `nodes` maps a node id to a Y.Map of its parts
 * (`type`, `position`, `label`, `settings`, and `config`, itself a Y.Map by field, so two people
 * editing different fields of one node both keep their edit); `edges` maps an edge id to the edge.
 * The studio keeps the same layout (features/canvas/utils/y-graph.ts).
 */
export const NODES_KEY = 'nodes';
export const EDGES_KEY = 'edges';

/** Seeds are written under this client id so that two replicas seeding the same graph write the same structs. */
const SEED_CLIENT_ID = 1;

type NodeParts = YTypes.Map<unknown>;

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function writeNode(target: NodeParts, node: WorkflowNode, before: WorkflowNode | undefined): void {
  if (!before || before.type !== node.type) target.set('type', node.type);
  if (!before || !same(before.position, node.position)) target.set('position', { x: node.position.x, y: node.position.y });
  if (node.data.label === undefined) {
    if (target.has('label')) target.delete('label');
  } else if (!before || before.data.label !== node.data.label) target.set('label', node.data.label);
  if (node.data.settings === undefined) {
    if (target.has('settings')) target.delete('settings');
  } else if (!before || !same(before.data.settings, node.data.settings)) target.set('settings', node.data.settings);
  let config = target.get('config');
  if (!(config instanceof Y.Map)) {
    config = new Y.Map<unknown>();
    target.set('config', config);
  }
  const fields = config as YTypes.Map<unknown>;
  const old = before?.data.config ?? {};
  for (const [key, value] of Object.entries(node.data.config)) {
    if (!before || !fields.has(key) || !same(old[key], value)) fields.set(key, value);
  }
  for (const key of [...fields.keys()]) if (!(key in node.data.config)) fields.delete(key);
}

/** Applies the difference between two graphs to the document (in the caller's transaction). */
export function applyGraphDiff(doc: YTypes.Doc, before: WorkflowGraph, after: WorkflowGraph): void {
  const nodes = doc.getMap<NodeParts>(NODES_KEY);
  const edges = doc.getMap<WorkflowEdge>(EDGES_KEY);
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Set(after.nodes.map((n) => n.id));
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    if (old && same(old, node) && nodes.has(node.id)) continue;
    let target = nodes.get(node.id);
    if (!(target instanceof Y.Map)) {
      target = new Y.Map<unknown>();
      nodes.set(node.id, target);
      writeNode(target, node, undefined);
    } else writeNode(target, node, old);
  }
  for (const id of oldNodes.keys()) if (!newNodes.has(id)) nodes.delete(id);
  const oldEdges = new Map(before.edges.map((e) => [e.id, e]));
  const newEdges = new Set(after.edges.map((e) => e.id));
  for (const edge of after.edges) {
    const old = oldEdges.get(edge.id);
    if (!old || !same(old, edge) || !edges.has(edge.id)) edges.set(edge.id, edge);
  }
  for (const id of oldEdges.keys()) if (!newEdges.has(id)) edges.delete(id);
}

/**
 * The graph the document holds now (nodes and edges in id order, so every replica reads the same
 * graph), or null when an editor wrote something that is not a valid graph.
 */
export function readGraph(doc: YTypes.Doc): WorkflowGraph | null {
  const nodes: unknown[] = [];
  for (const [id, parts] of [...doc.getMap<NodeParts>(NODES_KEY).entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(parts instanceof Y.Map)) continue;
    const config = parts.get('config');
    const label = parts.get('label');
    const settings = parts.get('settings');
    nodes.push({
      id,
      type: parts.get('type'),
      position: parts.get('position') ?? { x: 0, y: 0 },
      data: {
        config: config instanceof Y.Map ? config.toJSON() : {},
        ...(label !== undefined ? { label } : {}),
        ...(settings !== undefined ? { settings } : {}),
      },
    });
  }
  const edges = [...doc.getMap<WorkflowEdge>(EDGES_KEY).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, edge]) => edge);
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
