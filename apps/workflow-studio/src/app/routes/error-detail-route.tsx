import { Link, useParams } from 'react-router';
import { Alert, Badge, Button, Spinner, Table, type TableColumn } from '@auterity/design-system';
import type { ErrorOccurrenceDto } from '@auterity/workflow-contracts';
import { useErrorGroup, useErrorGroupAction, type ErrorGroupAction } from '../../features/error-iq/api/error-groups';
import { SOURCE_LABEL, STATUS_TONE } from '../../features/error-iq/components/error-group-list';
import { Sparkline } from '../../features/error-iq/components/sparkline';
import { usePermission } from '../../hooks/use-permission';
import { errorText } from '../../utils/error-text';
import { formatDateTime } from '../../utils/format-date';
import { PageHeader } from '../page-header';
import './analytics-route.css';

function contextSummary(context: Record<string, unknown>): string {
  return ['statusCode', 'provider', 'model', 'nodeType', 'route', 'status']
    .filter((key) => context[key] !== undefined)
    .map((key) => `${key}: ${String(context[key])}`)
    .join(' · ');
}

const occurrenceColumns: TableColumn<ErrorOccurrenceDto>[] = [
  {
    id: 'time',
    header: 'When',
    cell: (o) => (
      <time className="nowrap" dateTime={o.createdAt}>
        {formatDateTime(o.createdAt)}
      </time>
    ),
  },
  {
    id: 'message',
    header: 'Message',
    isRowHeader: true,
    cell: (o) => (
      <span className="cell-stack">
        <span>{o.message}</span>
        <span className="muted small">{contextSummary(o.context)}</span>
      </span>
    ),
  },
  {
    id: 'where',
    header: 'Where',
    cell: (o) => (
      <span className="cell-stack small">
        {o.executionId ? (
          <Link to={`/executions/${o.executionId}`} data-testid="occurrence-execution-link">
            Failed execution
          </Link>
        ) : null}
        {o.workflowId ? (
          <Link to={`/workflows/${o.workflowId}`}>{o.nodeId ? `Node ${o.nodeId} in its workflow` : 'Its workflow'}</Link>
        ) : null}
        {!o.executionId && !o.workflowId ? <span className="muted">API request</span> : null}
      </span>
    ),
  },
];

/** `/errors/:groupId`: one error group: what, how often, where, its occurrences, a diagnosis and the actions. */
export function ErrorDetailRoute() {
  const { groupId = '' } = useParams();
  const group = useErrorGroup(groupId);
  const act = useErrorGroupAction();
  const canAct = usePermission('workflows:write');
  const run = (action: ErrorGroupAction) => act.mutate({ id: groupId, action });

  if (group.isPending) return <Spinner label="Loading the error" />;
  if (group.isError) {
    return (
      <>
        <PageHeader title="Error" />
        <Alert tone="error">{errorText(group.error)}</Alert>
        <Link to="/errors">Back to errors</Link>
      </>
    );
  }
  const g = group.data;
  return (
    <>
      <p className="small">
        <Link to="/errors">← All errors</Link>
      </p>
      <PageHeader
        title={g.title}
        description={
          <>
            <code>{g.errorType}</code> in <code>{g.location}</code> · {SOURCE_LABEL[g.source]} ·{' '}
            <Badge tone={STATUS_TONE[g.status]}>{g.status}</Badge>
            {g.regressions > 0 ? (
              <>
                {' '}
                <Badge tone="warning">{`Regressed ${g.regressions}×`}</Badge>
              </>
            ) : null}
          </>
        }
      />
      {canAct ? (
        <div className="error-detail__actions" data-testid="error-actions">
          {g.status !== 'resolved' ? (
            <Button onClick={() => run('resolve')} loading={act.isPending && act.variables?.action === 'resolve'}>
              Resolve
            </Button>
          ) : null}
          {g.status !== 'ignored' ? (
            <Button
              variant="secondary"
              onClick={() => run('ignore')}
              loading={act.isPending && act.variables?.action === 'ignore'}
            >
              Ignore
            </Button>
          ) : null}
          {g.status !== 'open' ? (
            <Button
              variant="secondary"
              onClick={() => run('reopen')}
              loading={act.isPending && act.variables?.action === 'reopen'}
            >
              Reopen
            </Button>
          ) : null}
          <Button
            variant="secondary"
            onClick={() => run('explain')}
            loading={act.isPending && act.variables?.action === 'explain'}
          >
            {g.explanation ? 'Explain again' : 'Explain'}
          </Button>
        </div>
      ) : null}
      {act.isError ? <Alert tone="error">{errorText(act.error)}</Alert> : null}
      <dl className="error-detail__facts" data-testid="error-facts">
        <div>
          <dt>Events</dt>
          <dd>{g.occurrences.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Workflows affected</dt>
          <dd>{g.workflowsAffected}</dd>
        </div>
        <div>
          <dt>Users affected</dt>
          <dd>{g.usersAffected}</dd>
        </div>
        <div>
          <dt>First seen</dt>
          <dd>{formatDateTime(g.firstSeenAt)}</dd>
        </div>
        <div>
          <dt>Last seen</dt>
          <dd>{formatDateTime(g.lastSeenAt)}</dd>
        </div>
        <div>
          <dt>Last 24 hours</dt>
          <dd>
            <Sparkline values={g.trend} label="Occurrences per hour, last 24 hours" width={140} height={28} />
          </dd>
        </div>
      </dl>
      {g.explanation ? (
        <section
          className="ds-card analytics-panel error-explanation"
          aria-labelledby="explanation-title"
          data-testid="error-explanation"
        >
          <h2 id="explanation-title" className="card-title">
            Diagnosis
          </h2>
          <p>{g.explanation.diagnosis}</p>
          <ol>
            {g.explanation.fixes.map((fix) => (
              <li key={fix}>{fix}</li>
            ))}
          </ol>
          <p className="muted small">
            {g.explanation.source === 'model'
              ? `Written by ${g.explanation.model ?? 'a model'}`
              : 'Built-in hints (no hosted model enabled)'}{' '}
            · {formatDateTime(g.explanation.createdAt)}
          </p>
        </section>
      ) : null}
      <section className="ds-card analytics-panel" aria-label="Occurrences">
        <Table
          caption={`Latest occurrences (${g.occurrencesSample.length} of ${g.occurrences})`}
          isCaptionVisible
          columns={occurrenceColumns}
          rows={g.occurrencesSample}
          rowKey={(o) => o.id}
          rowTestId={() => 'occurrence-row'}
        />
      </section>
    </>
  );
}
