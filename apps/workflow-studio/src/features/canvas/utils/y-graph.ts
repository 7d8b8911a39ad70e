import * as Y from 'yjs';
import {
  GRAPH_FORMAT_VERSION,
  WorkflowEdgeSchema,
  WorkflowNodeSchema,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from '@auterity/workflow-contracts';

/**
 * The shared (Yjs) document of a workflow's canvas, laid out as the API's collaboration server
 * seeds it (apps/api/src/modules/collab/graph-doc.ts): `nodes` maps a node id to a Y.Map of its parts
 * (`type`, `position`, `label`, `settings`, and `config`, a Y.Map by field, so two people editing
 * different fields of one node both keep their edit); `edges` maps an edge id to the edge.
 */
const NODES_KEY = 'nodes';
const EDGES_KEY = 'edges';

type NodeParts = Y.Map<unknown>;

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
  let fields = target.get('config');
  if (!(fields instanceof Y.Map)) {
    fields = new Y.Map<unknown>();
    target.set('config', fields);
  }
  if (!(fields instanceof Y.Map)) return;
  const old = before?.data.config ?? {};
  for (const [key, value] of Object.entries(node.data.config)) {
    if (!before || !fields.has(key) || !same(old[key], value)) fields.set(key, value);
  }
  for (const key of [...fields.keys()]) if (!(key in node.data.config)) fields.delete(key);
}

/** Writes the difference between two graphs into the document: only what changed, field by field. */
export function applyGraphDiff(doc: Y.Doc, before: WorkflowGraph, after: WorkflowGraph): void {
  const nodes = doc.getMap<NodeParts>(NODES_KEY);
  const edges = doc.getMap<WorkflowEdge>(EDGES_KEY);
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Set(after.nodes.map((n) => n.id));
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    const target = nodes.get(node.id);
    if (old && same(old, node) && target) continue;
    if (target instanceof Y.Map) writeNode(target, node, old);
    else {
      const created = new Y.Map<unknown>();
      nodes.set(node.id, created);
      writeNode(created, node, undefined);
    }
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

/** The graph the document holds (in id order); parts another client wrote that are not valid are left out. */
export function readGraph(doc: Y.Doc): WorkflowGraph {
  const nodes: WorkflowNode[] = [];
  for (const [id, parts] of [...doc.getMap<NodeParts>(NODES_KEY).entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!(parts instanceof Y.Map)) continue;
    const config = parts.get('config');
    const label = parts.get('label');
    const settings = parts.get('settings');
    const parsed = WorkflowNodeSchema.safeParse({
      id,
      type: parts.get('type'),
      position: parts.get('position') ?? { x: 0, y: 0 },
      data: {
        config: config instanceof Y.Map ? config.toJSON() : {},
        ...(label !== undefined ? { label } : {}),
        ...(settings !== undefined ? { settings } : {}),
      },
    });
    if (parsed.success) nodes.push(parsed.data);
  }
  const edges: WorkflowEdge[] = [];
  for (const [, edge] of [...doc.getMap<unknown>(EDGES_KEY).entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = WorkflowEdgeSchema.safeParse(edge);
    if (parsed.success) edges.push(parsed.data);
  }
  return { version: GRAPH_FORMAT_VERSION, nodes, edges };
}
