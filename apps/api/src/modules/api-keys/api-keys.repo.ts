import type { Permission } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

export interface ApiKeyRecord {
  id: string;
  organizationId: string;
  createdBy: string | null;
  name: string;
  prefix: string;
  scopes: Permission[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  organization_id: string;
  created_by: string | null;
  name: string;
  prefix: string;
  scopes: Permission[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, organization_id, created_by, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at';

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    createdBy: row.created_by,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export async function insertApiKey(
  db: Db,
  key: {
    organizationId: string;
    createdBy: string | null;
    name: string;
    prefix: string;
    keyHash: string;
    scopes: readonly Permission[];
    expiresAt: Date | null;
  },
): Promise<ApiKeyRecord> {
  const { rows } = await db.query<ApiKeyRow>(
    `INSERT INTO api_keys (organization_id, created_by, name, prefix, key_hash, scopes, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6::text[], $7) RETURNING ${COLUMNS}`,
    [key.organizationId, key.createdBy, key.name, key.prefix, key.keyHash, key.scopes, key.expiresAt],
  );
  const row = rows[0];
  if (!row) throw new Error('api key insert returned no row');
  return toApiKey(row);
}

export async function listApiKeys(db: Db, organizationId: string): Promise<ApiKeyRecord[]> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE organization_id = $1 ORDER BY created_at DESC, id`,
    [organizationId],
  );
  return rows.map(toApiKey);
}

export async function findApiKey(db: Db, organizationId: string, id: string): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE organization_id = $1 AND id = $2`, [
    organizationId,
    id,
  ]);
  return rows[0] ? toApiKey(rows[0]) : null;
}

/** Authentication lookup: by hash only, since the key itself says nothing about its organization. */
export async function findActiveApiKeyByHash(db: Db, keyHash: string): Promise<ApiKeyRecord | null> {
  const { rows } = await db.query<ApiKeyRow>(
    `SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
    [keyHash],
  );
  return rows[0] ? toApiKey(rows[0]) : null;
}

export async function revokeApiKey(db: Db, organizationId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE api_keys SET revoked_at = now() WHERE organization_id = $1 AND id = $2 AND revoked_at IS NULL',
    [organizationId, id],
  );
  return rowCount === 1;
}

/** Records use at most once a minute per key, so authentication does not write on every call. */
export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.query(
    "UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')",
    [id],
  );
}
