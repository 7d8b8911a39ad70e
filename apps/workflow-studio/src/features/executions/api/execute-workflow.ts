import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ExecutionAcceptedDtoSchema, ExecutionDtoSchema, type ExecutionStatus } from '@auterity/workflow-contracts';
import { ApiError, apiRequest } from '../../../lib/api-client';
import { executionsBaseKey } from './get-executions';

export interface ExecuteWorkflowInput {
  workflowId: string;
  input: unknown;
  /** The saved version to run (the one on the canvas), rather than the published one. */
  version?: number;
}

/**
 * Starts a run and answers at once with its id (202); progress then comes from the event stream.
 * Not using `?wait=`: the studio shows the run while it happens instead of blocking on it.
 * @throws ApiError `workflow_invalid` with the problems in `details` when the graph cannot run.
 */
export async function executeWorkflow({
  workflowId,
  input,
  version,
}: ExecuteWorkflowInput): Promise<{ id: string; status: ExecutionStatus }> {
  const params = new URLSearchParams();
  if (version) params.set('version', String(version));
  const query = params.size > 0 ? `?${params.toString()}` : '';
  const payload = await apiRequest<unknown>('POST', `/api/workflows/${encodeURIComponent(workflowId)}/execute${query}`, {
    input,
  });
  const accepted = ExecutionAcceptedDtoSchema.safeParse(payload);
  if (accepted.success) return accepted.data;
  const finished = ExecutionDtoSchema.safeParse(payload);
  if (finished.success) return { id: finished.data.id, status: finished.data.status };
  throw new ApiError(200, 'unexpected_response', 'Unexpected response from the server.');
}

export function useExecuteWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: executeWorkflow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...executionsBaseKey, 'list'] }),
  });
}
