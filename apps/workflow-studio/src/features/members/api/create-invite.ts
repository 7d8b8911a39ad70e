import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { InviteDtoSchema, type CreateInviteBodySchema } from '@auterity/workflow-contracts';
import { apiRequestParsed } from '../../../lib/api-client';
import { invitesQueryOptions } from './get-invites';

export type CreateInviteBody = z.infer<typeof CreateInviteBodySchema>;

/** Invites someone by email with a role; the API emails them a sign-up link. */
export function createInvite(body: CreateInviteBody) {
  return apiRequestParsed(InviteDtoSchema, 'POST', '/api/invites', body);
}

export function useCreateInvite() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createInvite,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitesQueryOptions().queryKey }),
  });
}
