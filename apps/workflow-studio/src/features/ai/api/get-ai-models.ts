import { queryOptions, useQuery } from '@tanstack/react-query';
import { AiModelDtoSchema, type AiModelDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** The model catalog: prices, capabilities, quality tier and whether the organization can use each model. */
export async function getAiModels(): Promise<AiModelDto[]> {
  return (await apiListRequest(AiModelDtoSchema, '/api/ai/models')).items;
}

export const aiModelsQueryOptions = () =>
  // The catalog changes rarely (an administrator edits a price, a key is added); a minute is fresh enough.
  queryOptions({ queryKey: ['ai', 'models'], queryFn: getAiModels, staleTime: 60_000 });

export function useAiModels() {
  return useQuery(aiModelsQueryOptions());
}
