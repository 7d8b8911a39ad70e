import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { WorkflowTemplateDtoSchema, type WorkflowTemplateDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

export type WorkflowTemplate = WorkflowTemplateDto;

/** Starter workflows a new workflow can be created from. */
export function getWorkflowTemplates(): Promise<WorkflowTemplate[]> {
  return apiRequestParsed(z.array(WorkflowTemplateDtoSchema), 'GET', '/api/workflow-templates');
}

export const workflowTemplatesQueryOptions = () =>
  queryOptions({ queryKey: ['workflow-templates'], queryFn: getWorkflowTemplates, staleTime: 10 * 60_000 });

export function useWorkflowTemplates() {
  return useQuery(workflowTemplatesQueryOptions());
}
