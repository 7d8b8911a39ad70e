import { infiniteQueryOptions, queryOptions, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { ExecutionDtoSchema, TERMINAL_STATUSES, type ExecutionDto, type ListExecutionsQuery } from '@auterity/workflow-contracts';
import { apiListRequest, type ListPage } from '../../../lib/api-client';

export const RECENT_EXECUTIONS_LIMIT = 20;

/** Every execution query starts with this key. */
export const executionsBaseKey = ['executions'] as const;

/** The most recent executions of one workflow, newest first (without steps). */
export async function getWorkflowExecutions(workflowId: string): Promise<ExecutionDto[]> {
  const params = new URLSearchParams({ workflowId, limit: String(RECENT_EXECUTIONS_LIMIT) });
  return (await apiListRequest(ExecutionDtoSchema, `/api/executions?${params.toString()}`)).items;
}

export const workflowExecutionsQueryOptions = (workflowId: string) =>
  queryOptions({
    queryKey: [...executionsBaseKey, 'list', { workflowId }],
    queryFn: () => getWorkflowExecutions(workflowId),
    staleTime: 0,
    // Webhook and scheduled runs start without this page knowing; refresh while any run is open.
    refetchInterval: (query) =>
      query.state.data?.some((e) => !(TERMINAL_STATUSES as readonly string[]).includes(e.status)) ? 2000 : 15_000,
  });

export function useWorkflowExecutions(workflowId: string) {
  return useQuery(workflowExecutionsQueryOptions(workflowId));
}

/** The filters a user can set on the list; paging (`limit`, `cursor`) is owned by the query. */
export type ExecutionFilters = Pick<ListExecutionsQuery, 'workflowId' | 'status' | 'from' | 'to'>;

export const EXECUTIONS_PAGE_SIZE = 25;

/** One page of the organization's executions, newest first (without steps). */
export function getExecutions(filters: ExecutionFilters, cursor = ''): Promise<ListPage<ExecutionDto>> {
  const params = new URLSearchParams({ limit: String(EXECUTIONS_PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return apiListRequest(ExecutionDtoSchema, `/api/executions?${params.toString()}`);
}

export const executionsQueryOptions = (filters: ExecutionFilters) =>
  infiniteQueryOptions({
    queryKey: [...executionsBaseKey, 'list', 'all', filters],
    queryFn: ({ pageParam }) => getExecutions(filters, pageParam),
    // '' asks for the first page; a null cursor means there is no next one.
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor,
    staleTime: 0,
    // Runs start from webhooks, schedules and the API too; refresh faster while one is open.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.items.some((e) => !(TERMINAL_STATUSES as readonly string[]).includes(e.status)))
        ? 3000
        : 30_000,
  });

export function useExecutions(filters: ExecutionFilters) {
  return useInfiniteQuery(executionsQueryOptions(filters));
}
