import { useState } from 'react';
import { Alert, Button, EmptyState, Spinner } from '@auterity/design-system';
import type { CredentialDto } from '@auterity/workflow-contracts';
import { usePermission } from '../../../hooks/use-permission';
import { errorText } from '../../../utils/error-text';
import { useCredentials } from '../api/get-credentials';
import { CreateCredentialDialog } from './create-credential-dialog';
import { CredentialsTable } from './credentials-table';
import { DeleteCredentialDialog } from './delete-credential-dialog';
import { EditCredentialDialog } from './edit-credential-dialog';

/** The credentials list with its create, edit and delete dialogs, for users who may manage them. */
export function CredentialsManager() {
  const canManage = usePermission('credentials:manage');
  const credentials = useCredentials();
  const [isCreating, setIsCreating] = useState(false);
  const [editing, setEditing] = useState<CredentialDto | null>(null);
  const [deleting, setDeleting] = useState<CredentialDto | null>(null);

  const newButton = canManage ? <Button onClick={() => setIsCreating(true)}>New credential</Button> : null;
  const count = credentials.data?.length ?? 0;
  return (
    <>
      {count > 0 ? (
        <div className="page-toolbar">
          <p className="page-toolbar__meta">
            {count} {count === 1 ? 'credential' : 'credentials'}
          </p>
          {newButton}
        </div>
      ) : null}
      {!canManage ? <Alert tone="info">Your role can see credentials but not change them.</Alert> : null}
      {credentials.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading credentials" />
        </div>
      ) : credentials.isError ? (
        <Alert tone="error">{errorText(credentials.error)}</Alert>
      ) : credentials.data.length === 0 ? (
        <EmptyState
          title="No credentials yet"
          description="Store API keys, tokens and passwords here once, and let workflows use them without ever showing the secret."
          action={newButton}
        />
      ) : (
        <CredentialsTable
          credentials={credentials.data}
          busy={credentials.isFetching}
          {...(canManage ? { onEdit: setEditing, onDelete: setDeleting } : {})}
        />
      )}
      <CreateCredentialDialog open={isCreating} onClose={() => setIsCreating(false)} />
      <EditCredentialDialog credential={editing} onClose={() => setEditing(null)} />
      <DeleteCredentialDialog credential={deleting} onClose={() => setDeleting(null)} />
    </>
  );
}
