import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { membersQueryOptions } from './get-members';

/** Removes a member from the organization; they lose access at once. */
export async function removeMember(id: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/members/${encodeURIComponent(id)}`);
}

export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeMember,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersQueryOptions().queryKey }),
  });
}
