import { Badge, Table, type TableColumn } from '@auterity/design-system';
import type { AuditEventDto } from '@auterity/workflow-contracts';
import { formatDateTime } from '../../../utils/format-date';
import { AUDIT_ACTION_LABELS, auditActionTone, auditTarget } from '../utils/audit-actions';

interface AuditLogTableProps {
  events: readonly AuditEventDto[];
  /** Display name of a user id (e.g. from the member list); the short id is shown otherwise. */
  actorName: (userId: string) => string | undefined;
  busy?: boolean;
}

function actorOf(event: AuditEventDto, actorName: AuditLogTableProps['actorName']): string {
  if (event.actorUserId) return actorName(event.actorUserId) ?? `User ${event.actorUserId.slice(0, 8)}`;
  if (event.actorApiKeyId) return `API key ${event.actorApiKeyId.slice(0, 8)}`;
  return 'System';
}

/** Security events: when, what, who, on what, and from which IP address. */
export function AuditLogTable({ events, actorName, busy }: AuditLogTableProps) {
  const columns: TableColumn<AuditEventDto>[] = [
    {
      id: 'time',
      header: 'Time',
      cell: (e) => (
        <time className="nowrap" dateTime={e.createdAt}>
          {formatDateTime(e.createdAt)}
        </time>
      ),
    },
    {
      id: 'action',
      header: 'Action',
      isRowHeader: true,
      cell: (e) => (
        <span className="cell-stack">
          <Badge tone={auditActionTone(e.action)}>{AUDIT_ACTION_LABELS[e.action] ?? e.action}</Badge>
          <code className="muted small">{e.action}</code>
        </span>
      ),
    },
    { id: 'actor', header: 'Actor', cell: (e) => actorOf(e, actorName) },
    {
      id: 'target',
      header: 'Target',
      cell: (e) => {
        const target = auditTarget(e);
        if (!target) return <span className="muted">—</span>;
        return (
          <span className="cell-stack">
            {target.name ? (
              <span className="cell-name">{target.name}</span>
            ) : target.shortId ? (
              <code className="muted" title="Identifier">
                {target.shortId}…
              </code>
            ) : null}
            <span className="muted small">{target.type}</span>
          </span>
        );
      },
    },
    {
      id: 'ip',
      header: 'IP address',
      cell: (e) => (e.ip ? <code title={e.userAgent ?? undefined}>{e.ip}</code> : <span className="muted">—</span>),
    },
  ];
  return <Table caption="Audit log" columns={columns} rows={events} rowKey={(e) => e.id} busy={busy} />;
}
