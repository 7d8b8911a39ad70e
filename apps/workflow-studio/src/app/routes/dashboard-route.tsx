import { Link } from 'react-router';
import { Alert, Card } from '@auterity/design-system';
import { AiUsageCard } from '../../features/ai/components/ai-usage-card';
import { useResendVerification } from '../../features/auth/api/email';
import { useSession } from '../../features/auth/hooks/use-session';
import { usePageTitle } from '../../hooks/use-page-title';

export function DashboardRoute() {
  const session = useSession();
  const resend = useResendVerification();
  usePageTitle('Dashboard');
  if (session.status !== 'signed-in') return null;
  const { user } = session;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ') || user.email;
  return (
    <>
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
      <header className="page-header">
        <h1 className="page-header__title">Welcome, {user.firstName ?? name}</h1>
        <p className="page-header__description">
          You are the <strong>{user.role}</strong> of this organization.
        </p>
      </header>
      <AiUsageCard />
      <Card label="Getting started">
        <h2 className="card-title">Your workspace is ready</h2>
        <p>Draw a workflow on the canvas, run it, and watch every step. These help along the way:</p>
        <ul className="next-steps">
          <li>
            <Link to="/credentials">Store credentials</Link> for the services your workflows call.
          </li>
          <li>
            <Link to="/ai/providers">Connect an AI provider</Link>, or start with the built-in local models, and let AI nodes pick
            the cheapest, fastest or best model.
          </li>
          {user.permissions.includes('api_keys:manage') ? (
            <li>
              <Link to="/api-keys">Create an API key</Link> to call Auterity from your own code (reference at /api/docs).
            </li>
          ) : null}
          {user.permissions.includes('audit:read') ? (
            <li>
              <Link to="/audit-log">Review the audit log</Link> of sign-ins and security changes.
            </li>
          ) : null}
        </ul>
      </Card>
    </>
  );
}
