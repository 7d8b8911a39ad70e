import { Link, Navigate, useNavigate } from 'react-router';
import { OAuthButtons } from '../../features/auth/components/oauth-buttons';
import { RegisterForm } from '../../features/auth/components/register-form';
import { useSession } from '../../features/auth/hooks/use-session';
import { AuthLayout } from './auth-layout';

export function RegisterRoute() {
  const navigate = useNavigate();
  const session = useSession();
  if (session.status === 'signed-in') return <Navigate to="/dashboard" replace />;
  return (
    <AuthLayout title="Create your Auterity account" subtitle="You will be the owner of a new organization.">
      <RegisterForm onRegistered={() => void navigate('/dashboard', { replace: true })} />
      <OAuthButtons />
      <p className="auth-page__footer">
        Already have an account? <Link to="/login">Sign in</Link>
      </p>
    </AuthLayout>
  );
}
