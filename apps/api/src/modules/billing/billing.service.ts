import type {
  AdminOrganizationDto,
  AdminOrganizationsQuery,
  AdminUserDto,
  BillingCycle,
  LimitedMetric,
  Plan,
  PlanId,
  PlanLimitDetails,
  PlanLimitMetric,
  SubscriptionDto,
  UsageDto,
  UsageMeter,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError } from '../../http/errors';
import type { Database, Db } from '../../lib/db';
import type { EventBus } from '../../lib/event-bus';
import type { Logger } from '../../lib/logger';
import type { AuditEntry } from '../audit/audit.service';
import * as repo from './billing.repo';
import type { PlanBook } from './plans';

/** 402: the plan's limit of one metric is reached; details say which, the limit, the use and the plan. */
export class PlanLimitError extends AppError {
  constructor(details: PlanLimitDetails) {
    super(402, 'plan_limit_reached', `${PLAN_LIMIT_TEXT[details.metric](details.limit)} Upgrade the plan to continue.`, details);
  }
}

/** 403: a platform administrator suspended the organization; its data is kept. */
export class OrganizationSuspendedError extends AppError {
  constructor(reason: string | null) {
    super(
      403,
      'organization_suspended',
      `This organization is suspended${reason ? `: ${reason}` : ''}. Its data is kept; contact support to reactivate it.`,
    );
  }
}

const PLAN_LIMIT_TEXT: Record<PlanLimitMetric, (limit: number) => string> = {
  gateway_access: () => 'The plan does not include the AI gateway (/v1).',
  active_workflows: (n) => `The plan allows ${n} active workflow${n === 1 ? '' : 's'}.`,
  executions: (n) => `The plan's ${n.toLocaleString('en-US')} executions for this billing period are used up.`,
  ai_cost_usd: (n) => `The plan's $${n} of AI spend for this month is used up.`,
  members: (n) => `The plan allows ${n} member${n === 1 ? '' : 's'} (pending invites count).`,
  api_requests: (n) => `The plan allows ${n} API requests a minute.`,
};

/** How long the hot path reuses an organization's plan, status and execution count (other processes' changes show within it). */
const STATE_TTL_MS = 2000;
const API_FLUSH_MS = 5000;
const CACHE_MAX = 10_000;
/** Paths a suspended organization can still reach: signing in and out, and the platform console. */
const SUSPENSION_EXEMPT = ['/api/auth/', '/api/admin/'];

interface OrgState {
  planId: string;
  status: repo.SubscriptionRecord['status'];
  suspendedReason: string | null;
  /** Executions this period as last read, plus the ones this process admitted since. */
  executions: number;
  at: number;
}

/** The end of a billing period that starts at `start` (same day of month, clamped to the month's length). */
export function addPeriod(start: Date, cycle: BillingCycle): Date {
  const months = cycle === 'yearly' ? 12 : 1;
  const target = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(start.getUTCDate(), lastDay));
  target.setUTCHours(start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds());
  return target;
}

export interface StripeGateway {
  /** @throws when the signature does not verify. */
  verify(rawBody: Buffer, signature: string): StripeEventLike;
  checkout(input: {
    organizationId: string;
    customerId: string | null;
    priceId: string;
    planId: PlanId;
    billingCycle: BillingCycle;
    successUrl: string;
    cancelUrl: string;
  }): Promise<string>;
  portal(customerId: string, returnUrl: string): Promise<string>;
}

