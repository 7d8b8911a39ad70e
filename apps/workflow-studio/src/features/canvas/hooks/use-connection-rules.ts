import { useCallback } from 'react';
import { useReactFlow, type Connection, type Edge } from '@xyflow/react';
import { NODE_TYPE_DEFINITIONS } from '@auterity/workflow-contracts';
import type { CanvasEdge, CanvasNode } from '../utils/flow-graph';

/**
 * Whether an edge may be drawn, by the registry's rules: the source has that output, the target
 * has an input (triggers have none), no node feeds itself, and the edge does not close a loop.
 * Pure, so the same check runs for drags and for tests.
 */
export function canConnect(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], connection: Connection | Edge): boolean {
  if (connection.source === connection.target) return false;
  const source = nodes.find((n) => n.id === connection.source);
  const target = nodes.find((n) => n.id === connection.target);
  if (!source?.type || !target?.type) return false;
  if (NODE_TYPE_DEFINITIONS[target.type].inputs.length === 0) return false;
  const outputs = NODE_TYPE_DEFINITIONS[source.type].outputs(source.data.config);
  const handle = connection.sourceHandle ?? outputs[0];
  if (!handle || !outputs.includes(handle)) return false;
  const duplicate = edges.some(
    (e) =>
      e.source === connection.source &&
      e.target === connection.target &&
      (e.sourceHandle ?? null) === (connection.sourceHandle ?? null),
  );
  if (duplicate) return false;
  return !reaches(edges, connection.target, connection.source);
}

/** Whether `to` can be reached from `from` along edges; a new edge to→from would then close a loop. */
function reaches(edges: readonly CanvasEdge[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const queue = [from];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const edge of edges) if (edge.source === id) queue.push(edge.target);
  }
  return false;
}

/** `isValidConnection` for the canvas, reading the current graph from React Flow's store. */
export function useConnectionRules() {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  return useCallback((connection: Connection | Edge) => canConnect(flow.getNodes(), flow.getEdges(), connection), [flow]);
}

/**
 * Every node an edge from `source`'s `handle` may reach, by the same rules as {@link canConnect},
 * in one pass over the graph (the inspector's "Connect to…" list would otherwise run `canConnect`,
 * and its loop search, once per node).
 */
export function connectableTargets(
  nodes: readonly CanvasNode[],
  edges: readonly CanvasEdge[],
  source: CanvasNode,
  handle: string | null,
): CanvasNode[] {
  if (!source.type) return [];
  const sourceId = source.id;
  const outputs = NODE_TYPE_DEFINITIONS[source.type].outputs(source.data.config);
  const effective = handle ?? outputs[0];
  if (!effective || !outputs.includes(effective)) return [];
  // Nodes that already reach the source: an edge to any of them would close a loop.
  const incoming = new Map<string, string[]>();
  for (const edge of edges) incoming.set(edge.target, [...(incoming.get(edge.target) ?? []), edge.source]);
  const ancestors = new Set<string>([sourceId]);
  const queue = [sourceId];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    for (const parent of incoming.get(id) ?? []) {
      if (ancestors.has(parent)) continue;
      ancestors.add(parent);
      queue.push(parent);
    }
  }
  const taken = new Set(
    edges.filter((e) => e.source === sourceId && (e.sourceHandle ?? null) === (handle ?? null)).map((e) => e.target),
  );
  return nodes.filter(
    (n) => n.type !== undefined && NODE_TYPE_DEFINITIONS[n.type].inputs.length > 0 && !ancestors.has(n.id) && !taken.has(n.id),
  );
}
