import { createContext, useContext } from 'react';
import type { StepStatus } from '@auterity/workflow-contracts';

/** What the last run or validation says about one node, drawn on top of it. */
export interface NodeRunState {
  /** The step's status in the run being shown; `running` while it has not reported yet. */
  status?: StepStatus | 'running';
  /** A failure or validation message pinned to the node. */
  issue?: string;
}

export type NodeRunStates = Readonly<Record<string, NodeRunState>>;

export const NodeRunStateContext = createContext<NodeRunStates>({});

/** The run state of one node; nodes read it through context so the stored graph never carries it. */
export function useNodeRunState(nodeId: string): NodeRunState | undefined {
  return useContext(NodeRunStateContext)[nodeId];
}
