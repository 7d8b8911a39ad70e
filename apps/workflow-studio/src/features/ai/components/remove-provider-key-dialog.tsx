import { ConfirmDialog } from '@auterity/design-system';
import type { AiProviderDto } from '@auterity/workflow-contracts';
import { errorText } from '../../../utils/error-text';
import { useRemoveAiProviderKey } from '../api/remove-ai-provider-key';

interface RemoveProviderKeyDialogProps {
  provider: AiProviderDto | null;
  onClose: () => void;
}

/** Asks before deleting the credential that enables a provider. */
export function RemoveProviderKeyDialog({ provider, onClose }: RemoveProviderKeyDialogProps) {
  const remove = useRemoveAiProviderKey();
  const handleClose = () => {
    remove.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={provider !== null}
      title="Remove the key?"
      description={
        <>
          The <strong>{provider?.name}</strong> key will be deleted. AI nodes that name its models fall back to their other
          choices or fail until a key is added again.
        </>
      }
      confirmLabel="Remove key"
      confirmTestId="provider-remove-key-confirm"
      busy={remove.isPending}
      error={remove.isError ? errorText(remove.error) : null}
      onCancel={handleClose}
      onConfirm={() => provider?.credentialId && remove.mutate(provider.credentialId, { onSuccess: handleClose })}
    />
  );
}
