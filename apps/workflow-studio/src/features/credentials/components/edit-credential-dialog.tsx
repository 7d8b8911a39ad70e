import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, Modal, TextField } from '@auterity/design-system';
import {
  CREDENTIAL_NAME_MAX,
  CredentialDataSchemas,
  UpdateCredentialBodySchema,
  type CredentialDto,
} from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { useUpdateCredential } from '../api/update-credential';
import { CREDENTIAL_TYPE_LABELS, readCredentialData } from '../utils/credential-fields';
import { CredentialSecretFields } from './credential-secret-fields';

interface EditCredentialDialogProps {
  /** The credential being edited; the dialog is closed while null. */
  credential: CredentialDto | null;
  onClose: () => void;
}

/** Renames a credential and, when asked, replaces its secret with a new one of the same type. */
export function EditCredentialDialog({ credential, onClose }: EditCredentialDialogProps) {
  const [isReplacing, setIsReplacing] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = useUpdateCredential();

  const handleClose = () => {
    update.reset();
    setErrors({});
    setIsReplacing(false);
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!credential) return;
    const form = new FormData(event.currentTarget);
    const fieldErrors: Record<string, string> = {};
    let data: Record<string, string> | undefined;
    if (isReplacing) {
      data = readCredentialData(credential.type, form);
      const checked = CredentialDataSchemas[credential.type].safeParse(data);
      if (!checked.success)
        Object.assign(fieldErrors, issueFieldErrors(checked.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] }))));
    }
    const parsed = UpdateCredentialBodySchema.safeParse({ name: form.get('name'), ...(data ? { data } : {}) });
    if (!parsed.success) Object.assign(fieldErrors, issueFieldErrors(parsed.error.issues));
    if (!parsed.success || Object.keys(fieldErrors).length > 0) return setErrors(fieldErrors);
    setErrors({});
    update.mutate(
      { id: credential.id, body: parsed.data },
      { onSuccess: handleClose, onError: (error) => setErrors(serverFieldErrors(error)) },
    );
  };

  const formError = update.isError && Object.keys(errors).length === 0 ? errorText(update.error) : null;
  return (
    <Modal
      open={credential !== null}
      onClose={handleClose}
      title="Edit credential"
      description={credential ? `${CREDENTIAL_TYPE_LABELS[credential.type]} · current secret ${credential.hint}` : undefined}
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="edit-credential-form" loading={update.isPending}>
            Save changes
          </Button>
        </>
      }
    >
      {credential ? (
        <form id="edit-credential-form" className="stack-form" onSubmit={handleSubmit} noValidate autoComplete="off">
          {formError ? <Alert tone="error">{formError}</Alert> : null}
          <TextField
            label="Name"
            name="name"
            defaultValue={credential.name}
            maxLength={CREDENTIAL_NAME_MAX}
            required
            error={errors.name}
          />
          <Checkbox
            label="Replace the secret"
            description="The current secret stays until you save a new one."
            checked={isReplacing}
            onChange={(event) => setIsReplacing(event.target.checked)}
          />
          {isReplacing ? <CredentialSecretFields type={credential.type} errors={errors} /> : null}
        </form>
      ) : null}
    </Modal>
  );
}
