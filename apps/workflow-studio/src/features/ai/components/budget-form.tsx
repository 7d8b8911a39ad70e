import { useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@auterity/design-system';
import { PutAiBudgetBodySchema, type AiBudgetDto } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { formatDate } from '../../../utils/format-date';
import { usePutAiBudget } from '../api/put-ai-budget';
import { formatUsd } from '../../../utils/format-money';
import { BudgetMeter } from './budget-meter';

interface BudgetFormProps {
  /** The organization's budget row. */
  budget: AiBudgetDto;
  /** Owners and admins change the limit; others only see it. */
  canEdit: boolean;
}

/** `$12.50` or `12.5` as typed → `12.50`-style decimal text the contract accepts. */
function normalizeAmount(text: string): string {
  return text.trim().replace(/^\$/, '').replace(/,/g, '').trim();
}

/** The organization's monthly AI spending limit: this month's spend against it, and a form to change it. */
export function BudgetForm({ budget, canEdit }: BudgetFormProps) {
  const put = usePutAiBudget();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isSaved, setIsSaved] = useState(false);

  const send = (monthlyLimitUsd: string | null) => {
    const parsed = PutAiBudgetBodySchema.safeParse({ monthlyLimitUsd });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    setIsSaved(false);
    put.mutate(
      { scope: budget.scope, scopeId: budget.scopeId, body: parsed.data },
      { onSuccess: () => setIsSaved(true), onError: (error) => setErrors(serverFieldErrors(error)) },
    );
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const raw = normalizeAmount(String(new FormData(event.currentTarget).get('monthlyLimitUsd') ?? ''));
    // The API keeps a higher override but the plan's limit stays in force; say so instead of pretending.
    if (raw !== '' && budget.planLimitUsd && Number(raw) > Number(budget.planLimitUsd)) {
      const plan = formatUsd(budget.planLimitUsd);
      return setErrors({ monthlyLimitUsd: `Your plan allows at most ${plan} a month; enter ${plan} or less.` });
    }
    send(raw === '' ? null : raw);
  };

  const formError = put.isError && Object.keys(errors).length === 0 ? errorText(put.error) : null;
  // An override is in force when the limit differs from the plan's (or there is no plan limit at all).
  const hasOverride =
    budget.monthlyLimitUsd !== null && (!budget.planLimitUsd || Number(budget.monthlyLimitUsd) !== Number(budget.planLimitUsd));
  const planHint = budget.planLimitUsd
    ? `Your plan allows up to ${formatUsd(budget.planLimitUsd)} a month; a limit here can only lower it.`
    : 'Leave empty for no limit.';
  return (
    <div className="budget-form" data-testid="ai-budget">
      <BudgetMeter budget={budget} label="Organization AI budget used" />
      <p className="muted small">Since {formatDate(budget.periodStart)}. AI calls are refused once the limit is reached.</p>
      {canEdit ? (
        <form className="budget-form__form" onSubmit={handleSubmit} noValidate>
          {formError ? <Alert tone="error">{formError}</Alert> : null}
          {isSaved && !put.isPending ? <Alert tone="success">The monthly limit is saved.</Alert> : null}
          <div className="budget-form__row">
            <TextField
              // A new server value (after saving) resets the field to what is in force.
              key={budget.monthlyLimitUsd ?? 'none'}
              label="Monthly limit (USD)"
              name="monthlyLimitUsd"
              inputMode="decimal"
              placeholder="e.g. 50.00"
              defaultValue={budget.monthlyLimitUsd ?? ''}
              data-testid="ai-budget-input"
              hint={planHint}
              error={errors.monthlyLimitUsd}
            />
            <Button type="submit" loading={put.isPending} data-testid="ai-budget-save">
              Save limit
            </Button>
            {hasOverride ? (
              <Button variant="ghost" disabled={put.isPending} onClick={() => send(null)}>
                {budget.planLimitUsd ? 'Use the plan’s limit' : 'Remove limit'}
              </Button>
            ) : null}
          </div>
        </form>
      ) : (
        <p className="muted small">Only owners and admins can change the limit.</p>
      )}
    </div>
  );
}
