import type { BillingCycle, SubscriptionStatus, UsageMetric } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

interface SubscriptionRow {
  id: string;
  organization_id: string;
  plan_id: string;
  status: SubscriptionStatus;
  billing_cycle: BillingCycle;
  current_period_start: Date;
  current_period_end: Date;
  trial_end: Date | null;
  cancel_at_period_end: boolean;
  pending_plan_id: string | null;
  suspended_reason: string | null;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
}

export interface SubscriptionRecord {
  id: string;
  organizationId: string;
  planId: string;
  status: SubscriptionStatus;
  billingCycle: BillingCycle;
  currentPeriodStart: Date;
  currentPeriodEnd: Date;
  trialEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  pendingPlanId: string | null;
  suspendedReason: string | null;
  stripeCustomerId: string | null;
  stripeSubscriptionId: string | null;
}

const COLUMNS = `id, organization_id, plan_id, status, billing_cycle, current_period_start, current_period_end, trial_end,
  cancel_at_period_end, pending_plan_id, suspended_reason, stripe_customer_id, stripe_subscription_id`;

function toSubscription(row: SubscriptionRow): SubscriptionRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    planId: row.plan_id,
    status: row.status,
    billingCycle: row.billing_cycle,
    currentPeriodStart: row.current_period_start,
    currentPeriodEnd: row.current_period_end,
    trialEnd: row.trial_end,
    cancelAtPeriodEnd: row.cancel_at_period_end,
    pendingPlanId: row.pending_plan_id,
    suspendedReason: row.suspended_reason,
    stripeCustomerId: row.stripe_customer_id,
    stripeSubscriptionId: row.stripe_subscription_id,
  };
}

/** The organization's subscription (every organization has one: a trigger creates it). */
export async function findSubscription(db: Db, organizationId: string, lock = false): Promise<SubscriptionRecord | null> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions WHERE organization_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [organizationId],
  );
  return rows[0] ? toSubscription(rows[0]) : null;
}

export async function findSubscriptionByStripe(
  db: Db,
  ids: { customerId: string | null; subscriptionId: string | null },
): Promise<SubscriptionRecord | null> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions
     WHERE ($1::text IS NOT NULL AND stripe_subscription_id = $1) OR ($2::text IS NOT NULL AND stripe_customer_id = $2)
     LIMIT 1 FOR UPDATE`,
    [ids.subscriptionId, ids.customerId],
  );
  return rows[0] ? toSubscription(rows[0]) : null;
}

export type SubscriptionPatch = Partial<
  Pick<
    SubscriptionRecord,
    | 'planId'
    | 'status'
    | 'billingCycle'
    | 'currentPeriodStart'
    | 'currentPeriodEnd'
    | 'trialEnd'
    | 'cancelAtPeriodEnd'
    | 'pendingPlanId'
    | 'suspendedReason'
    | 'stripeCustomerId'
    | 'stripeSubscriptionId'
  >
>;

const PATCH_COLUMNS: Record<keyof SubscriptionPatch, string> = {
  planId: 'plan_id',
  status: 'status',
  billingCycle: 'billing_cycle',
  currentPeriodStart: 'current_period_start',
  currentPeriodEnd: 'current_period_end',
  trialEnd: 'trial_end',
  cancelAtPeriodEnd: 'cancel_at_period_end',
  pendingPlanId: 'pending_plan_id',
  suspendedReason: 'suspended_reason',
  stripeCustomerId: 'stripe_customer_id',
  stripeSubscriptionId: 'stripe_subscription_id',
};

/** Applies a patch to the organization's subscription; a plan change also updates the organization's tier. */
export async function updateSubscription(db: Db, organizationId: string, patch: SubscriptionPatch): Promise<SubscriptionRecord> {
  const entries = (Object.keys(patch) as (keyof SubscriptionPatch)[]).filter((k) => patch[k] !== undefined);
  const sets = entries.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`);
  const { rows } = await db.query<SubscriptionRow>(
    `UPDATE subscriptions SET ${sets.length > 0 ? sets.join(', ') : 'updated_at = now()'} WHERE organization_id = $1 RETURNING ${COLUMNS}`,
    [organizationId, ...entries.map((k) => patch[k])],
  );
  const row = rows[0];
  if (!row) throw new Error('subscription missing');
  if (patch.planId) {
    await db.query('UPDATE organizations SET subscription_tier = $2 WHERE id = $1 AND subscription_tier <> $2', [
      organizationId,
      patch.planId,
    ]);
  }
  return toSubscription(row);
}

