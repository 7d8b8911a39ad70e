import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowQueryOptions } from './get-workflow';
import { workflowsBaseKey } from './get-workflows';
import { workflowVersionsQueryOptions } from './get-workflow-versions';

/** Saves an old version's graph as the newest version. */
export function restoreWorkflowVersion({ id, version }: { id: string; version: number }): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'POST', `/api/workflows/${encodeURIComponent(id)}/versions/${version}/restore`);
}

export function useRestoreWorkflowVersion() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: restoreWorkflowVersion,
    onSuccess: (saved) => {
      queryClient.setQueryData(workflowQueryOptions(saved.id).queryKey, saved);
      void queryClient.invalidateQueries({ queryKey: workflowVersionsQueryOptions(saved.id).queryKey });
      void queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] });
    },
  });
}
