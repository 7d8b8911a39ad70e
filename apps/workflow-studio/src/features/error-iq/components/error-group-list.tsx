import { Link } from 'react-router';
import { Badge, Table, type TableColumn } from '@auterity/design-system';
import type { ErrorGroupDto } from '@auterity/workflow-contracts';
import { formatTimeAgo } from '../../../utils/format-date';
import { Sparkline } from './sparkline';

export const STATUS_TONE = { open: 'danger', resolved: 'success', ignored: 'neutral' } as const;
export const SOURCE_LABEL = { api: 'API', execution: 'Execution', step: 'Step' } as const;

interface ErrorGroupListProps {
  groups: readonly ErrorGroupDto[];
  busy?: boolean;
}

/** The inbox: each group with its trend, counts, reach and status; the title opens it. */
export function ErrorGroupList({ groups, busy }: ErrorGroupListProps) {
  const columns: TableColumn<ErrorGroupDto>[] = [
    {
      id: 'issue',
      header: 'Error',
      isRowHeader: true,
      cell: (g) => (
        <span className="cell-stack">
          <Link to={`/errors/${g.id}`} className="cell-name" data-testid="error-group-link">
            {g.title}
          </Link>
          <span className="muted small">
            <code>{g.errorType}</code> in <code>{g.location}</code> · {SOURCE_LABEL[g.source]}
            {g.regressions > 0 ? (
              <>
                {' '}
                · <Badge tone="warning">Regression</Badge>
              </>
            ) : null}
          </span>
        </span>
      ),
    },
    {
      id: 'trend',
      header: 'Last 24 h',
      cell: (g) => <Sparkline values={g.trend} label={`Occurrences of "${g.title}" per hour, last 24 hours`} />,
    },
    { id: 'count', header: 'Events', cell: (g) => <span className="nowrap">{g.occurrences.toLocaleString()}</span> },
    {
      id: 'reach',
      header: 'Affected',
      cell: (g) => (
        <span className="cell-stack small">
          <span>{g.workflowsAffected} workflows</span>
          <span className="muted">{g.usersAffected} users</span>
        </span>
      ),
    },
    {
      id: 'seen',
      header: 'Last seen',
      cell: (g) => (
        <span className="cell-stack small">
          <time dateTime={g.lastSeenAt}>{formatTimeAgo(g.lastSeenAt)}</time>
          <span className="muted">
            first <time dateTime={g.firstSeenAt}>{formatTimeAgo(g.firstSeenAt)}</time>
          </span>
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: (g) => <Badge tone={STATUS_TONE[g.status]}>{g.status}</Badge> },
  ];
  return (
    <Table
      caption="Error groups"
      columns={columns}
      rows={groups}
      rowKey={(g) => g.id}
      rowTestId={() => 'error-group-row'}
      busy={busy}
    />
  );
}
