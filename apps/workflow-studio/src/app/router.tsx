import { createBrowserRouter, Navigate } from 'react-router';
import { RequireSession } from './require-session';
import { LoginRoute } from './routes/login-route';
import { NotFoundRoute } from './routes/not-found-route';
import { RouteError } from './routes/route-error';

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
    // Signed-in pages share the app shell (navigation, user, sign-out); each page has its own chunk
    // and error boundary.
    lazy: async () => {
      const { AppShell } = await import('./app-shell');
      return {
        Component: () => (
          <RequireSession>
            <AppShell />
          </RequireSession>
        ),
      };
    },
    ErrorBoundary: RouteError,
    children: [
      {
        path: '/dashboard',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/dashboard-route')).DashboardRoute }),
      },
      {
        path: '/workflows',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/workflows-route')).WorkflowsRoute }),
      },
      {
        // The editor pulls in the canvas library; its own chunk keeps it off every other page.
        path: '/workflows/:workflowId',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/workflow-editor-route')).WorkflowEditorRoute }),
      },
      {
        path: '/executions',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/executions-route')).ExecutionsRoute }),
      },
      {
        // The graph pulls in the canvas library, like the editor.
        path: '/executions/:executionId',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/execution-detail-route')).ExecutionDetailRoute }),
      },
      {
        path: '/analytics',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/analytics-route')).AnalyticsRoute }),
      },
      {
        path: '/errors',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/errors-route')).ErrorsRoute }),
      },
      {
        path: '/errors/:groupId',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/error-detail-route')).ErrorDetailRoute }),
      },
      {
        path: '/credentials',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/credentials-route')).CredentialsRoute }),
      },
      {
        path: '/api-keys',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/api-keys-route')).ApiKeysRoute }),
      },
      { path: '/ai', element: <Navigate to="/ai/providers" replace /> },
      {
        path: '/ai/providers',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/ai-routes')).AiProvidersRoute }),
      },
      {
        path: '/ai/models',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/ai-routes')).AiModelsRoute }),
      },
      {
        path: '/ai/usage',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/ai-routes')).AiUsageRoute }),
      },
      {
        path: '/audit-log',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/audit-log-route')).AuditLogRoute }),
      },
      { path: '/settings', element: <Navigate to="/settings/organization" replace /> },
      {
        path: '/settings/members',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/members-route')).MembersRoute }),
      },
      {
        path: '/settings/billing',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/billing-route')).BillingRoute }),
      },
      {
        path: '/admin',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/admin-route')).AdminRoute }),
      },
      {
        path: '/settings/organization',
        ErrorBoundary: RouteError,
        lazy: async () => ({ Component: (await import('./routes/organization-route')).OrganizationRoute }),
      },
    ],
  },
  { path: '*', element: <NotFoundRoute /> },
]);
