import { useCallback, useEffect, useRef, type DragEvent, type MouseEvent, type ReactNode } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import '../canvas.css';
import { NODE_TYPES, type NodeType } from '@auterity/workflow-contracts';
import { useConnectionRules } from '../hooks/use-connection-rules';
import { NodeRunStateContext, type NodeRunStates } from '../hooks/use-node-run-state';
import type { CanvasState } from '../hooks/use-canvas-state';
import { nodeTypes } from '../node-types';
import type { CanvasEdge, CanvasNode } from '../utils/flow-graph';
import { NODE_DRAG_TYPE } from '../utils/node-registry';

interface WorkflowCanvasProps {
  canvas: CanvasState;
  /** Per-node run status and pinned problems, drawn on the nodes. */
  runStates: NodeRunStates;
  readOnly?: boolean;
  defaultViewport?: Viewport;
  /** Drawn inside the canvas (collaborators' pointers and selections). */
  children?: ReactNode;
  /** The pointer's position in flow coordinates as it moves (at most every 40 ms), null when it leaves. */
  onPointerMove?: (position: { x: number; y: number } | null) => void;
}

const POINTER_INTERVAL_MS = 40;

// Ctrl-click on Windows/Linux, Cmd-click on macOS, add to the selection; Shift-drag draws a selection box.
const MULTI_SELECT_KEYS = ['Meta', 'Control'];
const EDGE_OPTIONS = { type: 'smoothstep' } as const;
const FIT_VIEW_OPTIONS = { maxZoom: 1, padding: 0.15 } as const;
const PRO_OPTIONS = { hideAttribution: true } as const;
const MINIMAP_STYLE = { width: 150, height: 96 } as const;

/** Shift-drag extends the page's text selection across the panels; a selection box should not. */
function clearTextSelection() {
  window.getSelection()?.removeAllRanges();
}

function isNodeType(value: string): value is NodeType {
  return (NODE_TYPES as readonly string[]).includes(value);
}

/**
 * The editable graph: drop palette items to add nodes, drag between handles to connect them
 * (refused when the registry forbids it), Shift-drag or Ctrl/Cmd-click selects several.
 */
export function WorkflowCanvas({
  canvas,
  runStates,
  readOnly = false,
  defaultViewport,
  children,
  onPointerMove,
}: WorkflowCanvasProps) {
  const flow = useReactFlow<CanvasNode, CanvasEdge>();
  const isValidConnection = useConnectionRules();
  const { addNode } = canvas;
  const nodesInitialized = useNodesInitialized();
  const hasFitted = useRef(defaultViewport !== undefined);

  // Fit the graph once every node has been measured (React Flow's own fitView can run after the
  // first measured node only). A saved viewport wins: the workflow reopens where it was left.
  useEffect(() => {
    if (!nodesInitialized || hasFitted.current) return;
    hasFitted.current = true;
    void flow.fitView(FIT_VIEW_OPTIONS);
  }, [nodesInitialized, flow]);

  const lastPointer = useRef(0);
  const handleMouseMove = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      if (!onPointerMove || event.timeStamp - lastPointer.current < POINTER_INTERVAL_MS) return;
      lastPointer.current = event.timeStamp;
      onPointerMove(flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
    },
    [flow, onPointerMove],
  );
  const handleMouseLeave = useCallback(() => onPointerMove?.(null), [onPointerMove]);

  const handleDragOver = useCallback((event: DragEvent<HTMLDivElement>) => {
    if (!event.dataTransfer.types.includes(NODE_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
  }, []);

  const handleDrop = useCallback(
    (event: DragEvent<HTMLDivElement>) => {
      const type = event.dataTransfer.getData(NODE_DRAG_TYPE);
      if (!isNodeType(type) || readOnly) return;
      event.preventDefault();
      const position = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Centre the node under the pointer rather than hanging it from its top-left corner.
      addNode(type, { x: position.x - 110, y: position.y - 28 });
    },
    [flow, addNode, readOnly],
  );

  return (
    <div
      className="workflow-canvas"
      data-testid="canvas-drop-zone"
      onDragOver={handleDragOver}
      onDrop={handleDrop}
      onMouseMove={handleMouseMove}
      onMouseLeave={handleMouseLeave}
    >
      <NodeRunStateContext.Provider value={runStates}>
        <ReactFlow<CanvasNode, CanvasEdge>
          nodes={canvas.nodes}
          edges={canvas.edges}
          nodeTypes={nodeTypes}
          onNodesChange={canvas.onNodesChange}
          onEdgesChange={canvas.onEdgesChange}
          onConnect={canvas.onConnect}
          isValidConnection={isValidConnection}
          // Delete is handled with the other editing keys (use-canvas-shortcuts) so it is one undo step.
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={MULTI_SELECT_KEYS}
          onSelectionStart={clearTextSelection}
          onSelectionEnd={clearTextSelection}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          elementsSelectable
          defaultEdgeOptions={EDGE_OPTIONS}
          {...(defaultViewport ? { defaultViewport } : {})}
          minZoom={0.25}
          maxZoom={2}
          proOptions={PRO_OPTIONS}
          aria-label="Workflow canvas"
        >
          <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} />
          <Controls showInteractive={false} />
          <MiniMap
            position="top-right"
            pannable
            zoomable
            className="workflow-canvas__minimap"
            style={MINIMAP_STYLE}
            ariaLabel="Canvas overview"
          />
          {children}
        </ReactFlow>
      </NodeRunStateContext.Provider>
      {canvas.nodes.length === 0 ? (
        <div className="workflow-canvas__empty">
          <p className="workflow-canvas__empty-title">Start by adding a node</p>
          <p>
            Drag a node from the palette onto the canvas, or select it and press Enter. A <strong>Manual trigger</strong> lets you
            run the workflow from here; a <strong>Text</strong> node is the quickest way to see a result.
          </p>
        </div>
      ) : null}
    </div>
  );
}
