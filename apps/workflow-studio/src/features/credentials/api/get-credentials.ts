import { queryOptions, useQuery } from '@tanstack/react-query';
import { CredentialDtoSchema, type CredentialDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** The organization's credentials: names, types and masked hints, never the secrets. */
export async function getCredentials(): Promise<CredentialDto[]> {
  return (await apiListRequest(CredentialDtoSchema, '/api/credentials')).items;
}

export const credentialsQueryOptions = () => queryOptions({ queryKey: ['credentials'], queryFn: getCredentials });

export function useCredentials() {
  return useQuery(credentialsQueryOptions());
}
