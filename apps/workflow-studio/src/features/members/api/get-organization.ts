import { queryOptions, useQuery } from '@tanstack/react-query';
import { OrganizationDtoSchema, type OrganizationDto } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';

/** The caller's organization: name, plan tier, member count and whether the caller may rename it. */
export function getOrganization(): Promise<OrganizationDto> {
  return apiRequestParsed(OrganizationDtoSchema, 'GET', '/api/organization');
}

export const organizationQueryOptions = () =>
  queryOptions({ queryKey: ['organization'], queryFn: getOrganization, staleTime: 60_000 });

export function useOrganization() {
  return useQuery(organizationQueryOptions());
}
