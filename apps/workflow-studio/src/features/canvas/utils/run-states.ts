import { isTriggerType, type ExecutionStepDto, type GraphIssue } from '@auterity/workflow-contracts';
import type { NodeRunState, NodeRunStates } from '../hooks/use-node-run-state';
import type { CanvasEdge, CanvasNode } from './flow-graph';

export interface RunOverlay {
  steps: readonly Pick<ExecutionStepDto, 'nodeId' | 'status' | 'error'>[];
  /** The run has not ended: nodes whose inputs are all settled are shown as running. */
  isLive: boolean;
  /** The node the execution failed at, with its message. */
  failure?: { nodeId: string; message: string } | undefined;
  /** Problems of a refused run (`workflow_invalid`), pinned to nodes. */
  issues: readonly GraphIssue[];
}

/**
 * What each node shows for the run on display: its step's status and error, `running` for nodes
 * a live run has reached (every source settled, triggers count as settled), and the problems a
 * validation pinned to it.
 */
export function runStatesFor(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[], overlay: RunOverlay): NodeRunStates {
  const states: Record<string, NodeRunState> = {};
  const settled = new Set<string>();
  for (const step of overlay.steps) {
    settled.add(step.nodeId);
    states[step.nodeId] = { status: step.status, ...(step.error ? { issue: step.error.message } : {}) };
  }
  if (overlay.isLive) {
    for (const node of nodes) if (node.type && isTriggerType(node.type)) settled.add(node.id);
    for (const node of nodes) {
      if (settled.has(node.id)) continue;
      const sources = edges.filter((e) => e.target === node.id).map((e) => e.source);
      if (sources.every((id) => settled.has(id))) states[node.id] = { status: 'running' };
    }
  }
  if (overlay.failure) {
    const { nodeId, message } = overlay.failure;
    states[nodeId] = { ...states[nodeId], issue: message };
  }
  for (const issue of overlay.issues) {
    if (!issue.nodeId) continue;
    const previous = states[issue.nodeId]?.issue;
    states[issue.nodeId] = { ...states[issue.nodeId], issue: previous ? `${previous} · ${issue.message}` : issue.message };
  }
  return states;
}
