import { queryOptions, useQuery } from '@tanstack/react-query';
import {
  AiAnalyticsDtoSchema,
  ErrorAnalyticsDtoSchema,
  ExecutionAnalyticsDtoSchema,
  RequestAnalyticsDtoSchema,
  type AiAnalyticsDto,
  type ErrorAnalyticsDto,
  type ExecutionAnalyticsDto,
  type RequestAnalyticsDto,
} from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The time ranges of the dashboard's picker, counted back from now. */
export const ANALYTICS_RANGES = ['1h', '24h', '7d', '30d'] as const;
export type AnalyticsRangeKey = (typeof ANALYTICS_RANGES)[number];

export const ANALYTICS_RANGE_LABELS: Record<AnalyticsRangeKey, string> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '30d': 'Last 30 days',
};

const RANGE_MS: Record<AnalyticsRangeKey, number> = {
  '1h': 3_600_000,
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
};

export function isAnalyticsRange(value: string): value is AnalyticsRangeKey {
  return (ANALYTICS_RANGES as readonly string[]).includes(value);
}

/** `from`/`to` of a range ending now; the API picks the bucket (minutes, hours or days). */
function rangeQuery(range: AnalyticsRangeKey): string {
  const to = new Date();
  const from = new Date(to.getTime() - RANGE_MS[range]);
  return new URLSearchParams({ from: from.toISOString(), to: to.toISOString() }).toString();
}

const analyticsKey = ['analytics'] as const;
/** Numbers move slowly; a minute of reuse keeps range switching instant. */
const STALE_MS = 60_000;

export const getRequestAnalytics = (range: AnalyticsRangeKey): Promise<RequestAnalyticsDto> =>
  apiRequestParsed(RequestAnalyticsDtoSchema, 'GET', `/api/analytics/requests?${rangeQuery(range)}`);
export const getExecutionAnalytics = (range: AnalyticsRangeKey): Promise<ExecutionAnalyticsDto> =>
  apiRequestParsed(ExecutionAnalyticsDtoSchema, 'GET', `/api/analytics/executions?${rangeQuery(range)}`);
export const getAiAnalytics = (range: AnalyticsRangeKey): Promise<AiAnalyticsDto> =>
  apiRequestParsed(AiAnalyticsDtoSchema, 'GET', `/api/analytics/ai?${rangeQuery(range)}`);
export const getErrorAnalytics = (range: AnalyticsRangeKey): Promise<ErrorAnalyticsDto> =>
  apiRequestParsed(ErrorAnalyticsDtoSchema, 'GET', `/api/analytics/errors?${rangeQuery(range)}`);

export const requestAnalyticsQueryOptions = (range: AnalyticsRangeKey) =>
  queryOptions({
    queryKey: [...analyticsKey, 'requests', range],
    queryFn: () => getRequestAnalytics(range),
    staleTime: STALE_MS,
  });
export const executionAnalyticsQueryOptions = (range: AnalyticsRangeKey) =>
  queryOptions({
    queryKey: [...analyticsKey, 'executions', range],
    queryFn: () => getExecutionAnalytics(range),
    staleTime: STALE_MS,
  });
export const aiAnalyticsQueryOptions = (range: AnalyticsRangeKey) =>
  queryOptions({ queryKey: [...analyticsKey, 'ai', range], queryFn: () => getAiAnalytics(range), staleTime: STALE_MS });
export const errorAnalyticsQueryOptions = (range: AnalyticsRangeKey) =>
  queryOptions({ queryKey: [...analyticsKey, 'errors', range], queryFn: () => getErrorAnalytics(range), staleTime: STALE_MS });

export const useRequestAnalytics = (range: AnalyticsRangeKey) => useQuery(requestAnalyticsQueryOptions(range));
export const useExecutionAnalytics = (range: AnalyticsRangeKey) => useQuery(executionAnalyticsQueryOptions(range));
export const useAiAnalytics = (range: AnalyticsRangeKey) => useQuery(aiAnalyticsQueryOptions(range));
export const useErrorAnalytics = (range: AnalyticsRangeKey) => useQuery(errorAnalyticsQueryOptions(range));
