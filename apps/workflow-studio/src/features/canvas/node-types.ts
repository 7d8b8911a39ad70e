import type { NodeTypes } from '@xyflow/react';
import type { NodeType } from '@auterity/workflow-contracts';
import { WorkflowNode } from './nodes/workflow-node';

/**
 * Node type → component, at module scope so React Flow sees the same object on every render.
 * Every type draws through one memoized component: handles, icon and outputs come from the
 * contracts' registry, so a new node type needs no new component.
 */
export const nodeTypes = {
  'trigger.manual': WorkflowNode,
  'trigger.webhook': WorkflowNode,
  'trigger.schedule': WorkflowNode,
  text: WorkflowNode,
  'ai.generate': WorkflowNode,
  'http.request': WorkflowNode,
  transform: WorkflowNode,
  condition: WorkflowNode,
  switch: WorkflowNode,
  merge: WorkflowNode,
  delay: WorkflowNode,
  'workflow.call': WorkflowNode,
  respond: WorkflowNode,
} satisfies Record<NodeType, NodeTypes[string]>;
