import { Link } from 'react-router';
import { Alert, Card, Spinner } from '@auterity/design-system';
import { ApiError } from '../../../lib/api-client';
import { errorText } from '../../../utils/error-text';
import { useAiBudgets } from '../api/get-ai-budgets';
import { useAiUsage } from '../api/get-ai-usage';
import { formatCount, formatUsd } from '../../../utils/format-money';
import { currentMonthRange } from '../utils/ai-format';
import { BudgetMeter } from './budget-meter';
import '../ai.css';

const TOP_MODELS = 5;

function isForbidden(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403;
}

/** The dashboard's "AI usage this month": spend against the organization's budget and the costliest models. */
export function AiUsageCard() {
  const month = currentMonthRange();
  const usage = useAiUsage({ groupBy: 'model', ...month });
  const budgets = useAiBudgets();
  const budget = budgets.data?.find((b) => b.scope === 'organization');
  const top = [...(usage.data?.rows ?? [])].sort((a, b) => Number(b.costUsd) - Number(a.costUsd)).slice(0, TOP_MODELS);

  return (
    <Card label="AI usage this month">
      <div className="ai-usage-card" data-testid="ai-usage-card">
        <div className="ai-usage-card__header">
          <h2 className="card-title">AI usage this month</h2>
          <Link to="/ai/usage" className="small">
            Usage details
          </Link>
        </div>
        {budgets.isPending ? null : budget ? (
          <BudgetMeter budget={budget} label="Organization AI budget used" />
        ) : budgets.isError && !isForbidden(budgets.error) ? (
          <Alert tone="error">{errorText(budgets.error)}</Alert>
        ) : null}
        {usage.isPending ? (
          <Spinner size="sm" label="Loading AI usage" />
        ) : usage.isError ? (
          <Alert tone="error">{errorText(usage.error)}</Alert>
        ) : top.length === 0 ? (
          <p className="muted">
            No AI calls yet this month. Add an <strong>AI: generate text</strong> node to a workflow to get started.
          </p>
        ) : (
          <>
            {budget ? null : (
              <p className="budget-meter__text">
                <strong>{formatUsd(usage.data.totalCostUsd)}</strong> spent this month
              </p>
            )}
            <h3 className="ai-usage-card__subtitle">Top models by cost</h3>
            <ol className="top-models" aria-label="Top models by cost">
              {top.map((row) => (
                <li key={row.key ?? 'unknown'} className="top-models__item">
                  <span className="top-models__name">
                    <code>{row.label ?? row.key ?? 'Unknown model'}</code>
                  </span>
                  <span className="muted small">
                    {formatCount(row.calls)} {row.calls === 1 ? 'call' : 'calls'} ·{' '}
                    {formatCount(row.inputTokens + row.outputTokens)} tokens
                  </span>
                  <strong className="top-models__cost">{formatUsd(row.costUsd)}</strong>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </Card>
  );
}
