import { useState, type FormEvent } from 'react';
import { Alert, Button, Modal, Select, TextField } from '@auterity/design-system';
import { CREDENTIAL_NAME_MAX, CreateCredentialBodySchema, type CredentialType } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { useCreateCredential } from '../api/create-credential';
import { CREDENTIAL_TYPE_OPTIONS, isCredentialType, readCredentialData } from '../utils/credential-fields';
import { CredentialSecretFields } from './credential-secret-fields';

interface CreateCredentialDialogProps {
  open: boolean;
  onClose: () => void;
}

/** Stores a new credential. The form is validated with the API's own body schema before it is sent. */
export function CreateCredentialDialog({ open, onClose }: CreateCredentialDialogProps) {
  const [type, setType] = useState<CredentialType>('api_key');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const create = useCreateCredential();

  const handleClose = () => {
    // Drop the submitted secret from the mutation's memory as soon as the dialog goes away.
    create.reset();
    setErrors({});
    setType('api_key');
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = CreateCredentialBodySchema.safeParse({ name: form.get('name'), type, data: readCredentialData(type, form) });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    create.mutate(parsed.data, {
      onSuccess: handleClose,
      onError: (error) => setErrors(serverFieldErrors(error)),
    });
  };

  const formError = create.isError && Object.keys(errors).length === 0 ? errorText(create.error) : null;
  return (
    <Modal
      open={open}
      onClose={handleClose}
      title="New credential"
      description="Secrets are encrypted before they are stored and are never shown again. You will only see a masked hint."
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-credential-form" loading={create.isPending}>
            Save credential
          </Button>
        </>
      }
    >
      <form id="create-credential-form" className="stack-form" onSubmit={handleSubmit} noValidate autoComplete="off">
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Name"
          name="name"
          maxLength={CREDENTIAL_NAME_MAX}
          required
          error={errors.name}
          hint="How workflows refer to it, e.g. Stripe production."
        />
        <Select
          label="Type"
          name="type"
          value={type}
          options={CREDENTIAL_TYPE_OPTIONS}
          error={errors.type}
          onChange={(event) => {
            if (isCredentialType(event.target.value)) setType(event.target.value);
            setErrors({});
          }}
        />
        <CredentialSecretFields type={type} errors={errors} />
      </form>
    </Modal>
  );
}
