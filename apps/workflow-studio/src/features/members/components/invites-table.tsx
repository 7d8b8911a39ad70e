import { Badge, Button, Table, type TableColumn } from '@auterity/design-system';
import type { InviteDto } from '@auterity/workflow-contracts';
import { formatDate } from '../../../utils/format-date';

interface InvitesTableProps {
  invites: readonly InviteDto[];
  busy?: boolean;
  onRevoke: (invite: InviteDto) => void;
}

/** Pending invitations with their role and expiry; each can be withdrawn. */
export function InvitesTable({ invites, busy, onRevoke }: InvitesTableProps) {
  const columns: TableColumn<InviteDto>[] = [
    { id: 'email', header: 'Email', isRowHeader: true, cell: (i) => <span className="cell-name">{i.email}</span> },
    { id: 'role', header: 'Role', cell: (i) => <Badge>{i.role.charAt(0).toUpperCase() + i.role.slice(1)}</Badge> },
    { id: 'sent', header: 'Sent', cell: (i) => formatDate(i.createdAt) },
    { id: 'expires', header: 'Expires', cell: (i) => formatDate(i.expiresAt) },
    {
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (i) => (
        <Button variant="ghost" size="sm" onClick={() => onRevoke(i)} aria-label={`Revoke the invitation for ${i.email}`}>
          Revoke
        </Button>
      ),
    },
  ];
  return (
    <Table
      caption="Pending invitations"
      columns={columns}
      rows={invites}
      rowKey={(i) => i.id}
      rowTestId={() => 'invite-row'}
      busy={busy}
    />
  );
}
