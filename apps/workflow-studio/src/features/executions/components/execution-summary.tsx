import { Link } from 'react-router';
import { Alert, Badge, Button, Spinner } from '@auterity/design-system';
import type { ExecutionDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { formatDateTime } from '../../../utils/format-date';
import { formatCount, formatUsd, sumUsd } from '../../../utils/format-money';
import { useCancelExecution } from '../api/cancel-execution';
import { isTerminal } from '../api/get-execution';
import { useRerunExecution } from '../api/rerun-execution';
import { EXECUTION_STATUS_LABELS, formatDuration, prettyJson, statusTone, TRIGGER_LABELS } from '../utils/execution-display';
import '../executions.css';
import '../execution-pages.css';

interface ExecutionSummaryProps {
  execution: ExecutionDto;
  /** The workflow's name, when it still exists. */
  workflowName: string | undefined;
  /** The workflow's editor. */
  workflowHref: string;
  /** The workflow's other executions. */
  workflowExecutionsHref: string;
  canRun: boolean;
  /** Called with the execution a re-run created. */
  onRerun: (execution: ExecutionDto) => void;
}

/** The AI spend of an execution: its steps' costs and tokens summed; null when no step called a model. */
function aiTotals(execution: ExecutionDto): { cost: string; tokens: number } | null {
  const steps = (execution.steps ?? []).filter((s) => s.cost !== undefined || s.tokens !== undefined);
  if (steps.length === 0) return null;
  return {
    cost: sumUsd(steps.flatMap((s) => (s.cost === undefined ? [] : [s.cost]))),
    tokens: steps.reduce((total, s) => total + (s.tokens ? s.tokens.input + s.tokens.output : 0), 0),
  };
}

/**
 * The head of an execution's page: workflow and version, status, trigger, start, duration and AI
 * cost, with Re-run (a finished execution) or Cancel (a running one), and its output or error.
 */
export function ExecutionSummary({
  execution,
  workflowName,
  workflowHref,
  workflowExecutionsHref,
  canRun,
  onRerun,
}: ExecutionSummaryProps) {
  const cancel = useCancelExecution();
  const rerun = useRerunExecution();
  const isRunning = !isTerminal(execution.status);
  const ai = aiTotals(execution);
  const startedAt = execution.startedAt ?? execution.createdAt;

  return (
    <header className="execution-summary" aria-live="polite">
      <div className="execution-summary__top">
        <div className="execution-summary__title">
          <p className="execution-summary__crumbs">
            <Link to="/executions">Executions</Link>
            <span aria-hidden="true"> / </span>
            <Link to={workflowExecutionsHref}>{workflowName ?? 'Deleted workflow'}</Link>
          </p>
          <h1 className="page-header__title">
            {workflowName ?? 'Execution'}
            <span className="muted execution-summary__id"> · run {execution.id.slice(0, 8)}</span>
          </h1>
        </div>
        <div className="execution-summary__actions">
          {workflowName ? (
            <Link className="ds-button ds-button--ghost ds-button--sm" to={workflowHref}>
              Open in editor
            </Link>
          ) : null}
          {canRun && isRunning ? (
            <Button
              variant="danger"
              size="sm"
              data-testid="cancel-execution-button"
              loading={cancel.isPending}
              onClick={() => cancel.mutate(execution.id)}
            >
              Cancel run
            </Button>
          ) : null}
          {canRun && !isRunning ? (
            <Button
              variant="secondary"
              size="sm"
              data-testid="rerun-button"
              loading={rerun.isPending}
              onClick={() => rerun.mutate(execution.id, { onSuccess: onRerun })}
            >
              Re-run
            </Button>
          ) : null}
        </div>
      </div>
      {cancel.isError ? <Alert tone="error">{errorText(cancel.error)}</Alert> : null}
      {rerun.isError ? <Alert tone="error">{errorText(rerun.error)}</Alert> : null}
      <dl className="fact-list fact-list--row">
        <div>
          <dt>Status</dt>
          <dd className="execution-summary__status" data-testid="execution-status">
            <Badge tone={statusTone(execution.status)}>{EXECUTION_STATUS_LABELS[execution.status]}</Badge>
            {isRunning ? <Spinner size="sm" label="Running" /> : null}
          </dd>
        </div>
        <div>
          <dt>Version</dt>
          <dd>{execution.version ? `v${execution.version}` : '—'}</dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>{TRIGGER_LABELS[execution.trigger]}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <time dateTime={startedAt}>{formatDateTime(startedAt)}</time>
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="execution-duration">{formatDuration(execution.durationMs)}</dd>
        </div>
        <div>
          <dt>AI cost</dt>
          <dd data-testid="execution-ai-cost">
            {ai ? (
              <>
                {formatUsd(ai.cost)} <span className="muted small">· {formatCount(ai.tokens)} tokens</span>
              </>
            ) : (
              <span className="muted">—</span>
            )}
          </dd>
        </div>
      </dl>
      {execution.status === 'succeeded' ? (
        <details className="execution-summary__output">
          <summary>Output</summary>
          <pre className="code-block" data-testid="execution-output">
            {prettyJson(execution.output)}
          </pre>
        </details>
      ) : null}
      {isTerminal(execution.status) && execution.status !== 'succeeded' ? (
        <div className="run-result__block run-result__block--error" data-testid="execution-error" role="alert">
          <h2 className="run-result__heading">{EXECUTION_STATUS_LABELS[execution.status]}</h2>
          <p className="run-result__message" data-testid="error-message">
            {execution.error?.message ?? 'The run did not finish.'}
          </p>
        </div>
      ) : null}
    </header>
  );
}
