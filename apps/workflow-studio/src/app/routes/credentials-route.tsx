import { CredentialsManager } from '../../features/credentials/components/credentials-manager';
import { PageHeader } from '../page-header';

export function CredentialsRoute() {
  return (
    <>
      <PageHeader
        title="Credentials"
        description="Secrets your workflows use to call other services. They are encrypted at rest and never shown again after saving."
      />
      <CredentialsManager />
    </>
  );
}
