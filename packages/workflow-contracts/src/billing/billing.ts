import { z } from 'zod';

/** The plans an organization can be on (the `organizations.subscription_tier` values), cheapest first. */
export const PLAN_IDS = ['free', 'starter', 'professional', 'enterprise'] as const;
export const PlanIdSchema = z.enum(PLAN_IDS);
export type PlanId = z.infer<typeof PlanIdSchema>;

export const SUBSCRIPTION_STATUSES = ['trialing', 'active', 'past_due', 'suspended', 'cancelled'] as const;
export const SubscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof SubscriptionStatusSchema>;

export const BillingCycleSchema = z.enum(['monthly', 'yearly']);
export type BillingCycle = z.infer<typeof BillingCycleSchema>;

/** What is metered per billing period (`subscription_usage.metric_name`). */
export const USAGE_METRICS = [
  'executions',
  'ai_input_tokens',
  'ai_output_tokens',
  'ai_cost_usd',
  'api_requests',
  'active_workflows',
  'members',
] as const;
export const UsageMetricSchema = z.enum(USAGE_METRICS);
export type UsageMetric = z.infer<typeof UsageMetricSchema>;

/** The metrics a plan limits, and the metric each limit is reported under in `plan_limit_reached`. */
export const LIMITED_METRICS = ['active_workflows', 'executions', 'ai_cost_usd', 'members', 'api_requests'] as const;
export type LimitedMetric = (typeof LIMITED_METRICS)[number];

/** What a `plan_limit_reached` answer names: a limited metric, or a feature the plan lacks (`limit` 0). */
export const PLAN_LIMIT_METRICS = [...LIMITED_METRICS, 'gateway_access'] as const;
export type PlanLimitMetric = (typeof PLAN_LIMIT_METRICS)[number];

/** A limit: a whole number, or `null` for unlimited. */
const Limit = z.number().int().min(0).nullable();

/** A plan's limits; `null` is unlimited (or custom, by contract). */
export const PlanLimitsSchema = z
  .object({
    /** Workflows that may be active (triggerable) at once. */
    activeWorkflows: Limit,
    /** Executions started per billing period (all triggers, webhooks included). */
    executionsPerMonth: Limit,
    /** AI spend per month in USD (a decimal string), or null. */
    aiSpendUsdPerMonth: z
      .string()
      .regex(/^\d{1,10}(\.\d{1,4})?$/, 'Use a decimal amount such as 5 or 12.50')
      .nullable(),
    /** Members (active accounts plus pending invites). */
    members: Limit,
    /** API-key requests per minute, for the whole organization. */
    apiRequestsPerMinute: Limit,
    /** Days an execution's log is kept. */
    executionLogRetentionDays: Limit,
  })
  .strict();
export type PlanLimits = z.infer<typeof PlanLimitsSchema>;

/** Paid features by plan. Security and governance (SSO, audit log, version history) are in every plan. */
export const PlanFeaturesSchema = z
  .object({
    /** People editing one workflow together; null: unlimited. */
    concurrentCollaborators: Limit,
    /** The OpenAI-compatible AI gateway (`/v1`). */
    gatewayAccess: z.boolean(),
  })
  .strict();

/** One entry of the plan catalog (configuration, `PLANS_FILE`). */
export const PlanSchema = z
  .object({
    id: PlanIdSchema,
    name: z.string().min(1).max(60),
    description: z.string().max(300),
    /** Prices in US cents per billing cycle; null: on request (custom contracts). */
    prices: z.object({ monthlyCents: Limit, yearlyCents: Limit }).strict(),
    limits: PlanLimitsSchema,
    features: PlanFeaturesSchema,
    /** Stripe price ids for checkout, per cycle (only used when Stripe is configured). */
    stripePriceIds: z
      .object({ monthly: z.string().min(1).optional(), yearly: z.string().min(1).optional() })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'Plan' });
export type Plan = z.infer<typeof PlanSchema>;

/** The whole catalog: every plan id exactly once, plus an optional trial for new organizations. */
export const PlanCatalogSchema = z
  .object({
    plans: z.array(PlanSchema),
    /** New organizations start trialing this plan for `days` days (on Free otherwise). */
    trial: z
      .object({ planId: PlanIdSchema, days: z.number().int().min(1).max(365) })
      .strict()
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    for (const id of PLAN_IDS) {
      const count = catalog.plans.filter((p) => p.id === id).length;
      if (count !== 1) ctx.addIssue({ code: 'custom', path: ['plans'], message: `plan "${id}" must appear exactly once` });
    }
  });
export type PlanCatalog = z.infer<typeof PlanCatalogSchema>;

/** `GET /api/billing/plans`. */
export const PlanListSchema = z.object({ items: z.array(PlanSchema) }).meta({ id: 'PlanList' });

/** The details of a 402 `plan_limit_reached` answer. */
export const PlanLimitDetailsSchema = z
  .object({
    metric: z.enum(PLAN_LIMIT_METRICS),
    limit: z.number(),
    used: z.number(),
    plan: PlanIdSchema,
  })
  .meta({ id: 'PlanLimitDetails' });
export type PlanLimitDetails = z.infer<typeof PlanLimitDetailsSchema>;

