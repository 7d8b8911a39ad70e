import { ConfirmDialog } from '@auterity/design-system';
import type { CredentialDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useDeleteCredential } from '../api/delete-credential';

interface DeleteCredentialDialogProps {
  credential: CredentialDto | null;
  onClose: () => void;
}

/** Asks before deleting a credential. */
export function DeleteCredentialDialog({ credential, onClose }: DeleteCredentialDialogProps) {
  const remove = useDeleteCredential();
  const handleClose = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={credential !== null}
      title="Delete credential?"
      description={
        <>
          <strong>{credential?.name}</strong> will be deleted for good. Workflows that use it will fail until they get another
          credential.
        </>
      }
      confirmLabel="Delete credential"
      busy={remove.isPending}
      error={remove.isError ? errorText(remove.error) : null}
      onCancel={handleClose}
      onConfirm={() => credential && remove.mutate(credential.id, { onSuccess: handleClose })}
    />
  );
}
