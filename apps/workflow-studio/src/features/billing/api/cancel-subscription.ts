import { useMutation, useQueryClient } from '@tanstack/react-query';
import { SubscriptionDtoSchema } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { subscriptionQueryOptions } from './get-subscription';

/** Cancels the subscription at the end of the period, or withdraws a pending cancellation. */
export function setCancelAtPeriodEnd(cancelAtPeriodEnd: boolean) {
  return apiRequestParsed(SubscriptionDtoSchema, 'POST', '/api/billing/subscription/cancel', { cancelAtPeriodEnd });
}

export function useSetCancelAtPeriodEnd() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: setCancelAtPeriodEnd,
    onSuccess: (subscription) => queryClient.setQueryData(subscriptionQueryOptions().queryKey, subscription),
  });
}
