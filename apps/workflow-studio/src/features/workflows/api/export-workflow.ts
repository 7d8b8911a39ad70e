import { useMutation } from '@tanstack/react-query';
import { WorkflowExportSchema, type WorkflowExport } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The workflow as portable JSON, the shape `importWorkflow` accepts. */
export function exportWorkflow(id: string): Promise<WorkflowExport> {
  return apiRequestParsed(WorkflowExportSchema, 'GET', `/api/workflows/${encodeURIComponent(id)}/export`);
}

/** A mutation rather than a query: exporting is a one-off action the user starts, never cached. */
export function useExportWorkflow() {
  return useMutation({ mutationFn: exportWorkflow });
}
