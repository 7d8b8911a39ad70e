import { useEffect, useMemo } from 'react';
import { Background, BackgroundVariant, ReactFlow, ReactFlowProvider, useNodesInitialized, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../canvas.css';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { nodeTypes } from '../node-types';
import { toCanvas, type CanvasEdge, type CanvasNode } from '../utils/flow-graph';

const FIT_VIEW_OPTIONS = { maxZoom: 0.9, padding: 0.15 } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const EDGE_OPTIONS = { type: 'smoothstep' } as const;

/** Fits the graph once every node is measured (see WorkflowCanvas). */
function FitOnceMeasured() {
  const flow = useReactFlow();
  const isInitialized = useNodesInitialized();
  useEffect(() => {
    if (isInitialized) void flow.fitView(FIT_VIEW_OPTIONS);
  }, [isInitialized, flow]);
  return null;
}

/** How a node or connection differs from the version it is compared with. */
export type PreviewMark = 'added' | 'removed' | 'changed';

/** Marks by node id and edge id; unmarked elements are drawn as they are. */
export interface PreviewMarks {
  nodes: Readonly<Record<string, PreviewMark>>;
  edges: Readonly<Record<string, PreviewMark>>;
}

interface CanvasPreviewProps {
  graph: WorkflowGraph;
  label: string;
  /** Highlights for a visual diff: added in green, removed in red (dashed), changed in amber. */
  marks?: PreviewMarks;
}

function markedCanvas(graph: WorkflowGraph, marks: PreviewMarks | undefined): { nodes: CanvasNode[]; edges: CanvasEdge[] } {
  const canvas = toCanvas(graph);
  if (!marks) return canvas;
  return {
    nodes: canvas.nodes.map((node) => {
      const mark = marks.nodes[node.id];
      return mark ? { ...node, className: `diff-${mark}` } : node;
    }),
    edges: canvas.edges.map((edge) => {
      const mark = marks.edges[edge.id];
      return mark ? { ...edge, className: `diff-${mark}` } : edge;
    }),
  };
}

/** A read-only drawing of a graph (an old version, a template, a diff), in its own React Flow store. */
export function CanvasPreview({ graph, label, marks }: CanvasPreviewProps) {
  const { nodes, edges } = useMemo(() => markedCanvas(graph, marks), [graph, marks]);
  return (
    <div className="canvas-preview" role="img" aria-label={label}>
      <ReactFlowProvider>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          panOnDrag={false}
          zoomOnScroll={false}
          zoomOnDoubleClick={false}
          proOptions={PRO_OPTIONS}
          defaultEdgeOptions={EDGE_OPTIONS}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
          <FitOnceMeasured />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
