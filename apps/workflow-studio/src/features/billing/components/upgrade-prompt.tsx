import { Link } from 'react-router';
import { Alert, Button, Modal, Spinner } from '@auterity/design-system';
import type { PlanLimitDetails } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { usePlans } from '../api/get-plans';
import { useSubscription } from '../api/get-subscription';
import { useCheckout } from '../api/payment-links';
import { formatMetric, METRIC_LABELS } from '../utils/billing-format';
import { PlanComparison } from './plan-comparison';

interface UpgradePromptProps {
  open: boolean;
  onClose: () => void;
  /** The limit that stopped the user (from the API's 402 answer); a generic text without it. */
  limit?: PlanLimitDetails | null;
  /** What the user tried to do, e.g. "create another workflow"; said from the limit's metric when not given. */
  action?: string;
}

const ACTIONS: Record<PlanLimitDetails['metric'], string> = {
  active_workflows: 'have more active workflows',
  executions: 'run more executions this billing period',
  ai_cost_usd: 'spend more on AI this month',
  members: 'add more members',
  api_requests: 'send more API requests a minute',
  gateway_access: 'use the AI gateway (/v1)',
};

/**
 * Shown wherever a plan limit stops the user: which limit, how much is used, the plans side by side
 * and the way up (checkout when payments are on; otherwise who to ask).
 */
export function UpgradePrompt({ open, onClose, limit, action }: UpgradePromptProps) {
  const plans = usePlans();
  const subscription = useSubscription();
  const checkout = useCheckout();
  const cycle = subscription.data?.billingCycle ?? 'monthly';
  return (
    <Modal
      open={open}
      onClose={onClose}
      title="Upgrade your plan"
      description={`Your plan does not allow you to ${action ?? (limit ? ACTIONS[limit.metric] : 'do this')}.`}
      footer={
        <>
          <Link to="/settings/billing" className="ds-button ds-button--secondary" onClick={onClose}>
            Plans and usage
          </Link>
          <Button onClick={onClose}>Not now</Button>
        </>
      }
    >
      <div className="upgrade-prompt" data-testid="upgrade-prompt">
        {limit?.metric === 'gateway_access' ? (
          <p className="upgrade-prompt__limit" data-testid="upgrade-prompt-limit">
            The {plans.data?.find((p) => p.id === limit.plan)?.name ?? limit.plan} plan does not include the AI gateway.
          </p>
        ) : limit ? (
          <p className="upgrade-prompt__limit" data-testid="upgrade-prompt-limit">
            {METRIC_LABELS[limit.metric]}: <strong>{formatMetric(limit.metric, limit.used)}</strong> of{' '}
            {formatMetric(limit.metric, limit.limit)} on the {plans.data?.find((p) => p.id === limit.plan)?.name ?? limit.plan}{' '}
            plan.
          </p>
        ) : null}
        {checkout.isError ? <Alert tone="error">{errorText(checkout.error)}</Alert> : null}
        {plans.isPending || subscription.isPending ? (
          <Spinner size="sm" label="Loading plans" />
        ) : plans.isError || subscription.isError ? (
          <Alert tone="error">Plans are unavailable right now.</Alert>
        ) : (
          <>
            <PlanComparison
              plans={plans.data}
              currentPlanId={subscription.data.planId}
              cycle={cycle}
              {...(subscription.data.paymentsEnabled
                ? {
                    onUpgrade: (planId) => checkout.mutate({ planId, billingCycle: cycle }),
                    isUpgrading: checkout.isPending,
                  }
                : {})}
            />
            {subscription.data.paymentsEnabled ? null : (
              <p className="muted small">To change plans, ask your platform administrator or contact sales.</p>
            )}
          </>
        )}
      </div>
    </Modal>
  );
}
