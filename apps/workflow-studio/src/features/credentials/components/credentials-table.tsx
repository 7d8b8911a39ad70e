import { Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import type { CredentialDto } from '@auterity/workflow-contracts';
import { formatDateTime } from '../../../utils/format-date';
import { CREDENTIAL_TYPE_LABELS } from '../utils/credential-fields';

interface CredentialsTableProps {
  credentials: readonly CredentialDto[];
  /** Edit and delete buttons appear only when given (the user may manage credentials). */
  onEdit?: (credential: CredentialDto) => void;
  onDelete?: (credential: CredentialDto) => void;
  busy?: boolean;
}

/** Credentials by name with their masked hints; names are rendered as text, never as markup. */
export function CredentialsTable({ credentials, onEdit, onDelete, busy }: CredentialsTableProps) {
  const columns: TableColumn<CredentialDto>[] = [
    { id: 'name', header: 'Name', isRowHeader: true, cell: (c) => <span className="cell-name">{c.name}</span> },
    { id: 'type', header: 'Type', cell: (c) => <Badge>{CREDENTIAL_TYPE_LABELS[c.type]}</Badge> },
    { id: 'hint', header: 'Secret', cell: (c) => <code className="secret-hint">{c.hint}</code> },
    { id: 'updated', header: 'Updated', cell: (c) => <time dateTime={c.updatedAt}>{formatDateTime(c.updatedAt)}</time> },
  ];
  if (onEdit && onDelete) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (c) => (
        <span className="row-actions">
          <Button variant="ghost" size="sm" aria-label={`Edit ${c.name}`} onClick={() => onEdit(c)}>
            Edit
          </Button>
          <Button variant="ghost" size="sm" className="danger-text" aria-label={`Delete ${c.name}`} onClick={() => onDelete(c)}>
            Delete
          </Button>
        </span>
      ),
    });
  }
  return <Table caption="Credentials" columns={columns} rows={credentials} rowKey={(c) => c.id} busy={busy} />;
}
