import { useRef } from 'react';
import { Alert, Button, Modal } from '@auterity/design-system';
import type { ApiKeyDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useRevokeApiKey } from '../api/revoke-api-key';

interface RevokeApiKeyDialogProps {
  apiKey: ApiKeyDto | null;
  onClose: () => void;
}

/** Confirms revoking a key; Cancel has the focus. */
export function RevokeApiKeyDialog({ apiKey, onClose }: RevokeApiKeyDialogProps) {
  const revoke = useRevokeApiKey();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const handleClose = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Modal
      open={apiKey !== null}
      role="alertdialog"
      initialFocusRef={cancelRef}
      onClose={handleClose}
      title="Revoke API key?"
      description={
        <>
          Requests made with <strong>{apiKey?.name}</strong> ({apiKey?.prefix}…) will be refused at once. This cannot be undone.
        </>
      }
      footer={
        <>
          <Button ref={cancelRef} variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            loading={revoke.isPending}
            onClick={() => apiKey && revoke.mutate(apiKey.id, { onSuccess: handleClose })}
          >
            Revoke key
          </Button>
        </>
      }
    >
      {revoke.isError ? <Alert tone="error">{errorText(revoke.error)}</Alert> : null}
    </Modal>
  );
}
