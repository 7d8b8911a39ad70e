import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useSession } from '../features/auth/hooks/use-session';

/** Renders its children only when signed in; otherwise sends the user to /login and back afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') {
    return (
      <main className="page-loading" aria-busy="true">
        Loading…
      </main>
    );
  }
  if (session.status === 'signed-out') return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return children;
}
