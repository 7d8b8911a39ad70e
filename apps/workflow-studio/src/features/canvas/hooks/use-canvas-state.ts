import { useCallback, useMemo, useRef, useState } from 'react';
import {
  addEdge,
  useEdgesState,
  useNodesState,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import type { NodeSettings, NodeType, WorkflowGraph } from '@auterity/workflow-contracts';
import { createNode, toCanvas, toGraph, type CanvasEdge, type CanvasNode } from '../utils/flow-graph';
import {
  instantiateFragment,
  readClipboard,
  selectedFragment,
  writeClipboard,
  type GraphFragment,
} from '../utils/graph-fragment';

/** Everything the editor needs to draw and change one workflow's graph. */
export interface CanvasState {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
  onNodesChange: (changes: NodeChange<CanvasNode>[]) => void;
  onEdgesChange: (changes: EdgeChange<CanvasEdge>[]) => void;
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
  /** Replaces the whole graph (load, restore) and forgets the changes and their history. */
  reset: (graph: WorkflowGraph) => void;
  /**
   * Shows a graph another collaborator changed: nodes keep their selection and measurements, a node
   * being dragged here keeps its position, and the change is not an undo step of this editor.
   */
  applyRemote: (graph: WorkflowGraph) => void;
  canUndo: boolean;
  canRedo: boolean;
  /** Steps back one edit (add, remove, finished move, connect, disconnect, config change). */
  undo: () => void;
  redo: () => void;
  /** Removes the selected nodes (with their edges) and the selected edges as one undoable step. */
  deleteSelection: () => void;
  /** Puts the selected nodes and the edges between them on the clipboard; false when nothing is selected. */
  copySelection: () => boolean;
  /** Adds copies of the clipboard's nodes (new ids, shifted) and selects them; false when it is empty. */
  paste: () => boolean;
  /** Copies the selection in place without touching the clipboard. */
  duplicateSelection: () => boolean;
}

/** The graph at one point of the history; nodes keep their selection, so undo restores it too. */
interface HistoryEntry {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

/** Undo steps kept; older ones are dropped. */
export const HISTORY_LIMIT = 100;
/** Edits of the same field closer than this are one undo step (typing a word is not ten steps). */
const COALESCE_MS = 1000;
const PASTE_OFFSET = 40;

/** A comparable form of a graph: normalized through the canvas shape, so key order, node order and defaults never differ. */
function fingerprint(graph: WorkflowGraph): string {
  const canvas = toCanvas(graph);
  const normalized = toGraph(canvas.nodes, canvas.edges);
  // Order is only drawing order (collaborators receive nodes in id order): not a change.
  const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return stableJson({ nodes: [...normalized.nodes].sort(byId), edges: [...normalized.edges].sort(byId) });
}

/**
 * JSON with object keys in sorted order: the saved graph comes back from Postgres (jsonb orders keys
 * its own way) and the shared document keeps the order of its writers, and neither is a change.
 */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** `items` in the order of `current` (same ids first, in their order), new ones after. */
function inCurrentOrder<T extends { id: string }>(items: T[], current: readonly { id: string }[]): T[] {
  const rank = new Map(current.map((item, i) => [item.id, i]));
  return [...items].sort((a, b) => (rank.get(a.id) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.id) ?? Number.MAX_SAFE_INTEGER));
}

/** True when a (keyboard) position change really moves its node; a click without movement is no step. */
function isMoved(nodes: readonly CanvasNode[], change: NodeChange<CanvasNode>): boolean {
  if (change.type !== 'position' || !change.position) return false;
  const node = nodes.find((n) => n.id === change.id);
  return !node || node.position.x !== change.position.x || node.position.y !== change.position.y;
}

/** Which part of a node's data a patch edits (`config.text`), so typing into one field coalesces. */
function changedKey(
  data: { config: Record<string, unknown> } | undefined,
  patch: { label?: string; config?: Record<string, unknown>; settings?: NodeSettings },
): string {
  if (patch.label !== undefined) return 'label';
  if (patch.settings !== undefined) return 'settings';
  const before = data?.config ?? {};
  const after = patch.config ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter((k) => before[k] !== after[k]);
  return `config.${changed.join(',')}`;
}

/**
 * The canvas's client state: React Flow's nodes and edges, plus a fingerprint of the last saved
 * graph so the editor can show unsaved changes. Selection lives on the nodes themselves. Call it
 * inside a {@link CanvasProvider}.
 */
export function useCanvasState(initial: WorkflowGraph): CanvasState {
  const [start] = useState(() => toCanvas(initial));
  const [nodes, setNodes, applyNodeChanges] = useNodesState<CanvasNode>(start.nodes);
  const [edges, setEdges, applyEdgeChanges] = useEdgesState<CanvasEdge>(start.edges);
  const [saved, setSaved] = useState(() => fingerprint(initial));
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const [history, setHistory] = useState<{ past: HistoryEntry[]; future: HistoryEntry[] }>({ past: [], future: [] });
  // The latest graph for event handlers, which must record the state before their own change.
  const current = useRef<HistoryEntry>({ nodes, edges });
  current.current = { nodes, edges };
  const lastRecord = useRef<{ key: string; at: number } | null>(null);
  const isDragging = useRef(false);
  const pasteCount = useRef(0);

  /** Saves the graph as it is now as one undo step (before an edit), unless it continues the last step. */
  const record = useCallback((key?: string) => {
    const now = Date.now();
    const last = lastRecord.current;
    lastRecord.current = key ? { key, at: now } : null;
    if (key && last && last.key === key && now - last.at < COALESCE_MS) return;
    const entry = current.current;
    setHistory((h) => ({ past: [...h.past, entry].slice(-HISTORY_LIMIT), future: [] }));
  }, []);

  const restore = useCallback(
    (entry: HistoryEntry) => {
      current.current = entry;
      setNodes(entry.nodes);
      setEdges(entry.edges);
    },
    [setNodes, setEdges],
  );

  const undo = useCallback(() => {
    const previous = history.past.at(-1);
    if (!previous) return;
    lastRecord.current = null;
    setHistory({ past: history.past.slice(0, -1), future: [current.current, ...history.future] });
    restore(previous);
  }, [history, restore]);

  const redo = useCallback(() => {
    const next = history.future[0];
    if (!next) return;
    lastRecord.current = null;
    setHistory({ past: [...history.past, current.current], future: history.future.slice(1) });
    restore(next);
  }, [history, restore]);

  // A drag is one step: recorded on its first frame, not on every position change.
  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const moves = changes.filter((c) => c.type === 'position');
      const dragging = moves.some((c) => c.type === 'position' && c.dragging === true);
      if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) record();
      else if (dragging && !isDragging.current) record();
      else if (!dragging && !isDragging.current && moves.some((c) => c.type === 'position' && isMoved(current.current.nodes, c)))
        record();
      isDragging.current = moves.length > 0 ? dragging : isDragging.current;
      applyNodeChanges(changes);
    },
    [record, applyNodeChanges],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<CanvasEdge>[]) => {
      if (changes.some((c) => c.type === 'remove' || c.type === 'add' || c.type === 'replace')) record();
      applyEdgeChanges(changes);
    },
    [record, applyEdgeChanges],
  );

  const graph = useMemo(() => toGraph(nodes, edges), [nodes, edges]);
  const isDirty = useMemo(() => fingerprint(graph) !== saved, [graph, saved]);
  const selectedNode = useMemo(() => {
    const selected = nodes.filter((n) => n.selected);
    return selected.length === 1 ? selected[0] : undefined;
  }, [nodes]);

  const onConnect = useCallback(
    (connection: Connection) => {
      record();
      setEdges((current) =>
        addEdge({ ...connection, id: `${connection.source}.${connection.sourceHandle ?? 'out'}-${connection.target}` }, current),
      );
    },
    [setEdges, record],
  );

  const addNode = useCallback(
    (type: NodeType, position: { x: number; y: number }) => {
      const created: CanvasNode = { ...createNode(type, position, new Set(nodes.map((n) => n.id))), selected: true };
      record();
      setNodes((current) => [...current.map((n) => (n.selected ? { ...n, selected: false } : n)), created]);
      setEdges((current) => current.map((e) => (e.selected ? { ...e, selected: false } : e)));
      return created;
    },
    [nodes, setNodes, setEdges, record],
  );

  const updateNodeData = useCallback(
    (id: string, patch: { label?: string; config?: Record<string, unknown>; settings?: NodeSettings }) => {
      record(`data:${id}:${changedKey(current.current.nodes.find((n) => n.id === id)?.data, patch)}`);
      setNodes((current) => current.map((n) => (n.id === id ? { ...n, data: { ...n.data, ...patch } } : n)));
    },
    [setNodes, record],
  );

  const removeNode = useCallback(
    (id: string) => {
      record();
      setNodes((current) => current.filter((n) => n.id !== id));
      setEdges((current) => current.filter((e) => e.source !== id && e.target !== id));
    },
    [setNodes, setEdges, record],
  );

  const deleteSelection = useCallback(() => {
    const { nodes: all, edges: allEdges } = current.current;
    const removed = new Set(all.filter((n) => n.selected).map((n) => n.id));
    const keptEdges = allEdges.filter((e) => !e.selected && !removed.has(e.source) && !removed.has(e.target));
    if (removed.size === 0 && keptEdges.length === allEdges.length) return;
    record();
    setNodes(all.filter((n) => !removed.has(n.id)));
    setEdges(keptEdges);
  }, [record, setNodes, setEdges]);

  const addFragment = useCallback(
    (fragment: GraphFragment, offset: { x: number; y: number }) => {
      const { nodes: all, edges: allEdges } = current.current;
      const copies = instantiateFragment(fragment, new Set(all.map((n) => n.id)), offset);
      record();
      setNodes([...all.map((n) => (n.selected ? { ...n, selected: false } : n)), ...copies.nodes]);
      setEdges([...allEdges.map((e) => (e.selected ? { ...e, selected: false } : e)), ...copies.edges]);
    },
    [record, setNodes, setEdges],
  );

  const copySelection = useCallback(() => {
    const fragment = selectedFragment(current.current.nodes, current.current.edges);
    if (!fragment) return false;
    writeClipboard(fragment);
    pasteCount.current = 0;
    return true;
  }, []);

  const paste = useCallback(() => {
    const fragment = readClipboard();
    if (!fragment || fragment.nodes.length === 0) return false;
    // Each paste of the same copy lands a step further, so repeated pastes stay visible.
    pasteCount.current += 1;
    const shift = PASTE_OFFSET * pasteCount.current;
    addFragment(fragment, { x: shift, y: shift });
    return true;
  }, [addFragment]);

  const duplicateSelection = useCallback(() => {
    const fragment = selectedFragment(current.current.nodes, current.current.edges);
    if (!fragment) return false;
    addFragment(fragment, { x: PASTE_OFFSET, y: PASTE_OFFSET });
    return true;
  }, [addFragment]);

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
      setHistory({ past: [], future: [] });
      lastRecord.current = null;
    },
    [setNodes, setEdges],
  );

  const applyRemote = useCallback(
    (next: WorkflowGraph) => {
      const canvas = toCanvas(next);
      setNodes((currentNodes) => {
        const byId = new Map(currentNodes.map((n) => [n.id, n]));
        return inCurrentOrder(canvas.nodes, currentNodes).map((node) => {
          const mine = byId.get(node.id);
          if (!mine) return node;
          const position = mine.dragging ? mine.position : node.position;
          const unchanged =
            mine.type === node.type &&
            mine.position.x === position.x &&
            mine.position.y === position.y &&
            JSON.stringify(mine.data) === JSON.stringify(node.data);
          return unchanged ? mine : { ...mine, type: node.type, position, data: node.data };
        });
      });
      setEdges((currentEdges) => {
        const byId = new Map(currentEdges.map((e) => [e.id, e]));
        return inCurrentOrder(canvas.edges, currentEdges).map((edge) => {
          const mine = byId.get(edge.id);
          return mine && mine.source === edge.source && mine.target === edge.target ? mine : edge;
        });
      });
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
    applyRemote,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    undo,
    redo,
    deleteSelection,
    copySelection,
    paste,
    duplicateSelection,
  };
}
