import type { ReactNode } from 'react';
import { Link } from 'react-router';
import '../dashboard.css';
import { Badge } from '@auterity/design-system';
import type { ExecutionDto } from '@auterity/workflow-contracts';
import { formatDateTime, formatTimeAgo } from '../../../utils/format-date';
import { EXECUTION_STATUS_LABELS, formatDuration, statusTone } from '../utils/execution-display';

interface RecentExecutionsProps {
  executions: readonly ExecutionDto[];
  /** The workflow's name, when known (a deleted workflow has none). */
  workflowName: (workflowId: string) => string | undefined;
  /** Shown instead of the list when there is no run yet. */
  empty: ReactNode;
}

/** The latest runs as a compact list: workflow, status, when and how long; each opens its detail. */
export function RecentExecutions({ executions, workflowName, empty }: RecentExecutionsProps) {
  if (executions.length === 0) return <>{empty}</>;
  return (
    <ul className="dashboard-list">
      {executions.map((e) => {
        const at = e.startedAt ?? e.createdAt;
        return (
          <li key={e.id} className="dashboard-list__row" data-testid="dashboard-execution-row">
            <Badge tone={statusTone(e.status)}>{EXECUTION_STATUS_LABELS[e.status]}</Badge>
            <Link to={`/executions/${e.id}`} className="dashboard-list__title">
              {workflowName(e.workflowId) ?? `Workflow ${e.workflowId.slice(0, 8)}`}
            </Link>
            <span className="dashboard-list__meta">
              <time dateTime={at} title={formatDateTime(at)}>
                {formatTimeAgo(at)}
              </time>
              <span className="nowrap">{formatDuration(e.durationMs)}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
