import type { ReactNode } from 'react';
import { Link } from 'react-router';
import '../dashboard.css';
import { formatDateTime, formatTimeAgo } from '../../../utils/format-date';
import type { FailureGroup } from '../utils/group-failures';

interface FailureGroupsProps {
  groups: readonly FailureGroup[];
  workflowName: (workflowId: string) => string | undefined;
  /** Shown instead of the list when nothing failed. */
  empty: ReactNode;
}

/** Failed runs of the last 24 hours by workflow; each group links to that workflow's filtered list. */
export function FailureGroups({ groups, workflowName, empty }: FailureGroupsProps) {
  if (groups.length === 0) return <>{empty}</>;
  return (
    <ul className="dashboard-list">
      {groups.map((g) => {
        const name = workflowName(g.workflowId) ?? `Workflow ${g.workflowId.slice(0, 8)}`;
        const params = new URLSearchParams({ workflowId: g.workflowId, status: 'failed', range: '24h' });
        return (
          <li
            key={g.workflowId}
            className="dashboard-list__row dashboard-list__row--failure"
            data-testid="dashboard-failure-group"
          >
            <span className="dashboard-failure__count" data-testid="dashboard-failure-count">
              {g.count} {g.count === 1 ? 'failure' : 'failures'}
            </span>
            <span className="dashboard-failure__body">
              <Link to={`/executions?${params.toString()}`} className="dashboard-list__title">
                {name}
              </Link>
              <span className="dashboard-failure__error" title={g.lastError ?? undefined}>
                {g.lastError ?? 'Failed without an error message'}
              </span>
            </span>
            <span className="dashboard-list__meta">
              <Link to={`/executions/${g.lastExecutionId}`}>
                Last failed{' '}
                <time dateTime={g.lastFailedAt} title={formatDateTime(g.lastFailedAt)}>
                  {formatTimeAgo(g.lastFailedAt)}
                </time>
              </Link>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
