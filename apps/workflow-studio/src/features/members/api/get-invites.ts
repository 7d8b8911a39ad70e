import { queryOptions, useQuery } from '@tanstack/react-query';
import { InviteDtoSchema, type InviteDto } from '@auterity/workflow-contracts';
import { apiListRequest } from '../../../lib/api-client';

/** Pending invitations, newest first (needs `members:manage`). */
export async function getInvites(): Promise<InviteDto[]> {
  return (await apiListRequest(InviteDtoSchema, '/api/invites')).items;
}

export const invitesQueryOptions = () => queryOptions({ queryKey: ['invites'], queryFn: getInvites });

/** Pass `enabled: false` when the user may not manage members (the API would answer 403). */
export function useInvites({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({ ...invitesQueryOptions(), enabled });
}
