import { Alert, Card, Spinner } from '@auterity/design-system';
import '../../features/members/members.css';
import { useSession } from '../../features/auth/hooks/use-session';
import { useMembers } from '../../features/members/api/get-members';
import { PageHeader } from '../page-header';

/**
 * The caller's organization as far as the API exposes it today: its id, the caller's role and the
 * member count. TODO(#7): name and plan tier once the API serves `/api/orgs/current`.
 */
export function OrganizationRoute() {
  const session = useSession();
  const members = useMembers();
  if (session.status !== 'signed-in') return null;
  const { user } = session;
  return (
    <div className="settings-page" data-testid="organization-page">
      <PageHeader title="Organization" description="The workspace your workflows, credentials and members belong to." />
      <Card label="Organization details">
        <dl className="org-facts">
          <dt>Organization ID</dt>
          <dd>
            <code data-testid="organization-id">{user.organizationId}</code>
          </dd>
          <dt>Your role</dt>
          <dd>{user.role}</dd>
          <dt>Members</dt>
          <dd>
            {members.isPending ? <Spinner label="Loading members" /> : members.isError ? 'Unavailable' : members.data.length}
          </dd>
        </dl>
      </Card>
      <Alert tone="info">Renaming the organization and showing its plan here are not available yet.</Alert>
    </div>
  );
}
