import { useMutation, useQueryClient } from '@tanstack/react-query';
import { MemberDtoSchema, type Role } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { membersQueryOptions } from './get-members';

/** Changes a member's role; the API signs them out so the new role applies at once. */
export function changeMemberRole({ id, role }: { id: string; role: Role }) {
  return apiRequestParsed(MemberDtoSchema, 'PATCH', `/api/members/${encodeURIComponent(id)}`, { role });
}

export function useChangeMemberRole() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: changeMemberRole,
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersQueryOptions().queryKey }),
  });
}
