import { queryOptions, useQuery } from '@tanstack/react-query';
import { WorkflowDiffDtoSchema, type WorkflowDiffDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowVersionsQueryOptions } from './get-workflow-versions';

/** What changed between two saved versions: nodes added, removed and changed (with the fields), edges added and removed. */
export function compareWorkflowVersions(id: string, from: number, to: number): Promise<WorkflowDiffDto> {
  const params = new URLSearchParams({ from: String(from), to: String(to) });
  return apiRequestParsed(
    WorkflowDiffDtoSchema,
    'GET',
    `/api/workflows/${encodeURIComponent(id)}/versions/compare?${params.toString()}`,
  );
}

export const workflowVersionsDiffQueryOptions = (id: string, from: number, to: number) =>
  queryOptions({
    queryKey: [...workflowVersionsQueryOptions(id).queryKey, 'compare', from, to],
    queryFn: () => compareWorkflowVersions(id, from, to),
    // Versions are immutable, so their difference is too.
    staleTime: Infinity,
  });

export function useWorkflowVersionsDiff(id: string, pair: { from: number; to: number } | null) {
  return useQuery({ ...workflowVersionsDiffQueryOptions(id, pair?.from ?? 0, pair?.to ?? 0), enabled: pair !== null });
}
