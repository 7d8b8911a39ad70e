import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { credentialsQueryOptions } from './get-credentials';

/** Deletes a credential for good; workflows that use it fail until they get another one. */
export async function deleteCredential(id: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/credentials/${encodeURIComponent(id)}`);
}

export function useDeleteCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteCredential,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions().queryKey }),
  });
}
