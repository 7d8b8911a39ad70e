import type Stripe from 'stripe';
import { lazy } from '../../lib/lazy-require';
import type { StripeEventLike, StripeGateway } from './billing.service';

/** Loaded when Stripe is configured (most deployments, and embedded mode, never call it). */
const stripeLibrary = lazy<typeof Stripe>('stripe');

/** Stripe through its official library: signature verification, Checkout and the customer portal. */
export function createStripeGateway(settings: {
  secretKey: string;
  webhookSecret: string;
  /** Another Stripe endpoint (tests run a local one). */
  host?: { host: string; port: number; protocol: 'http' | 'https' };
}): StripeGateway {
  const stripe = new (stripeLibrary())(settings.secretKey, {
    maxNetworkRetries: 1,
    timeout: 20_000,
    ...(settings.host ?? {}),
  });
  return {
    verify(rawBody, signature): StripeEventLike {
      const event = stripe.webhooks.constructEvent(rawBody, signature, settings.webhookSecret);
      return event as unknown as StripeEventLike;
    },
    async checkout(input) {
      const metadata = { organizationId: input.organizationId, planId: input.planId, billingCycle: input.billingCycle };
      const session = await stripe.checkout.sessions.create({
        mode: 'subscription',
        line_items: [{ price: input.priceId, quantity: 1 }],
        client_reference_id: input.organizationId,
        ...(input.customerId ? { customer: input.customerId } : {}),
        success_url: input.successUrl,
        cancel_url: input.cancelUrl,
        metadata,
        subscription_data: { metadata },
      });
      if (!session.url) throw new Error('Stripe returned a checkout session without a URL');
      return session.url;
    },
    async portal(customerId, returnUrl) {
      const session = await stripe.billingPortal.sessions.create({ customer: customerId, return_url: returnUrl });
      return session.url;
    },
  };
}
