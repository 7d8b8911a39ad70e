import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ExecutionDtoSchema, type ExecutionDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { executionsBaseKey } from './get-executions';

/** Runs the same version again with the same input; answers with the new execution. */
export function rerunExecution(id: string): Promise<ExecutionDto> {
  return apiRequestParsed(ExecutionDtoSchema, 'POST', `/api/executions/${encodeURIComponent(id)}/rerun`);
}

export function useRerunExecution() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rerunExecution,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...executionsBaseKey, 'list'] }),
  });
}