/** The fields of a Stripe event this module reads. */
export interface StripeEventLike {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

export interface BillingServiceDeps {
  db: Database;
  log: Logger;
  plans: PlanBook;
  audit: { record(entry: AuditEntry): Promise<void> };
  publicUrl: string;
  stripe?: StripeGateway;
  /** Tells every process when an organization's subscription changed (suspension applies at once everywhere). */
  bus?: EventBus;
  /** Waits for this process's AI usage rows still being written (they are metered when they land). */
  settleUsage?: () => Promise<unknown>;
  now?: () => Date;
}

const CHANGED_CHANNEL = 'billing:subscription-changed';

/**
 * Subscriptions and their lifecycle, usage metering, plan enforcement, platform administration and
 * Stripe events. Counting happens in Postgres (triggers on executions and AI usage rows, atomic
 * upserts for the rest); the hot path reads a per-organization state cached for two seconds.
 */
export function createBillingService(deps: BillingServiceDeps) {
  const { db, log, plans } = deps;
  const now = deps.now ?? (() => new Date());
  const states = new Map<string, OrgState>();
  const loading = new Map<string, Promise<OrgState>>();
  const apiRequests = new Map<string, number>();
  const timers: NodeJS.Timeout[] = [];

  async function loadState(organizationId: string): Promise<OrgState> {
    const pending = loading.get(organizationId);
    if (pending) return pending;
    const load = repo
      .findOrganizationState(db, organizationId)
      .then((row) => {
        const state: OrgState = row
          ? { ...row, at: Date.now() }
          : { planId: 'free', status: 'active', suspendedReason: null, executions: 0, at: Date.now() };
        if (states.size >= CACHE_MAX) states.delete(states.keys().next().value as string);
        states.set(organizationId, state);
        return state;
      })
      .finally(() => loading.delete(organizationId));
    loading.set(organizationId, load);
    return load;
  }

  /** The cached state, or a promise of it: callers await only on a miss. */
  function stateOf(organizationId: string): OrgState | Promise<OrgState> {
    const cached = states.get(organizationId);
    return cached && Date.now() - cached.at < STATE_TTL_MS ? cached : loadState(organizationId);
  }

  function forget(organizationId: string) {
    states.delete(organizationId);
    deps.bus
      ?.publish(CHANGED_CHANNEL, { organizationId })
      .catch((err: unknown) => log.warn({ err }, 'billing change not broadcast'));
  }
  const unsubscribe = deps.bus?.subscribe(CHANGED_CHANNEL, (message) => {
    const id = (message as { organizationId?: unknown }).organizationId;
    if (typeof id === 'string') states.delete(id);
  });

  function requireActive(state: OrgState) {
    if (state.status === 'suspended') throw new OrganizationSuspendedError(state.suspendedReason);
  }

  /** Suspension for every route; the AI gateway also needs a plan that includes it. */
  function admitRequest(state: OrgState, path: string) {
    requireActive(state);
    if (path.startsWith('/v1/') && !plans.plan(state.planId).features.gatewayAccess) {
      throw new PlanLimitError({ metric: 'gateway_access', limit: 0, used: 0, plan: plans.plan(state.planId).id });
    }
  }

  function admitExecutionState(state: OrgState) {
    requireActive(state);
    const limit = plans.limitOf(state.planId, 'executions');
    if (limit !== null && state.executions >= limit) {
      throw new PlanLimitError({ metric: 'executions', limit, used: state.executions, plan: plans.plan(state.planId).id });
    }
    state.executions += 1;
  }

  async function requirePlatformAdmin(actor: Actor): Promise<void> {
    if (actor.kind !== 'user' || !(await repo.isPlatformAdmin(db, actor.userId))) {
      throw new ForbiddenError('Only platform administrators can do this');
    }
  }

  async function subscriptionOf(organizationId: string, tx: Db = db, lock = false): Promise<repo.SubscriptionRecord> {
    const sub = await repo.findSubscription(tx, organizationId, lock);
    if (!sub) throw new NotFoundError('organization');
    return sub;
  }

  function presentSubscription(sub: repo.SubscriptionRecord): SubscriptionDto {
    const plan = plans.plan(sub.planId);
    return {
      organizationId: sub.organizationId,
      planId: plan.id,
      effectivePlanId: plan.id,
      status: sub.status,
      billingCycle: sub.billingCycle,
      currentPeriodStart: sub.currentPeriodStart.toISOString(),
      currentPeriodEnd: sub.currentPeriodEnd.toISOString(),
      trialEnd: sub.trialEnd?.toISOString() ?? null,
      cancelAtPeriodEnd: sub.cancelAtPeriodEnd,
      pendingPlanId: sub.pendingPlanId ? plans.plan(sub.pendingPlanId).id : null,
      limits: plan.limits,
      paymentsEnabled: Boolean(deps.stripe),
    };
  }

  function meters(plan: Plan, usage: Record<string, number>, gauges: { activeWorkflows: number; members: number }): UsageMeter[] {
    const limit = (metric: LimitedMetric) => plans.limitOf(plan.id, metric);
    return [
      { metric: 'active_workflows', used: gauges.activeWorkflows, limit: limit('active_workflows') },
      { metric: 'executions', used: usage['executions'] ?? 0, limit: limit('executions') },
      { metric: 'ai_cost_usd', used: usage['ai_cost_usd'] ?? 0, limit: limit('ai_cost_usd') },
      { metric: 'members', used: gauges.members, limit: limit('members') },
      { metric: 'api_requests', used: usage['api_requests'] ?? 0, limit: null },
      { metric: 'ai_input_tokens', used: usage['ai_input_tokens'] ?? 0, limit: null },
      { metric: 'ai_output_tokens', used: usage['ai_output_tokens'] ?? 0, limit: null },
    ];
  }

  async function gaugesOf(tx: Db, organizationId: string) {
    const [activeWorkflows, members] = await Promise.all([
      repo.countActiveWorkflows(tx, organizationId),
      repo.countSeats(tx, organizationId),
    ]);
    return { activeWorkflows, members };
  }

  /** Applies a subscription change with its audit entry; the hot-path cache forgets the organization. */
  async function change(
    organizationId: string,
    fn: (tx: Db, sub: repo.SubscriptionRecord) => Promise<repo.SubscriptionPatch | null>,
    audit?: Omit<AuditEntry, 'organizationId'> & { action: string },
  ): Promise<repo.SubscriptionRecord> {
    const result = await db.withTransaction(async (tx) => {
      const sub = await subscriptionOf(organizationId, tx, true);
      const patch = await fn(tx, sub);
      return patch ? repo.updateSubscription(tx, organizationId, patch) : sub;
    });
    forget(organizationId);
    if (audit) await deps.audit.record({ ...audit, organizationId, target: { type: 'organization', id: organizationId } });
    return result;
  }

  /** The plan change rule: upgrades now, downgrades at the end of the period (unless told otherwise). */
  function planPatch(sub: repo.SubscriptionRecord, planId: PlanId, effective?: 'now' | 'period_end'): repo.SubscriptionPatch {
    const when = effective ?? (plans.rank(planId) >= plans.rank(sub.planId) ? 'now' : 'period_end');
    if (when === 'period_end') return { pendingPlanId: planId === sub.planId ? null : planId };
    return {
      planId,
      pendingPlanId: null,
      ...(sub.status === 'cancelled' || sub.status === 'trialing' ? { status: 'active' as const } : {}),
    };
  }

  function flushApiRequests(): Promise<void> {
    if (apiRequests.size === 0) return Promise.resolve();
    const rows = [...apiRequests].map(([organizationId, amount]) => ({
      organizationId,
      metric: 'api_requests' as const,
      amount,
    }));
    apiRequests.clear();
    return repo.addUsage(db, rows).catch((err: unknown) => {
      // Kept for the next flush rather than lost.
      for (const r of rows) apiRequests.set(r.organizationId, (apiRequests.get(r.organizationId) ?? 0) + r.amount);
      log.warn({ err }, 'API request usage could not be recorded; retrying');
    });
  }

  /** Rolls one locked subscription; returns the audit entry to record once the transaction commits. */
  async function rolloverOne(tx: Db, sub: repo.SubscriptionRecord, at: Date): Promise<AuditEntry | null> {
    const gauges = await gaugesOf(tx, sub.organizationId);
    const ending = { id: sub.id, periodStart: sub.currentPeriodStart, periodEnd: sub.currentPeriodEnd };
    await repo.setGauge(tx, ending, 'active_workflows', gauges.activeWorkflows);
    await repo.setGauge(tx, ending, 'members', gauges.members);
    let start = sub.currentPeriodEnd;
    let end = addPeriod(start, sub.billingCycle);
    while (end <= at) {
      start = end;
      end = addPeriod(start, sub.billingCycle);
    }
    const patch: repo.SubscriptionPatch = { currentPeriodStart: start, currentPeriodEnd: end };
    let event: string | null = null;
    if (sub.cancelAtPeriodEnd || sub.status === 'past_due') {
      // Cancelled at the end of the period, or dunning failed: back on Free.
      Object.assign(patch, { status: 'cancelled', planId: 'free', cancelAtPeriodEnd: false, pendingPlanId: null });
      event = 'billing.subscription.cancelled';
    } else if (sub.status === 'trialing' && (!sub.trialEnd || sub.trialEnd <= at)) {
      Object.assign(patch, { status: 'active', planId: sub.stripeSubscriptionId ? sub.planId : 'free', pendingPlanId: null });
      event = 'billing.trial.ended';
    } else if (sub.pendingPlanId) {
      Object.assign(patch, { planId: sub.pendingPlanId, pendingPlanId: null });
      event = 'billing.plan.changed';
    }
    // A suspension outlasts the period: only an administrator lifts it.
    if (sub.status === 'suspended') delete patch.status;
    await repo.updateSubscription(tx, sub.organizationId, patch);
    return event
      ? {
          action: event,
          organizationId: sub.organizationId,
          target: { type: 'organization', id: sub.organizationId },
          metadata: { from: sub.planId, to: patch.planId ?? sub.planId, reason: 'period_end' },
        }
      : null;
  }

  function stripeObject(event: StripeEventLike) {
    const o = event.data.object;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const idOf = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'object' && v && 'id' in v ? str(v.id) : null);
    const metadata = (typeof o['metadata'] === 'object' && o['metadata'] ? o['metadata'] : {}) as Record<string, unknown>;
    return { o, str, idOf, metadata };
  }

