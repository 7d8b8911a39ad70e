import { queryOptions, useQuery } from '@tanstack/react-query';
import { AiUsageDtoSchema, type AiUsageDto, type AiUsageQuery } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** AI spend and tokens over a date range, grouped by day, model, provider, workflow or API key. */
export function getAiUsage(query: AiUsageQuery): Promise<AiUsageDto> {
  const params = new URLSearchParams({ groupBy: query.groupBy });
  if (query.from) params.set('from', query.from);
  if (query.to) params.set('to', query.to);
  return apiRequestParsed(AiUsageDtoSchema, 'GET', `/api/ai/usage?${params.toString()}`);
}

export const aiUsageQueryOptions = (query: AiUsageQuery) =>
  queryOptions({ queryKey: ['ai', 'usage', query], queryFn: () => getAiUsage(query), staleTime: 0 });

export function useAiUsage(query: AiUsageQuery) {
  return useQuery(aiUsageQueryOptions(query));
}
