import type { Db } from '../../lib/db';

/** The user linked to a provider account, if any. Identities are keyed by (provider, subject), never by email. */
export async function findIdentityUserId(db: Db, provider: string, subject: string): Promise<string | null> {
  const { rows } = await db.query<{ user_id: string }>(
    'SELECT user_id FROM user_identities WHERE provider = $1 AND subject = $2',
    [provider, subject],
  );
  return rows[0]?.user_id ?? null;
}

export async function insertIdentity(
  db: Db,
  identity: { userId: string; provider: string; subject: string; email: string | null },
): Promise<void> {
  await db.query(
    'INSERT INTO user_identities (user_id, provider, subject, email) VALUES ($1, $2, $3, $4) ON CONFLICT (provider, subject) DO NOTHING',
    [identity.userId, identity.provider, identity.subject, identity.email],
  );
}

/** Identity lookups are global (the provider account decides the organization); this reads the user's row. */
export async function findUserOrganization(db: Db, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ organization_id: string }>('SELECT organization_id FROM users WHERE id = $1', [userId]);
  return rows[0]?.organization_id ?? null;
}
