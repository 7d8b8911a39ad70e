import { queryOptions, useQuery } from '@tanstack/react-query';
import { WorkflowDtoSchema, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** One workflow with its graph. */
export function getWorkflow(id: string): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'GET', `/api/workflows/${encodeURIComponent(id)}`);
}

export const workflowQueryOptions = (id: string) =>
  queryOptions({
    queryKey: [...workflowsBaseKey, 'detail', id],
    queryFn: () => getWorkflow(id),
    // The editor owns the graph once loaded; a background refetch must not replace unsaved edits.
    staleTime: Infinity,
    refetchOnWindowFocus: false,
  });

export function useWorkflow(id: string) {
  return useQuery(workflowQueryOptions(id));
}
