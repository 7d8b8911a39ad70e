import { useState } from 'react';
import { Alert, Badge, Button, Card, Select, Spinner, Table } from '@auterity/design-system';
import type { BillingCycle, SubscriptionDto, UsageDto } from '@auterity/workflow-contracts';
import { usePermission } from '../../../hooks/use-permission';
import { errorText } from '../../../utils/error-text';
import { formatDate } from '../../../utils/format-date';
import { useSetCancelAtPeriodEnd } from '../api/cancel-subscription';
import { usePlans } from '../api/get-plans';
import { useSubscription } from '../api/get-subscription';
import { useUsage } from '../api/get-usage';
import { useCheckout, usePortal } from '../api/payment-links';
import { formatMetric, METRIC_LABELS } from '../utils/billing-format';
import { PlanComparison } from './plan-comparison';
import { UsageMeters } from './usage-meters';
import '../billing.css';

const STATUS: Record<SubscriptionDto['status'], { label: string; tone: 'success' | 'info' | 'warning' | 'danger' }> = {
  active: { label: 'Active', tone: 'success' },
  trialing: { label: 'Trial', tone: 'info' },
  past_due: { label: 'Payment overdue', tone: 'warning' },
  suspended: { label: 'Suspended', tone: 'danger' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
};

const CYCLES = [
  { value: 'monthly', label: 'Monthly billing' },
  { value: 'yearly', label: 'Yearly billing' },
];

type Period = UsageDto['periods'][number];

function SubscriptionCard({ subscription, planName }: { subscription: SubscriptionDto; planName: (id: string) => string }) {
  const canManage = usePermission('billing:manage');
  const cancel = useSetCancelAtPeriodEnd();
  const portal = usePortal();
  const status = STATUS[subscription.status];
  return (
    <Card label="Current plan">
      <h2 className="card-title">Current plan</h2>
      {subscription.status === 'past_due' ? (
        <Alert tone="warning">The last payment failed. Update the payment method before the period ends to keep the plan.</Alert>
      ) : null}
      {cancel.isError ? <Alert tone="error">{errorText(cancel.error)}</Alert> : null}
      {portal.isError ? <Alert tone="error">{errorText(portal.error)}</Alert> : null}
      <dl className="billing-facts">
        <dt>Plan</dt>
        <dd data-testid="billing-plan">{planName(subscription.planId)}</dd>
        <dt>Status</dt>
        <dd>
          <Badge tone={status.tone}>
            <span data-testid="billing-status">{status.label}</span>
          </Badge>
        </dd>
        <dt>Billing period</dt>
        <dd>
          {formatDate(subscription.currentPeriodStart)} – {formatDate(subscription.currentPeriodEnd)} ({subscription.billingCycle}
          )
        </dd>
        {subscription.trialEnd && subscription.status === 'trialing' ? (
          <>
            <dt>Trial ends</dt>
            <dd>{formatDate(subscription.trialEnd)}</dd>
          </>
        ) : null}
        {subscription.pendingPlanId ? (
          <>
            <dt>Next period</dt>
            <dd>Moves to {planName(subscription.pendingPlanId)}</dd>
          </>
        ) : null}
        {subscription.cancelAtPeriodEnd ? (
          <>
            <dt>Cancellation</dt>
            <dd>Ends on {formatDate(subscription.currentPeriodEnd)}, then Free</dd>
          </>
        ) : null}
      </dl>
      {canManage && subscription.planId !== 'free' && subscription.status !== 'cancelled' ? (
        <div className="billing-actions">
          <Button
            variant="secondary"
            loading={cancel.isPending}
            onClick={() => cancel.mutate(!subscription.cancelAtPeriodEnd)}
            data-testid="toggle-cancel-subscription"
          >
            {subscription.cancelAtPeriodEnd ? 'Keep the subscription' : 'Cancel at the end of the period'}
          </Button>
          {subscription.paymentsEnabled ? (
            <Button variant="secondary" loading={portal.isPending} onClick={() => portal.mutate()}>
              Payment methods and invoices
            </Button>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

/** `/settings/billing`: the plan and its status, usage meters, the plans side by side and past periods. */
export function BillingOverview() {
  const subscription = useSubscription();
  const usage = useUsage();
  const plans = usePlans();
  const checkout = useCheckout();
  const canManage = usePermission('billing:manage');
  const [cycle, setCycle] = useState<BillingCycle | null>(null);

  if (subscription.isPending || usage.isPending || plans.isPending) return <Spinner label="Loading billing" />;
  const failed = subscription.error ?? usage.error ?? plans.error;
  if (failed || !subscription.data || !usage.data || !plans.data) {
    return <Alert tone="error">Could not load billing: {errorText(failed)}</Alert>;
  }
  const planName = (id: string) => plans.data.find((p) => p.id === id)?.name ?? id;
  const chosenCycle = cycle ?? subscription.data.billingCycle;
  const past = usage.data.periods.slice(1);
  return (
    <div className="billing-page" data-testid="billing-page">
      <SubscriptionCard subscription={subscription.data} planName={planName} />
      <Card label="Usage this period">
        <h2 className="card-title">Usage this period</h2>
        <UsageMeters meters={usage.data.meters} />
      </Card>
      <Card label="Plans">
        <div className="billing-actions">
          <h2 className="card-title">Plans</h2>
          <Select
            label="Billing cycle"
            isLabelHidden
            value={chosenCycle}
            options={CYCLES}
            onChange={(event) => setCycle(event.target.value === 'yearly' ? 'yearly' : 'monthly')}
          />
        </div>
        {checkout.isError ? <Alert tone="error">{errorText(checkout.error)}</Alert> : null}
        <PlanComparison
          plans={plans.data}
          currentPlanId={subscription.data.planId}
          cycle={chosenCycle}
          {...(subscription.data.paymentsEnabled && canManage
            ? { onUpgrade: (planId) => checkout.mutate({ planId, billingCycle: chosenCycle }), isUpgrading: checkout.isPending }
            : {})}
        />
        {subscription.data.paymentsEnabled ? null : (
          <p className="muted small">Plans are changed by your platform administrator; contact sales to upgrade.</p>
        )}
      </Card>
      {past.length > 0 ? (
        <Card label="Past periods">
          <h2 className="card-title">Past periods</h2>
          <div className="billing-history">
            <Table<Period>
              caption="Usage of past billing periods"
              rows={past}
              rowKey={(p) => p.periodStart}
              columns={[
                {
                  id: 'period',
                  header: 'Period',
                  isRowHeader: true,
                  cell: (p) => `${formatDate(p.periodStart)} – ${formatDate(p.periodEnd)}`,
                },
                ...(['executions', 'ai_cost_usd', 'api_requests', 'active_workflows', 'members'] as const).map((metric) => ({
                  id: metric,
                  header: METRIC_LABELS[metric].replace(' this period', '').replace(' this month', ''),
                  align: 'end' as const,
                  cell: (p: Period) => formatMetric(metric, p.metrics[metric] ?? 0),
                })),
              ]}
            />
          </div>
        </Card>
      ) : null}
    </div>
  );
}
