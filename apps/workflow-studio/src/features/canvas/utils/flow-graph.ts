import type { Edge, Node, Viewport } from '@xyflow/react';
import {
  GRAPH_FORMAT_VERSION,
  NODE_TYPE_DEFINITIONS,
  type NodeSettings,
  type NodeType,
  type WorkflowEdge,
  type WorkflowGraph,
} from '@auterity/workflow-contracts';

/** What a canvas node carries: the stored `data` of a workflow node. */
export type WorkflowNodeData = {
  label?: string;
  config: Record<string, unknown>;
  settings?: NodeSettings;
};

export type CanvasNode = Node<WorkflowNodeData, NodeType>;
export type CanvasEdge = Edge;

/** The stored graph as React Flow nodes and edges; the shapes match, so this only narrows types. */
export function toCanvas(graph: WorkflowGraph): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  return {
    nodes: graph.nodes.map((node) => ({
      id: node.id,
      type: node.type,
      position: node.position,
      data: {
        config: node.data.config,
        ...(node.data.label !== undefined ? { label: node.data.label } : {}),
        ...(node.data.settings !== undefined ? { settings: node.data.settings } : {}),
      },
    })),
    edges: graph.edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      ...(edge.sourceHandle ? { sourceHandle: edge.sourceHandle } : {}),
      ...(edge.targetHandle ? { targetHandle: edge.targetHandle } : {}),
    })),
  };
}

/**
 * The graph to store: React Flow's JSON shape without its interaction state (`selected`, `dragging`,
 * `measured`), so selecting or measuring a node never makes the workflow look changed.
 */
export function toGraph(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], viewport?: Viewport): WorkflowGraph {
  return {
    version: GRAPH_FORMAT_VERSION,
    nodes: nodes.map((node) => ({
      id: node.id,
      type: node.type ?? 'text',
      position: { x: Math.round(node.position.x), y: Math.round(node.position.y) },
      data: {
        config: node.data.config,
        ...(node.data.label ? { label: node.data.label } : {}),
        ...(node.data.settings && Object.keys(node.data.settings).length > 0 ? { settings: node.data.settings } : {}),
      },
    })),
    edges: edges.map((edge): WorkflowEdge => ({
      id: edge.id,
      source: edge.source,
      target: edge.target,
      ...(edge.sourceHandle ? { sourceHandle: edge.sourceHandle } : {}),
      ...(edge.targetHandle ? { targetHandle: edge.targetHandle } : {}),
    })),
    ...(viewport ? { viewport: { x: viewport.x, y: viewport.y, zoom: viewport.zoom } } : {}),
  };
}

/** A node id that is readable (`http-request-2`) and free in `taken`; ids only use [A-Za-z0-9_.-]. */
export function nextNodeId(type: NodeType, taken: ReadonlySet<string>): string {
  const base = type.replace(/[^A-Za-z0-9]+/g, '-');
  for (let n = 1; ; n++) {
    const id = `${base}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A new node of `type` at `position`, with the registry's default config. */
export function createNode(type: NodeType, position: { x: number; y: number }, taken: ReadonlySet<string>): CanvasNode {
  const definition = NODE_TYPE_DEFINITIONS[type];
  return {
    id: nextNodeId(type, taken),
    type,
    position,
    data: { label: definition.label, config: structuredClone(definition.defaults) },
  };
}
