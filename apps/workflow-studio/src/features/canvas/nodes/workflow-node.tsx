import { memo, useEffect, useRef } from 'react';
import { Handle, Position, useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { NODE_TYPE_DEFINITIONS } from '@auterity/workflow-contracts';
import { NodeIcon } from '../components/node-icon';
import { useNodeRunState } from '../hooks/use-node-run-state';
import type { CanvasNode } from '../utils/flow-graph';
import { handleLabel } from '../utils/node-registry';

const STATUS_LABELS = {
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Cancelled',
} as const;

/**
 * One workflow node: icon, label and type, an input handle unless it is a trigger, one output
 * handle per registry output (true/false, one per switch case + default), the status of the run
 * being shown and, in red, the problem the last run or validation pinned to it.
 */
function WorkflowNodeView({ id, type, data, selected }: NodeProps<CanvasNode>) {
  const definition = NODE_TYPE_DEFINITIONS[type];
  const runState = useNodeRunState(id);
  const outputs = definition.outputs(data.config);
  const isBranching = outputs.length > 1;
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKey = outputs.join('|');
  // React Flow caches handle positions; a switch that gains or loses a case must re-measure them.
  // Not on mount: React Flow measures new nodes itself, and one call per node (each its own frame
  // and store update) made opening a 200-node workflow re-render the graph 200 times.
  const measuredKey = useRef(handleKey);
  useEffect(() => {
    if (measuredKey.current === handleKey) return;
    measuredKey.current = handleKey;
    updateNodeInternals(id);
  }, [id, handleKey, updateNodeInternals]);
  const status = runState?.status;
  const classes = [
    'wf-node',
    `wf-node--${definition.category}`,
    selected ? 'wf-node--selected' : undefined,
    status ? `wf-node--${status}` : undefined,
    runState?.issue ? 'wf-node--issue' : undefined,
  ]
    .filter(Boolean)
    .join(' ');

  return (
    <div className={classes} data-testid={`canvas-node-${id}`} data-status={status}>
      {definition.inputs.map((handle) => (
        <Handle key={handle} id={handle} type="target" position={Position.Left} className="wf-node__handle" />
      ))}
      <div className="wf-node__header">
        <span className="wf-node__icon">
          <NodeIcon name={definition.icon} />
        </span>
        <span className="wf-node__titles">
          <span className="wf-node__label">{data.label || definition.label}</span>
          <span className="wf-node__type">{definition.label}</span>
        </span>
        {status ? (
          <span className={`wf-node__status wf-node__status--${status}`} title={STATUS_LABELS[status]}>
            <span className="ds-visually-hidden">{STATUS_LABELS[status]}</span>
          </span>
        ) : null}
      </div>
      {isBranching ? (
        <ul className="wf-node__outputs">
          {outputs.map((handle) => (
            <li key={handle} className="wf-node__output">
              <span>{handleLabel(handle, data.config)}</span>
              <Handle id={handle} type="source" position={Position.Right} className="wf-node__handle wf-node__handle--branch" />
            </li>
          ))}
        </ul>
      ) : (
        outputs.map((handle) => (
          <Handle key={handle} id={handle} type="source" position={Position.Right} className="wf-node__handle" />
        ))
      )}
      {runState?.issue ? (
        <p className="wf-node__issue" role="note" data-testid="node-issue">
          {runState.issue}
        </p>
      ) : null}
    </div>
  );
}

export const WorkflowNode = memo(WorkflowNodeView);
