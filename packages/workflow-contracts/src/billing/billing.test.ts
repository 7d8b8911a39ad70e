import {
  ADMIN_REASON_MAX,
  AdminChangePlanBodySchema,
  AdminExtendTrialBodySchema,
  AdminSuspendBodySchema,
  CheckoutBodySchema,
  PlanCatalogSchema,
  PlanLimitsSchema,
} from '../index';

const limits = {
  activeWorkflows: 5,
  executionsPerMonth: 1000,
  aiSpendUsdPerMonth: '5',
  members: 3,
  apiRequestsPerMinute: 60,
  executionLogRetentionDays: 7,
};
const plan = (id: string) => ({
  id,
  name: id,
  description: '',
  prices: { monthlyCents: 0, yearlyCents: 0 },
  limits,
  features: { concurrentCollaborators: null, gatewayAccess: true },
});
const ALL = ['free', 'starter', 'professional', 'enterprise'].map(plan);

describe('PlanCatalogSchema', () => {
  it('accepts every plan once, with or without a trial', () => {
    expect(PlanCatalogSchema.parse({ plans: ALL }).trial).toBeNull();
    expect(PlanCatalogSchema.parse({ plans: ALL, trial: { planId: 'starter', days: 14 } }).trial).toEqual({
      planId: 'starter',
      days: 14,
    });
  });

  it.each([
    ['a missing plan', { plans: ALL.slice(1) }, ['plans']],
    ['a plan twice', { plans: [...ALL, plan('free')] }, ['plans']],
    ['an unknown plan id', { plans: [...ALL, plan('platinum')] }, ['plans', 4, 'id']],
    ['a trial of an unknown plan', { plans: ALL, trial: { planId: 'gold', days: 3 } }, ['trial', 'planId']],
    ['a trial of no days', { plans: ALL, trial: { planId: 'free', days: 0 } }, ['trial', 'days']],
  ])('rejects %s', (_name, catalog, path) => {
    const result = PlanCatalogSchema.safeParse(catalog);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });
});

describe('PlanLimitsSchema', () => {
  it.each([
    [{ ...limits, activeWorkflows: -1 }, ['activeWorkflows']],
    [{ ...limits, aiSpendUsdPerMonth: '5.123456' }, ['aiSpendUsdPerMonth']],
    [{ ...limits, members: 2.5 }, ['members']],
    [{ ...limits, seats: 3 }, []],
  ])('rejects %j at %j', (value, path) => {
    const result = PlanLimitsSchema.safeParse(value);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(path);
  });

  it('takes null as unlimited', () => {
    expect(PlanLimitsSchema.parse({ ...limits, activeWorkflows: null, aiSpendUsdPerMonth: null }).activeWorkflows).toBeNull();
  });
});

describe('billing request bodies', () => {
  it('checkout is for paid plans only, monthly by default', () => {
    expect(CheckoutBodySchema.parse({ planId: 'starter' })).toEqual({ planId: 'starter', billingCycle: 'monthly' });
    expect(CheckoutBodySchema.safeParse({ planId: 'free' }).success).toBe(false);
  });

  it('suspension needs a trimmed reason within the limit', () => {
    expect(AdminSuspendBodySchema.parse({ reason: '  Unpaid  ' })).toEqual({ reason: 'Unpaid' });
    expect(AdminSuspendBodySchema.safeParse({ reason: '   ' }).success).toBe(false);
    expect(AdminSuspendBodySchema.safeParse({ reason: 'x'.repeat(ADMIN_REASON_MAX + 1) }).success).toBe(false);
  });

  it('trials last 1 to 365 days', () => {
    expect(AdminExtendTrialBodySchema.safeParse({ days: 0 }).success).toBe(false);
    expect(AdminExtendTrialBodySchema.safeParse({ days: 366 }).success).toBe(false);
    expect(AdminExtendTrialBodySchema.parse({ days: 30 })).toEqual({ days: 30 });
  });

  it('strips server-owned fields from a plan change', () => {
    const parsed = AdminChangePlanBodySchema.parse({
      planId: 'starter',
      organizationId: '00000000-0000-4000-8000-000000000000',
      status: 'active',
      currentPeriodEnd: '2030-01-01T00:00:00Z',
    });

    expect(parsed).toEqual({ planId: 'starter' });
  });
});
