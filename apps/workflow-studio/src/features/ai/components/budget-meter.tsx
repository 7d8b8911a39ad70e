import type { AiBudgetDto } from '@auterity/workflow-contracts';
import { formatUsd } from '../../../utils/format-money';

interface BudgetMeterProps {
  budget: AiBudgetDto;
  /** Accessible name of the bar, e.g. "Organization budget used". */
  label: string;
}

function toneOf(percent: number): 'ok' | 'warning' | 'danger' {
  if (percent >= 100) return 'danger';
  if (percent >= 80) return 'warning';
  return 'ok';
}

/** This month's spend against a budget: a progress bar with the amounts in words beside it. */
export function BudgetMeter({ budget, label }: BudgetMeterProps) {
  const spent = formatUsd(budget.spentUsd);
  if (budget.monthlyLimitUsd === null || budget.percent === null) {
    return (
      <p className="budget-meter__text" data-testid="budget-spent">
        <strong>{spent}</strong> spent this month · no limit set
      </p>
    );
  }
  const percent = Math.max(0, budget.percent);
  return (
    <div className="budget-meter">
      <div
        className={`budget-meter__bar budget-meter__bar--${toneOf(percent)}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(100, Math.round(percent))}
        aria-valuetext={`${spent} of ${formatUsd(budget.monthlyLimitUsd)} (${Math.round(percent)}%)`}
      >
        <span className="budget-meter__fill" style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <p className="budget-meter__text" data-testid="budget-spent">
        <strong>{spent}</strong> of {formatUsd(budget.monthlyLimitUsd)} · {Math.round(percent)}%
        {percent >= 100 ? ' · limit reached, AI calls are refused until next month' : ''}
      </p>
    </div>
  );
}
