import { useMutation, useQueryClient } from '@tanstack/react-query';
import { OrganizationDtoSchema, type UpdateOrganizationBody } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { organizationQueryOptions } from './get-organization';

/** Renames the caller's organization (owners and admins). */
export function updateOrganization(body: UpdateOrganizationBody) {
  return apiRequestParsed(OrganizationDtoSchema, 'PATCH', '/api/organization', body);
}

export function useUpdateOrganization() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: updateOrganization,
    onSuccess: (organization) => queryClient.setQueryData(organizationQueryOptions().queryKey, organization),
    onSettled: () => queryClient.invalidateQueries({ queryKey: organizationQueryOptions().queryKey }),
  });
}
