import type { WorkflowEdge, WorkflowGraph, WorkflowNode } from './graph';

/**
 * The layout of a workflow's shared (Yjs) document, used by the API's collaboration server and by
 * the studio's editor: `nodes` maps a node id to a map of its parts (`type`, `position`, `label`,
 * `settings`, and `config`, itself a map by field, so two people editing different fields of one
 * node both keep their edit); `edges` maps an edge id to the edge.
 *
 * Written against the few Yjs methods it needs, not Yjs itself: the API loads Yjs's CommonJS build
 * (one instance with Hocuspocus) and the studio its ES module, and each passes its own `Map` class.
 */
export const GRAPH_DOC_NODES_KEY = 'nodes';
export const GRAPH_DOC_EDGES_KEY = 'edges';

/** The part of `Y.Map` the layout uses. */
export interface SharedMap<T = unknown> {
  get(key: string): T | undefined;
  set(key: string, value: T): unknown;
  has(key: string): boolean;
  delete(key: string): void;
  keys(): IterableIterator<string>;
  entries(): IterableIterator<[string, T]>;
  toJSON(): Record<string, unknown>;
}

/** The part of `Y.Doc` the layout uses. */
export interface SharedDoc {
  getMap<T>(name: string): SharedMap<T>;
}

/** `Y.Map`: makes the nested maps and tells them apart from plain values. */
export type SharedMapClass = new () => SharedMap<unknown>;

/** The document's raw content, nodes and edges in id order (so every reader sees the same order); not validated. */
export interface GraphDocParts {
  nodes: {
    id: string;
    type: unknown;
    position: unknown;
    data: { config: Record<string, unknown>; label?: unknown; settings?: unknown };
  }[];
  edges: unknown[];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function byId<T>([a]: [string, T], [b]: [string, T]): number {
  return a.localeCompare(b);
}

function writeNode(MapClass: SharedMapClass, target: SharedMap, node: WorkflowNode, before: WorkflowNode | undefined): void {
  if (!before || before.type !== node.type) target.set('type', node.type);
  if (!before || !same(before.position, node.position)) target.set('position', { x: node.position.x, y: node.position.y });
  if (node.data.label === undefined) {
    if (target.has('label')) target.delete('label');
  } else if (!before || before.data.label !== node.data.label) target.set('label', node.data.label);
  if (node.data.settings === undefined) {
    if (target.has('settings')) target.delete('settings');
  } else if (!before || !same(before.data.settings, node.data.settings)) target.set('settings', node.data.settings);
  let fields = target.get('config');
  if (!(fields instanceof MapClass)) {
    fields = new MapClass();
    target.set('config', fields);
  }
  const config = fields as SharedMap;
  const old = before?.data.config ?? {};
  for (const [key, value] of Object.entries(node.data.config)) {
    if (!before || !config.has(key) || !same(old[key], value)) config.set(key, value);
  }
  for (const key of [...config.keys()]) if (!(key in node.data.config)) config.delete(key);
}

/** Writes the difference between two graphs into the document, field by field (in the caller's transaction, if any). */
export function applyGraphDiff(MapClass: SharedMapClass, doc: SharedDoc, before: WorkflowGraph, after: WorkflowGraph): void {
  const nodes = doc.getMap<unknown>(GRAPH_DOC_NODES_KEY);
  const edges = doc.getMap<WorkflowEdge>(GRAPH_DOC_EDGES_KEY);
  const oldNodes = new Map(before.nodes.map((n) => [n.id, n]));
  const newNodes = new Set(after.nodes.map((n) => n.id));
  for (const node of after.nodes) {
    const old = oldNodes.get(node.id);
    const target = nodes.get(node.id);
    if (old && same(old, node) && target !== undefined) continue;
    if (target instanceof MapClass) writeNode(MapClass, target, node, old);
    else {
      const created = new MapClass();
      nodes.set(node.id, created);
      writeNode(MapClass, created, node, undefined);
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

/** What the document holds, in id order, for the caller to validate (entries that are not node maps are left out). */
export function readGraphDocParts(MapClass: SharedMapClass, doc: SharedDoc): GraphDocParts {
  const nodes: GraphDocParts['nodes'] = [];
  for (const [id, parts] of [...doc.getMap<unknown>(GRAPH_DOC_NODES_KEY).entries()].sort(byId)) {
    if (!(parts instanceof MapClass)) continue;
    const config = parts.get('config');
    const label = parts.get('label');
    const settings = parts.get('settings');
    nodes.push({
      id,
      type: parts.get('type'),
      position: parts.get('position') ?? { x: 0, y: 0 },
      data: {
        config: config instanceof MapClass ? config.toJSON() : {},
        ...(label !== undefined ? { label } : {}),
        ...(settings !== undefined ? { settings } : {}),
      },
    });
  }
  const edges = [...doc.getMap<unknown>(GRAPH_DOC_EDGES_KEY).entries()].sort(byId).map(([, edge]) => edge);
  return { nodes, edges };
}
