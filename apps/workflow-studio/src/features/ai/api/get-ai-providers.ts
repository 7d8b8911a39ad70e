import { queryOptions, useQuery } from '@tanstack/react-query';
import { AiProviderDtoSchema, type AiProviderDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** Every AI provider the platform knows, with whether this organization can call it now. */
export async function getAiProviders(): Promise<AiProviderDto[]> {
  return (await apiListRequest(AiProviderDtoSchema, '/api/ai/providers')).items;
}

export const aiProvidersQueryOptions = () => queryOptions({ queryKey: ['ai', 'providers'], queryFn: getAiProviders });

export function useAiProviders() {
  return useQuery(aiProvidersQueryOptions());
}
