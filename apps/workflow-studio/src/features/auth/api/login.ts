import { useMutation } from '@tanstack/react-query';
import type { LoginBody } from '@auterity/workflow-contracts';
import { apiRequest } from '../../../lib/api-client';

export interface LoginResult {
  token: string;
  user: { id: string; email: string; organizationId: string };
}

export function login(body: LoginBody): Promise<LoginResult> {
  return apiRequest<LoginResult>('POST', '/api/auth/login', body);
}

/** Signs in; the caller decides where to go on success. */
export function useLogin() {
  return useMutation({ mutationFn: login });
}
