import { Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import type { AiProviderDto } from '@auterity/workflow-contracts';
import { PROTOCOL_LABELS } from '../utils/ai-format';

interface ProvidersTableProps {
  providers: readonly AiProviderDto[];
  /** Key buttons appear only when given (the user may manage providers). */
  onAddKey?: (provider: AiProviderDto) => void;
  onRemoveKey?: (provider: AiProviderDto) => void;
  /** The test button appears only when given (the user may call models). */
  onTest?: (provider: AiProviderDto) => void;
  /** The provider whose test call is running. */
  testingId?: string | null;
  /** Platform administrators switch providers on and off for everyone. */
  onToggleActive?: (provider: AiProviderDto) => void;
  togglingId?: string | null;
  busy?: boolean;
}

function StatusBadges({ provider }: { provider: AiProviderDto }) {
  return (
    <span className="badge-list">
      {provider.configured ? <Badge tone="success">Configured</Badge> : <Badge>Not configured</Badge>}
      {provider.local ? <Badge tone="info">Local</Badge> : null}
      {provider.active ? null : <Badge tone="warning">Switched off</Badge>}
    </span>
  );
}

/** Every provider with its protocol and whether this organization can call it, plus the key and test actions. */
export function ProvidersTable({
  providers,
  onAddKey,
  onRemoveKey,
  onTest,
  testingId,
  onToggleActive,
  togglingId,
  busy,
}: ProvidersTableProps) {
  const columns: TableColumn<AiProviderDto>[] = [
    {
      id: 'name',
      header: 'Provider',
      isRowHeader: true,
      cell: (p) => (
        <span className="cell-stack">
          <span className="cell-name">{p.name}</span>
          <code className="muted small">{p.id}</code>
        </span>
      ),
    },
    {
      id: 'protocol',
      header: 'Protocol',
      cell: (p) => (
        <span className="cell-stack">
          <span>{PROTOCOL_LABELS[p.protocol]}</span>
          {p.baseUrl ? <span className="muted small provider-url">{p.baseUrl}</span> : null}
        </span>
      ),
    },
    { id: 'status', header: 'Status', cell: (p) => <StatusBadges provider={p} /> },
    { id: 'models', header: 'Models', align: 'end', cell: (p) => p.modelCount },
  ];
  if (onTest || onAddKey || onToggleActive) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (p) => (
        <span className="row-actions">
          {onTest ? (
            <Button
              variant="ghost"
              size="sm"
              data-testid={`provider-test-${p.id}`}
              aria-label={`Test the connection to ${p.name}`}
              title={p.configured ? undefined : 'Add a key first'}
              disabled={!p.configured || !p.active || (Boolean(testingId) && testingId !== p.id)}
              loading={testingId === p.id}
              onClick={() => onTest(p)}
            >
              Test connection
            </Button>
          ) : null}
          {onAddKey && !p.local && !p.credentialId ? (
            <Button
              variant="secondary"
              size="sm"
              data-testid={`provider-add-key-${p.id}`}
              aria-label={`Add a key for ${p.name}`}
              onClick={() => onAddKey(p)}
            >
              Add key
            </Button>
          ) : null}
          {onRemoveKey && p.credentialId ? (
            <Button
              variant="ghost"
              size="sm"
              className="danger-text"
              data-testid={`provider-remove-key-${p.id}`}
              aria-label={`Remove the ${p.name} key`}
              onClick={() => onRemoveKey(p)}
            >
              Remove key
            </Button>
          ) : null}
          {onToggleActive ? (
            <Button
              variant="ghost"
              size="sm"
              data-testid={`provider-toggle-${p.id}`}
              aria-label={`${p.active ? 'Switch off' : 'Switch on'} ${p.name} for every organization`}
              loading={togglingId === p.id}
              onClick={() => onToggleActive(p)}
            >
              {p.active ? 'Switch off' : 'Switch on'}
            </Button>
          ) : null}
        </span>
      ),
    });
  }
  return (
    <Table
      caption="AI providers"
      columns={columns}
      rows={providers}
      rowKey={(p) => p.id}
      rowTestId={(p) => `provider-row-${p.id}`}
      busy={busy}
    />
  );
}
