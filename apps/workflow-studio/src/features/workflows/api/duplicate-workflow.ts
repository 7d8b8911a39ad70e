import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** Copies a workflow; the copy starts inactive. */
export function duplicateWorkflow(id: string): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'POST', `/api/workflows/${encodeURIComponent(id)}/duplicate`);
}

export function useDuplicateWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: duplicateWorkflow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] }),
  });
}
