import '../members.css';
import { useState } from 'react';
import { Alert, Button, ConfirmDialog, EmptyState, Spinner } from '@auterity/design-system';
import type { InviteDto, MemberDto, Role } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useChangeMemberRole } from '../api/change-member-role';
import { useCreateInvite, type CreateInviteBody } from '../api/create-invite';
import { useInvites } from '../api/get-invites';
import { useMembers } from '../api/get-members';
import { useRemoveMember } from '../api/remove-member';
import { useRevokeInvite } from '../api/revoke-invite';
import { InviteMemberDialog } from './invite-member-dialog';
import { InvitesTable } from './invites-table';
import { MembersTable } from './members-table';

interface MembersManagerProps {
  currentUserId: string;
  currentRole: Role;
  /** `members:manage`: change roles, remove, invite and revoke invitations. */
  canManage: boolean;
}

/** The organization's members and pending invitations; managers also get the actions. */
export function MembersManager({ currentUserId, currentRole, canManage }: MembersManagerProps) {
  const members = useMembers();
  const invites = useInvites({ enabled: canManage });
  const changeRole = useChangeMemberRole();
  const createInvite = useCreateInvite();
  const removeMember = useRemoveMember();
  const revokeInvite = useRevokeInvite();
  const [isInviting, setIsInviting] = useState(false);
  const [removing, setRemoving] = useState<MemberDto | null>(null);
  const [revoking, setRevoking] = useState<InviteDto | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const handleInvite = (body: CreateInviteBody) =>
    createInvite.mutate(body, {
      onSuccess: (invite) => {
        setIsInviting(false);
        setNotice(`Invitation sent to ${invite.email}.`);
      },
    });
  const handleChangeRole = (member: MemberDto, role: Role) =>
    changeRole.mutate({ id: member.id, role }, { onSuccess: () => setNotice(`${member.email} is now ${role}.`) });
  const closeRemove = () => {
    removeMember.reset();
    setRemoving(null);
  };
  const closeRevoke = () => {
    revokeInvite.reset();
    setRevoking(null);
  };

  return (
    <>
      <div className="page-toolbar">
        <p className="page-toolbar__meta" role="status">
          {notice ?? (members.data ? `${members.data.length} member${members.data.length === 1 ? '' : 's'}` : '')}
        </p>
        {canManage ? (
          <Button data-testid="invite-member-button" onClick={() => setIsInviting(true)}>
            Invite member
          </Button>
        ) : null}
      </div>
      {changeRole.isError ? <Alert tone="error">{errorText(changeRole.error)}</Alert> : null}
      {members.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading members" />
        </div>
      ) : members.isError ? (
        <Alert tone="error">{errorText(members.error)}</Alert>
      ) : (
        <MembersTable
          members={members.data}
          currentUserId={currentUserId}
          currentRole={currentRole}
          canManage={canManage}
          busy={members.isFetching || changeRole.isPending}
          onChangeRole={handleChangeRole}
          onRemove={setRemoving}
        />
      )}
      {canManage ? (
        <section className="members-invites" aria-labelledby="pending-invites-heading">
          <h2 id="pending-invites-heading" className="section-title">
            Pending invitations
          </h2>
          {invites.isPending ? (
            <Spinner label="Loading invitations" />
          ) : invites.isError ? (
            <Alert tone="error">{errorText(invites.error)}</Alert>
          ) : invites.data.length === 0 ? (
            <EmptyState
              title="No pending invitations"
              description="Invite teammates by email; they choose their own password when they accept."
            />
          ) : (
            <InvitesTable invites={invites.data} busy={invites.isFetching} onRevoke={setRevoking} />
          )}
        </section>
      ) : null}
      <InviteMemberDialog
        open={isInviting}
        currentRole={currentRole}
        isSubmitting={createInvite.isPending}
        error={createInvite.error}
        onSubmit={handleInvite}
        onClose={() => {
          createInvite.reset();
          setIsInviting(false);
        }}
      />
      <ConfirmDialog
        open={removing !== null}
        title="Remove member?"
        description={
          <>
            <strong>{removing?.email}</strong> loses access to this organization at once. You can invite them again later.
          </>
        }
        confirmLabel="Remove member"
        busy={removeMember.isPending}
        error={removeMember.isError ? errorText(removeMember.error) : null}
        onCancel={closeRemove}
        onConfirm={() =>
          removing &&
          removeMember.mutate(removing.id, {
            onSuccess: () => {
              setNotice(`${removing.email} was removed.`);
              closeRemove();
            },
          })
        }
      />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke invitation?"
        description={
          <>
            The link sent to <strong>{revoking?.email}</strong> stops working.
          </>
        }
        confirmLabel="Revoke invitation"
        busy={revokeInvite.isPending}
        error={revokeInvite.isError ? errorText(revokeInvite.error) : null}
        onCancel={closeRevoke}
        onConfirm={() => revoking && revokeInvite.mutate(revoking.id, { onSuccess: closeRevoke })}
      />
    </>
  );
}
