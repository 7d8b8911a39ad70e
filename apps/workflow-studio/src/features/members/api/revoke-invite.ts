import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client';
import { invitesQueryOptions } from './get-invites';

/** Withdraws a pending invitation; its link stops working. */
export async function revokeInvite(id: string): Promise<void> {
  await apiRequest<unknown>('DELETE', `/api/invites/${encodeURIComponent(id)}`);
}

export function useRevokeInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: revokeInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesQueryOptions().queryKey }),
  });
}
