import { Badge, Table, type TableColumn } from '@auterity/design-system';
import type { ExecutionStepDto } from '@auterity/workflow-contracts';
import { formatDuration, prettyJson, STEP_STATUS_LABELS, statusTone } from '../utils/execution-display';
import { AiStepDetails, hasAiDetails } from './ai-step-details';

interface StepTableProps {
  steps: readonly ExecutionStepDto[];
  /** The node's label on the canvas, when it still exists. */
  nodeLabel: (nodeId: string) => string | undefined;
}

function Payload({ label, value }: { label: string; value: unknown }) {
  if (value === undefined || value === null) return <span className="muted">—</span>;
  const text = prettyJson(value);
  return (
    <details className="payload">
      <summary>
        {label} <span className="muted small">({text.length > 60 ? `${text.slice(0, 57)}…` : text})</span>
      </summary>
      <pre className="code-block">{text}</pre>
    </details>
  );
}

/** Every step of a run: status, attempts, duration, and its input, output or error on demand. */
export function StepTable({ steps, nodeLabel }: StepTableProps) {
  const ordered = [...steps].sort((a, b) => (a.startedAt ?? '').localeCompare(b.startedAt ?? ''));
  const columns: TableColumn<ExecutionStepDto>[] = [
    {
      id: 'node',
      header: 'Node',
      isRowHeader: true,
      cell: (s) => (
        <span className="cell-stack">
          <span>{nodeLabel(s.nodeId) ?? s.nodeId}</span>
          <code className="muted small">{s.nodeId}</code>
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: (s) => <Badge tone={statusTone(s.status)}>{STEP_STATUS_LABELS[s.status]}</Badge> },
    { id: 'attempts', header: 'Attempts', align: 'end', cell: (s) => s.attempts },
    {
      id: 'duration',
      header: 'Duration',
      align: 'end',
      cell: (s) => <span className="nowrap">{formatDuration(s.durationMs)}</span>,
    },
    { id: 'input', header: 'Input', cell: (s) => <Payload label="Input" value={s.input} /> },
    {
      id: 'result',
      header: 'Output / error',
      cell: (s) =>
        s.error ? (
          <span className="step-error">
            <code>{s.error.code}</code> {s.error.message}
          </span>
        ) : (
          <Payload label="Output" value={s.output} />
        ),
    },
  ];
  if (ordered.some(hasAiDetails)) {
    // Only runs with AI steps get the column; the others keep their width for payloads.
    columns.splice(4, 0, { id: 'ai', header: 'Model / cost', cell: (s) => <AiStepDetails step={s} /> });
  }
  return <Table caption="Steps of this run" columns={columns} rows={ordered} rowKey={(s) => s.nodeId} />;
}
