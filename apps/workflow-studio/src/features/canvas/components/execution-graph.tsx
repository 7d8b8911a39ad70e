import { useCallback, useEffect, useMemo } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  useStore,
  type NodeMouseHandler,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../canvas.css';
import '../execution-graph.css';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { NodeRunStateContext, type NodeRunStates } from '../hooks/use-node-run-state';
import { nodeTypes } from '../node-types';
import { toCanvas, type CanvasEdge, type CanvasNode } from '../utils/flow-graph';

// Below 0.6 labels become unreadable; a wide graph then overflows and is panned instead.
const FIT_VIEW_OPTIONS = { maxZoom: 1, minZoom: 0.6, padding: 0.15 } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const EDGE_OPTIONS = { type: 'smoothstep' } as const;

interface ExecutionGraphProps {
  /** The graph of the version that ran (not the workflow's current one). */
  graph: WorkflowGraph;
  /** Each node's step status in this execution; nodes without one did not run (yet). */
  runStates: NodeRunStates;
  /** The execution has ended: nodes without a step are drawn as not run. */
  isEnded: boolean;
  selectedNodeId: string | null;
  onSelectNode: (nodeId: string | null) => void;
  label: string;
}

/** Fits the graph again whenever the pane changes size (the inspector opens or closes). */
function RefitOnResize() {
  const flow = useReactFlow();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  const isMeasured = useStore((state) => [...state.nodeLookup.values()].every((node) => node.measured.width !== undefined));
  useEffect(() => {
    if (width > 0 && height > 0 && isMeasured) void flow.fitView(FIT_VIEW_OPTIONS);
  }, [width, height, isMeasured, flow]);
  return null;
}

/**
 * The graph of an execution's version, read-only, with every node coloured by its step's status.
 * Clicking a node picks it for the step inspector; the graph can be panned and zoomed but not edited.
 */
export function ExecutionGraph({ graph, runStates, isEnded, selectedNodeId, onSelectNode, label }: ExecutionGraphProps) {
  const drawn = useMemo(() => toCanvas(graph), [graph]);
  const nodes = useMemo(
    () => drawn.nodes.map((node) => (node.id === selectedNodeId ? { ...node, selected: true } : node)),
    [drawn.nodes, selectedNodeId],
  );
  const handleNodeClick = useCallback<NodeMouseHandler<CanvasNode>>((_, node) => onSelectNode(node.id), [onSelectNode]);
  return (
    <div
      className={isEnded ? 'execution-graph execution-graph--ended' : 'execution-graph'}
      data-testid="execution-graph"
      role="group"
      aria-label={label}
    >
      <NodeRunStateContext.Provider value={runStates}>
        <ReactFlowProvider>
          <ReactFlow<CanvasNode, CanvasEdge>
            nodes={nodes}
            edges={drawn.edges}
            nodeTypes={nodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable={false}
            onNodeClick={handleNodeClick}
            onPaneClick={() => onSelectNode(null)}
            fitView
            fitViewOptions={FIT_VIEW_OPTIONS}
            minZoom={0.25}
            maxZoom={1.5}
            proOptions={PRO_OPTIONS}
            defaultEdgeOptions={EDGE_OPTIONS}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
            <Controls showInteractive={false} />
            <RefitOnResize />
          </ReactFlow>
        </ReactFlowProvider>
      </NodeRunStateContext.Provider>
    </div>
  );
}
