import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { WorkflowVersionDtoSchema, type WorkflowVersionDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { workflowsBaseKey } from './get-workflows';

/** Saved versions of a workflow, newest first (without graphs). */
export function getWorkflowVersions(id: string): Promise<WorkflowVersionDto[]> {
  return apiRequestParsed(z.array(WorkflowVersionDtoSchema), 'GET', `/api/workflows/${encodeURIComponent(id)}/versions`);
}

/** One saved version with its graph. */
export function getWorkflowVersion(id: string, version: number): Promise<WorkflowVersionDto> {
  return apiRequestParsed(WorkflowVersionDtoSchema, 'GET', `/api/workflows/${encodeURIComponent(id)}/versions/${version}`);
}

export const workflowVersionsQueryOptions = (id: string) =>
  queryOptions({ queryKey: [...workflowsBaseKey, 'versions', id], queryFn: () => getWorkflowVersions(id), staleTime: 0 });

export const workflowVersionQueryOptions = (id: string, version: number) =>
  queryOptions({
    queryKey: [...workflowsBaseKey, 'versions', id, version],
    queryFn: () => getWorkflowVersion(id, version),
    // Versions are immutable.
    staleTime: Infinity,
  });

export function useWorkflowVersions(id: string, enabled: boolean) {
  return useQuery({ ...workflowVersionsQueryOptions(id), enabled });
}

export function useWorkflowVersion(id: string, version: number | null) {
  return useQuery({ ...workflowVersionQueryOptions(id, version ?? 0), enabled: version !== null });
}
