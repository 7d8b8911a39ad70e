import { Link, Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { Alert } from '@auterity/design-system';
import { LoginForm } from '../../features/auth/components/login-form';
import { OAuthButtons } from '../../features/auth/components/oauth-buttons';
import { useSession } from '../../features/auth/hooks/use-session';
import { AuthLayout } from './auth-layout';

const OAUTH_ERRORS: Record<string, string> = {
  oauth_state: 'That sign-in link expired or was opened twice. Please try again.',
  oauth_failed: 'The sign-in provider did not complete the sign-in. Please try again.',
  oauth_unverified_email: 'Your provider has not verified this email address, so we cannot link it to an existing account.',
};

export function LoginRoute() {
  const navigate = useNavigate();
  const session = useSession();
  const location = useLocation();
  const [params] = useSearchParams();
  const from = (location.state as { from?: string } | null)?.from ?? '/dashboard';
  if (session.status === 'signed-in') return <Navigate to={from} replace />;
  const oauthError = OAUTH_ERRORS[params.get('error') ?? ''];
  return (
    <AuthLayout title="Sign in to Auterity" subtitle="Build, run and watch AI workflows.">
      {session.status === 'signed-out' && session.reason === 'expired' ? (
        <Alert tone="info">Your session has expired. Please sign in again.</Alert>
      ) : null}
      {oauthError ? <Alert tone="error">{oauthError}</Alert> : null}
      <LoginForm onSignedIn={() => void navigate(from, { replace: true })} />
      <OAuthButtons />
      <p className="auth-page__footer">
        <Link to="/forgot-password">Forgot your password?</Link>
        <span aria-hidden="true"> · </span>
        New here? <Link to="/register">Create an account</Link>
      </p>
    </AuthLayout>
  );
}
