import { useMutation } from '@tanstack/react-query';
import { RedirectLinkSchema, type BillingCycle, type PlanId } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** A Stripe Checkout link for a paid plan (only when payments are enabled). */
export function createCheckout(body: { planId: Exclude<PlanId, 'free'>; billingCycle: BillingCycle }) {
  return apiRequestParsed(RedirectLinkSchema, 'POST', '/api/billing/checkout', body);
}

/** A link to the payment provider's customer portal. */
export function createPortal() {
  return apiRequestParsed(RedirectLinkSchema, 'POST', '/api/billing/portal');
}

export function useCheckout() {
  return useMutation({ mutationFn: createCheckout, onSuccess: ({ url }) => window.location.assign(url) });
}

export function usePortal() {
  return useMutation({ mutationFn: createPortal, onSuccess: ({ url }) => window.location.assign(url) });
}
