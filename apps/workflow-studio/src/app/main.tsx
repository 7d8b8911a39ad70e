import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import '@auterity/design-system/src/tokens.css';
import './app.css';
import { router } from './router';
import { refreshSession } from '../lib/session';
import { applyThemePreference, readThemePreference } from '../lib/theme';

// Before the first render, so a forced light or dark theme never flashes the other one.
applyThemePreference(readThemePreference());
const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, staleTime: 10_000 } } });
// Restore a session from the httpOnly refresh cookie, if there is one.
void refreshSession();

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
