import { ApiKeysManager } from '../../features/api-keys/components/api-keys-manager';
import { usePermission } from '../../hooks/use-permission';
import { PageHeader } from '../page-header';
import { NoAccess } from './no-access';

export function ApiKeysRoute() {
  const canManage = usePermission('api_keys:manage');
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys let your own code call the Auterity API. Each key is shown once, when it is created."
      />
      {canManage ? <ApiKeysManager /> : <NoAccess what="API keys" />}
    </>
  );
}
