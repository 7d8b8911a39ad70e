import { useState, type FormEvent } from 'react';
import { Alert, Button, Modal, TextField } from '@auterity/design-system';
import { CreateCredentialBodySchema, type AiProviderDto } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { useAddAiProviderKey } from '../api/add-ai-provider-key';

interface AddProviderKeyDialogProps {
  /** The provider getting a key; the dialog is closed while null. */
  provider: AiProviderDto | null;
  onClose: () => void;
}

/**
 * Stores a provider's API key (and optional endpoint) as a vault credential, which enables the
 * provider for the organization. Checked with the credential contract before it is sent.
 */
export function AddProviderKeyDialog({ provider, onClose }: AddProviderKeyDialogProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const add = useAddAiProviderKey();

  const handleClose = () => {
    // Drop the submitted key from the mutation's memory as soon as the dialog goes away.
    add.reset();
    setErrors({});
    onClose();
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!provider) return;
    const form = new FormData(event.currentTarget);
    const baseUrl = String(form.get('baseUrl') ?? '').trim();
    const parsed = CreateCredentialBodySchema.safeParse({
      name: `${provider.name} API key`,
      type: 'api_key',
      data: { apiKey: form.get('apiKey') ?? '', provider: provider.id, ...(baseUrl ? { baseUrl } : {}) },
    });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    if (parsed.data.type !== 'api_key') return;
    if (!provider.baseUrl && !baseUrl) return setErrors({ 'data.baseUrl': 'Enter the address of your server' });
    setErrors({});
    add.mutate(parsed.data, { onSuccess: handleClose, onError: (error) => setErrors(serverFieldErrors(error)) });
  };

  const formError = add.isError && Object.keys(errors).length === 0 ? errorText(add.error) : null;
  return (
    <Modal
      open={provider !== null}
      onClose={handleClose}
      title={provider ? `Add a key for ${provider.name}` : 'Add a key'}
      description="The key is encrypted before it is stored and is never shown again. AI nodes of this organization can then use the provider's models."
      footer={
        <>
          <Button variant="secondary" onClick={handleClose}>
            Cancel
          </Button>
          <Button type="submit" form="add-provider-key-form" loading={add.isPending} data-testid="provider-key-save">
            Save key
          </Button>
        </>
      }
    >
      {provider ? (
        <form id="add-provider-key-form" className="stack-form" onSubmit={handleSubmit} noValidate autoComplete="off">
          {formError ? <Alert tone="error">{formError}</Alert> : null}
          <TextField
            label="API key"
            name="apiKey"
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            required
            data-testid="provider-key-input"
            error={errors['data.apiKey']}
            hint={
              provider.baseUrl
                ? `From your ${provider.name} account settings.`
                : 'The key your server expects; for a server without authentication, any placeholder such as none.'
            }
          />
          <TextField
            label={provider.baseUrl ? 'Base URL (optional)' : 'Base URL'}
            required={!provider.baseUrl}
            name="baseUrl"
            type="url"
            inputMode="url"
            spellCheck={false}
            placeholder={provider.baseUrl ?? 'https://'}
            data-testid="provider-base-url-input"
            error={errors['data.baseUrl']}
            hint={
              provider.baseUrl
                ? `Leave empty to call ${provider.baseUrl}; set it to go through a proxy.`
                : 'The address of your server or deployment, e.g. https://llm.example.com/v1.'
            }
          />
        </form>
      ) : null}
    </Modal>
  );
}
