import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ErrorGroupDetailDtoSchema,
  ErrorGroupDtoSchema,
  ErrorGroupListDtoSchema,
  type ErrorGroupDetailDto,
  type ErrorGroupDto,
  type ErrorGroupListDto,
  type ErrorGroupStatus,
  type ErrorSource,
} from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The inbox filters a user can set (they live in the URL). */
export interface ErrorGroupFilters {
  status: ErrorGroupStatus | '';
  source: ErrorSource | '';
  q: string;
}

const errorGroupsKey = ['error-groups'] as const;

export function getErrorGroups(filters: ErrorGroupFilters): Promise<ErrorGroupListDto> {
  const params = new URLSearchParams({ limit: '100' });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return apiRequestParsed(ErrorGroupListDtoSchema, 'GET', `/api/errors?${params.toString()}`);
}

export const errorGroupsQueryOptions = (filters: ErrorGroupFilters) =>
  queryOptions({ queryKey: [...errorGroupsKey, 'list', filters], queryFn: () => getErrorGroups(filters), staleTime: 10_000 });

export function useErrorGroups(filters: ErrorGroupFilters) {
  return useQuery(errorGroupsQueryOptions(filters));
}

export const getErrorGroup = (id: string): Promise<ErrorGroupDetailDto> =>
  apiRequestParsed(ErrorGroupDetailDtoSchema, 'GET', `/api/errors/${encodeURIComponent(id)}`);

export const errorGroupQueryOptions = (id: string) =>
  queryOptions({ queryKey: [...errorGroupsKey, 'detail', id], queryFn: () => getErrorGroup(id), staleTime: 5_000 });

export function useErrorGroup(id: string) {
  return useQuery(errorGroupQueryOptions(id));
}

export type ErrorGroupAction = 'resolve' | 'ignore' | 'reopen' | 'explain';

export const postErrorGroupAction = (id: string, action: ErrorGroupAction): Promise<ErrorGroupDto> =>
  apiRequestParsed(ErrorGroupDtoSchema, 'POST', `/api/errors/${encodeURIComponent(id)}/${action}`);

/** Resolve, ignore, reopen or explain a group; the inbox and the group's page refresh. */
export function useErrorGroupAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: ErrorGroupAction }) => postErrorGroupAction(id, action),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: errorGroupsKey }),
  });
}
