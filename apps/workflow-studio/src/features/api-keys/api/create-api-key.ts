import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CreatedApiKeyDtoSchema, type CreateApiKeyBody } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { apiKeysQueryOptions } from './get-api-keys';

/** Creates an API key; the answer's `key` is the only copy the user will ever get. */
export function createApiKey(body: CreateApiKeyBody) {
  return apiRequestParsed(CreatedApiKeyDtoSchema, 'POST', '/api/api-keys', body);
}

export function useCreateApiKey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createApiKey,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeysQueryOptions().queryKey }),
  });
}
