import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession } from './require-session';
import { LoginRoute } from './routes/login-route';
import { NotFoundRoute } from './routes/not-found-route';

// The sign-in page ships in the main chunk (it is the first thing most visitors see); every other
// screen is loaded on demand.
export const router = createBrowserRouter([
  { path: '/', element: <Navigate to="/dashboard" replace /> },
  { path: '/login', element: <LoginRoute /> },
  { path: '/register', lazy: async () => ({ Component: (await import('./routes/register-route')).RegisterRoute }) },
  { path: '/auth/callback', lazy: async () => ({ Component: (await import('./routes/auth-callback-route')).AuthCallbackRoute }) },
  {
    path: '/forgot-password',
    lazy: async () => ({ Component: (await import('./routes/email-link-routes')).ForgotPasswordRoute }),
  },
  { path: '/reset-password', lazy: async () => ({ Component: (await import('./routes/email-link-routes')).ResetPasswordRoute }) },
  { path: '/verify-email', lazy: async () => ({ Component: (await import('./routes/email-link-routes')).VerifyEmailRoute }) },
  {
    path: '/dashboard',
    lazy: async () => {
      const { DashboardRoute } = await import('./routes/dashboard-route');
      return {
        Component: () => (
          <RequireSession>
            <DashboardRoute />
          </RequireSession>
        ),
      };
    },
  },
  { path: '*', element: <NotFoundRoute /> },
]);
