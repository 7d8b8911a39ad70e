import type { Role } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

export interface MemberRecord {
  id: string;
  organizationId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  role: Role;
  isActive: boolean;
  emailVerified: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

interface MemberRow {
  id: string;
  organization_id: string;
  email: string;
  first_name: string | null;
  last_name: string | null;
  role: Role;
  is_active: boolean;
  email_verified: boolean;
  last_login_at: Date | null;
  created_at: Date;
}

const COLUMNS = 'id, organization_id, email, first_name, last_name, role, is_active, email_verified, last_login_at, created_at';

function toMember(row: MemberRow): MemberRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    isActive: row.is_active,
    emailVerified: row.email_verified,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
  };
}

export async function listMembers(db: Db, organizationId: string): Promise<MemberRecord[]> {
  const { rows } = await db.query<MemberRow>(`SELECT ${COLUMNS} FROM users WHERE organization_id = $1 ORDER BY created_at, id`, [
    organizationId,
  ]);
  return rows.map(toMember);
}

/** Locks the row (FOR UPDATE) so concurrent role changes of the same member serialize. */
export async function findMemberForUpdate(db: Db, organizationId: string, id: string): Promise<MemberRecord | null> {
  const { rows } = await db.query<MemberRow>(`SELECT ${COLUMNS} FROM users WHERE organization_id = $1 AND id = $2 FOR UPDATE`, [
    organizationId,
    id,
  ]);
  return rows[0] ? toMember(rows[0]) : null;
}

/** Active owners, locked: the "last owner" rule must hold under concurrent demotions. */
export async function countActiveOwners(db: Db, organizationId: string): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM users WHERE organization_id = $1 AND role = 'owner' AND is_active FOR UPDATE",
    [organizationId],
  );
  return rows.length;
}

export async function updateMember(
  db: Db,
  organizationId: string,
  id: string,
  changes: { role?: Role; isActive?: boolean },
): Promise<MemberRecord | null> {
  const { rows } = await db.query<MemberRow>(
    `UPDATE users SET role = coalesce($3, role), is_active = coalesce($4, is_active)
     WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [organizationId, id, changes.role ?? null, changes.isActive ?? null],
  );
  return rows[0] ? toMember(rows[0]) : null;
}

export async function deleteMember(db: Db, organizationId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM users WHERE organization_id = $1 AND id = $2', [organizationId, id]);
  return rowCount === 1;
}

export interface InviteRecord {
  id: string;
  organizationId: string;
  email: string;
  role: Exclude<Role, 'owner'>;
  expiresAt: Date;
  createdAt: Date;
}

interface InviteRow {
  id: string;
  organization_id: string;
  email: string;
  role: Exclude<Role, 'owner'>;
  expires_at: Date;
  created_at: Date;
}

const INVITE_COLUMNS = 'id, organization_id, email, role, expires_at, created_at';

function toInvite(row: InviteRow): InviteRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    email: row.email,
    role: row.role,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

export async function insertInvite(
  db: Db,
  invite: {
    organizationId: string;
    email: string;
    role: Exclude<Role, 'owner'>;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<InviteRecord> {
  const { rows } = await db.query<InviteRow>(
    `INSERT INTO invites (organization_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${INVITE_COLUMNS}`,
    [invite.organizationId, invite.email, invite.role, invite.tokenHash, invite.invitedBy, invite.expiresAt],
  );
  const row = rows[0];
  if (!row) throw new Error('invite insert returned no row');
  return toInvite(row);
}

export async function listPendingInvites(db: Db, organizationId: string): Promise<InviteRecord[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT ${INVITE_COLUMNS} FROM invites WHERE organization_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
     ORDER BY created_at DESC, id`,
    [organizationId],
  );
  return rows.map(toInvite);
}

export async function revokeInvite(db: Db, organizationId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE invites SET revoked_at = now() WHERE organization_id = $1 AND id = $2 AND accepted_at IS NULL AND revoked_at IS NULL',
    [organizationId, id],
  );
  return rowCount === 1;
}

/** Uses an invite once: only a pending, unexpired one with this token hash. */
export async function consumeInvite(db: Db, tokenHash: string): Promise<InviteRecord | null> {
  const { rows } = await db.query<InviteRow>(
    `UPDATE invites SET accepted_at = now()
     WHERE token_hash = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING ${INVITE_COLUMNS}`,
    [tokenHash],
  );
  return rows[0] ? toInvite(rows[0]) : null;
}

export interface OrganizationSummary {
  id: string;
  name: string;
  subscriptionTier: string;
  memberCount: number;
  createdAt: Date;
}

interface OrganizationSummaryRow {
  id: string;
  name: string;
  subscription_tier: string;
  member_count: string;
  created_at: Date;
}

function toOrganizationSummary(r: OrganizationSummaryRow): OrganizationSummary {
  return {
    id: r.id,
    name: r.name,
    subscriptionTier: r.subscription_tier,
    memberCount: Number(r.member_count),
    createdAt: r.created_at,
  };
}

/** The caller's own organization with its member count; null when it no longer exists. */
export async function findOrganization(db: Db, organizationId: string): Promise<OrganizationSummary | null> {
  const { rows } = await db.query<OrganizationSummaryRow>(
    `SELECT o.id, o.name, o.subscription_tier, o.created_at,
            (SELECT count(*) FROM users u WHERE u.organization_id = o.id)::text AS member_count
     FROM organizations o WHERE o.id = $1`,
    [organizationId],
  );
  return rows[0] ? toOrganizationSummary(rows[0]) : null;
}

/** Renames the organization; false when it no longer exists. */
export async function updateOrganizationName(db: Db, organizationId: string, name: string): Promise<boolean> {
  const { rowCount } = await db.query('UPDATE organizations SET name = $2, updated_at = now() WHERE id = $1', [
    organizationId,
    name,
  ]);
  return (rowCount ?? 0) > 0;
}
