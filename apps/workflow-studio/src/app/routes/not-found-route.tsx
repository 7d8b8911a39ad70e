import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <main className="auth-page">
      <h1 className="auth-page__title">Page not found</h1>
      <p className="auth-page__subtitle">
        <Link to="/login">Go to sign in</Link>
      </p>
    </main>
  );
}
