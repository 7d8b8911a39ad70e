import { useNavigate } from 'react-router';
import { Card } from '@auterity/design-system';
import { LoginForm } from '../../features/auth/components/login-form';

export function LoginRoute() {
  const navigate = useNavigate();
  return (
    <main className="auth-page">
      <div className="auth-page__brand" aria-hidden="true">
        <img src="/favicon.svg" alt="" width="40" height="40" />
        <span>Auterity</span>
      </div>
      <Card label="Sign in">
        <h1 className="auth-page__title">Sign in to Auterity</h1>
        <p className="auth-page__subtitle">Build, run and watch AI workflows.</p>
        <LoginForm onSignedIn={() => void navigate('/dashboard')} />
      </Card>
    </main>
  );
}
