import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AiProviderDtoSchema, type AiProviderDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { aiModelsQueryOptions } from './get-ai-models';
import { aiProvidersQueryOptions } from './get-ai-providers';

/** Switches a provider on or off for the whole platform (platform administrators only). */
export function updateAiProvider({ provider, active }: { provider: string; active: boolean }): Promise<AiProviderDto> {
  return apiRequestParsed(AiProviderDtoSchema, 'PATCH', `/api/admin/ai/providers/${encodeURIComponent(provider)}`, { active });
}

export function useUpdateAiProvider() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateAiProvider,
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: aiProvidersQueryOptions().queryKey }),
        queryClient.invalidateQueries({ queryKey: aiModelsQueryOptions().queryKey }),
      ]),
  });
}
