import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** Deletes a workflow with its versions and executions. */
export async function deleteWorkflow(id: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/workflows/${encodeURIComponent(id)}`);
}

export function useDeleteWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteWorkflow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] }),
  });
}
