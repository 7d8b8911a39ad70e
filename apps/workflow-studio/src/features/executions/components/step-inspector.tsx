import { Badge, Button } from '@auterity/design-system';
import type { ExecutionStepDto } from '@auterity/workflow-contracts';
import { formatDateTime } from '../../../utils/format-date';
import { formatDuration, prettyJson, STEP_STATUS_LABELS, statusTone } from '../utils/execution-display';
import { AiStepDetails, hasAiDetails } from './ai-step-details';
import '../executions.css';
import '../execution-pages.css';

interface StepInspectorProps {
  nodeId: string;
  /** The node's label and type name in the version that ran. */
  label: string;
  typeLabel: string;
  /** The node's step; undefined when the execution never reached it (or has not yet). */
  step: ExecutionStepDto | undefined;
  isRunning: boolean;
  onClose: () => void;
}

function Block({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  return (
    <section className="inspector-block">
      <h3 className="inspector-block__title">{title}</h3>
      {value === undefined || value === null ? (
        <p className="muted small">Nothing recorded.</p>
      ) : (
        <pre className="code-block" data-testid={testId}>
          {prettyJson(value)}
        </pre>
      )}
    </section>
  );
}

/**
 * One step of an execution: status, timings, attempts, the input it received, its output or error,
 * and for AI steps the model, tokens, cost and provider calls. Payloads render as text only.
 */
export function StepInspector({ nodeId, label, typeLabel, step, isRunning, onClose }: StepInspectorProps) {
  return (
    <section className="step-inspector" data-testid="step-inspector" aria-labelledby="step-inspector-title">
      <header className="step-inspector__header">
        <span className="cell-stack">
          <h2 id="step-inspector-title" className="step-inspector__title">
            {label}
          </h2>
          <span className="muted small">
            {typeLabel} · <code>{nodeId}</code>
          </span>
        </span>
        <Button variant="ghost" size="sm" aria-label="Close the step inspector" onClick={onClose}>
          ✕
        </Button>
      </header>
      {step ? (
        <>
          <dl className="fact-list">
            <div>
              <dt>Status</dt>
              <dd>
                <Badge tone={statusTone(step.status)}>{STEP_STATUS_LABELS[step.status]}</Badge>
              </dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd data-testid="step-duration">{formatDuration(step.durationMs)}</dd>
            </div>
            <div>
              <dt>Attempts</dt>
              <dd data-testid="step-attempts">
                {step.attempts}
                {step.attempts > 1 ? <span className="muted small"> ({step.attempts - 1} retried)</span> : null}
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{step.startedAt ? formatDateTime(step.startedAt) : '—'}</dd>
            </div>
          </dl>
          {step.error ? (
            <div className="run-result__block run-result__block--error" role="alert" data-testid="step-error">
              <h3 className="run-result__heading">Error</h3>
              <p className="run-result__message">
                <code>{step.error.code}</code> {step.error.message}
              </p>
            </div>
          ) : null}
          {hasAiDetails(step) ? (
            <section className="inspector-block">
              <h3 className="inspector-block__title">Model</h3>
              <AiStepDetails step={step} />
            </section>
          ) : null}
          <Block title="Input" value={step.input} testId="step-input" />
          {step.error ? null : <Block title="Output" value={step.output} testId="step-output" />}
        </>
      ) : (
        <p className="muted" data-testid="step-not-run">
          {isRunning
            ? 'This node has not finished yet. Its result appears here as soon as it does.'
            : 'This node did not run in this execution: an earlier step failed, a branch skipped past it, or the run was stopped.'}
        </p>
      )}
    </section>
  );
}
