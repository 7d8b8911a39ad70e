import { Badge } from '@auterity/design-system';
import type { ExecutionStepDto } from '@auterity/workflow-contracts';
import { formatCount, formatUsd } from '../../../utils/format-money';
import { formatDuration } from '../utils/execution-display';

/** Whether a step called a model (AI nodes record the model, tokens, cost and the calls made). */
export function hasAiDetails(step: ExecutionStepDto): boolean {
  return step.model !== undefined || step.tokens !== undefined || step.cost !== undefined || (step.aiAttempts?.length ?? 0) > 0;
}

/**
 * What an AI step cost: the model that answered, input and output tokens, the price in USD, and each
 * provider call of the fallback chain with its outcome and latency.
 */
export function AiStepDetails({ step }: { step: ExecutionStepDto }) {
  if (!hasAiDetails(step)) return <span className="muted">—</span>;
  const attempts = step.aiAttempts ?? [];
  const hasFailure = attempts.some((a) => !a.ok);
  return (
    <div className="step-ai" data-testid="step-ai">
      {step.model ? (
        <code className="step-ai__model" data-testid="step-ai-model">
          {step.model}
        </code>
      ) : null}
      <span className="step-ai__numbers">
        {step.tokens ? (
          <span data-testid="step-ai-tokens">
            {formatCount(step.tokens.input)} in / {formatCount(step.tokens.output)} out tokens
          </span>
        ) : null}
        {step.cost !== undefined ? (
          <span data-testid="step-ai-cost" title={`${step.cost} USD`}>
            {formatUsd(step.cost)}
          </span>
        ) : null}
      </span>
      {attempts.length > 0 ? (
        <details className="step-ai__attempts" open={hasFailure || undefined}>
          <summary>
            {attempts.length === 1 ? '1 call' : `${attempts.length} calls`}
            {hasFailure ? ` · ${attempts.filter((a) => !a.ok).length} failed` : ''}
          </summary>
          <ol className="attempt-list" data-testid="step-ai-attempts">
            {attempts.map((attempt, index) => (
              <li key={`${attempt.model}-${index}`} className="attempt-list__item">
                <code>{attempt.model}</code>
                <Badge tone={attempt.ok ? 'success' : 'danger'}>{attempt.ok ? 'OK' : 'Failed'}</Badge>
                {attempt.ok ? null : (
                  <span className="step-error">
                    {attempt.error ?? 'error'}
                    {attempt.status === undefined ? '' : ` (HTTP ${attempt.status})`}
                  </span>
                )}
                <span className="muted small nowrap">{formatDuration(attempt.latencyMs)}</span>
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </div>
  );
}
