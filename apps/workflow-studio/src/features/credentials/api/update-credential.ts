import { useMutation, useQueryClient } from '@tanstack/react-query';
import { CredentialDtoSchema, type CredentialDto, type UpdateCredentialBody } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { credentialsQueryOptions } from './get-credentials';

/** Renames a credential and/or replaces its secret (its type never changes). */
export function updateCredential({ id, body }: { id: string; body: UpdateCredentialBody }): Promise<CredentialDto> {
  return apiRequestParsed(CredentialDtoSchema, 'PUT', `/api/credentials/${encodeURIComponent(id)}`, body);
}

export function useUpdateCredential() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateCredential,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: credentialsQueryOptions().queryKey }),
  });
}
