import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { aiModelsQueryOptions } from './get-ai-models';
import { aiProvidersQueryOptions } from './get-ai-providers';

/** Disables a provider for the organization by deleting the vault credential that holds its key. */
export async function removeAiProviderKey(credentialId: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/credentials/${encodeURIComponent(credentialId)}`);
}

export function useRemoveAiProviderKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeAiProviderKey,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: aiProvidersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: aiModelsQueryOptions().queryKey }),
      ]),
  });
}
