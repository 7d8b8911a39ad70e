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

/** A read-only drawing of a graph (an old version, a template), in its own React Flow store. */
export function CanvasPreview({ graph, label }: { graph: WorkflowGraph; label: string }) {
  const { nodes, edges } = useMemo(() => toCanvas(graph), [graph]);
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
