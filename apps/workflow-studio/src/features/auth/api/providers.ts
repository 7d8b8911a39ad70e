import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export interface SignInProvider {
  id: 'google' | 'microsoft' | 'github';
  name: string;
  startUrl: string;
}

export const providersQueryOptions = () =>
  queryOptions({
    queryKey: ['auth', 'providers'],
    queryFn: () => apiRequest<{ providers: SignInProvider[] }>('GET', '/api/auth/providers'),
    staleTime: 5 * 60_000,
  });

/** "Sign in with …" providers configured on the server (none: no buttons). */
export function useSignInProviders() {
  return useQuery(providersQueryOptions());
}
