import { useMutation, useQueryClient } from '@tanstack/react-query';
import { AiBudgetDtoSchema, type AiBudgetDto, type AiBudgetScope, type PutAiBudgetBody } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { aiBudgetsQueryOptions } from './get-ai-budgets';

/** Sets (or, with `null`, removes) the monthly AI spending limit of the organization, a workflow or an API key. */
export function putAiBudget({
  scope,
  scopeId,
  body,
}: {
  scope: AiBudgetScope;
  scopeId: string;
  body: PutAiBudgetBody;
}): Promise<AiBudgetDto> {
  return apiRequestParsed(
    AiBudgetDtoSchema,
    'PUT',
    `/api/ai/budgets/${encodeURIComponent(scope)}/${encodeURIComponent(scopeId)}`,
    body,
  );
}

export function usePutAiBudget() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: putAiBudget,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: aiBudgetsQueryOptions().queryKey }),
  });
}
