import type { Db } from '../../lib/db';
import { cursorTime, paged, type Paged } from '../../lib/cursor';

export interface AuditEventRecord {
  id: string;
  organizationId: string | null;
  actorUserId: string | null;
  actorApiKeyId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  metadata: Record<string, unknown>;
  createdAt: Date;
}

interface AuditRow {
  id: string;
  organization_id: string | null;
  actor_user_id: string | null;
  actor_api_key_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  metadata: Record<string, unknown>;
  created_at: Date;
}

const COLUMNS =
  'id, organization_id, actor_user_id, actor_api_key_id, action, target_type, target_id, ip, user_agent, metadata, created_at';

function toEvent(r: AuditRow): AuditEventRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    actorUserId: r.actor_user_id,
    actorApiKeyId: r.actor_api_key_id,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ip: r.ip,
    userAgent: r.user_agent,
    metadata: r.metadata,
    createdAt: r.created_at,
  };
}

export async function insertAuditEvent(db: Db, e: Omit<AuditEventRecord, 'id' | 'createdAt'>): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (organization_id, actor_user_id, actor_api_key_id, action, target_type, target_id, ip, user_agent, metadata)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      e.organizationId,
      e.actorUserId,
      e.actorApiKeyId,
      e.action,
      e.targetType,
      e.targetId,
      e.ip,
      e.userAgent?.slice(0, 500) ?? null,
      JSON.stringify(e.metadata),
    ],
  );
}

/** Newest first within one organization; `before` is the (createdAt, id) of the last row already seen. */
export async function listAuditEvents(
  db: Db,
  organizationId: string,
  filters: {
    limit: number;
    before?: { at: string; id: string };
    action?: string;
    actorUserId?: string;
    from?: Date;
    to?: Date;
  },
): Promise<Paged<AuditEventRecord>[]> {
  const { rows } = await db.query<AuditRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, ${cursorTime('created_at')} AS cursor_at FROM audit_log
     WHERE organization_id = $1
       AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       AND ($4::text IS NULL OR action = $4)
       AND ($5::uuid IS NULL OR actor_user_id = $5)
       AND ($6::timestamptz IS NULL OR created_at >= $6)
       AND ($7::timestamptz IS NULL OR created_at < $7)
     ORDER BY created_at DESC, id DESC LIMIT $8`,
    [
      organizationId,
      filters.before?.at ?? null,
      filters.before?.id ?? null,
      filters.action ?? null,
      filters.actorUserId ?? null,
      filters.from ?? null,
      filters.to ?? null,
      filters.limit,
    ],
  );
  return rows.map((r) => paged(toEvent(r), r));
}
