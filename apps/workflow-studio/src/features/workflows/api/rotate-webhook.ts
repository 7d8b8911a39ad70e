import { useMutation, useQueryClient } from '@tanstack/react-query';
import { WebhookDtoSchema } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowQueryOptions } from './get-workflow';

/** Issues a new secret webhook URL; the old one stops working at once. */
export function rotateWebhook(id: string): Promise<{ path: string; url: string }> {
  return apiRequestParsed(WebhookDtoSchema, 'POST', `/api/workflows/${encodeURIComponent(id)}/webhook/rotate`);
}

export function useRotateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: rotateWebhook,
    onSuccess: (webhook, id) => {
      // Only the path changed; patch it into the cached workflow so unsaved canvas edits stay untouched.
      queryClient.setQueryData(workflowQueryOptions(id).queryKey, (current) =>
        current ? { ...current, webhookPath: webhook.path } : current,
      );
    },
  });
}
