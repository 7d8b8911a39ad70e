import { useMemo } from 'react';
import { Background, BackgroundVariant, ReactFlow, ReactFlowProvider } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../canvas.css';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { nodeTypes } from '../node-types';
import { toCanvas, type CanvasEdge, type CanvasNode } from '../utils/flow-graph';

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
          fitView
          fitViewOptions={{ maxZoom: 0.9, padding: 0.2 }}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable={false}
          panOnDrag={false}
          zoomOnScroll={false}
          zoomOnDoubleClick={false}
          proOptions={{ hideAttribution: true }}
          defaultEdgeOptions={{ type: 'smoothstep' }}
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        </ReactFlow>
      </ReactFlowProvider>
    </div>
  );
}
