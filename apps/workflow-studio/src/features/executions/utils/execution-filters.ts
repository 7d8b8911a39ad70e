import { EXECUTION_STATUSES, type ExecutionStatus } from '@auterity/workflow-contracts';
import type { ExecutionFilters } from '../api/get-executions';

export const TIME_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type TimeRange = (typeof TIME_RANGES)[number];

const RANGE_MS: Record<TimeRange, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export const TIME_RANGE_LABELS: Record<TimeRange, string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

/** What the list's toolbar sets; kept in the URL by the page so a filtered view can be shared. */
export interface ExecutionListFilters {
  workflowId: string;
  status: ExecutionStatus | '';
  range: TimeRange | '';
}

export function isExecutionStatus(value: string): value is ExecutionStatus {
  return (EXECUTION_STATUSES as readonly string[]).includes(value);
}

export function isTimeRange(value: string): value is TimeRange {
  return (TIME_RANGES as readonly string[]).includes(value);
}

/** The API query for the toolbar's filters; a time range counts back from `now`. */
export function toQueryFilters(filters: ExecutionListFilters, now: number): ExecutionFilters {
  return {
    ...(filters.workflowId ? { workflowId: filters.workflowId } : {}),
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.range ? { from: new Date(now - RANGE_MS[filters.range]).toISOString() } : {}),
  };
}
