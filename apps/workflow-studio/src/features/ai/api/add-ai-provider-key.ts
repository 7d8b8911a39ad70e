import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CredentialDtoSchema, type CreateCredentialBody, type CredentialDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { aiModelsQueryOptions } from './get-ai-models';
import { aiProvidersQueryOptions } from './get-ai-providers';

/**
 * Enables a provider for the organization by storing its key in the credential vault (an `api_key`
 * credential naming the provider); the key is never returned.
 */
export function addAiProviderKey(body: Extract<CreateCredentialBody, { type: 'api_key' }>): Promise<CredentialDto> {
  return apiRequestParsed(CredentialDtoSchema, 'POST', '/api/credentials', body);
}

export function useAddAiProviderKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: addAiProviderKey,
    // A new key changes which providers are configured and which models are available.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: aiProvidersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: aiModelsQueryOptions().queryKey }),
      ]),
  });
}
