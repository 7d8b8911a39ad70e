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
