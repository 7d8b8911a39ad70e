import { ConfirmDialog } from '@auterity/design-system';
import type { ApiKeyDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useRevokeApiKey } from '../api/revoke-api-key';

interface RevokeApiKeyDialogProps {
  apiKey: ApiKeyDto | null;
  onClose: () => void;
}

/** Confirms revoking a key. */
export function RevokeApiKeyDialog({ apiKey, onClose }: RevokeApiKeyDialogProps) {
  const revoke = useRevokeApiKey();
  const handleClose = () => {
    revoke.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={apiKey !== null}
      title="Revoke API key?"
      description={
        <>
          Requests made with <strong>{apiKey?.name}</strong> ({apiKey?.prefix}…) will be refused at once. This cannot be undone.
        </>
      }
      confirmLabel="Revoke key"
      busy={revoke.isPending}
      error={revoke.isError ? errorText(revoke.error) : null}
      onCancel={handleClose}
      onConfirm={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: handleClose })}
    />
  );
}
