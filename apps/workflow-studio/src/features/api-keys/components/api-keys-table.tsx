import { Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import type { ApiKeyDto } from '@auterity/workflow-contracts';
import { formatDate, formatDateTime } from '../../../utils/format-date';
import { apiKeyStatus, type ApiKeyStatus } from '../utils/api-key-display';

interface ApiKeysTableProps {
  apiKeys: readonly ApiKeyDto[];
  onRevoke: (apiKey: ApiKeyDto) => void;
  busy?: boolean;
}

const STATUS_BADGE: Record<ApiKeyStatus, { tone: 'success' | 'warning' | 'danger'; label: string }> = {
  active: { tone: 'success', label: 'Active' },
  expired: { tone: 'warning', label: 'Expired' },
  revoked: { tone: 'danger', label: 'Revoked' },
};
const SCOPES_SHOWN = 3;

/** API keys with their prefix, scopes, dates and status; active keys can be revoked. */
export function ApiKeysTable({ apiKeys, onRevoke, busy }: ApiKeysTableProps) {
  const columns: TableColumn<ApiKeyDto>[] = [
    { id: 'name', header: 'Name', isRowHeader: true, cell: (k) => <span className="cell-name">{k.name}</span> },
    { id: 'prefix', header: 'Key', cell: (k) => <code className="secret-hint">{k.prefix}…</code> },
    {
      id: 'scopes',
      header: 'Scopes',
      cell: (k) => (
        <span className="badge-list" title={k.scopes.join(', ')}>
          {k.scopes.slice(0, SCOPES_SHOWN).map((scope) => (
            <Badge key={scope}>{scope}</Badge>
          ))}
          {k.scopes.length > SCOPES_SHOWN ? <Badge tone="info">+{k.scopes.length - SCOPES_SHOWN} more</Badge> : null}
        </span>
      ),
    },
    { id: 'created', header: 'Created', cell: (k) => <time dateTime={k.createdAt}>{formatDate(k.createdAt)}</time> },
    {
      id: 'expires',
      header: 'Expires',
      cell: (k) =>
        k.expiresAt ? <time dateTime={k.expiresAt}>{formatDate(k.expiresAt)}</time> : <span className="muted">Never</span>,
    },
    {
      id: 'used',
      header: 'Last used',
      cell: (k) =>
        k.lastUsedAt ? <time dateTime={k.lastUsedAt}>{formatDateTime(k.lastUsedAt)}</time> : <span className="muted">Never</span>,
    },
    {
      id: 'status',
      header: 'Status',
      cell: (k) => {
        const badge = STATUS_BADGE[apiKeyStatus(k)];
        return <Badge tone={badge.tone}>{badge.label}</Badge>;
      },
    },
    {
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (k) =>
        apiKeyStatus(k) === 'revoked' ? null : (
          <Button variant="ghost" size="sm" className="danger-text" aria-label={`Revoke ${k.name}`} onClick={() => onRevoke(k)}>
            Revoke
          </Button>
        ),
    },
  ];
  return <Table caption="API keys" columns={columns} rows={apiKeys} rowKey={(k) => k.id} busy={busy} />;
}
