import { queryOptions, useQuery } from '@tanstack/react-query';
import { SubscriptionDtoSchema, type SubscriptionDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The organization's plan, status and billing period. */
export function getSubscription(): Promise<SubscriptionDto> {
  return apiRequestParsed(SubscriptionDtoSchema, 'GET', '/api/billing/subscription');
}

export const subscriptionQueryOptions = () =>
  queryOptions({ queryKey: ['billing', 'subscription'], queryFn: getSubscription, staleTime: 30_000 });

export function useSubscription() {
  return useQuery(subscriptionQueryOptions());
}
