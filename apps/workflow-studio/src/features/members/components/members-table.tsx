import { Badge, Button, Select, Table, type TableColumn } from '@auterity/design-system';
import { ROLE_RANK, ROLES, type MemberDto, type Role } from '@auterity/workflow-contracts';
import { formatDate } from '../../../utils/format-date';

interface MembersTableProps {
  members: readonly MemberDto[];
  /** The signed-in user: their own row cannot be changed from here. */
  currentUserId: string;
  /** The signed-in user's role: nobody grants a role above their own (the API refuses it too). */
  currentRole: Role;
  canManage: boolean;
  busy?: boolean;
  onChangeRole: (member: MemberDto, role: Role) => void;
  onRemove: (member: MemberDto) => void;
}

const ROLE_LABELS: Record<Role, string> = { owner: 'Owner', admin: 'Admin', editor: 'Editor', viewer: 'Viewer' };

function memberName(member: MemberDto): string {
  return [member.firstName, member.lastName].filter(Boolean).join(' ') || member.email;
}

/** Members with their role, status and dates; managers can change roles and remove others. */
export function MembersTable({
  members,
  currentUserId,
  currentRole,
  canManage,
  busy,
  onChangeRole,
  onRemove,
}: MembersTableProps) {
  const roleOptions = ROLES.map((role) => ({
    value: role,
    label: ROLE_LABELS[role],
    disabled: ROLE_RANK[role] > ROLE_RANK[currentRole],
  }));
  const isEditable = (member: MemberDto) =>
    canManage && member.id !== currentUserId && ROLE_RANK[member.role] <= ROLE_RANK[currentRole];

  const columns: TableColumn<MemberDto>[] = [
    {
      id: 'name',
      header: 'Member',
      isRowHeader: true,
      cell: (m) => (
        <span className="member-identity">
          <span className="cell-name">{memberName(m)}</span>
          {m.id === currentUserId ? <Badge tone="info">You</Badge> : null}
          {memberName(m) === m.email ? null : <span className="member-identity__email">{m.email}</span>}
        </span>
      ),
    },
    {
      id: 'role',
      header: 'Role',
      cell: (m) =>
        isEditable(m) ? (
          <Select
            label={`Role of ${memberName(m)}`}
            isLabelHidden
            value={m.role}
            options={roleOptions}
            data-testid="member-role-select"
            onChange={(event) => {
              const role = ROLES.find((r) => r === event.target.value);
              if (role && role !== m.role) onChangeRole(m, role);
            }}
          />
        ) : (
          <Badge>{ROLE_LABELS[m.role]}</Badge>
        ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (m) =>
        m.isActive ? (
          m.emailVerified ? (
            <Badge tone="success">Active</Badge>
          ) : (
            <Badge tone="warning">Email not verified</Badge>
          )
        ) : (
          <Badge tone="danger">Deactivated</Badge>
        ),
    },
    { id: 'lastLogin', header: 'Last sign-in', cell: (m) => (m.lastLoginAt ? formatDate(m.lastLoginAt) : 'Never') },
    { id: 'joined', header: 'Joined', cell: (m) => formatDate(m.createdAt) },
  ];
  if (canManage) {
    columns.push({
      id: 'actions',
      header: 'Actions',
      isHeaderHidden: true,
      align: 'end',
      cell: (m) =>
        isEditable(m) ? (
          <Button variant="ghost" size="sm" onClick={() => onRemove(m)} aria-label={`Remove ${memberName(m)}`}>
            Remove
          </Button>
        ) : null,
    });
  }
  return (
    <Table caption="Members" columns={columns} rows={members} rowKey={(m) => m.id} rowTestId={() => 'member-row'} busy={busy} />
  );
}
