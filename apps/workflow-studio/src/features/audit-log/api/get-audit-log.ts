import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { AuditEventDtoSchema, type AuditEventDto, type ListAuditLogQuery } from '@auterity/workflow-contracts';
import { apiListRequest, type ListPage } from '../../../lib/api-client';

/** The filters a user can set; paging (`limit`, `cursor`) is owned by the query. */
export type AuditLogFilters = Pick<ListAuditLogQuery, 'action' | 'actorUserId' | 'from' | 'to'>;

export const AUDIT_PAGE_SIZE = 50;

/** One page of the organization's security events, newest first. */
export function getAuditLog(filters: AuditLogFilters, cursor = ''): Promise<ListPage<AuditEventDto>> {
  const params = new URLSearchParams({ limit: String(AUDIT_PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return apiListRequest(AuditEventDtoSchema, `/api/audit-log?${params.toString()}`);
}

export const auditLogQueryOptions = (filters: AuditLogFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit-log', filters],
    queryFn: ({ pageParam }) => getAuditLog(filters, pageParam),
    // '' asks for the first page; a null cursor means there is no next one.
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor,
    // Events keep arriving; always show the latest when the page opens.
    staleTime: 0,
  });

export function useAuditLog(filters: AuditLogFilters) {
  return useInfiniteQuery(auditLogQueryOptions(filters));
}
