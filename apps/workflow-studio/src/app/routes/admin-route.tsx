import { EmptyState } from '@auterity/design-system';
import { AdminConsole } from '../../features/admin/components/admin-console';
import { usePlatformAdmin } from '../../hooks/use-platform-admin';
import { PageHeader } from '../page-header';

/** `/admin`: the platform console (platform administrators only; the API checks every call). */
export function AdminRoute() {
  const isPlatformAdmin = usePlatformAdmin();
  return (
    <>
      <PageHeader
        title="Platform administration"
        description="Every organization with its plan, status and usage; plan changes, trials, suspensions and user search. Every action is audited."
      />
      {isPlatformAdmin ? (
        <AdminConsole />
      ) : (
        <EmptyState
          title="You do not have access to this page"
          description="Only platform administrators can use the platform console."
        />
      )}
    </>
  );
}
