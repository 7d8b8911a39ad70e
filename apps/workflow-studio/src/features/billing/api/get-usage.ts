import { queryOptions, useQuery } from '@tanstack/react-query';
import { UsageDtoSchema, type UsageDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The current period's meters against the plan, and the recorded periods. */
export function getUsage(): Promise<UsageDto> {
  return apiRequestParsed(UsageDtoSchema, 'GET', '/api/billing/usage');
}

export const usageQueryOptions = () => queryOptions({ queryKey: ['billing', 'usage'], queryFn: getUsage });

export function useUsage() {
  return useQuery(usageQueryOptions());
}
