import type { AuditEventDto, ListAuditLogQuery } from '@auterity/workflow-contracts';
import type { Database } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import type { Actor } from '../../http/actor';
import { decodeCursor, pageOf } from '../../lib/cursor';
import * as repo from './audit.repo';

/** What happened, to what, by whom and from where. */
export interface AuditEntry {
  action: string;
  organizationId: string | null;
  actor?: Actor | { kind: 'user'; userId: string } | undefined;
  target?: { type: string; id: string } | undefined;
  client?: { ip: string; userAgent: string | null } | undefined;
  metadata?: Record<string, unknown>;
}

/** The append-only security audit trail. Recording never fails the action it describes. */
export function createAuditService(deps: { db: Database; log: Logger }) {
  return {
    async record(entry: AuditEntry): Promise<void> {
      try {
        await repo.insertAuditEvent(deps.db, {
          organizationId: entry.organizationId,
          actorUserId: entry.actor && 'userId' in entry.actor ? (entry.actor.userId ?? null) : null,
          actorApiKeyId: entry.actor?.kind === 'api_key' ? entry.actor.apiKeyId : null,
          action: entry.action,
          targetType: entry.target?.type ?? null,
          targetId: entry.target?.id ?? null,
          ip: entry.client?.ip ?? null,
          userAgent: entry.client?.userAgent ?? null,
          metadata: entry.metadata ?? {},
        });
      } catch (err) {
        deps.log.error({ err, action: entry.action }, 'could not record audit event');
      }
    },

    async list(actor: Actor, query: ListAuditLogQuery): Promise<{ items: AuditEventDto[]; nextCursor: string | null }> {
      const rows = await repo.listAuditEvents(deps.db, actor.organizationId, {
        limit: query.limit + 1,
        ...(query.cursor ? { before: decodeCursor(query.cursor) } : {}),
        ...(query.action ? { action: query.action } : {}),
        ...(query.actorUserId ? { actorUserId: query.actorUserId } : {}),
        ...(query.from ? { from: new Date(query.from) } : {}),
        ...(query.to ? { to: new Date(query.to) } : {}),
      });
      const { page, nextCursor } = pageOf(rows, query.limit);
      return {
        items: page.map((e) => ({
          id: e.id,
          action: e.action,
          actorUserId: e.actorUserId,
          actorApiKeyId: e.actorApiKeyId,
          targetType: e.targetType,
          targetId: e.targetId,
          ip: e.ip,
          userAgent: e.userAgent,
          metadata: e.metadata,
          createdAt: e.createdAt.toISOString(),
        })),
        nextCursor,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