/** Subscriptions whose period has ended, locked (SKIP LOCKED: concurrent rollovers take different rows). */
export async function lockDueSubscriptions(db: Db, now: Date, limit: number): Promise<SubscriptionRecord[]> {
  const { rows } = await db.query<SubscriptionRow>(
    `SELECT ${COLUMNS} FROM subscriptions WHERE current_period_end <= $1
     ORDER BY current_period_end LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
  return rows.map(toSubscription);
}

/** Metric values recorded for one period of a subscription. */
export async function findUsage(db: Db, subscriptionId: string, periodStart: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ metric_name: string; metric_value: string }>(
    'SELECT metric_name, metric_value FROM subscription_usage WHERE subscription_id = $1 AND period_start = $2',
    [subscriptionId, periodStart],
  );
  return new Map(rows.map((r) => [r.metric_name, Number(r.metric_value)]));
}

export interface UsagePeriodRecord {
  periodStart: Date;
  periodEnd: Date;
  metrics: Record<string, number>;
}

/** The recorded periods of a subscription, newest first. */
export async function listUsagePeriods(db: Db, subscriptionId: string, limit: number): Promise<UsagePeriodRecord[]> {
  const { rows } = await db.query<{ period_start: Date; period_end: Date; metrics: Record<string, string> }>(
    `SELECT period_start, max(period_end) AS period_end, jsonb_object_agg(metric_name, metric_value::text) AS metrics
     FROM subscription_usage WHERE subscription_id = $1
     GROUP BY period_start ORDER BY period_start DESC LIMIT $2`,
    [subscriptionId, limit],
  );
  return rows.map((r) => ({
    periodStart: r.period_start,
    periodEnd: r.period_end,
    metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, v]) => [k, Number(v)])),
  }));
}

/** Adds to counters atomically (one statement, one row per subscription, period and metric). */
export async function addUsage(db: Db, rows: { organizationId: string; metric: UsageMetric; amount: number }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO subscription_usage (subscription_id, period_start, period_end, metric_name, metric_value)
     SELECT s.id, s.current_period_start, s.current_period_end, r.metric, sum(r.amount)
     FROM jsonb_to_recordset($1::jsonb) AS r(organization_id uuid, metric text, amount numeric)
     JOIN subscriptions s ON s.organization_id = r.organization_id
     GROUP BY s.id, s.current_period_start, s.current_period_end, r.metric
     ORDER BY s.id, r.metric
     ON CONFLICT (subscription_id, metric_name, period_start)
     DO UPDATE SET metric_value = subscription_usage.metric_value + EXCLUDED.metric_value`,
    [JSON.stringify(rows.map((r) => ({ organization_id: r.organizationId, metric: r.metric, amount: r.amount })))],
  );
}

/** Records a gauge (active workflows, members) for a period: the value replaces the previous one. */
export async function setGauge(
  db: Db,
  subscription: { id: string; periodStart: Date; periodEnd: Date },
  metric: UsageMetric,
  value: number,
): Promise<void> {
  await db.query(
    `INSERT INTO subscription_usage (subscription_id, period_start, period_end, metric_name, metric_value)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (subscription_id, metric_name, period_start) DO UPDATE SET metric_value = EXCLUDED.metric_value`,
    [subscription.id, subscription.periodStart, subscription.periodEnd, metric, value],
  );
}

