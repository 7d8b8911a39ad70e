import { MembersManager } from '../../features/members/components/members-manager';
import { useSession } from '../../features/auth/hooks/use-session';
import { usePermission } from '../../hooks/use-permission';
import { PageHeader } from '../page-header';

export function MembersRoute() {
  const session = useSession();
  const canManage = usePermission('members:manage');
  return (
    <div className="settings-page" data-testid="members-page">
      <PageHeader
        title="Members"
        description="Who belongs to this organization and what each role may do. Role changes sign the member out so they apply at once."
      />
      {session.status === 'signed-in' ? (
        <MembersManager currentUserId={session.user.id} currentRole={session.user.role} canManage={canManage} />
      ) : null}
    </div>
  );
}
