import { useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@auterity/design-system';
import { PASSWORD_MIN, RegisterBodySchema } from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';
import { useRegister } from '../api/login';

type Field = 'organizationName' | 'email' | 'password' | 'firstName' | 'lastName';
type FieldErrors = Partial<Record<Field, string>>;
const FIELDS: readonly Field[] = ['organizationName', 'email', 'password', 'firstName', 'lastName'];
const isField = (value: unknown): value is Field => FIELDS.includes(value as Field);

/** Creates an organization and its owner; server field errors (e.g. a common password) land on the field. */
export function RegisterForm({ onRegistered }: { onRegistered: () => void }) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const mutation = useRegister();

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const optional = (name: string) => (form.get(name) ? String(form.get(name)) : undefined);
    const parsed = RegisterBodySchema.safeParse({
      organizationName: form.get('organizationName'),
      email: form.get('email'),
      password: form.get('password'),
      firstName: optional('firstName'),
      lastName: optional('lastName'),
    });
    setFormError(null);
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (isField(field) && !errors[field]) errors[field] = issue.message;
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    mutation.mutate(parsed.data, {
      onSuccess: onRegistered,
      onError: (error) => {
        if (!(error instanceof ApiError)) return setFormError('Something went wrong. Please try again.');
        if (error.code === 'conflict') return setFieldErrors({ email: 'An account with this email already exists.' });
        const fromServer = error.fieldErrors();
        const errors: FieldErrors = {};
        for (const [field, message] of Object.entries(fromServer)) if (isField(field)) errors[field] = message;
        if (Object.keys(errors).length > 0) setFieldErrors(errors);
        else setFormError(error.message);
      },
    });
  };

  return (
    <form className="auth-form" onSubmit={handleSubmit} noValidate aria-label="Create your account">
      {formError ? <Alert tone="error">{formError}</Alert> : null}
      <TextField
        label="Organization name"
        name="organizationName"
        autoComplete="organization"
        data-testid="register-organization-input"
        error={fieldErrors.organizationName}
        required
      />
      <div className="auth-form__row">
        <TextField label="First name" name="firstName" autoComplete="given-name" error={fieldErrors.firstName} />
        <TextField label="Last name" name="lastName" autoComplete="family-name" error={fieldErrors.lastName} />
      </div>
      <TextField
        label="Work email"
        name="email"
        type="email"
        autoComplete="email"
        data-testid="register-email-input"
        error={fieldErrors.email}
        required
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        hint={`At least ${PASSWORD_MIN} characters. A passphrase is easiest to remember.`}
        data-testid="register-password-input"
        error={fieldErrors.password}
        required
      />
      <Button type="submit" loading={mutation.isPending} data-testid="register-button">
        {mutation.isPending ? 'Creating your account…' : 'Create account'}
      </Button>
    </form>
  );
}
