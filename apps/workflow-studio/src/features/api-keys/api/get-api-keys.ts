import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiKeyDtoSchema, type ApiKeyDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** The organization's API keys, newest first; only their prefixes, never the keys. */
export async function getApiKeys(): Promise<ApiKeyDto[]> {
  return (await apiListRequest(ApiKeyDtoSchema, '/api/api-keys')).items;
}

export const apiKeysQueryOptions = () => queryOptions({ queryKey: ['api-keys'], queryFn: getApiKeys });

/** Pass `enabled: false` when the user may not manage keys (the API would answer 403). */
export function useApiKeys({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...apiKeysQueryOptions(), enabled });
}