/** An organization's subscription, as `GET /api/billing/subscription` answers it. */
export const SubscriptionDtoSchema = z
  .object({
    organizationId: z.uuid(),
    planId: PlanIdSchema,
    /** The plan whose limits apply now (Free while cancelled). */
    effectivePlanId: PlanIdSchema,
    status: SubscriptionStatusSchema,
    billingCycle: BillingCycleSchema,
    currentPeriodStart: z.string(),
    currentPeriodEnd: z.string(),
    trialEnd: z.string().nullable(),
    cancelAtPeriodEnd: z.boolean(),
    /** A downgrade waiting for the end of the period. */
    pendingPlanId: PlanIdSchema.nullable(),
    limits: PlanLimitsSchema,
    /** Checkout and the customer portal are available (Stripe is configured). */
    paymentsEnabled: z.boolean(),
  })
  .meta({ id: 'Subscription' });
export type SubscriptionDto = z.infer<typeof SubscriptionDtoSchema>;

/** One meter: what the current period used against the plan's limit (null: unlimited). */
export const UsageMeterSchema = z
  .object({ metric: UsageMetricSchema, used: z.number(), limit: z.number().nullable() })
  .meta({ id: 'UsageMeter' });
export type UsageMeter = z.infer<typeof UsageMeterSchema>;

export const UsagePeriodSchema = z
  .object({
    periodStart: z.string(),
    periodEnd: z.string(),
    metrics: z.partialRecord(UsageMetricSchema, z.number()),
  })
  .meta({ id: 'UsagePeriod' });

/** `GET /api/billing/usage`: the current period's meters and the recorded periods, newest first. */
export const UsageDtoSchema = z
  .object({
    planId: PlanIdSchema,
    meters: z.array(UsageMeterSchema),
    periods: z.array(UsagePeriodSchema),
  })
  .meta({ id: 'Usage' });
export type UsageDto = z.infer<typeof UsageDtoSchema>;

/** Body of `POST /api/billing/subscription/cancel`: cancel (or keep) at the end of the period. */
export const CancelSubscriptionBodySchema = z.object({ cancelAtPeriodEnd: z.boolean() }).meta({ id: 'CancelSubscriptionBody' });

/** Body of `POST /api/billing/checkout`. */
export const CheckoutBodySchema = z
  .object({ planId: PlanIdSchema.exclude(['free']), billingCycle: BillingCycleSchema.default('monthly') })
  .meta({ id: 'CheckoutBody' });

/** A link the browser follows (Stripe Checkout or the customer portal). */
export const RedirectLinkSchema = z.object({ url: z.string() }).meta({ id: 'RedirectLink' });

/** Body of `PATCH /api/admin/organizations/:id/plan`. */
export const AdminChangePlanBodySchema = z
  .object({
    planId: PlanIdSchema,
    billingCycle: BillingCycleSchema.optional(),
    /** Default: upgrades now, downgrades at the end of the period. */
    effective: z.enum(['now', 'period_end']).optional(),
  })
  .meta({ id: 'AdminChangePlanBody' });

/** Body of `POST /api/admin/organizations/:id/trial`. */
export const AdminExtendTrialBodySchema = z
  .object({ days: z.number().int().min(1).max(365), planId: PlanIdSchema.optional() })
  .meta({ id: 'AdminExtendTrialBody' });

export const ADMIN_REASON_MAX = 500;

/** Body of `POST /api/admin/organizations/:id/suspend`. */
export const AdminSuspendBodySchema = z
  .object({ reason: z.string().trim().min(1).max(ADMIN_REASON_MAX) })
  .meta({ id: 'AdminSuspendBody' });

export const AdminOrganizationParamsSchema = z.object({ organizationId: z.uuid() });

/** Query of `GET /api/admin/organizations`. */
export const AdminOrganizationsQuerySchema = z.object({
  search: z.string().trim().max(200).optional(),
  planId: PlanIdSchema.optional(),
  status: SubscriptionStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
});
export type AdminOrganizationsQuery = z.infer<typeof AdminOrganizationsQuerySchema>;

/** An organization as platform administrators see it. */
export const AdminOrganizationDtoSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    createdAt: z.string(),
    memberCount: z.number().int(),
    subscription: SubscriptionDtoSchema,
    suspendedReason: z.string().nullable(),
    meters: z.array(UsageMeterSchema),
  })
  .meta({ id: 'AdminOrganization' });
export type AdminOrganizationDto = z.infer<typeof AdminOrganizationDtoSchema>;

export const AdminOrganizationListSchema = z
  .object({ items: z.array(AdminOrganizationDtoSchema), total: z.number().int() })
  .meta({ id: 'AdminOrganizationList' });

/** Query of `GET /api/admin/users`. */
export const AdminUsersQuerySchema = z.object({
  search: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export const AdminUserDtoSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    role: z.string(),
    isActive: z.boolean(),
    isPlatformAdmin: z.boolean(),
    organizationId: z.uuid(),
    organizationName: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'AdminUser' });
export type AdminUserDto = z.infer<typeof AdminUserDtoSchema>;

export const AdminUserListSchema = z.object({ items: z.array(AdminUserDtoSchema) }).meta({ id: 'AdminUserList' });
