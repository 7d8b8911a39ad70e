import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WorkflowDtoSchema, type UpdateDeploymentBody, type WorkflowDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowQueryOptions } from './get-workflow';
import { workflowsBaseKey } from './get-workflows';

/** Chooses the version triggers run (published) and an optional canary version with its share of triggers. */
export function updateDeployment({ id, body }: { id: string; body: UpdateDeploymentBody }): Promise<WorkflowDto> {
  return apiRequestParsed(WorkflowDtoSchema, 'PUT', `/api/workflows/${encodeURIComponent(id)}/deployment`, body);
}

export function useUpdateDeployment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateDeployment,
    onSuccess: (saved) => {
      // Only the deployment changed; patch it in so the editor's unsaved canvas edits stay untouched.
      queryClient.setQueryData(workflowQueryOptions(saved.id).queryKey, (current) =>
        current
          ? {
              ...current,
              publishedVersion: saved.publishedVersion,
              canaryVersion: saved.canaryVersion,
              canaryPercent: saved.canaryPercent,
              webhookPath: saved.webhookPath,
            }
          : saved,
      );
      void queryClient.invalidateQueries({ queryKey: [...workflowsBaseKey, 'list'] });
    },
  });
}
