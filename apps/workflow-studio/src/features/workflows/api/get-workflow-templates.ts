import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { WorkflowGraphSchema } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

// The contracts name no template DTO (the API declares it next to its route), so the studio checks
// the fields it reads.
const WorkflowTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  tags: z.array(z.string()),
  canvasData: WorkflowGraphSchema,
});
export type WorkflowTemplate = z.infer<typeof WorkflowTemplateSchema>;

/** Starter workflows a new workflow can be created from. */
export function getWorkflowTemplates(): Promise<WorkflowTemplate[]> {
  return apiRequestParsed(z.array(WorkflowTemplateSchema), 'GET', '/api/workflow-templates');
}

export const workflowTemplatesQueryOptions = () =>
  queryOptions({ queryKey: ['workflow-templates'], queryFn: getWorkflowTemplates, staleTime: 10 * 60_000 });

export function useWorkflowTemplates() {
  return useQuery(workflowTemplatesQueryOptions());
}
