import { useRef } from 'react';
import { Alert, Button, Modal } from '@auterity/design-system';
import type { CredentialDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useDeleteCredential } from '../api/delete-credential';

interface DeleteCredentialDialogProps {
  credential: CredentialDto | null;
  onClose: () => void;
}

/** Asks before deleting a credential; Cancel gets the focus so Enter never deletes by accident. */
export function DeleteCredentialDialog({ credential, onClose }: DeleteCredentialDialogProps) {
  const remove = useDeleteCredential();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const handleClose = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal
      open={credential !== null}
      role="alertdialog"
      initialFocusRef={cancelRef}
      onClose={handleClose}
      title="Delete credential?"
      description={
        <>
          <strong>{credential?.name}</strong> will be deleted for good. Workflows that use it will fail until they get another
          credential.
        </>
      }
      footer={
        <>
          <Button ref={cancelRef} variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button
            variant="danger"
            loading={remove.isPending}
            onClick={() => credential && remove.mutate(credential.id, { onSuccess: handleClose })}
          >
            Delete credential
          </Button>
        </>
      }
    >
      {remove.isError ? <Alert tone="error">{errorText(remove.error)}</Alert> : null}
    </Modal>
  );
}
