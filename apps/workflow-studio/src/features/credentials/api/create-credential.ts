import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CredentialDtoSchema, type CreateCredentialBody, type CredentialDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { credentialsQueryOptions } from './get-credentials';

/** Stores a credential; the answer carries only its masked hint. */
export function createCredential(body: CreateCredentialBody): Promise<CredentialDto> {
  return apiRequestParsed(CredentialDtoSchema, 'POST', '/api/credentials', body);
}

export function useCreateCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createCredential,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions().queryKey }),
  });
}
