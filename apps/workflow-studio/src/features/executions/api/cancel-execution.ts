import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ExecutionDtoSchema, type ExecutionDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { executionQueryOptions } from './get-execution';
import { executionsBaseKey } from './get-executions';

/** Cancels a pending execution at once, a running one at its next step. */
export function cancelExecution(id: string): Promise<ExecutionDto> {
  return apiRequestParsed(ExecutionDtoSchema, 'POST', `/api/executions/${encodeURIComponent(id)}/cancel`);
}

export function useCancelExecution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelExecution,
    onSuccess: (execution) => {
      void queryClient.invalidateQueries({ queryKey: executionQueryOptions(execution.id).queryKey });
      void queryClient.invalidateQueries({ queryKey: [...executionsBaseKey, 'list'] });
    },
  });
}
