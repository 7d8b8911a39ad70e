import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { refreshSession } from '../../lib/session';

/** Where the API sends the browser after "Continue with …": the refresh cookie is set, fetch a token. */
export function AuthCallbackRoute() {
  const navigate = useNavigate();
  useEffect(() => {
    void refreshSession().then((ok) => navigate(ok ? '/dashboard' : '/login?error=oauth_failed', { replace: true }));
  }, [navigate]);
  return (
    <main className="page-loading" aria-busy="true">
      Signing you in…
    </main>
  );
}