  function planOfPrice(priceId: string | null): PlanId | null {
    if (!priceId) return null;
    const plan = plans.list().find((p) => p.stripePriceIds?.monthly === priceId || p.stripePriceIds?.yearly === priceId);
    return plan?.id ?? null;
  }

  /** The subscription changes a Stripe event asks for (null: nothing to change). */
  function stripePatch(event: StripeEventLike, sub: repo.SubscriptionRecord): repo.SubscriptionPatch | null {
    const { o, str, idOf, metadata } = stripeObject(event);
    const toDate = (v: unknown) => (typeof v === 'number' ? new Date(v * 1000) : undefined);
    switch (event.type) {
      case 'checkout.session.completed': {
        const planId = str(metadata['planId']);
        return {
          stripeCustomerId: idOf(o['customer']),
          stripeSubscriptionId: idOf(o['subscription']),
          status: 'active',
          cancelAtPeriodEnd: false,
          ...(planId && plans.rank(planId) >= 0 ? { planId, pendingPlanId: null } : {}),
          ...(metadata['billingCycle'] === 'yearly' || metadata['billingCycle'] === 'monthly'
            ? { billingCycle: metadata['billingCycle'] }
            : {}),
        };
      }
      case 'customer.subscription.created':
      case 'customer.subscription.updated': {
        const status = str(o['status']);
        const mapped =
          status === 'trialing' || status === 'active'
            ? status
            : status === 'past_due' || status === 'unpaid'
              ? 'past_due'
              : status === 'canceled'
                ? 'cancelled'
                : null;
        const items = (o['items'] as { data?: Record<string, unknown>[] } | undefined)?.data ?? [];
        const item = items[0] ?? {};
        const price = item['price'] as Record<string, unknown> | undefined;
        const planId = planOfPrice(idOf(price)) ?? (str(metadata['planId']) as PlanId | null);
        const start = toDate(o['current_period_start'] ?? item['current_period_start']);
        const end = toDate(o['current_period_end'] ?? item['current_period_end']);
        return {
          stripeSubscriptionId: str(o['id']),
          stripeCustomerId: idOf(o['customer']),
          ...(mapped ? { status: mapped } : {}),
          ...(mapped === 'cancelled'
            ? { planId: 'free', pendingPlanId: null }
            : planId && plans.rank(planId) >= 0
              ? { planId }
              : {}),
          ...(typeof o['cancel_at_period_end'] === 'boolean' ? { cancelAtPeriodEnd: o['cancel_at_period_end'] } : {}),
          ...(start && end && end > start ? { currentPeriodStart: start, currentPeriodEnd: end } : {}),
          ...(typeof o['trial_end'] === 'number' ? { trialEnd: toDate(o['trial_end']) ?? null } : {}),
        };
      }
      case 'customer.subscription.deleted':
        return { status: 'cancelled', planId: 'free', pendingPlanId: null, cancelAtPeriodEnd: false };
      case 'invoice.payment_failed':
        return sub.status === 'cancelled' || sub.status === 'suspended' ? null : { status: 'past_due' };
      case 'invoice.paid':
      case 'invoice.payment_succeeded':
        return sub.status === 'past_due' ? { status: 'active' } : null;
      default:
        return null;
    }
  }

