import { queryOptions, useQuery } from '@tanstack/react-query';
import { AiBudgetDtoSchema, type AiBudgetDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** The organization's AI budget (first), then any workflow or API key limits, with this month's spend. */
export async function getAiBudgets(): Promise<AiBudgetDto[]> {
  return (await apiListRequest(AiBudgetDtoSchema, '/api/ai/budgets')).items;
}

export const aiBudgetsQueryOptions = () => queryOptions({ queryKey: ['ai', 'budgets'], queryFn: getAiBudgets, staleTime: 0 });

export function useAiBudgets() {
  return useQuery(aiBudgetsQueryOptions());
}
