import { useState, useSyncExternalStore } from 'react';
import { Alert, Button, EmptyState, Spinner } from '@auterity/design-system';
import type { ApiKeyDto, CreateApiKeyBody } from '@auterity/workflow-contracts';
import { sessionStore } from '../../../lib/session';
import { errorText } from '../../../utils/error-text';
import { useCreateApiKey } from '../api/create-api-key';
import { useApiKeys } from '../api/get-api-keys';
import { ApiKeysTable } from './api-keys-table';
import { CreateApiKeyDialog } from './create-api-key-dialog';
import { CreatedApiKeyDialog } from './created-api-key-dialog';
import { RevokeApiKeyDialog } from './revoke-api-key-dialog';

/** API keys with create (key shown once) and revoke. Render only for users who may manage keys. */
export function ApiKeysManager() {
  const session = useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
  const apiKeys = useApiKeys();
  const create = useCreateApiKey();
  const [isCreating, setIsCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyDto | null>(null);
  const grantable = session.status === 'signed-in' ? session.user.permissions : [];

  const handleCreate = (body: CreateApiKeyBody) => create.mutate(body, { onSuccess: () => setIsCreating(false) });
  // The created key lives only in the mutation result; resetting it when the dialog closes forgets it.
  const created = create.data ? { name: create.data.name, key: create.data.key } : null;
  const newButton = <Button onClick={() => setIsCreating(true)}>New API key</Button>;

  return (
    <>
      {apiKeys.data && apiKeys.data.length > 0 ? (
        <div className="page-toolbar">
          <p className="page-toolbar__meta">
            {apiKeys.data.filter((k) => !k.revokedAt).length} active of {apiKeys.data.length}
          </p>
          {newButton}
        </div>
      ) : null}
      {apiKeys.isPending ? (
        <div className="page-loading-inline">
          <Spinner label="Loading API keys" />
        </div>
      ) : apiKeys.isError ? (
        <Alert tone="error">{errorText(apiKeys.error)}</Alert>
      ) : apiKeys.data.length === 0 ? (
        <EmptyState
          title="No API keys yet"
          description="Create a key to call the Auterity API or the OpenAI-compatible gateway from your own code."
          action={newButton}
        />
      ) : (
        <ApiKeysTable apiKeys={apiKeys.data} busy={apiKeys.isFetching} onRevoke={setRevoking} />
      )}
      <CreateApiKeyDialog
        open={isCreating}
        grantable={grantable}
        isSubmitting={create.isPending}
        error={create.error}
        onSubmit={handleCreate}
        onClose={() => {
          create.reset();
          setIsCreating(false);
        }}
      />
      <CreatedApiKeyDialog apiKey={isCreating ? null : created} onClose={() => create.reset()} />
      <RevokeApiKeyDialog apiKey={revoking} onClose={() => setRevoking(null)} />
    </>
  );
}
