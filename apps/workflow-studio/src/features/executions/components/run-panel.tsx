import { Link } from 'react-router';
import { Alert, Badge, Button, Spinner } from '@auterity/design-system';
import type { ExecutionDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { formatCount, formatUsd, sumUsd } from '../../../utils/format-money';
import { formatDateTime } from '../../../utils/format-date';
import { useCancelExecution } from '../api/cancel-execution';
import { isTerminal } from '../api/get-execution';
import { useWorkflowExecutions } from '../api/get-executions';
import { useRerunExecution } from '../api/rerun-execution';
import type { WorkflowRun } from '../hooks/use-workflow-run';
import { EXECUTION_STATUS_LABELS, formatDuration, prettyJson, statusTone } from '../utils/execution-display';
import { StepTable } from './step-table';
import '../executions.css';

interface RunPanelProps {
  workflowId: string;
  run: WorkflowRun;
  canRun: boolean;
  nodeLabel: (nodeId: string) => string | undefined;
}

/** The AI spend of a run: the sum of its steps' costs and tokens; null when no step called a model. */
function AiRunSummary({ execution }: { execution: ExecutionDto }) {
  const steps = (execution.steps ?? []).filter((s) => s.cost !== undefined || s.tokens !== undefined);
  if (steps.length === 0) return null;
  const cost = sumUsd(steps.flatMap((s) => (s.cost === undefined ? [] : [s.cost])));
  const tokens = steps.reduce((total, s) => total + (s.tokens ? s.tokens.input + s.tokens.output : 0), 0);
  return (
    <span className="muted small" data-testid="execution-ai-cost">
      AI: {formatUsd(cost)} · {formatCount(tokens)} tokens
    </span>
  );
}

function ExecutionResult({
  execution,
  nodeLabel,
  onSelect,
}: {
  execution: ExecutionDto;
  nodeLabel: RunPanelProps['nodeLabel'];
  onSelect: (id: string) => void;
}) {
  const cancel = useCancelExecution();
  const rerun = useRerunExecution();
  const isRunning = !isTerminal(execution.status);
  const failedNode = execution.error?.nodeId ? (nodeLabel(execution.error.nodeId) ?? execution.error.nodeId) : null;

  return (
    <div className="run-result" aria-live="polite">
      <div className="run-result__meta">
        <Badge tone={statusTone(execution.status)}>{EXECUTION_STATUS_LABELS[execution.status]}</Badge>
        {isRunning ? <Spinner size="sm" label="Running" /> : null}
        <span className="muted small">
          {execution.version ? `Version ${execution.version} · ` : ''}
          {formatDateTime(execution.createdAt)} · {formatDuration(execution.durationMs)}
        </span>
        <AiRunSummary execution={execution} />
        <span className="run-result__actions">
          <Link
            to={`/executions/${execution.id}`}
            className="ds-button ds-button--ghost ds-button--sm"
            data-testid="execution-details-link"
          >
            Details
          </Link>
          {isRunning ? (
            <Button variant="secondary" size="sm" loading={cancel.isPending} onClick={() => cancel.mutate(execution.id)}>
              Cancel run
            </Button>
          ) : (
            <Button
              variant="secondary"
              size="sm"
              loading={rerun.isPending}
              onClick={() => rerun.mutate(execution.id, { onSuccess: (next) => onSelect(next.id) })}
            >
              Re-run
            </Button>
          )}
        </span>
      </div>
      {cancel.isError ? <Alert tone="error">{errorText(cancel.error)}</Alert> : null}
      {rerun.isError ? <Alert tone="error">{errorText(rerun.error)}</Alert> : null}
      {execution.status === 'succeeded' ? (
        <div className="run-result__block run-result__block--success" data-testid="execution-completed">
          <h3 className="run-result__heading">Output</h3>
          <pre className="code-block" data-testid="execution-output">
            {prettyJson(execution.output)}
          </pre>
        </div>
      ) : null}
      {isTerminal(execution.status) && execution.status !== 'succeeded' ? (
        <div className="run-result__block run-result__block--error" data-testid="execution-error" role="alert">
          <h3 className="run-result__heading">{EXECUTION_STATUS_LABELS[execution.status]}</h3>
          <p className="run-result__message" data-testid="error-message">
            {execution.error?.message ?? 'The run did not finish.'}
          </p>
          {failedNode ? <p className="muted small">At node {failedNode}</p> : null}
        </div>
      ) : null}
      {execution.steps && execution.steps.length > 0 ? <StepTable steps={execution.steps} nodeLabel={nodeLabel} /> : null}
      {isRunning && (execution.steps?.length ?? 0) === 0 ? <p className="muted small">Waiting for the first step…</p> : null}
    </div>
  );
}

function History({
  workflowId,
  selectedId,
  onSelect,
}: {
  workflowId: string;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const executions = useWorkflowExecutions(workflowId);
  if (executions.isPending) return <Spinner size="sm" label="Loading runs" />;
  if (executions.isError) return <Alert tone="error">{errorText(executions.error)}</Alert>;
  if (executions.data.length === 0) return <p className="muted small">No runs yet. Press Run to try the workflow.</p>;
  return (
    <ul className="run-history" aria-label="Recent runs">
      {executions.data.map((execution) => (
        <li key={execution.id}>
          <button
            type="button"
            className="run-history__item"
            aria-current={execution.id === selectedId || undefined}
            onClick={() => onSelect(execution.id)}
          >
            <Badge tone={statusTone(execution.status)}>{EXECUTION_STATUS_LABELS[execution.status]}</Badge>
            <span className="run-history__when">{formatDateTime(execution.createdAt)}</span>
            <span className="run-history__duration">
              {execution.trigger} · {formatDuration(execution.durationMs)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * The bottom dock of the editor: the run input, the result of the run on display (output, error or
 * the problems that stopped it), its steps, and the workflow's recent runs.
 */
export function RunPanel({ workflowId, run, canRun, nodeLabel }: RunPanelProps) {
  const { startError, execution } = run;
  return (
    <section className="run-panel" aria-labelledby="run-panel-title">
      <div className="run-panel__main">
        <header className="run-panel__header">
          <h2 id="run-panel-title" className="run-panel__title">
            Run
          </h2>
          {!canRun ? <span className="muted small">Your role cannot run workflows.</span> : null}
        </header>
        <details className="run-input">
          <summary>Input (JSON)</summary>
          <textarea
            className="ds-input code-input"
            rows={4}
            spellCheck={false}
            aria-label="Run input as JSON"
            data-testid="execution-input"
            placeholder='{ "name": "Ada" }'
            value={run.inputText}
            aria-invalid={run.inputError ? true : undefined}
            onChange={(event) => run.setInputText(event.target.value)}
          />
          <span className={run.inputError ? 'ds-field__error' : 'ds-field__hint'}>
            {run.inputError ?? 'Templates read it as {{ field }}. Leave empty for {}.'}
          </span>
        </details>
        {run.inputError ? <Alert tone="error">{run.inputError}</Alert> : null}
        {startError ? (
          <div className="run-result__block run-result__block--error" data-testid="execution-error" role="alert">
            <h3 className="run-result__heading">
              {startError.code === 'workflow_invalid' ? 'The workflow cannot run yet' : 'The run did not start'}
            </h3>
            <p className="run-result__message" data-testid="error-message">
              {startError.code === 'workflow_invalid' ? startError.message : errorText(startError)}
            </p>
            {run.issues.length > 0 ? (
              <ul className="issue-list" data-testid="validation-issues">
                {run.issues.map((issue, index) => (
                  <li key={`${issue.nodeId ?? 'graph'}-${issue.field ?? ''}-${index}`}>
                    {issue.nodeId ? <strong>{nodeLabel(issue.nodeId) ?? issue.nodeId}: </strong> : null}
                    {issue.message}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : run.isLoadingExecution ? (
          <Spinner size="sm" label="Starting the run" />
        ) : execution ? (
          <ExecutionResult execution={execution} nodeLabel={nodeLabel} onSelect={run.select} />
        ) : (
          <p className="muted small">Press Run to execute the saved workflow. Each node shows its status as the run goes.</p>
        )}
      </div>
      <aside className="run-panel__history" aria-labelledby="run-history-title">
        <div className="run-panel__history-header">
          <h2 id="run-history-title" className="run-panel__title">
            Recent runs
          </h2>
          <Link to={`/executions?workflowId=${workflowId}`} className="small" data-testid="workflow-executions-link">
            All runs
          </Link>
        </div>
        <History workflowId={workflowId} selectedId={run.selectedId} onSelect={run.select} />
      </aside>
    </section>
  );
}