/** Serializes limit checks of one organization (workflow activations, invites) until the transaction ends. */
export async function lockOrganization(db: Db, organizationId: string): Promise<void> {
  await db.query('SELECT id FROM organizations WHERE id = $1 FOR UPDATE', [organizationId]);
}

export async function countActiveWorkflows(db: Db, organizationId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM workflows WHERE organization_id = $1 AND is_active AND NOT is_template',
    [organizationId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Seats taken: active accounts plus invites still open. */
export async function countSeats(db: Db, organizationId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM users WHERE organization_id = $1 AND is_active)
          + (SELECT count(*) FROM invites WHERE organization_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now())
          AS n`,
    [organizationId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** What the hot path needs about an organization: plan, status and this period's executions, in one query. */
export async function findOrganizationState(
  db: Db,
  organizationId: string,
): Promise<{ planId: string; status: SubscriptionStatus; suspendedReason: string | null; executions: number } | null> {
  const { rows } = await db.query<{
    plan_id: string;
    status: SubscriptionStatus;
    suspended_reason: string | null;
    executions: string | null;
  }>(
    `SELECT s.plan_id, s.status, s.suspended_reason, u.metric_value AS executions
     FROM subscriptions s
     LEFT JOIN subscription_usage u
       ON u.subscription_id = s.id AND u.period_start = s.current_period_start AND u.metric_name = 'executions'
     WHERE s.organization_id = $1`,
    [organizationId],
  );
  const row = rows[0];
  return row
    ? { planId: row.plan_id, status: row.status, suspendedReason: row.suspended_reason, executions: Number(row.executions ?? 0) }
    : null;
}

export interface AdminOrganizationRecord {
  id: string;
  name: string;
  createdAt: Date;
  memberCount: number;
  /** Gauges now: active workflows, and seats (active accounts plus open invites). */
  activeWorkflows: number;
  seats: number;
  subscription: SubscriptionRecord;
  usage: Record<string, number>;
}

/** Organizations for platform administrators: filtered, newest first, with this period's usage. */
export async function listOrganizations(
  db: Db,
  filter: { search?: string; planId?: string; status?: string; limit: number; offset: number },
): Promise<{ items: AdminOrganizationRecord[]; total: number }> {
  const params = [
    filter.search ? `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
    filter.planId ?? null,
    filter.status ?? null,
  ];
  const where = `($1::text IS NULL OR o.name ILIKE $1 OR o.id::text = $4::text) AND ($2::text IS NULL OR s.plan_id = $2) AND ($3::text IS NULL OR s.status = $3)`;
  const { rows } = await db.query<
    SubscriptionRow & {
      org_id: string;
      name: string;
      org_created_at: Date;
      member_count: string;
      active_workflows: string;
      seats: string;
      usage: Record<string, string> | null;
      total: string;
    }
  >(
    `SELECT o.id AS org_id, o.name, o.created_at AS org_created_at,
       (SELECT count(*) FROM users u WHERE u.organization_id = o.id) AS member_count,
       (SELECT count(*) FROM workflows w WHERE w.organization_id = o.id AND w.is_active AND NOT w.is_template) AS active_workflows,
       (SELECT count(*) FROM users u WHERE u.organization_id = o.id AND u.is_active)
         + (SELECT count(*) FROM invites i WHERE i.organization_id = o.id AND i.accepted_at IS NULL AND i.revoked_at IS NULL
              AND i.expires_at > now()) AS seats,
       (SELECT jsonb_object_agg(metric_name, metric_value::text) FROM subscription_usage su
          WHERE su.subscription_id = s.id AND su.period_start = s.current_period_start) AS usage,
       count(*) OVER () AS total,
       s.id, s.organization_id, s.plan_id, s.status, s.billing_cycle, s.current_period_start, s.current_period_end, s.trial_end,
       s.cancel_at_period_end, s.pending_plan_id, s.suspended_reason, s.stripe_customer_id, s.stripe_subscription_id
     FROM organizations o JOIN subscriptions s ON s.organization_id = o.id
     WHERE ${where}
     ORDER BY o.created_at DESC, o.id DESC LIMIT $5 OFFSET $6`,
    [...params, filter.search ?? '', filter.limit, filter.offset],
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => ({
      id: r.org_id,
      name: r.name,
      createdAt: r.org_created_at,
      memberCount: Number(r.member_count),
      activeWorkflows: Number(r.active_workflows),
      seats: Number(r.seats),
      subscription: toSubscription(r),
      usage: Object.fromEntries(Object.entries(r.usage ?? {}).map(([k, v]) => [k, Number(v)])),
    })),
  };
}

