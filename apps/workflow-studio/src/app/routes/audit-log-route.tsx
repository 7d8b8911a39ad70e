import { useSearchParams } from 'react-router';
import { AuditLogViewer } from '../../features/audit-log/components/audit-log-viewer';
import { useMembers } from '../../features/members/api/get-members';
import { usePermission } from '../../hooks/use-permission';
import { PageHeader } from '../page-header';
import { NoAccess } from './no-access';

function AuditLog() {
  const [params, setParams] = useSearchParams();
  const members = useMembers();
  const actorName = (userId: string) => {
    const member = members.data?.find((m) => m.id === userId);
    if (!member) return undefined;
    return [member.firstName, member.lastName].filter(Boolean).join(' ') || member.email;
  };
  return (
    <AuditLogViewer
      action={params.get('action') ?? ''}
      onActionChange={(action) => setParams(action ? { action } : {}, { replace: true })}
      actorName={actorName}
    />
  );
}

export function AuditLogRoute() {
  const canRead = usePermission('audit:read');
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Security events in your organization, newest first: sign-ins, credential and API key changes, membership."
      />
      {canRead ? <AuditLog /> : <NoAccess what="the audit log" />}
    </>
  );
}
