import { queryOptions, useQuery } from '@tanstack/react-query';
import { PlanListSchema, type Plan } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The plan catalog, cheapest first. */
export async function getPlans(): Promise<Plan[]> {
  return (await apiRequestParsed(PlanListSchema, 'GET', '/api/billing/plans')).items;
}

export const plansQueryOptions = () =>
  queryOptions({ queryKey: ['billing', 'plans'], queryFn: getPlans, staleTime: 10 * 60_000 });

export function usePlans() {
  return useQuery(plansQueryOptions());
}
