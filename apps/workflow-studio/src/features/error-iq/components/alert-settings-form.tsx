import { useState, type FormEvent } from 'react';
import { Alert, Button, Checkbox, TextField } from '@auterity/design-system';
import {
  ErrorAlertSettingsBodySchema,
  type ErrorAlertSettingsBody,
  type ErrorAlertSettingsDto,
} from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { usePutAlertSettings } from '../api/alert-settings';

/**
 * Where Error-IQ alerts go: a webhook (JSON POST; its URL may hold a token, so it is never shown
 * again, only its host) and/or an email address, and which events alert.
 */
export function AlertSettingsForm({ settings }: { settings: ErrorAlertSettingsDto }) {
  const put = usePutAlertSettings();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [isSaved, setIsSaved] = useState(false);
  // Bumped on save: the webhook field empties (its URL may hold a token and is not shown again).
  const [saves, setSaves] = useState(0);
  const saved = () => {
    setIsSaved(true);
    setSaves((n) => n + 1);
  };

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const webhookUrl = String(form.get('webhookUrl') ?? '').trim();
    const email = String(form.get('email') ?? '').trim();
    const body: ErrorAlertSettingsBody = {
      // An empty webhook field keeps the saved one; "Remove webhook" clears it.
      ...(webhookUrl ? { webhookUrl } : {}),
      email: email || null,
      onNew: form.get('onNew') === 'on',
      onRegression: form.get('onRegression') === 'on',
      onSpike: form.get('onSpike') === 'on',
      spikePerHour: Number(form.get('spikePerHour')),
    };
    const parsed = ErrorAlertSettingsBodySchema.safeParse(body);
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    setIsSaved(false);
    put.mutate(parsed.data, { onSuccess: saved, onError: (error) => setErrors(serverFieldErrors(error)) });
  };

  const formError = put.isError && Object.keys(errors).length === 0 ? errorText(put.error) : null;
  return (
    <form className="alert-settings" onSubmit={handleSubmit} noValidate data-testid="alert-settings">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {isSaved && !put.isPending ? <Alert tone="success">Alert settings saved.</Alert> : null}
      <TextField
        key={`webhook-${saves}`}
        label="Webhook URL"
        name="webhookUrl"
        type="url"
        placeholder={
          settings.webhookConfigured
            ? `Saved (${settings.webhookHost ?? 'set'}); enter a new URL to replace it`
            : 'https://hooks.example.com/…'
        }
        hint="Receives a JSON POST per alert. Internal addresses are refused unless your operator allows them."
        error={errors.webhookUrl}
      />
      {settings.webhookConfigured ? (
        <div>
          <Button variant="ghost" disabled={put.isPending} onClick={() => put.mutate({ webhookUrl: null }, { onSuccess: saved })}>
            Remove webhook
          </Button>
        </div>
      ) : null}
      <TextField
        key={settings.email ?? ''}
        label="Alert email"
        name="email"
        type="email"
        defaultValue={settings.email ?? ''}
        error={errors.email}
      />
      <Checkbox label="A new error appears" name="onNew" defaultChecked={settings.onNew} />
      <Checkbox label="A resolved error comes back (regression)" name="onRegression" defaultChecked={settings.onRegression} />
      <Checkbox label="An error spikes" name="onSpike" defaultChecked={settings.onSpike} />
      <TextField
        label="Spike: occurrences within one hour"
        name="spikePerHour"
        type="number"
        min={1}
        defaultValue={String(settings.spikePerHour)}
        error={errors.spikePerHour}
      />
      <div>
        <Button type="submit" loading={put.isPending} data-testid="alert-settings-save">
          Save alert settings
        </Button>
      </div>
    </form>
  );
}
