import type { Role } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';
import { ConflictError } from '../../http/errors';

export interface UserRecord {
  id: string;
  organizationId: string;
  email: string;
  passwordHash: string | null;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  isActive: boolean;
  emailVerified: boolean;
  isPlatformAdmin: boolean;
  createdAt: Date;
}

interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  password_hash: string | null;
  first_name: string | null;
  last_name: string | null;
  role: Role;
  is_active: boolean;
  email_verified: boolean;
  is_platform_admin: boolean;
  created_at: Date;
}

const USER_COLUMNS =
  'id, organization_id, email, password_hash, first_name, last_name, role, is_active, email_verified, is_platform_admin, created_at';

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    passwordHash: row.password_hash,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    isActive: row.is_active,
    emailVerified: row.email_verified,
    isPlatformAdmin: row.is_platform_admin,
    createdAt: row.created_at,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown }).code === '23505';
}

export async function insertOrganization(db: Db, name: string): Promise<string> {
  const { rows } = await db.query<{ id: string }>('INSERT INTO organizations (name) VALUES ($1) RETURNING id', [name]);
  const id = rows[0]?.id;
  if (!id) throw new Error('organization insert returned no row');
  return id;
}

/** @throws ConflictError when the email is already registered (case-insensitive). */
export async function insertUser(
  db: Db,
  user: {
    organizationId: string;
    email: string;
    passwordHash: string | null;
    firstName?: string | null;
    lastName?: string | null;
    role: Role;
    emailVerified?: boolean;
    isPlatformAdmin?: boolean;
  },
): Promise<UserRecord> {
  try {
    const { rows } = await db.query<UserRow>(
      `INSERT INTO users (organization_id, email, password_hash, first_name, last_name, role, email_verified, is_platform_admin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${USER_COLUMNS}`,
      [
        user.organizationId,
        user.email,
        user.passwordHash,
        user.firstName ?? null,
        user.lastName ?? null,
        user.role,
        user.emailVerified ?? false,
        user.isPlatformAdmin ?? false,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error('user insert returned no row');
    return toUser(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new ConflictError('An account with this email already exists');
    throw err;
  }
}

/** Emails are unique across the platform, so sign-in looks them up globally. */
export async function findUserByEmail(db: Db, email: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower($1)`, [email]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function findUser(db: Db, organizationId: string, id: string): Promise<UserRecord | null> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE organization_id = $1 AND id = $2`, [
    organizationId,
    id,
  ]);
  return rows[0] ? toUser(rows[0]) : null;
}

export async function updateLastLogin(db: Db, id: string): Promise<void> {
  await db.query('UPDATE users SET last_login_at = now() WHERE id = $1', [id]);
}

export async function updatePasswordHash(db: Db, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
}

export async function markEmailVerified(db: Db, id: string): Promise<void> {
  await db.query('UPDATE users SET email_verified = true WHERE id = $1', [id]);
}

/** Grants the platform-administrator flag to these emails (configuration is the source of truth). */
export async function grantPlatformAdmins(db: Db, emails: readonly string[]): Promise<number> {
  if (emails.length === 0) return 0;
  const { rowCount } = await db.query(
    'UPDATE users SET is_platform_admin = true WHERE lower(email) = ANY($1::text[]) AND NOT is_platform_admin',
    [emails],
  );
  return rowCount;
}

export interface SessionRecord {
  id: string;
  organizationId: string;
  userId: string;
  expiresAt: Date;
  revokedAt: Date | null;
}

export async function insertSession(
  db: Db,
  session: { organizationId: string; userId: string; expiresAt: Date; userAgent: string | null; ip: string | null },
): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO sessions (organization_id, user_id, expires_at, user_agent, ip) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [session.organizationId, session.userId, session.expiresAt, session.userAgent?.slice(0, 500) ?? null, session.ip],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('session insert returned no row');
  return id;
}

/** Revokes sessions; returns the ids that were still active. */
export async function revokeSessions(
  db: Db,
  where: { sessionId: string } | { userId: string },
  reason: string,
): Promise<string[]> {
  const byUser = 'userId' in where;
  const { rows } = await db.query<{ id: string }>(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
     WHERE ${byUser ? 'user_id' : 'id'} = $1 AND revoked_at IS NULL RETURNING id`,
    [byUser ? where.userId : where.sessionId, reason],
  );
  return rows.map((r) => r.id);
}

/** Sessions revoked within the last `seconds`: reloaded into the revocation store at startup. */
export async function findRecentlyRevokedSessionIds(db: Db, seconds: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM sessions WHERE revoked_at IS NOT NULL AND revoked_at > now() - make_interval(secs => $1)',
    [seconds],
  );
  return rows.map((r) => r.id);
}

export async function insertRefreshToken(
  db: Db,
  token: { sessionId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO refresh_tokens (session_id, token_hash, expires_at) VALUES ($1, $2, $3)', [
    token.sessionId,
    token.tokenHash,
    token.expiresAt,
  ]);
}

export interface RefreshTokenRecord {
  id: string;
  sessionId: string;
  organizationId: string;
  userId: string;
  expiresAt: Date;
  usedAt: Date | null;
  sessionRevokedAt: Date | null;
  sessionExpiresAt: Date;
}

export async function findRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRecord | null> {
  const { rows } = await db.query<{
    id: string;
    session_id: string;
    organization_id: string;
    user_id: string;
    expires_at: Date;
    used_at: Date | null;
    revoked_at: Date | null;
    session_expires_at: Date;
  }>(
    `SELECT t.id, t.session_id, s.organization_id, s.user_id, t.expires_at, t.used_at, s.revoked_at, s.expires_at AS session_expires_at
     FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    sessionId: row.session_id,
    organizationId: row.organization_id,
    userId: row.user_id,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    sessionRevokedAt: row.revoked_at,
    sessionExpiresAt: row.session_expires_at,
  };
}

/** Consumes a refresh token; false when another request consumed it first. */
export async function consumeRefreshToken(db: Db, id: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL', [id]);
  return rowCount === 1;
}

export type UserTokenPurpose = 'verify_email' | 'reset_password';

export async function insertUserToken(
  db: Db,
  token: { userId: string; purpose: UserTokenPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
    token.userId,
    token.purpose,
    token.tokenHash,
    token.expiresAt,
  ]);
}

/** Uses a single-use token: returns its user id only if it exists, fits the purpose, is unexpired and unused. */
export async function consumeUserToken(
  db: Db,
  purpose: UserTokenPurpose,
  tokenHash: string,
): Promise<{ userId: string; organizationId: string } | null> {
  const { rows } = await db.query<{ user_id: string; organization_id: string }>(
    `UPDATE user_tokens t SET used_at = now() FROM users u
     WHERE t.token_hash = $1 AND t.purpose = $2 AND t.used_at IS NULL AND t.expires_at > now() AND u.id = t.user_id
     RETURNING t.user_id, u.organization_id`,
    [tokenHash, purpose],
  );
  return rows[0] ? { userId: rows[0].user_id, organizationId: rows[0].organization_id } : null;
}
