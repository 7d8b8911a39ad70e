import { Badge } from '@auterity/design-system';
import type { ExecutionStepDto } from '@auterity/workflow-contracts';
import { formatDuration, STEP_STATUS_LABELS, statusTone } from '../utils/execution-display';

export interface StepListNode {
  id: string;
  label: string;
}

interface StepListProps {
  /** Every node of the version that ran, in the order to list them. */
  nodes: readonly StepListNode[];
  steps: readonly ExecutionStepDto[];
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
  isRunning: boolean;
  /** Nodes a live run has reached but that have not reported yet. */
  runningNodeIds: ReadonlySet<string>;
}

/**
 * The execution's nodes as a keyboard-friendly list: finished steps first (in the order they
 * started), then the nodes that have not run. Picking one opens it in the step inspector.
 */
export function StepList({ nodes, steps, selectedNodeId, onSelect, isRunning, runningNodeIds }: StepListProps) {
  const byNode = new Map(steps.map((s) => [s.nodeId, s]));
  const ordered = [...steps].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
  const labels = new Map(nodes.map((n) => [n.id, n.label]));
  const rows = [
    ...ordered.map((s) => ({ id: s.nodeId, label: labels.get(s.nodeId) ?? s.nodeId })),
    ...nodes.filter((n) => !byNode.has(n.id)),
  ];
  return (
    <ol className="step-list" aria-label="Steps">
      {rows.map((row) => {
        const step = byNode.get(row.id);
        return (
          <li key={row.id}>
            <button
              type="button"
              className="step-list__item"
              data-testid="step-row"
              aria-current={row.id === selectedNodeId || undefined}
              onClick={() => onSelect(row.id)}
            >
              <span className="step-list__label">{row.label}</span>
              {step ? (
                <Badge tone={statusTone(step.status)}>{STEP_STATUS_LABELS[step.status]}</Badge>
              ) : runningNodeIds.has(row.id) ? (
                <Badge tone="info">Running</Badge>
              ) : (
                <Badge tone="neutral">{isRunning ? 'Waiting' : 'Not run'}</Badge>
              )}
              <span className="step-list__duration muted small">
                {step ? formatDuration(step.durationMs) : ''}
                {step && step.attempts > 1 ? ` · ${step.attempts} attempts` : ''}
              </span>
            </button>
          </li>
        );
      })}
    </ol>
  );
}
