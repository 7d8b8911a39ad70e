import { Alert, Badge, Card, Spinner } from '@auterity/design-system';
import '../../features/members/members.css';
import { useSession } from '../../features/auth/hooks/use-session';
import { useOrganization } from '../../features/members/api/get-organization';
import { OrganizationNameForm } from '../../features/members/components/organization-name-form';
import { errorText } from '../../utils/error-text';
import { formatDate } from '../../utils/format-date';
import { PageHeader } from '../page-header';

const TIER_LABELS: Record<string, string> = {
  free: 'Free',
  starter: 'Starter',
  professional: 'Professional',
  enterprise: 'Enterprise',
};

/** `/settings/organization`: name (renamed by owners and admins), plan tier, member count and id. */
export function OrganizationRoute() {
  const session = useSession();
  const organization = useOrganization();
  if (session.status !== 'signed-in') return null;
  return (
    <div className="settings-page" data-testid="organization-page">
      <PageHeader title="Organization" description="The workspace your workflows, credentials and members belong to." />
      {organization.isPending ? (
        <Spinner label="Loading the organization" />
      ) : organization.isError ? (
        <Alert tone="error">Could not load the organization: {errorText(organization.error)}</Alert>
      ) : (
        <>
          <Card label="Organization details">
            <dl className="org-facts">
              <dt>Name</dt>
              <dd data-testid="organization-name">{organization.data.name}</dd>
              <dt>Plan</dt>
              <dd>
                <Badge tone="info">
                  <span data-testid="organization-tier">
                    {TIER_LABELS[organization.data.subscriptionTier] ?? organization.data.subscriptionTier}
                  </span>
                </Badge>
              </dd>
              <dt>Members</dt>
              <dd data-testid="organization-member-count">{organization.data.memberCount}</dd>
              <dt>Your role</dt>
              <dd>{session.user.role}</dd>
              <dt>Created</dt>
              <dd>
                <time dateTime={organization.data.createdAt}>{formatDate(organization.data.createdAt)}</time>
              </dd>
              <dt>Organization ID</dt>
              <dd>
                <code data-testid="organization-id">{organization.data.id}</code>
              </dd>
            </dl>
          </Card>
          {organization.data.abilities.canEdit ? (
            <Card label="Rename the organization">
              <OrganizationNameForm name={organization.data.name} />
            </Card>
          ) : (
            <Alert tone="info">Only owners and admins can rename the organization.</Alert>
          )}
        </>
      )}
    </div>
  );
}
