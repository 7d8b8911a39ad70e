import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Button, TextField } from '@auterity/design-system';
import { NewPasswordSchema } from '@auterity/workflow-contracts';
import { useRequestPasswordReset, useResetPassword, useVerifyEmail } from '../../features/auth/api/email';
import { ApiError } from '../../lib/api-client';
import { AuthLayout } from './auth-layout';

export function ForgotPasswordRoute() {
  const request = useRequestPasswordReset();
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    request.mutate(String(new FormData(event.currentTarget).get('email') ?? ''));
  };
  return (
    <AuthLayout title="Reset your password" subtitle="We will email you a link that works once, for 30 minutes.">
      {request.isSuccess ? (
        <Alert tone="info">If an account exists for this email, a reset link is on its way.</Alert>
      ) : (
        <form className="auth-form" onSubmit={handleSubmit}>
          {request.isError ? <Alert tone="error">Enter a valid email address.</Alert> : null}
          <TextField label="Email" name="email" type="email" autoComplete="email" required />
          <Button type="submit" loading={request.isPending}>
            Send reset link
          </Button>
        </form>
      )}
      <p className="auth-page__footer">
        <Link to="/login">Back to sign in</Link>
      </p>
    </AuthLayout>
  );
}

export function ResetPasswordRoute() {
  const [params] = useSearchParams();
  const reset = useResetPassword();
  const [error, setError] = useState<string | undefined>();
  const handleSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const parsed = NewPasswordSchema.safeParse(new FormData(event.currentTarget).get('password'));
    if (!parsed.success) return setError(parsed.error.issues[0]?.message);
    setError(undefined);
    reset.mutate(
      { token: params.get('token') ?? '', password: parsed.data },
      { onError: (e) => setError(e instanceof ApiError ? (e.fieldErrors().password ?? e.message) : 'Something went wrong.') },
    );
  };
  return (
    <AuthLayout title="Choose a new password">
      {reset.isSuccess ? (
        <Alert tone="info">
          Password changed. <Link to="/login">Sign in</Link> with your new password.
        </Alert>
      ) : (
        <form className="auth-form" onSubmit={handleSubmit} noValidate>
          <TextField label="New password" name="password" type="password" autoComplete="new-password" error={error} required />
          <Button type="submit" loading={reset.isPending}>
            Set password
          </Button>
        </form>
      )}
    </AuthLayout>
  );
}

export function VerifyEmailRoute() {
  const [params] = useSearchParams();
  const verify = useVerifyEmail();
  const token = params.get('token') ?? '';
  return (
    <AuthLayout title="Confirm your email">
      {verify.isSuccess ? <Alert tone="info">Your email is confirmed. Thank you!</Alert> : null}
      {verify.isError ? <Alert tone="error">This link is invalid or has expired. Sign in and ask for a new one.</Alert> : null}
      {!verify.isSuccess ? (
        <Button onClick={() => verify.mutate(token)} loading={verify.isPending}>
          Confirm my email
        </Button>
      ) : null}
      <p className="auth-page__footer">
        <Link to="/dashboard">Continue to Auterity</Link>
      </p>
    </AuthLayout>
  );
}
