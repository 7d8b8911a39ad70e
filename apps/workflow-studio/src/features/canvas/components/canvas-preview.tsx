import { useEffect, useState } from 'react';
import {
  Background,
  BackgroundVariant,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useNodesState,
  useReactFlow,
} from '@xyflow/react';
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

/** Identity of what is drawn: a different graph or set of marks gets a fresh React Flow store. */
function drawingKey(graph: WorkflowGraph, marks: PreviewMarks | undefined): string {
  const nodes = graph.nodes.map((n) => `${n.id}@${n.position.x},${n.position.y}:${marks?.nodes[n.id] ?? ''}`);
  const edges = graph.edges.map((e) => `${e.id}:${marks?.edges[e.id] ?? ''}`);
  return `${nodes.join('|')}#${edges.join('|')}`;
}

function PreviewFlow({ graph, marks }: Omit<CanvasPreviewProps, 'label'>) {
  const [initial] = useState(() => markedCanvas(graph, marks));
  // Node state takes React Flow's measurements (onNodesChange); without them fitView sees zero-size nodes.
  const [nodes, , onNodesChange] = useNodesState(initial.nodes);
  return (
    <ReactFlow<CanvasNode, CanvasEdge>
      nodes={nodes}
      edges={initial.edges}
      onNodesChange={onNodesChange}
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
  );
}

/** A read-only drawing of a graph (an old version, a template, a diff), in its own React Flow store. */
export function CanvasPreview({ graph, label, marks }: CanvasPreviewProps) {
  return (
    <div className="canvas-preview" role="img" aria-label={label}>
      <ReactFlowProvider key={drawingKey(graph, marks)}>
        <PreviewFlow graph={graph} {...(marks ? { marks } : {})} />
      </ReactFlowProvider>
    </div>
  );
}
