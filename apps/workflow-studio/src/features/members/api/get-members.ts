import { queryOptions, useQuery } from '@tanstack/react-query';
import { MemberDtoSchema, type MemberDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** The organization's members, oldest first. */
export async function getMembers(): Promise<MemberDto[]> {
  return (await apiListRequest(MemberDtoSchema, '/api/members')).items;
}

export const membersQueryOptions = () => queryOptions({ queryKey: ['members'], queryFn: getMembers, staleTime: 60_000 });

export function useMembers({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...membersQueryOptions(), enabled });
}
