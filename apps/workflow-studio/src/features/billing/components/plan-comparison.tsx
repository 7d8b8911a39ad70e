import type { BillingCycle, Plan, PlanId } from '@auterity/workflow-contracts';
import { Badge, Button } from '@auterity/design-system';
import { formatLimit, formatPrice } from '../utils/billing-format';
import '../billing.css';

interface PlanComparisonProps {
  plans: readonly Plan[];
  currentPlanId: PlanId;
  cycle: BillingCycle;
  /** Offered on paid plans above the current one when payments are enabled. */
  onUpgrade?: (planId: Exclude<PlanId, 'free'>) => void;
  isUpgrading?: boolean;
}

const ROWS: { label: string; value: (plan: Plan) => string }[] = [
  { label: 'Active workflows', value: (p) => formatLimit(p.limits.activeWorkflows) },
  { label: 'Executions a month', value: (p) => formatLimit(p.limits.executionsPerMonth) },
  { label: 'AI spend a month', value: (p) => formatLimit(p.limits.aiSpendUsdPerMonth, 'usd') },
  { label: 'Members', value: (p) => formatLimit(p.limits.members) },
  { label: 'API requests a minute', value: (p) => formatLimit(p.limits.apiRequestsPerMinute) },
  { label: 'Execution logs kept', value: (p) => formatLimit(p.limits.executionLogRetentionDays, 'days') },
  { label: 'People editing together', value: (p) => formatLimit(p.features.concurrentCollaborators) },
  { label: 'AI gateway (/v1)', value: (p) => (p.features.gatewayAccess ? 'Included' : '—') },
  { label: 'SSO, audit log, version history', value: () => 'Included' },
];

/** The plans side by side: price for the chosen cycle, every limit, and the way up from the current plan. */
export function PlanComparison({ plans, currentPlanId, cycle, onUpgrade, isUpgrading }: PlanComparisonProps) {
  const currentRank = plans.findIndex((p) => p.id === currentPlanId);
  return (
    <div className="plan-comparison" role="region" aria-label="Plan comparison" tabIndex={0}>
      <table className="plan-comparison__table" data-testid="plan-comparison">
        <caption className="ds-visually-hidden">Plans and their limits</caption>
        <thead>
          <tr>
            <td />
            {plans.map((plan) => (
              <th key={plan.id} scope="col" data-testid={`plan-${plan.id}`}>
                <span className="plan-comparison__name">{plan.name}</span>
                {plan.id === currentPlanId ? <Badge tone="info">Current plan</Badge> : null}
                <span className="plan-comparison__price">{formatPrice(plan, cycle)}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {ROWS.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {plans.map((plan) => (
                <td key={plan.id}>{row.value(plan)}</td>
              ))}
            </tr>
          ))}
          {onUpgrade ? (
            <tr>
              <td />
              {plans.map((plan, index) => (
                <td key={plan.id}>
                  {plan.id !== 'free' && index > currentRank && plan.prices.monthlyCents !== null ? (
                    <Button
                      variant={index === currentRank + 1 ? 'primary' : 'secondary'}
                      loading={isUpgrading}
                      onClick={() => onUpgrade(plan.id as Exclude<PlanId, 'free'>)}
                      data-testid={`upgrade-to-${plan.id}`}
                    >
                      Upgrade to {plan.name}
                    </Button>
                  ) : null}
                </td>
              ))}
            </tr>
          ) : null}
        </tbody>
      </table>
    </div>
  );
}
