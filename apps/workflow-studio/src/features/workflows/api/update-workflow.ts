import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type UpdateWorkflowBody, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowQueryOptions } from './get-workflow';
import { workflowsBaseKey } from './get-workflows';
import { workflowVersionsQueryOptions } from './get-workflow-versions';

/** Saves a workflow; a changed graph becomes a new version. */
export function updateWorkflow({ id, body }: { id: string; body: UpdateWorkflowBody }): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'PUT', `/api/workflows/${encodeURIComponent(id)}`, body);
}

export function useUpdateWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateWorkflow,
    onSuccess: (saved) => {
      // The editor already shows what was saved; store it as the detail without a refetch.
      queryClient.setQueryData(workflowQueryOptions(saved.id).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] });
      void queryClient.invalidateQueries({ queryKey: workflowVersionsQueryOptions(saved.id).queryKey });
    },
  });
}
