import { GRAPH_FORMAT_VERSION, WorkflowEdgeSchema, WorkflowNodeSchema } from '@auterity/workflow-contracts';
import { z } from 'zod';
import { nextNodeId, toCanvas, toGraph, type CanvasEdge, type CanvasNode } from './flow-graph';

/** Selected nodes and the edges between them, in the stored graph's shape (what copy puts on the clipboard). */
export const GraphFragmentSchema = z.object({
  nodes: z.array(WorkflowNodeSchema),
  edges: z.array(WorkflowEdgeSchema),
});
export type GraphFragment = z.infer<typeof GraphFragmentSchema>;

/** The selected nodes with the edges whose both ends are selected; null when nothing is selected. */
export function selectedFragment(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): GraphFragment | null {
  const picked = nodes.filter((n) => n.selected);
  if (picked.length === 0) return null;
  const ids = new Set(picked.map((n) => n.id));
  const graph = toGraph(
    picked,
    edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  );
  return { nodes: graph.nodes, edges: graph.edges };
}

/**
 * Copies of a fragment to add to the canvas: every node gets a free id (edges follow it) and moves
 * by `offset`, so a paste never lands on the original. The copies come selected.
 */
export function instantiateFragment(
  fragment: GraphFragment,
  taken: ReadonlySet<string>,
  offset: { x: number; y: number },
): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const used = new Set(taken);
  const ids = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = nextNodeId(node.type, used);
    used.add(id);
    ids.set(node.id, id);
  }
  const canvas = toCanvas({ version: GRAPH_FORMAT_VERSION, nodes: fragment.nodes, edges: fragment.edges });
  const nodes = canvas.nodes.map((node) => ({
    ...node,
    id: ids.get(node.id) ?? node.id,
    position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    data: structuredClone(node.data),
    selected: true,
  }));
  const edges = canvas.edges.flatMap((edge) => {
    const source = ids.get(edge.source);
    const target = ids.get(edge.target);
    if (!source || !target) return [];
    return [{ ...edge, id: `${source}.${edge.sourceHandle ?? 'out'}-${target}`, source, target }];
  });
  return { nodes, edges };
}

const CLIPBOARD_KEY = 'auterity.canvas-clipboard';
let memoryClipboard: GraphFragment | null = null;

/** Keeps a copied fragment in memory and in localStorage (shared by tabs; no clipboard permission needed). */
export function writeClipboard(fragment: GraphFragment): void {
  memoryClipboard = fragment;
  try {
    localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(fragment));
  } catch {
    // Storage full or disabled: the in-memory copy still pastes in this tab.
  }
}

/** The last copied fragment: another tab's copy when there is one, else this tab's. */
export function readClipboard(): GraphFragment | null {
  try {
    const stored = localStorage.getItem(CLIPBOARD_KEY);
    if (stored) {
      const parsed = GraphFragmentSchema.safeParse(JSON.parse(stored));
      if (parsed.success) return parsed.data;
    }
  } catch {
    // Unreadable storage falls back to memory.
  }
  return memoryClipboard;
}
