import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { apiKeysQueryOptions } from './get-api-keys';

/** Revokes a key at once; integrations using it get 401 from then on. */
export async function revokeApiKey(id: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/api-keys/${encodeURIComponent(id)}`);
}

export function useRevokeApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryOptions().queryKey }),
  });
}
