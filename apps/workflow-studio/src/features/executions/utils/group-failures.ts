import type { ExecutionDto } from '@auterity/workflow-contracts';

/** The failed runs of one workflow: how many, and the newest one's error. */
export interface FailureGroup {
  workflowId: string;
  count: number;
  lastExecutionId: string;
  lastFailedAt: string;
  lastError: string | null;
}

/**
 * Groups failed runs by workflow, the group with the most recent failure first. Expects the runs
 * newest first (as the API lists them), so the first run seen of a workflow is its latest.
 */
export function groupFailures(executions: readonly ExecutionDto[]): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const e of executions) {
    const group = groups.get(e.workflowId);
    if (group) {
      group.count += 1;
      continue;
    }
    groups.set(e.workflowId, {
      workflowId: e.workflowId,
      count: 1,
      lastExecutionId: e.id,
      lastFailedAt: e.completedAt ?? e.createdAt,
      lastError: e.error?.message ?? null,
    });
  }
  return [...groups.values()];
}
