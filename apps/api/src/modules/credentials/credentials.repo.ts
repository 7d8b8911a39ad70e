import type { CredentialType } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';
import { ConflictError } from '../../http/errors';

export interface CredentialRecord {
  id: string;
  organizationId: string;
  name: string;
  type: CredentialType;
  dataCiphertext: string;
  hint: string;
  /** The AI provider an API key enables, if any. */
  provider: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface CredentialRow {
  id: string;
  organization_id: string;
  name: string;
  type: CredentialType;
  data_ciphertext: string;
  hint: string;
  provider: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, organization_id, name, type, data_ciphertext, hint, provider, created_at, updated_at';

function toCredential(row: CredentialRow): CredentialRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    name: row.name,
    type: row.type,
    dataCiphertext: row.data_ciphertext,
    hint: row.hint,
    provider: row.provider,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const duplicateName = (err: unknown) => {
  if ((err as { code?: unknown }).code === '23505') return new ConflictError('A credential with this name already exists');
  return err;
};

export async function insertCredential(
  db: Db,
  row: {
    id: string;
    organizationId: string;
    name: string;
    type: CredentialType;
    dataCiphertext: string;
    keyId: string;
    hint: string;
    provider: string | null;
    createdBy: string | null;
  },
): Promise<CredentialRecord> {
  try {
    const { rows } = await db.query<CredentialRow>(
      `INSERT INTO credentials (id, organization_id, name, type, data_ciphertext, key_id, hint, provider, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
      [row.id, row.organizationId, row.name, row.type, row.dataCiphertext, row.keyId, row.hint, row.provider, row.createdBy],
    );
    if (!rows[0]) throw new Error('credential insert returned no row');
    return toCredential(rows[0]);
  } catch (err) {
    throw duplicateName(err);
  }
}

export async function listCredentials(db: Db, organizationId: string): Promise<CredentialRecord[]> {
  const { rows } = await db.query<CredentialRow>(
    `SELECT ${COLUMNS} FROM credentials WHERE organization_id = $1 ORDER BY name, id`,
    [organizationId],
  );
  return rows.map(toCredential);
}

export async function findCredential(
  db: Db,
  organizationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<CredentialRecord | null> {
  const { rows } = await db.query<CredentialRow>(
    `SELECT ${COLUMNS} FROM credentials WHERE organization_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [organizationId, id],
  );
  return rows[0] ? toCredential(rows[0]) : null;
}

export async function updateCredential(
  db: Db,
  organizationId: string,
  id: string,
  changes: { name: string; dataCiphertext: string; keyId: string; hint: string; provider: string | null },
): Promise<CredentialRecord | null> {
  try {
    const { rows } = await db.query<CredentialRow>(
      `UPDATE credentials SET name = $3, data_ciphertext = $4, key_id = $5, hint = $6, provider = $7
       WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
      [organizationId, id, changes.name, changes.dataCiphertext, changes.keyId, changes.hint, changes.provider],
    );
    return rows[0] ? toCredential(rows[0]) : null;
  } catch (err) {
    throw duplicateName(err);
  }
}

export async function deleteCredential(db: Db, organizationId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM credentials WHERE organization_id = $1 AND id = $2', [organizationId, id]);
  return rowCount === 1;
}

/** Key rotation: the next batch still encrypted under another key, locked and skipping rows in use. */
export async function findCredentialsNotUnderKey(
  db: Db,
  keyId: string,
  limit: number,
  skipIds: readonly string[],
): Promise<Pick<CredentialRecord, 'id' | 'organizationId' | 'dataCiphertext'>[]> {
  const { rows } = await db.query<{ id: string; organization_id: string; data_ciphertext: string }>(
    'SELECT id, organization_id, data_ciphertext FROM credentials WHERE key_id <> $1 AND NOT (id = ANY($3::uuid[])) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED',
    [keyId, limit, skipIds],
  );
  return rows.map((r) => ({ id: r.id, organizationId: r.organization_id, dataCiphertext: r.data_ciphertext }));
}

export async function replaceCiphertext(db: Db, id: string, dataCiphertext: string, keyId: string): Promise<void> {
  await db.query('UPDATE credentials SET data_ciphertext = $2, key_id = $3 WHERE id = $1', [id, dataCiphertext, keyId]);
}

export async function countCredentialsByKey(db: Db): Promise<Record<string, number>> {
  const { rows } = await db.query<{ key_id: string; n: string }>(
    'SELECT key_id, count(*)::text AS n FROM credentials GROUP BY key_id',
  );
  return Object.fromEntries(rows.map((r) => [r.key_id, Number(r.n)]));
}

/** The organization's API-key credentials that name an AI provider, newest first. */
export async function listProviderCredentials(
  db: Db,
  organizationId: string,
): Promise<{ id: string; provider: string; updatedAt: Date }[]> {
  const { rows } = await db.query<{ id: string; provider: string; updated_at: Date }>(
    `SELECT id, provider, updated_at FROM credentials
     WHERE organization_id = $1 AND provider IS NOT NULL ORDER BY updated_at DESC, id`,
    [organizationId],
  );
  return rows.map((r) => ({ id: r.id, provider: r.provider, updatedAt: r.updated_at }));
}
