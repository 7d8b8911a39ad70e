import { useNavigate } from 'react-router';
import { Alert, Button, Card } from '@auterity/design-system';
import { useResendVerification } from '../../features/auth/api/email';
import { useLogout } from '../../features/auth/api/login';
import { useSession } from '../../features/auth/hooks/use-session';

export function DashboardRoute() {
  const session = useSession();
  const navigate = useNavigate();
  const logout = useLogout();
  const resend = useResendVerification();
  if (session.status !== 'signed-in') return null;
  const { user } = session;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  return (
    <div className="shell">
      <header className="shell__bar">
        <span className="shell__brand">
          <img src="/favicon.svg" alt="" width="28" height="28" /> Auterity
        </span>
        <div className="shell__user">
          <span className="shell__identity">
            <strong data-testid="user-name">{name}</strong>
            <span className="shell__meta" data-testid="user-email">
              {user.email} · {user.role}
            </span>
          </span>
          <Button
            variant="secondary"
            data-testid="logout-button"
            loading={logout.isPending}
            onClick={() => logout.mutate(undefined, { onSettled: () => void navigate('/login', { replace: true }) })}
          >
            Sign out
          </Button>
        </div>
      </header>
      <main className="shell__main">
        {!user.emailVerified ? (
          <Alert tone="info">
            Confirm your email address: we sent a link to {user.email}.{' '}
            {resend.isSuccess ? (
              'A new link is on its way.'
            ) : (
              <button type="button" className="link-button" onClick={() => resend.mutate()} disabled={resend.isPending}>
                Send it again
              </button>
            )}
          </Alert>
        ) : null}
        <h1 className="shell__title">Welcome, {user.firstName ?? name}</h1>
        <Card label="Getting started">
          <h2 className="card-title">Your workspace is ready</h2>
          <p>
            You are the <strong>{user.role}</strong> of this organization. Workflows, executions and AI providers arrive here
            next: draw a workflow on the canvas, run it, and watch every step.
          </p>
          <p className="shell__meta">
            Integrators can already create API keys and invite teammates through the API reference at /api/docs.
          </p>
        </Card>
      </main>
    </div>
  );
}
