import type { Plan, PlanLimitDetails, UsageMetric } from '@auterity/workflow-contracts';
import { PlanLimitDetailsSchema } from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';

export const METRIC_LABELS: Record<UsageMetric, string> = {
  active_workflows: 'Active workflows',
  executions: 'Executions this period',
  ai_cost_usd: 'AI spend this month',
  members: 'Members',
  api_requests: 'API-key requests this period',
  ai_input_tokens: 'AI input tokens',
  ai_output_tokens: 'AI output tokens',
};

const count = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });

/** A meter's value in its unit: `$4.20` for AI spend, `1,234` otherwise. */
export function formatMetric(metric: UsageMetric, value: number): string {
  return metric === 'ai_cost_usd' ? usd.format(value) : count.format(value);
}

/** A plan's price for a cycle: `Free`, `$29 / month`, `Contact sales`. */
export function formatPrice(plan: Plan, cycle: 'monthly' | 'yearly'): string {
  const cents = cycle === 'monthly' ? plan.prices.monthlyCents : plan.prices.yearlyCents;
  if (cents === null) return 'Contact sales';
  if (cents === 0) return 'Free';
  return `${usd.format(cents / 100)} / ${cycle === 'monthly' ? 'month' : 'year'}`;
}

/** A limit for the comparison table: `Unlimited` for null. */
export function formatLimit(value: number | string | null, unit: 'count' | 'usd' | 'days' = 'count'): string {
  if (value === null) return 'Unlimited';
  const n = Number(value);
  if (unit === 'usd') return usd.format(n);
  if (unit === 'days') return `${count.format(n)} days`;
  return count.format(n);
}

/** The details of a `plan_limit_reached` error, or null for any other error. */
export function planLimitOf(error: unknown): PlanLimitDetails | null {
  if (!(error instanceof ApiError) || error.code !== 'plan_limit_reached') return null;
  const parsed = PlanLimitDetailsSchema.safeParse(error.details);
  return parsed.success ? parsed.data : null;
}
