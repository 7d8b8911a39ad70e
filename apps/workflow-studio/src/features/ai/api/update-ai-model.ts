import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AiModelDtoSchema, type AiModelDto, type UpdateAiModelBody } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { aiModelsQueryOptions } from './get-ai-models';

/** Changes a catalog model's prices, tier, context window or active flag (platform administrators only). */
export function updateAiModel({ id, body }: { id: string; body: UpdateAiModelBody }): Promise<AiModelDto> {
  // The id holds a slash (`openai/gpt-4o-mini`); the API takes it URL-encoded as one path segment.
  return apiRequestParsed(AiModelDtoSchema, 'PATCH', `/api/admin/ai/models/${encodeURIComponent(id)}`, body);
}

export function useUpdateAiModel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateAiModel,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: aiModelsQueryOptions().queryKey }),
  });
}
