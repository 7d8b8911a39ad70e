import { queryOptions, useQuery } from '@tanstack/react-query';
import { ExecutionDtoSchema, TERMINAL_STATUSES, type ExecutionDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

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