export async function findOrganizationName(db: Db, organizationId: string): Promise<{ name: string; createdAt: Date } | null> {
  const { rows } = await db.query<{ name: string; created_at: Date }>(
    'SELECT name, created_at FROM organizations WHERE id = $1',
    [organizationId],
  );
  return rows[0] ? { name: rows[0].name, createdAt: rows[0].created_at } : null;
}

export interface AdminUserRecord {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: string;
  isActive: boolean;
  isPlatformAdmin: boolean;
  organizationId: string;
  organizationName: string;
  createdAt: Date;
}

/** Accounts of every organization whose email or name contains `search`. */
export async function searchUsers(db: Db, search: string, limit: number): Promise<AdminUserRecord[]> {
  const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const { rows } = await db.query<{
    id: string;
    email: string;
    first_name: string | null;
    last_name: string | null;
    role: string;
    is_active: boolean;
    is_platform_admin: boolean;
    organization_id: string;
    organization_name: string;
    created_at: Date;
  }>(
    `SELECT u.id, u.email, u.first_name, u.last_name, u.role, u.is_active, u.is_platform_admin, u.organization_id,
       o.name AS organization_name, u.created_at
     FROM users u JOIN organizations o ON o.id = u.organization_id
     WHERE u.email ILIKE $1 OR coalesce(u.first_name, '') || ' ' || coalesce(u.last_name, '') ILIKE $1
     ORDER BY u.created_at DESC LIMIT $2`,
    [pattern, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    role: r.role,
    isActive: r.is_active,
    isPlatformAdmin: r.is_platform_admin,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    createdAt: r.created_at,
  }));
}

export async function isPlatformAdmin(db: Db, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ is_platform_admin: boolean }>(
    'SELECT is_platform_admin FROM users WHERE id = $1 AND is_active',
    [userId],
  );
  return rows[0]?.is_platform_admin === true;
}

/** Records a Stripe event id; false when it was recorded before (a replay). */
export async function recordStripeEvent(
  db: Db,
  event: { id: string; type: string; organizationId: string | null },
): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO stripe_events (id, type, organization_id) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING RETURNING id',
    [event.id, event.type, event.organizationId],
  );
  return rows.length === 1;
}

/**
 * Deletes finished executions (their steps cascade) older than their organization's plan keeps
 * execution logs; `days` maps plan ids to days (plans without a limit are left out). One batch.
 */
export async function deleteExecutionsPastPlanRetention(db: Db, days: Record<string, number>, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM workflow_executions WHERE id IN (
       SELECT e.id FROM workflow_executions e
       JOIN subscriptions s ON s.organization_id = e.organization_id
       JOIN jsonb_each_text($1::jsonb) AS p(plan_id, days) ON p.plan_id = s.plan_id
       WHERE e.status IN ('succeeded', 'failed', 'cancelled', 'timed_out')
         AND e.created_at < now() - make_interval(days => p.days::int)
       LIMIT $2)`,
    [JSON.stringify(days), batch],
  );
  return rowCount;
}
