import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  AdminOrganizationDtoSchema,
  AdminOrganizationListSchema,
  AdminUserListSchema,
  type AdminOrganizationDto,
  type AdminUserDto,
  type PlanId,
  type SubscriptionStatus,
} from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

export interface AdminOrganizationFilters {
  search?: string;
  planId?: PlanId;
  status?: SubscriptionStatus;
}

/** Every organization on the platform with plan, status and usage (platform administrators). */
export function getAdminOrganizations(
  filters: AdminOrganizationFilters,
): Promise<{ items: AdminOrganizationDto[]; total: number }> {
  const params = new URLSearchParams({ limit: '100' });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return apiRequestParsed(AdminOrganizationListSchema, 'GET', `/api/admin/organizations?${params.toString()}`);
}

export const adminOrganizationsQueryOptions = (filters: AdminOrganizationFilters) =>
  queryOptions({ queryKey: ['admin', 'organizations', filters], queryFn: () => getAdminOrganizations(filters) });

export function useAdminOrganizations(filters: AdminOrganizationFilters) {
  return useQuery(adminOrganizationsQueryOptions(filters));
}

/** Accounts of every organization matching `search` (email or name). */
export async function searchAdminUsers(search: string): Promise<AdminUserDto[]> {
  const params = new URLSearchParams({ search });
  return (await apiRequestParsed(AdminUserListSchema, 'GET', `/api/admin/users?${params.toString()}`)).items;
}

export function useAdminUsers(search: string) {
  return useQuery({
    queryKey: ['admin', 'users', search],
    queryFn: () => searchAdminUsers(search),
    enabled: search.length > 0,
  });
}

export type AdminAction =
  | { kind: 'plan'; planId: PlanId; effective?: 'now' | 'period_end' }
  | { kind: 'trial'; days: number }
  | { kind: 'suspend'; reason: string }
  | { kind: 'reactivate' };

/** One administrative action on an organization; every one is audited by the API. */
export function runAdminAction({ organizationId, action }: { organizationId: string; action: AdminAction }) {
  const base = `/api/admin/organizations/${encodeURIComponent(organizationId)}`;
  switch (action.kind) {
    case 'plan':
      return apiRequestParsed(AdminOrganizationDtoSchema, 'PATCH', `${base}/plan`, {
        planId: action.planId,
        ...(action.effective ? { effective: action.effective } : {}),
      });
    case 'trial':
      return apiRequestParsed(AdminOrganizationDtoSchema, 'POST', `${base}/trial`, { days: action.days });
    case 'suspend':
      return apiRequestParsed(AdminOrganizationDtoSchema, 'POST', `${base}/suspend`, { reason: action.reason });
    case 'reactivate':
      return apiRequestParsed(AdminOrganizationDtoSchema, 'POST', `${base}/reactivate`);
  }
}

export function useAdminAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: runAdminAction,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['admin', 'organizations'] }),
  });
}
