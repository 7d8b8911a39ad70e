import { useCallback, useMemo, useState } from 'react';
import { addEdge, useEdgesState, useNodesState, useReactFlow, type Connection } from '@xyflow/react';
import type { NodeSettings, NodeType, WorkflowGraph } from '@auterity/workflow-contracts';
import { createNode, toCanvas, toGraph, type CanvasEdge, type CanvasNode } from '../utils/flow-graph';

/** Everything the editor needs to draw and change one workflow's graph. */
export interface CanvasState {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  onNodesChange: ReturnType<typeof useNodesState<CanvasNode>>[2];
  onEdgesChange: ReturnType<typeof useEdgesState<CanvasEdge>>[2];
  onConnect: (connection: Connection) => void;
  /** The single selected node, which the inspector edits. */
  selectedNode: CanvasNode | undefined;
  /** Adds a node of `type` at `position` and selects it. */
  addNode: (type: NodeType, position: { x: number; y: number }) => CanvasNode;
  updateNodeData: (id: string, patch: { label?: string; config?: Record<string, unknown>; settings?: NodeSettings }) => void;
  removeNode: (id: string) => void;
  selectNode: (id: string | null) => void;
  /** The graph as it would be stored (without selection or measurement state). */
  graph: WorkflowGraph;
  /** The graph to save now: `graph` plus the current viewport, so the workflow reopens where it was left. */
  snapshot: () => WorkflowGraph;
  /** True when the graph differs from the last one passed to `markSaved` or `reset`. */
  isDirty: boolean;
  markSaved: (graph: WorkflowGraph) => void;
  /** Replaces the whole graph (load, restore) and forgets the changes. */
  reset: (graph: WorkflowGraph) => void;
}

/** A comparable form of a graph: normalized through the canvas shape, so key order and defaults never differ. */
function fingerprint(graph: WorkflowGraph): string {
  const canvas = toCanvas(graph);
  const normalized = toGraph(canvas.nodes, canvas.edges);
  return JSON.stringify({ nodes: normalized.nodes, edges: normalized.edges });
}

/**
 * The canvas's client state: React Flow's nodes and edges, plus a fingerprint of the last saved
 * graph so the editor can show unsaved changes. Selection lives on the nodes themselves. Call it
 * inside a {@link CanvasProvider}.
 */
export function useCanvasState(initial: WorkflowGraph): CanvasState {
  const [start] = useState(() => toCanvas(initial));
  const [nodes, setNodes, onNodesChange] = useNodesState<CanvasNode>(start.nodes);
  const [edges, setEdges, onEdgesChange] = useEdgesState<CanvasEdge>(start.edges);
  const [saved, setSaved] = useState(() => fingerprint(initial));
  const flow = useReactFlow<CanvasNode, CanvasEdge>();

  const graph = useMemo(() => toGraph(nodes, edges), [nodes, edges]);
  const isDirty = useMemo(() => fingerprint(graph) !== saved, [graph, saved]);
  const selectedNode = useMemo(() => {
    const selected = nodes.filter((n) => n.selected);
    return selected.length === 1 ? selected[0] : undefined;
  }, [nodes]);

  const onConnect = useCallback(
    (connection: Connection) =>
      setEdges((current) =>
        addEdge({ ...connection, id: `${connection.source}.${connection.sourceHandle ?? 'out'}-${connection.target}` }, current),
      ),
    [setEdges],
  );

  const addNode = useCallback(
    (type: NodeType, position: { x: number; y: number }) => {
      const created: CanvasNode = { ...createNode(type, position, new Set(nodes.map((n) => n.id))), selected: true };
      setNodes((current) => [...current.map((n) => (n.selected ? { ...n, selected: false } : n)), created]);
      setEdges((current) => current.map((e) => (e.selected ? { ...e, selected: false } : e)));
      return created;
    },
    [nodes, setNodes, setEdges],
  );

  const updateNodeData = useCallback(
    (id: string, patch: { label?: string; config?: Record<string, unknown>; settings?: NodeSettings }) =>
      setNodes((current) => current.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n))),
    [setNodes],
  );

  const removeNode = useCallback(
    (id: string) => {
      setNodes((current) => current.filter((n) => n.id !== id));
      setEdges((current) => current.filter((e) => e.source !== id && e.target !== id));
    },
    [setNodes, setEdges],
  );

  const selectNode = useCallback(
    (id: string | null) => setNodes((current) => current.map((n) => ({ ...n, selected: n.id === id }))),
    [setNodes],
  );

  const snapshot = useCallback(() => toGraph(nodes, edges, flow.getViewport()), [nodes, edges, flow]);

  const markSaved = useCallback((savedGraph: WorkflowGraph) => setSaved(fingerprint(savedGraph)), []);

  const reset = useCallback(
    (next: WorkflowGraph) => {
      const canvas = toCanvas(next);
      setNodes(canvas.nodes);
      setEdges(canvas.edges);
      setSaved(fingerprint(next));
    },
    [setNodes, setEdges],
  );

  return {
    nodes,
    edges,
    onNodesChange,
    onEdgesChange,
    onConnect,
    selectedNode,
    addNode,
    updateNodeData,
    removeNode,
    selectNode,
    graph,
    snapshot,
    isDirty,
    markSaved,
    reset,
  };
}