  return {
    plans,

    /**
     * Refuses every request of a suspended organization (except signing in and out, and the platform
     * console) and the AI gateway to plans without it, and counts API-key requests. No I/O on a
     * cache hit; awaited only on a miss.
     * @throws OrganizationSuspendedError, PlanLimitError
     */
    admit(actor: Actor, path: string): void | Promise<void> {
      if (actor.kind === 'api_key') apiRequests.set(actor.organizationId, (apiRequests.get(actor.organizationId) ?? 0) + 1);
      if (SUSPENSION_EXEMPT.some((prefix) => path.startsWith(prefix))) return;
      const state = stateOf(actor.organizationId);
      if (state instanceof Promise) return state.then((s) => admitRequest(s, path));
      admitRequest(state, path);
    },

    /**
     * Admits one execution of the organization: refused while suspended or once the period's
     * executions reach the plan's quota. Counting itself is exact (in the inserting statement); this
     * check reads a two-second cache, so other processes' last executions may overshoot it slightly.
     * @throws OrganizationSuspendedError, PlanLimitError
     */
    admitExecution(organizationId: string): void | Promise<void> {
      const state = stateOf(organizationId);
      if (state instanceof Promise) return state.then(admitExecutionState);
      admitExecutionState(state);
    },

    /** The plan's API requests a minute for API keys of the organization (null: unlimited; undefined: not known yet). */
    apiRequestsPerMinute(organizationId: string): number | null | undefined {
      const state = states.get(organizationId);
      return state ? plans.limitOf(state.planId, 'api_requests') : undefined;
    },

    /** The plan's people editing one canvas at once (collaboration); null: unlimited. */
    async collaboratorLimit(organizationId: string): Promise<number | null> {
      const state = await stateOf(organizationId);
      return plans.plan(state.planId).features.concurrentCollaborators;
    },

    /** The plan's monthly AI spend in USD (decimal string) for a tier; null: unlimited. */
    aiBudgetUsd(tier: string): string | null {
      return plans.plan(tier).limits.aiSpendUsdPerMonth;
    },

    /**
     * Checks, inside the caller's transaction and under the organization's lock, that `adding`
     * more active workflows fit the plan: concurrent activations cannot both take the last slot.
     * @throws PlanLimitError
     */
    async assertActiveWorkflowsFit(tx: Db, organizationId: string, adding = 1): Promise<void> {
      await repo.lockOrganization(tx, organizationId);
      const sub = await subscriptionOf(organizationId, tx);
      const limit = plans.limitOf(sub.planId, 'active_workflows');
      if (limit === null) return;
      const used = await repo.countActiveWorkflows(tx, organizationId);
      if (used + adding > limit)
        throw new PlanLimitError({ metric: 'active_workflows', limit, used, plan: plans.plan(sub.planId).id });
    },

    /**
     * Checks under the organization's lock that one more member (an invite) fits the plan's seats.
     * @throws PlanLimitError
     */
    async assertSeatAvailable(tx: Db, organizationId: string): Promise<void> {
      await repo.lockOrganization(tx, organizationId);
      const sub = await subscriptionOf(organizationId, tx);
      const limit = plans.limitOf(sub.planId, 'members');
      if (limit === null) return;
      const used = await repo.countSeats(tx, organizationId);
      if (used + 1 > limit) throw new PlanLimitError({ metric: 'members', limit, used, plan: plans.plan(sub.planId).id });
    },

    /** A new organization starts trialing the catalog's trial plan, when one is configured. */
    async startTrialIfConfigured(tx: Db, organizationId: string): Promise<void> {
      const trial = plans.catalog.trial;
      if (!trial) return;
      const start = now();
      const end = new Date(start.getTime() + trial.days * 86_400_000);
      await repo.updateSubscription(tx, organizationId, {
        planId: trial.planId,
        status: 'trialing',
        trialEnd: end,
        currentPeriodStart: start,
        currentPeriodEnd: end,
      });
    },

    listPlans: (): Plan[] => plans.list(),

    async subscription(actor: Actor): Promise<SubscriptionDto> {
      return presentSubscription(await subscriptionOf(actor.organizationId));
    },

    async usage(actor: Actor): Promise<UsageDto> {
      await deps.settleUsage?.();
      const sub = await subscriptionOf(actor.organizationId);
      const [current, periods, gauges] = await Promise.all([
        repo.findUsage(db, sub.id, sub.currentPeriodStart),
        repo.listUsagePeriods(db, sub.id, 13),
        gaugesOf(db, actor.organizationId),
      ]);
      const plan = plans.plan(sub.planId);
      const currentMetrics = {
        ...Object.fromEntries(current),
        active_workflows: gauges.activeWorkflows,
        members: gauges.members,
      };
      const past = periods.filter((p) => p.periodStart.getTime() !== sub.currentPeriodStart.getTime());
      return {
        planId: plan.id,
        meters: meters(plan, Object.fromEntries(current), gauges),
        periods: [
          {
            periodStart: sub.currentPeriodStart.toISOString(),
            periodEnd: sub.currentPeriodEnd.toISOString(),
            metrics: currentMetrics,
          },
          ...past.map((p) => ({
            periodStart: p.periodStart.toISOString(),
            periodEnd: p.periodEnd.toISOString(),
            metrics: p.metrics,
          })),
        ],
      };
    },

    /** Owners cancel at the end of the period, or take a pending cancellation back. */
    async setCancelAtPeriodEnd(actor: Actor, cancelAtPeriodEnd: boolean): Promise<SubscriptionDto> {
      const sub = await change(
        actor.organizationId,
        async (_tx, current) => {
          if (current.status === 'cancelled' || current.planId === 'free') {
            throw new ConflictError('The Free plan has nothing to cancel');
          }
          return { cancelAtPeriodEnd };
        },
        {
          action: cancelAtPeriodEnd ? 'billing.subscription.cancel_scheduled' : 'billing.subscription.cancel_withdrawn',
          actor,
        },
      );
      return presentSubscription(sub);
    },

    /** A Stripe Checkout link for a paid plan. @throws ConflictError when Stripe or the plan's price is not configured */
    async checkout(actor: Actor, planId: PlanId, billingCycle: BillingCycle): Promise<{ url: string }> {
      const priceId = plans.plan(planId).stripePriceIds?.[billingCycle];
      if (!deps.stripe || !priceId) throw new ConflictError('Online payment is not available for this plan; contact sales');
      const sub = await subscriptionOf(actor.organizationId);
      const url = await deps.stripe.checkout({
        organizationId: actor.organizationId,
        customerId: sub.stripeCustomerId,
        priceId,
        planId,
        billingCycle,
        successUrl: `${deps.publicUrl}/settings/billing?checkout=success`,
        cancelUrl: `${deps.publicUrl}/settings/billing?checkout=cancelled`,
      });
      return { url };
    },

    /** The Stripe customer portal. @throws ConflictError without Stripe or before the first checkout */
    async portal(actor: Actor): Promise<{ url: string }> {
      const sub = await subscriptionOf(actor.organizationId);
      if (!deps.stripe || !sub.stripeCustomerId) throw new ConflictError('There is no payment account for this organization yet');
      return { url: await deps.stripe.portal(sub.stripeCustomerId, `${deps.publicUrl}/settings/billing`) };
    },

    /**
     * Verifies and applies a Stripe webhook event once: its id is recorded in the same transaction
     * as the change, so a replay (or a concurrent duplicate) changes nothing.
     * @throws AppError 400 for a bad signature, 404 when Stripe is not configured
     */
    async handleStripeWebhook(rawBody: unknown, signature: string | undefined): Promise<{ received: true; duplicate: boolean }> {
      if (!deps.stripe) throw new NotFoundError('route');
      if (!Buffer.isBuffer(rawBody) || !signature)
        throw new AppError(400, 'validation_failed', 'Missing Stripe signature or body');
      let event: StripeEventLike;
      try {
        event = deps.stripe.verify(rawBody, signature);
      } catch {
        throw new AppError(400, 'validation_failed', 'Stripe signature verification failed');
      }
      const { o, str, idOf, metadata } = stripeObject(event);
      const organizationId = str(o['client_reference_id']) ?? str(metadata['organizationId']);
      const applied = await db.withTransaction(async (tx) => {
        let sub =
          organizationId && /^[0-9a-f-]{36}$/i.test(organizationId)
            ? await repo.findSubscription(tx, organizationId, true)
            : null;
        sub ??= await repo.findSubscriptionByStripe(tx, {
          customerId: idOf(o['customer']),
          subscriptionId: event.type.startsWith('customer.subscription.') ? str(o['id']) : idOf(o['subscription']),
        });
        if (
          !(await repo.recordStripeEvent(tx, { id: event.id, type: event.type, organizationId: sub?.organizationId ?? null }))
        ) {
          return { duplicate: true, sub: null, before: null };
        }
        if (!sub) return { duplicate: false, sub: null, before: null };
        const patch = stripePatch(event, sub);
        // Payments never lift a suspension: only an administrator does.
        if (patch && sub.status === 'suspended') delete patch.status;
        const after = patch ? await repo.updateSubscription(tx, sub.organizationId, patch) : sub;
        return { duplicate: false, sub: after, before: sub };
      });
      if (applied.sub && applied.before) {
        forget(applied.sub.organizationId);
        await deps.audit.record({
          action: 'billing.stripe.event',
          organizationId: applied.sub.organizationId,
          target: { type: 'organization', id: applied.sub.organizationId },
          metadata: {
            eventId: event.id,
            type: event.type,
            from: { plan: applied.before.planId, status: applied.before.status },
            to: { plan: applied.sub.planId, status: applied.sub.status },
          },
        });
      }
      return { received: true, duplicate: applied.duplicate };
    },

    /**
     * Rolls every subscription whose period has ended into its next period (snapshotting the
     * gauges, applying cancellations, trial ends and pending downgrades). Rows are locked with SKIP
     * LOCKED and re-checked, so concurrent or repeated runs roll each period once.
     */
    async rollover(at: Date = now()): Promise<number> {
      let total = 0;
      for (;;) {
        const entries: AuditEntry[] = [];
        const rolled = await db.withTransaction(async (tx) => {
          const due = await repo.lockDueSubscriptions(tx, at, 50);
          for (const sub of due) {
            const entry = await rolloverOne(tx, sub, at);
            if (entry) entries.push(entry);
          }
          return due.map((s) => s.organizationId);
        });
        for (const id of rolled) forget(id);
        for (const entry of entries) await deps.audit.record(entry);
        total += rolled.length;
        if (rolled.length < 50) return total;
      }
    },

    flushApiRequests,

    /** Deletes execution logs older than each organization's plan keeps them (in batches). */
    async pruneExecutionLogs(): Promise<number> {
      const days: Record<string, number> = {};
      for (const plan of plans.list()) {
        if (plan.limits.executionLogRetentionDays !== null) days[plan.id] = plan.limits.executionLogRetentionDays;
      }
      let total = 0;
      for (;;) {
        const deleted = await repo.deleteExecutionsPastPlanRetention(db, days, 1000);
        total += deleted;
        if (deleted < 1000) return total;
      }
    },

    /** Starts the rollover job and the API-request counter flush (every process that runs workers). */
    startJobs(intervalMs: number): void {
      const every = (ms: number, name: string, fn: () => Promise<unknown>) => {
        const timer = setInterval(() => void fn().catch((err: unknown) => log.warn({ err }, `${name} failed`)), ms);
        timer.unref();
        timers.push(timer);
      };
      every(intervalMs, 'billing rollover', () => this.rollover());
      every(60 * 60 * 1000, 'plan log retention', () => this.pruneExecutionLogs());
      void this.rollover().catch((err: unknown) => log.warn({ err }, 'billing rollover failed'));
    },

    /** Starts flushing API-request counts (every API process). */
    startFlush(): void {
      const timer = setInterval(() => void flushApiRequests(), API_FLUSH_MS);
      timer.unref();
      timers.push(timer);
    },

    async stop(): Promise<void> {
      for (const t of timers.splice(0)) clearInterval(t);
      unsubscribe?.();
      await flushApiRequests();
    },

    // Platform administration: every action requires a platform administrator and is audited.

    async listOrganizations(
      actor: Actor,
      query: AdminOrganizationsQuery,
    ): Promise<{ items: AdminOrganizationDto[]; total: number }> {
      await requirePlatformAdmin(actor);
      const { items, total } = await repo.listOrganizations(db, {
        ...(query.search ? { search: query.search } : {}),
        ...(query.planId ? { planId: query.planId } : {}),
        ...(query.status ? { status: query.status } : {}),
        limit: query.limit,
        offset: query.offset,
      });
      return {
        total,
        items: items.map((o) => ({
          id: o.id,
          name: o.name,
          createdAt: o.createdAt.toISOString(),
          memberCount: o.memberCount,
          subscription: presentSubscription(o.subscription),
          suspendedReason: o.subscription.suspendedReason,
          meters: meters(plans.plan(o.subscription.planId), o.usage, { activeWorkflows: o.activeWorkflows, members: o.seats }),
        })),
      };
    },

    async adminOrganization(actor: Actor, organizationId: string): Promise<AdminOrganizationDto> {
      await requirePlatformAdmin(actor);
      return this.presentAdminOrganization(organizationId);
    },

    async presentAdminOrganization(organizationId: string): Promise<AdminOrganizationDto> {
      const org = await repo.findOrganizationName(db, organizationId);
      if (!org) throw new NotFoundError('organization');
      const sub = await subscriptionOf(organizationId);
      await deps.settleUsage?.();
      const [usage, gauges] = await Promise.all([
        repo.findUsage(db, sub.id, sub.currentPeriodStart),
        gaugesOf(db, organizationId),
      ]);
      return {
        id: organizationId,
        name: org.name,
        createdAt: org.createdAt.toISOString(),
        memberCount: gauges.members,
        subscription: presentSubscription(sub),
        suspendedReason: sub.suspendedReason,
        meters: meters(plans.plan(sub.planId), Object.fromEntries(usage), gauges),
      };
    },

    async changePlan(
      actor: Actor,
      organizationId: string,
      body: { planId: PlanId; billingCycle?: BillingCycle; effective?: 'now' | 'period_end' },
    ): Promise<AdminOrganizationDto> {
      await requirePlatformAdmin(actor);
      let from = '';
      await change(
        organizationId,
        async (_tx, sub) => {
          from = sub.planId;
          return {
            ...planPatch(sub, body.planId, body.effective),
            ...(body.billingCycle ? { billingCycle: body.billingCycle } : {}),
          };
        },
        { action: 'admin.organization.plan_changed', actor, metadata: { ...body, from } },
      );
      return this.presentAdminOrganization(organizationId);
    },

    async extendTrial(
      actor: Actor,
      organizationId: string,
      body: { days: number; planId?: PlanId },
    ): Promise<AdminOrganizationDto> {
      await requirePlatformAdmin(actor);
      await change(
        organizationId,
        async (_tx, sub) => {
          if (sub.status === 'suspended') throw new ConflictError('Reactivate the organization first');
          const base = sub.status === 'trialing' && sub.trialEnd && sub.trialEnd > now() ? sub.trialEnd : now();
          const trialEnd = new Date(base.getTime() + body.days * 86_400_000);
          return {
            status: 'trialing',
            planId: body.planId ?? (sub.status === 'trialing' ? sub.planId : (plans.catalog.trial?.planId ?? 'professional')),
            trialEnd,
            currentPeriodEnd: trialEnd,
            ...(sub.status === 'trialing' ? {} : { currentPeriodStart: now() }),
            pendingPlanId: null,
            cancelAtPeriodEnd: false,
          };
        },
        { action: 'admin.organization.trial_extended', actor, metadata: { ...body } },
      );
      return this.presentAdminOrganization(organizationId);
    },

    async suspend(actor: Actor, organizationId: string, reason: string): Promise<AdminOrganizationDto> {
      await requirePlatformAdmin(actor);
      if (actor.organizationId === organizationId)
        throw new ConflictError('Platform administrators cannot suspend their own organization');
      await change(
        organizationId,
        async (_tx, sub) => {
          if (sub.status === 'suspended') throw new ConflictError('The organization is already suspended');
          return { status: 'suspended', suspendedReason: reason };
        },
        { action: 'admin.organization.suspended', actor, metadata: { reason } },
      );
      return this.presentAdminOrganization(organizationId);
    },

    async reactivate(actor: Actor, organizationId: string): Promise<AdminOrganizationDto> {
      await requirePlatformAdmin(actor);
      await change(
        organizationId,
        async (_tx, sub) => {
          if (sub.status !== 'suspended') throw new ConflictError('The organization is not suspended');
          return { status: 'active', suspendedReason: null };
        },
        { action: 'admin.organization.reactivated', actor },
      );
      return this.presentAdminOrganization(organizationId);
    },

    async searchUsers(actor: Actor, search: string, limit: number): Promise<AdminUserDto[]> {
      await requirePlatformAdmin(actor);
      const users = await repo.searchUsers(db, search, limit);
      return users.map((u) => ({ ...u, createdAt: u.createdAt.toISOString() }));
    },
  };
}
export type BillingService = ReturnType<typeof createBillingService>;
