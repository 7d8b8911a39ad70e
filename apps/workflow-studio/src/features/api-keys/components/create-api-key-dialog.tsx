import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, CheckboxGroup, Modal, TextField } from '@auterity/design-system';
import {
  API_KEY_NAME_MAX,
  CreateApiKeyBodySchema,
  PERMISSIONS,
  type CreateApiKeyBody,
  type Permission,
} from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { SCOPE_DESCRIPTIONS } from '../utils/api-key-display';

interface CreateApiKeyDialogProps {
  open: boolean;
  /** The creator's own permissions: a key can never hold more. */
  grantable: readonly Permission[];
  isSubmitting: boolean;
  error: unknown;
  onSubmit: (body: CreateApiKeyBody) => void;
  onClose: () => void;
}

function tomorrow(): string {
  const date = new Date();
  date.setDate(date.getDate() + 1);
  return date.toISOString().slice(0, 10);
}

/** Name, scopes and optional expiry of a new key, validated with the API's body schema. */
export function CreateApiKeyDialog({ open, grantable, isSubmitting, error, onSubmit, onClose }: CreateApiKeyDialogProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fromServer = serverFieldErrors(error);
  const shown = { ...fromServer, ...errors };

  const handleClose = () => {
    setErrors({});
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const expiry = String(form.get('expiresOn') ?? '');
    const parsed = CreateApiKeyBodySchema.safeParse({
      name: form.get('name'),
      scopes: form.getAll('scopes'),
      // The key stops working at the end of the chosen day, in the user's time zone.
      ...(expiry ? { expiresAt: new Date(`${expiry}T23:59:59`).toISOString() } : {}),
    });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    onSubmit(parsed.data);
  };

  const formError = error && Object.keys(fromServer).length === 0 ? errorText(error) : null;
  return (
    <Modal
      open={open}
      onClose={handleClose}
      title="New API key"
      description="Integrations send the key as a Bearer token. Give it only the scopes it needs."
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="create-api-key-form" loading={isSubmitting}>
            Create key
          </Button>
        </>
      }
    >
      <form id="create-api-key-form" className="stack-form" onSubmit={handleSubmit} noValidate>
        {formError ? <Alert tone="error">{formError}</Alert> : null}
        <TextField
          label="Name"
          name="name"
          maxLength={API_KEY_NAME_MAX}
          required
          error={shown.name}
          hint="e.g. Zapier production"
        />
        <CheckboxGroup legend="Scopes" hint="What requests made with this key may do." error={shown.scopes}>
          {PERMISSIONS.map((permission) => (
            <Checkbox
              key={permission}
              name="scopes"
              value={permission}
              label={<code>{permission}</code>}
              description={SCOPE_DESCRIPTIONS[permission]}
              disabled={!grantable.includes(permission)}
            />
          ))}
        </CheckboxGroup>
        <TextField
          label="Expires on (optional)"
          name="expiresOn"
          type="date"
          min={tomorrow()}
          hint="Leave empty for a key that works until it is revoked."
          error={shown.expiresAt}
        />
      </form>
    </Modal>
  );
}
