import {
  ROLE_RANK,
  type InviteDto,
  type MemberDto,
  type OrganizationDto,
  type Role,
  type UpdateOrganizationBody,
} from '@auterity/workflow-contracts';
import type { Database, Db } from '../../lib/db';
import type { Mailer } from '../../lib/mailer';
import { passwordProblem, type PasswordHasher } from '../../lib/passwords';
import { randomToken, sha256 } from '../../lib/tokens';
import { hasPermission, type Actor } from '../../http/actor';
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../http/errors';
import { findUserByEmail, insertUser, revokeSessions } from '../auth/auth.repo';
import type { AuthService, ClientInfo, SignedIn } from '../auth/auth.service';
import * as repo from './members.repo';

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export function presentMember(m: repo.MemberRecord): MemberDto {
  return {
    id: m.id,
    email: m.email,
    firstName: m.firstName,
    lastName: m.lastName,
    role: m.role,
    isActive: m.isActive,
    emailVerified: m.emailVerified,
    lastLoginAt: m.lastLoginAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}

/** Owners and admins (permission `members:manage`) may rename the organization. */
export function canEditOrganization(actor: Actor): boolean {
  return hasPermission(actor, 'members:manage');
}

export function presentOrganization(o: repo.OrganizationSummary, actor: Actor): OrganizationDto {
  return {
    id: o.id,
    name: o.name,
    subscriptionTier: o.subscriptionTier,
    memberCount: o.memberCount,
    createdAt: o.createdAt.toISOString(),
    abilities: { canEdit: canEditOrganization(actor) },
  };
}

function presentInvite(i: repo.InviteRecord): InviteDto {
  return { id: i.id, email: i.email, role: i.role, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() };
}

/** Member management needs a person: the rank rules compare the caller's role with the target's. */
function requireUser(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new ForbiddenError('Member management needs a user session, not an API key');
  return actor;
}

/** Nobody acts on a member above them, nor grants a role above their own. */
function assertRank(actor: Extract<Actor, { kind: 'user' }>, target: Role, granted?: Role): void {
  if (ROLE_RANK[target] > ROLE_RANK[actor.role] || (granted && ROLE_RANK[granted] > ROLE_RANK[actor.role])) {
    throw new ForbiddenError();
  }
}

/**
 * Members and invites of one organization. Changing a member's role or access signs them out, so
 * the change applies to their next request rather than when their access token expires.
 */
export function createMembersService(deps: {
  db: Database;
  auth: AuthService;
  mailer: Mailer;
  passwords: PasswordHasher;
  publicUrl: string;
  /** The plan's seat check (billing), run under the organization's lock with the insert. */
  seats?: { assertSeatAvailable(tx: Db, organizationId: string): Promise<void> };
}) {
  const { db } = deps;

  /** Loads the target inside the caller's organization (404 otherwise), then checks who may act. */
  async function changeMember(
    actor: Actor,
    id: string,
    change: (
      tx: Parameters<Parameters<Database['withTransaction']>[0]>[0],
      target: repo.MemberRecord,
      user: Extract<Actor, { kind: 'user' }>,
    ) => Promise<repo.MemberRecord | null>,
  ) {
    const { result, revoked } = await db.withTransaction(async (tx) => {
      const target = await repo.findMemberForUpdate(tx, actor.organizationId, id);
      if (!target) throw new NotFoundError('member');
      const user = requireUser(actor);
      // Revoke first: removing a member deletes their session rows with them.
      const revoked = await revokeSessions(tx, { userId: id }, 'membership_changed');
      const result = await change(tx, target, user);
      return { result, revoked };
    });
    await deps.auth.revokeAll(revoked);
    return result;
  }

  async function assertNotLastOwner(
    tx: Parameters<typeof repo.countActiveOwners>[0],
    organizationId: string,
    target: repo.MemberRecord,
  ): Promise<void> {
    if (target.role === 'owner' && target.isActive && (await repo.countActiveOwners(tx, organizationId)) <= 1) {
      throw new ConflictError('The last owner cannot be demoted, deactivated or removed; make someone else owner first');
    }
  }

  return {
    async list(actor: Actor): Promise<MemberDto[]> {
      return (await repo.listMembers(db, actor.organizationId)).map(presentMember);
    },

    /** @throws NotFoundError, ForbiddenError (rank), ConflictError (last owner). */
    async changeRole(actor: Actor, id: string, role: Role): Promise<MemberDto> {
      const updated = await changeMember(actor, id, async (tx, target, user) => {
        assertRank(user, target.role, role);
        if (role !== 'owner') await assertNotLastOwner(tx, actor.organizationId, target);
        return repo.updateMember(tx, actor.organizationId, id, { role });
      });
      if (!updated) throw new NotFoundError('member');
      return presentMember(updated);
    },

    async setActive(actor: Actor, id: string, isActive: boolean): Promise<MemberDto> {
      const updated = await changeMember(actor, id, async (tx, target, user) => {
        assertRank(user, target.role);
        if (!isActive) await assertNotLastOwner(tx, actor.organizationId, target);
        return repo.updateMember(tx, actor.organizationId, id, { isActive });
      });
      if (!updated) throw new NotFoundError('member');
      return presentMember(updated);
    },

    async remove(actor: Actor, id: string): Promise<void> {
      await changeMember(actor, id, async (tx, target, user) => {
        assertRank(user, target.role);
        await assertNotLastOwner(tx, actor.organizationId, target);
        await repo.deleteMember(tx, actor.organizationId, id);
        return null;
      });
    },

    /** Emails a single-use link valid for 7 days. @throws ConflictError when the email already has an account. */
    async invite(actor: Actor, body: { email: string; role: Exclude<Role, 'owner'> }): Promise<InviteDto> {
      const user = requireUser(actor);
      assertRank(user, body.role);
      if (await findUserByEmail(db, body.email)) throw new ConflictError('An account with this email already exists');
      const token = randomToken(32);
      const invite = await db.withTransaction(async (tx) => {
        await deps.seats?.assertSeatAvailable(tx, actor.organizationId);
        return repo.insertInvite(tx, {
          organizationId: actor.organizationId,
          email: body.email,
          role: body.role,
          tokenHash: sha256(token),
          invitedBy: user.userId,
          expiresAt: new Date(Date.now() + INVITE_TTL_MS),
        });
      });
      await deps.mailer.send({
        to: body.email,
        subject: 'You are invited to Auterity',
        text: `${user.email} invited you to join their organization on Auterity as ${body.role}.\n\nAccept within 7 days: ${deps.publicUrl}/accept-invite?token=${token}\n`,
      });
      return presentInvite(invite);
    },

    async listInvites(actor: Actor): Promise<InviteDto[]> {
      return (await repo.listPendingInvites(db, actor.organizationId)).map(presentInvite);
    },

    async revokeInvite(actor: Actor, id: string): Promise<void> {
      if (!(await repo.revokeInvite(db, actor.organizationId, id))) throw new NotFoundError('invite');
    },

    /** Creates the invited account (email counts as verified: the link reached it) and signs it in. */
    async acceptInvite(
      body: { token: string; password: string; firstName?: string | undefined; lastName?: string | undefined },
      client: ClientInfo,
    ): Promise<SignedIn> {
      const problem = passwordProblem(body.password);
      if (problem) throw new ValidationError(problem, [{ path: 'body.password', message: problem }]);
      const passwordHash = await deps.passwords.hash(body.password);
      const user = await db.withTransaction(async (tx) => {
        const invite = await repo.consumeInvite(tx, sha256(body.token));
        if (!invite) throw new AppError(400, 'invalid_token', 'This invitation is invalid, expired or already used');
        return insertUser(tx, {
          organizationId: invite.organizationId,
          email: invite.email,
          passwordHash,
          firstName: body.firstName ?? null,
          lastName: body.lastName ?? null,
          role: invite.role,
          emailVerified: true,
        });
      });
      return deps.auth.startSession(user, client);
    },

    /**
     * The caller's own organization; there is no way to name another one.
     * @throws NotFoundError when the organization was deleted under a still-valid token.
     */
    async getOrganization(actor: Actor): Promise<OrganizationDto> {
      const org = await repo.findOrganization(db, actor.organizationId);
      if (!org) throw new NotFoundError('organization');
      return presentOrganization(org, actor);
    },

    /**
     * Renames the caller's organization.
     * @throws ForbiddenError unless the caller may manage members (owners and admins).
     * @throws NotFoundError when the organization no longer exists.
     */
    async renameOrganization(actor: Actor, body: UpdateOrganizationBody): Promise<OrganizationDto> {
      if (!canEditOrganization(actor)) throw new ForbiddenError();
      const org = await db.withTransaction(async (tx) => {
        if (!(await repo.updateOrganizationName(tx, actor.organizationId, body.name))) return null;
        return repo.findOrganization(tx, actor.organizationId);
      });
      if (!org) throw new NotFoundError('organization');
      return presentOrganization(org, actor);
    },
  };
}

export type MembersService = ReturnType<typeof createMembersService>;
