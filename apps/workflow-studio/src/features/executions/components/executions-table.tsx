import { Link } from 'react-router';
import { Badge, Table, type TableColumn } from '@auterity/design-system';
import type { ExecutionDto } from '@auterity/workflow-contracts';
import { formatDateTime } from '../../../utils/format-date';
import { EXECUTION_STATUS_LABELS, formatDuration, statusTone, TRIGGER_LABELS } from '../utils/execution-display';

interface ExecutionsTableProps {
  executions: readonly ExecutionDto[];
  /** Where an execution's detail opens. */
  hrefOf: (execution: ExecutionDto) => string;
  /** The workflow's name, when known (a deleted workflow has none). */
  workflowName: (workflowId: string) => string | undefined;
  /** Hide the workflow column (the list is already filtered to one workflow). */
  isWorkflowHidden?: boolean;
  busy?: boolean;
}

/** Executions, newest first: status, workflow and version, trigger, start and duration. */
export function ExecutionsTable({ executions, hrefOf, workflowName, isWorkflowHidden, busy }: ExecutionsTableProps) {
  const columns: TableColumn<ExecutionDto>[] = [
    {
      id: 'status',
      header: 'Status',
      cell: (e) => <Badge tone={statusTone(e.status)}>{EXECUTION_STATUS_LABELS[e.status]}</Badge>,
    },
    {
      id: 'execution',
      header: 'Workflow',
      isRowHeader: true,
      cell: (e) => (
        <span className="cell-stack">
          <Link to={hrefOf(e)} className="execution-link" data-testid="execution-link">
            {isWorkflowHidden
              ? `Run ${e.id.slice(0, 8)}`
              : (workflowName(e.workflowId) ?? `Workflow ${e.workflowId.slice(0, 8)}`)}
          </Link>
          <span className="muted small">
            {e.version ? `v${e.version} · ` : ''}
            <code>{e.id.slice(0, 8)}</code>
          </span>
        </span>
      ),
    },
    { id: 'trigger', header: 'Trigger', cell: (e) => TRIGGER_LABELS[e.trigger] },
    {
      id: 'started',
      header: 'Started',
      cell: (e) => {
        const at = e.startedAt ?? e.createdAt;
        return <time dateTime={at}>{formatDateTime(at)}</time>;
      },
    },
    {
      id: 'duration',
      header: 'Duration',
      align: 'end',
      cell: (e) => <span className="nowrap">{formatDuration(e.durationMs)}</span>,
    },
    {
      id: 'error',
      header: 'Error',
      cell: (e) =>
        e.error ? (
          <span className="step-error execution-error-cell" title={e.error.message}>
            {e.error.message}
          </span>
        ) : (
          <span className="muted">—</span>
        ),
    },
  ];
  return (
    <Table
      caption="Executions"
      columns={columns}
      rows={executions}
      rowKey={(e) => e.id}
      rowTestId={() => 'execution-row'}
      busy={busy}
    />
  );
}
