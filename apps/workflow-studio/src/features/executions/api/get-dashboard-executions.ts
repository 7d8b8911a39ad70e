import { queryOptions, useQuery } from '@tanstack/react-query';
import { ExecutionDtoSchema, TERMINAL_STATUSES, type ExecutionDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';
import { executionsBaseKey } from './get-executions';

/** How many runs the dashboard lists. */
export const DASHBOARD_RECENT_LIMIT = 10;
/** Failures older than this are no longer "to look at". */
export const FAILURE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** At most this many failed runs are grouped; the list page has the rest. */
const FAILURES_MAX = 100;

const isOpen = (e: ExecutionDto) => !(TERMINAL_STATUSES as readonly string[]).includes(e.status);

/** The organization's latest runs, newest first (without steps). */
export async function getRecentExecutions(): Promise<ExecutionDto[]> {
  const params = new URLSearchParams({ limit: String(DASHBOARD_RECENT_LIMIT) });
  return (await apiListRequest(ExecutionDtoSchema, `/api/executions?${params.toString()}`)).items;
}

export const recentExecutionsQueryOptions = () =>
  queryOptions({
    queryKey: [...executionsBaseKey, 'list', 'recent'],
    queryFn: getRecentExecutions,
    staleTime: 0,
    // Runs start from webhooks, schedules and the API too; refresh faster while one is open.
    refetchInterval: (query) => (query.state.data?.some(isOpen) ? 3000 : 30_000),
  });

export function useRecentExecutions() {
  return useQuery(recentExecutionsQueryOptions());
}

/** Failed runs of the last 24 hours, newest first; the window is measured when the query runs. */
export async function getRecentFailures(now: () => number = Date.now): Promise<ExecutionDto[]> {
  const params = new URLSearchParams({
    status: 'failed',
    from: new Date(now() - FAILURE_WINDOW_MS).toISOString(),
    limit: String(FAILURES_MAX),
  });
  return (await apiListRequest(ExecutionDtoSchema, `/api/executions?${params.toString()}`)).items;
}

export const recentFailuresQueryOptions = () =>
  queryOptions({
    queryKey: [...executionsBaseKey, 'list', 'failures-24h'],
    queryFn: () => getRecentFailures(),
    staleTime: 0,
    refetchInterval: 60_000,
  });

export function useRecentFailures() {
  return useQuery(recentFailuresQueryOptions());
}
