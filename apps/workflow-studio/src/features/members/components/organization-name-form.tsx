import { useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@auterity/design-system';
import { ORGANIZATION_NAME_MAX, UpdateOrganizationBodySchema } from '@auterity/workflow-contracts';
import { errorText, issueFieldErrors, serverFieldErrors } from '../../../utils/error-text';
import { useUpdateOrganization } from '../api/update-organization';

interface OrganizationNameFormProps {
  name: string;
}

/** Renames the organization, validated with the API's body schema; shown only to those allowed. */
export function OrganizationNameForm({ name }: OrganizationNameFormProps) {
  const update = useUpdateOrganization();
  const [draft, setDraft] = useState(name);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const fromServer = serverFieldErrors(update.error);
  const shown = { ...fromServer, ...errors };
  const formError = update.error && Object.keys(fromServer).length === 0 ? errorText(update.error) : null;
  const isUnchanged = draft.trim() === name;

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = UpdateOrganizationBodySchema.safeParse({ name: draft });
    if (!parsed.success) return setErrors(issueFieldErrors(parsed.error.issues));
    setErrors({});
    update.mutate(parsed.data, { onSuccess: (organization) => setDraft(organization.name) });
  };

  return (
    <form className="stack-form org-name-form" onSubmit={handleSubmit} noValidate aria-label="Rename the organization">
      <h2 className="card-title">Rename</h2>
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      {update.isSuccess && isUnchanged ? <Alert tone="success">Organization renamed.</Alert> : null}
      <TextField
        label="Organization name"
        name="name"
        value={draft}
        maxLength={ORGANIZATION_NAME_MAX}
        required
        data-testid="organization-name-input"
        error={shown.name}
        onChange={(event) => {
          setDraft(event.target.value);
          if (errors.name) setErrors({});
        }}
      />
      <div>
        <Button type="submit" loading={update.isPending} disabled={isUnchanged} data-testid="save-organization-button">
          Save name
        </Button>
      </div>
    </form>
  );
}
