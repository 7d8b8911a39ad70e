import { useState, type FormEvent } from 'react';
import { Alert, Button, TextField } from '@auterity/design-system';
import { LoginBodySchema } from '@auterity/workflow-contracts';
import { ApiError } from '../../../lib/api-client';
import { useLogin } from '../api/login';

type FieldErrors = Partial<Record<'email' | 'password', string>>;

function messageFor(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (error.code) {
    case 'invalid_credentials':
      return 'That email and password do not match an account.';
    case 'rate_limited':
      return 'Too many attempts. Wait a minute and try again.';
    default:
      return error.message;
  }
}

/** Email + password sign-in, validated with the same schema the API uses. */
export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const mutation = useLogin();

  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = LoginBodySchema.safeParse({ email: form.get('email'), password: form.get('password') });
    if (!parsed.success) {
      const errors: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if ((field === 'email' || field === 'password') && !errors[field]) {
          errors[field] = field === 'email' ? 'Enter a valid email address.' : issue.message;
        }
      }
      setFieldErrors(errors);
      return;
    }
    setFieldErrors({});
    mutation.mutate(parsed.data, { onSuccess: onSignedIn });
  };

  return (
    <form className="auth-form" onSubmit={handleSubmit} noValidate aria-label="Sign in">
      {mutation.isError ? <Alert tone="error">{messageFor(mutation.error)}</Alert> : null}
      <TextField
        label="Email"
        name="email"
        type="email"
        autoComplete="email"
        data-testid="email-input"
        error={fieldErrors.email}
        required
      />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        data-testid="password-input"
        error={fieldErrors.password}
        required
      />
      <Button type="submit" loading={mutation.isPending} data-testid="login-button">
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
