import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type CreateWorkflowBody, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** Creates a workflow (version 1); a draft graph may be incomplete. */
export function createWorkflow(body: CreateWorkflowBody): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'POST', '/api/workflows', body);
}

export function useCreateWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWorkflow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workflowsBaseKey }),
  });
}
