import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type WorkflowDto, type WorkflowExport } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** Creates a workflow from an export file's JSON (it starts inactive). */
export function importWorkflow(body: WorkflowExport): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'POST', '/api/workflows/import', body);
}

export function useImportWorkflow() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: importWorkflow,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] }),
  });
}
