import { queryOptions, useQuery } from '@tanstack/react-query';
import { ExecutionDtoSchema, TERMINAL_STATUSES, type ExecutionDto, type ExecutionStatus } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { executionsBaseKey } from './get-executions';

/** One execution with its steps. */
export function getExecution(id: string): Promise<ExecutionDto> {
  return apiRequestParsed(ExecutionDtoSchema, 'GET', `/api/executions/${encodeURIComponent(id)}`);
}

export function isTerminal(status: ExecutionStatus): boolean {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export const executionQueryOptions = (id: string) =>
  queryOptions({
    queryKey: [...executionsBaseKey, 'detail', id],
    queryFn: () => getExecution(id),
    // A finished execution never changes.
    staleTime: (query) => (query.state.data && isTerminal(query.state.data.status) ? Infinity : 0),
  });

/**
 * One execution; `pollMs` refetches it until it ends (the fallback when the event stream is not
 * available).
 */
export function useExecution(id: string | null, pollMs: number | false = false) {
  return useQuery({
    ...executionQueryOptions(id ?? ''),
    enabled: id !== null,
    refetchInterval: (query) => (pollMs && !(query.state.data && isTerminal(query.state.data.status)) ? pollMs : false),
  });
}
