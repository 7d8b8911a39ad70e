import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';

export function useResendVerification() {
  return useMutation({ mutationFn: () => apiRequest<{ message: string }>('POST', '/api/auth/verify-email/request') });
}

export function useVerifyEmail() {
  return useMutation({
    mutationFn: (token: string) => apiRequest<{ message: string }>('POST', '/api/auth/verify-email', { token }),
  });
}

export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (email: string) => apiRequest<{ message: string }>('POST', '/api/auth/password-reset/request', { email }),
  });
}

export function useResetPassword() {
  return useMutation({
    mutationFn: (body: { token: string; password: string }) =>
      apiRequest<{ message: string }>('POST', '/api/auth/password-reset', body),
  });
}
