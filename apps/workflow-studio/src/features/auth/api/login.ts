import { useMutation } from '@tanstack/react-query';
import type { AuthResponse, LoginBody, RegisterBody } from '@auterity/workflow-contracts';
import { apiRequest } from '../../../lib/api-client';
import { endSession, startSession } from '../../../lib/session';

export function login(body: LoginBody): Promise<AuthResponse> {
  return apiRequest<AuthResponse>('POST', '/api/auth/login', body);
}

/** Signs in and starts the session; the caller decides where to go on success. */
export function useLogin() {
  return useMutation({ mutationFn: login, onSuccess: startSession });
}

export function register(body: RegisterBody): Promise<AuthResponse> {
  return apiRequest<AuthResponse>('POST', '/api/auth/register', body);
}

/** Creates the organization and its owner, signed in. */
export function useRegister() {
  return useMutation({ mutationFn: register, onSuccess: startSession });
}

/** Signs out on the server (both tokens stop working), then locally. */
export function useLogout() {
  return useMutation({
    mutationFn: () => apiRequest<{ message: string }>('POST', '/api/auth/logout'),
    onSettled: () => endSession('signed-out'),
  });
}
