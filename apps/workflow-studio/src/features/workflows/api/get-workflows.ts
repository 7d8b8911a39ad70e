import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { WorkflowSummaryDtoSchema, type ListWorkflowsQuery, type WorkflowSummaryDto } from '@auterity/workflow-contracts';
import { apiListRequest, type ListPage } from '../../../lib/api-client';

/** The filters a user can set on the list; paging (`limit`, `cursor`) is owned by the query. */
export type WorkflowFilters = Pick<ListWorkflowsQuery, 'search' | 'status' | 'tag'>;

export const WORKFLOWS_PAGE_SIZE = 25;

/** One page of the organization's workflows, newest first. */
export function getWorkflows(filters: WorkflowFilters, cursor = ''): Promise<ListPage<WorkflowSummaryDto>> {
  const params = new URLSearchParams({ limit: String(WORKFLOWS_PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return apiListRequest(WorkflowSummaryDtoSchema, `/api/workflows?${params.toString()}`);
}

/** Every workflow query starts with this key, so a mutation can invalidate lists and details at once. */
export const workflowsBaseKey = ['workflows'] as const;

export const workflowsQueryOptions = (filters: WorkflowFilters) =>
  infiniteQueryOptions({
    queryKey: [...workflowsBaseKey, 'list', filters],
    queryFn: ({ pageParam }) => getWorkflows(filters, pageParam),
    // '' asks for the first page; a null cursor means there is no next one.
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor,
  });

export function useWorkflows(filters: WorkflowFilters) {
  return useInfiniteQuery(workflowsQueryOptions(filters));
}
