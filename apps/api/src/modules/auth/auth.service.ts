import {
  ROLE_PERMISSIONS,
  type AuthResponse,
  type LoginBody,
  type RegisterBody,
  type UserDto,
} from '@auterity/workflow-contracts';
import type { Database } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import type { Mailer } from '../../lib/mailer';
import { passwordProblem, type PasswordHasher } from '../../lib/passwords';
import { randomToken, sha256 } from '../../lib/tokens';
import type { Actor } from '../../http/actor';
import { AppError, UnauthenticatedError, ValidationError } from '../../http/errors';
import type { AccessTokenSigner } from './access-token';
import * as repo from './auth.repo';
import type { LoginThrottle } from './login-throttle';
import type { AuditService } from '../audit/audit.service';
import type { RevocationStore } from './revocation';

const VERIFY_EMAIL_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long `GET /api/auth/me` may answer from memory. Role, organization and access changes revoke
 * the session (refused before this cache is read); only profile fields such as emailVerified can
 * lag, by at most this long on other replicas.
 */
const ME_CACHE_TTL_MS = 5000;
const ME_CACHE_MAX = 10_000;
const RESET_PASSWORD_TTL_MS = 30 * 60 * 1000;

export interface ClientInfo {
  ip: string;
  userAgent: string | null;
}

/** What a sign-in produces: the JSON answer and the refresh token for the httpOnly cookie. */
export interface SignedIn {
  response: AuthResponse;
  refreshToken: string;
  refreshExpiresAt: Date;
}

export interface AuthServiceDeps {
  db: Database;
  signer: AccessTokenSigner;
  revocations: RevocationStore;
  throttle: LoginThrottle;
  mailer: Mailer;
  passwords: PasswordHasher;
  audit: AuditService;
  log: Logger;
  refreshTtlDays: number;
  publicUrl: string;
  platformAdminEmails: readonly string[];
  /** Runs in the registration transaction once the organization exists (billing starts a configured trial). */
  onOrganizationCreated?: (
    tx: Parameters<Parameters<Database['withTransaction']>[0]>[0],
    organizationId: string,
  ) => Promise<void>;
}

/** The API's view of a user: never the password hash. */
export function presentUser(user: repo.UserRecord): UserDto {
  return {
    id: user.id,
    email: user.email,
    firstName: user.firstName,
    lastName: user.lastName,
    role: user.role,
    organizationId: user.organizationId,
    emailVerified: user.emailVerified,
    isPlatformAdmin: user.isPlatformAdmin,
    permissions: [...ROLE_PERMISSIONS[user.role]],
    createdAt: user.createdAt.toISOString(),
  };
}

const INVALID_TOKEN = () => new UnauthenticatedError('Invalid or expired token', 'invalid_token');

/** Accounts and sessions: register, sign in, rotate refresh tokens, sign out, verify email, reset password. */
export function createAuthService(deps: AuthServiceDeps) {
  const { db, signer, revocations } = deps;
  const meCache = new Map<string, { user: UserDto; until: number }>();

  async function issueSession(
    user: repo.UserRecord,
    client: ClientInfo,
    tx: Parameters<Parameters<Database['withTransaction']>[0]>[0],
  ): Promise<SignedIn> {
    const refreshExpiresAt = new Date(Date.now() + deps.refreshTtlDays * 86_400_000);
    const sessionId = await repo.insertSession(tx, {
      organizationId: user.organizationId,
      userId: user.id,
      expiresAt: refreshExpiresAt,
      userAgent: client.userAgent,
      ip: client.ip,
    });
    const refreshToken = randomToken(32, 'rt_');
    await repo.insertRefreshToken(tx, { sessionId, tokenHash: sha256(refreshToken), expiresAt: refreshExpiresAt });
    return { response: tokenResponse(user, sessionId), refreshToken, refreshExpiresAt };
  }

  function tokenResponse(user: repo.UserRecord, sessionId: string): AuthResponse {
    const dto = presentUser(user);
    const token = signer.sign({
      userId: user.id,
      organizationId: user.organizationId,
      email: user.email,
      role: user.role,
      permissions: dto.permissions,
      sessionId,
    });
    return { token, expiresInSec: signer.ttlSec, user: dto };
  }

  async function sendVerification(user: repo.UserRecord): Promise<void> {
    const token = randomToken(32);
    await repo.insertUserToken(db, {
      userId: user.id,
      purpose: 'verify_email',
      tokenHash: sha256(token),
      expiresAt: new Date(Date.now() + VERIFY_EMAIL_TTL_MS),
    });
    await deps.mailer.send({
      to: user.email,
      subject: 'Confirm your email for Auterity',
      text: `Confirm your email address by opening this link (valid for 24 hours):\n\n${deps.publicUrl}/verify-email?token=${token}\n`,
    });
  }

  async function revokeAll(sessionIds: readonly string[]): Promise<void> {
    await Promise.all(sessionIds.map((id) => revocations.revoke(id)));
  }

  return {
    /** Starts a session for a user another flow has authenticated (invite acceptance, OAuth). */
    startSession(user: repo.UserRecord, client: ClientInfo): Promise<SignedIn> {
      return db.withTransaction((tx) => issueSession(user, client, tx));
    },

    /**
     * Creates an organization and its first user (owner), signed in.
     * @throws ValidationError for a common password; ConflictError for a taken email.
     */
    async register(body: RegisterBody, client: ClientInfo): Promise<SignedIn> {
      const problem = passwordProblem(body.password);
      if (problem) throw new ValidationError(problem, [{ path: 'body.password', message: problem }]);
      const passwordHash = await deps.passwords.hash(body.password);
      const result = await db.withTransaction(async (tx) => {
        const organizationId = await repo.insertOrganization(tx, body.organizationName);
        await deps.onOrganizationCreated?.(tx, organizationId);
        const user = await repo.insertUser(tx, {
          organizationId,
          email: body.email,
          passwordHash,
          firstName: body.firstName ?? null,
          lastName: body.lastName ?? null,
          role: 'owner',
          isPlatformAdmin: deps.platformAdminEmails.includes(body.email),
        });
        return { user, signedIn: await issueSession(user, client, tx) };
      });
      await sendVerification(result.user).catch((err: unknown) => deps.log.warn({ err }, 'verification mail failed'));
      return result.signedIn;
    },

    /**
     * Signs in with email and password. Unknown email, wrong password and deactivated account get
     * the same answer after the same amount of work.
     * @throws UnauthenticatedError `Invalid credentials`; RateLimitedError after repeated failures.
     */
    async login(body: LoginBody, client: ClientInfo): Promise<SignedIn> {
      await deps.throttle.assertAllowed(body.email, client.ip);
      const user = await repo.findUserByEmail(db, body.email);
      const valid = await deps.passwords.verify(user?.passwordHash ?? null, body.password);
      if (!user || !valid || !user.isActive) {
        await deps.throttle.recordFailure(body.email, client.ip);
        await deps.audit.record({
          action: 'auth.login_failed',
          organizationId: user?.organizationId ?? null,
          ...(user ? { actor: { kind: 'user' as const, userId: user.id } } : {}),
          client,
          metadata: { email: body.email },
        });
        throw new UnauthenticatedError('Invalid credentials', 'invalid_credentials');
      }
      await deps.throttle.recordSuccess(body.email);
      return db.withTransaction(async (tx) => {
        await repo.updateLastLogin(tx, user.id);
        return issueSession(user, client, tx);
      });
    },

    /**
     * Exchanges a refresh token for a new access token and a new refresh token. Presenting a token
     * that was already exchanged revokes its whole session (the family): it has been stolen or replayed.
     * @throws UnauthenticatedError `Invalid or expired token`.
     */
    async refresh(refreshToken: string | undefined): Promise<SignedIn> {
      if (!refreshToken) throw INVALID_TOKEN();
      const outcome = await db.withTransaction(async (tx) => {
        const record = await repo.findRefreshToken(tx, sha256(refreshToken));
        if (!record) return { kind: 'invalid' as const };
        const now = Date.now();
        if (record.sessionRevokedAt || record.sessionExpiresAt.getTime() <= now || record.expiresAt.getTime() <= now) {
          return { kind: 'invalid' as const };
        }
        if (record.usedAt || !(await repo.consumeRefreshToken(tx, record.id))) {
          await repo.revokeSessions(tx, { sessionId: record.sessionId }, 'refresh_token_reuse');
          return { kind: 'reused' as const, sessionId: record.sessionId };
        }
        const user = await repo.findUser(tx, record.organizationId, record.userId);
        if (!user || !user.isActive) return { kind: 'invalid' as const };
        const next = randomToken(32, 'rt_');
        await repo.insertRefreshToken(tx, {
          sessionId: record.sessionId,
          tokenHash: sha256(next),
          expiresAt: record.sessionExpiresAt,
        });
        return {
          kind: 'ok' as const,
          signedIn: {
            response: tokenResponse(user, record.sessionId),
            refreshToken: next,
            refreshExpiresAt: record.sessionExpiresAt,
          },
        };
      });
      if (outcome.kind === 'reused') {
        await revocations.revoke(outcome.sessionId);
        deps.log.warn({ sessionId: outcome.sessionId }, 'refresh token reuse: session revoked');
      }
      if (outcome.kind !== 'ok') throw INVALID_TOKEN();
      return outcome.signedIn;
    },

    /** Ends the caller's session: its access and refresh tokens stop working at once. */
    async logout(actor: Actor): Promise<void> {
      if (actor.kind !== 'user') throw new AppError(400, 'validation_failed', 'API keys have no session; revoke the key instead');
      await repo.revokeSessions(db, { sessionId: actor.sessionId }, 'logout');
      await revocations.revoke(actor.sessionId);
    },

    /** The signed-in user (from the database, or a few seconds' memory of it). */
    async me(actor: Actor): Promise<UserDto> {
      if (actor.kind !== 'user')
        throw new AppError(400, 'validation_failed', 'This endpoint needs a user session, not an API key');
      const cached = meCache.get(actor.userId);
      if (cached && cached.until > Date.now()) return cached.user;
      const user = await repo.findUser(db, actor.organizationId, actor.userId);
      if (!user || !user.isActive) throw INVALID_TOKEN();
      if (meCache.size >= ME_CACHE_MAX) meCache.clear();
      const dto = presentUser(user);
      meCache.set(actor.userId, { user: dto, until: Date.now() + ME_CACHE_TTL_MS });
      return dto;
    },

    async requestEmailVerification(actor: Actor): Promise<void> {
      if (actor.kind !== 'user')
        throw new AppError(400, 'validation_failed', 'This endpoint needs a user session, not an API key');
      const user = await repo.findUser(db, actor.organizationId, actor.userId);
      if (user && !user.emailVerified) await sendVerification(user);
    },

    /** @throws AppError invalid_token for an unknown, used or expired link. */
    async verifyEmail(token: string): Promise<void> {
      const used = await db.withTransaction(async (tx) => {
        const owner = await repo.consumeUserToken(tx, 'verify_email', sha256(token));
        if (owner) await repo.markEmailVerified(tx, owner.userId);
        return owner;
      });
      if (used) meCache.delete(used.userId);
      if (!used) throw new AppError(400, 'invalid_token', 'This link is invalid or has expired');
    },

    /** Always succeeds, whether or not the email has an account (no enumeration). */
    async requestPasswordReset(email: string): Promise<void> {
      const user = await repo.findUserByEmail(db, email);
      if (!user || !user.isActive) return;
      const token = randomToken(32);
      await repo.insertUserToken(db, {
        userId: user.id,
        purpose: 'reset_password',
        tokenHash: sha256(token),
        expiresAt: new Date(Date.now() + RESET_PASSWORD_TTL_MS),
      });
      await deps.mailer.send({
        to: user.email,
        subject: 'Reset your Auterity password',
        text: `Someone asked to reset the password of this account. If it was you, open this link within 30 minutes:\n\n${deps.publicUrl}/reset-password?token=${token}\n\nIf not, ignore this mail.`,
      });
    },

    /** Sets a new password from a reset link and signs the account out everywhere. */
    async resetPassword(token: string, password: string): Promise<void> {
      const problem = passwordProblem(password);
      if (problem) throw new ValidationError(problem, [{ path: 'body.password', message: problem }]);
      const passwordHash = await deps.passwords.hash(password);
      const reset = await db.withTransaction(async (tx) => {
        const owner = await repo.consumeUserToken(tx, 'reset_password', sha256(token));
        if (!owner) return null;
        await repo.updatePasswordHash(tx, owner.userId, passwordHash);
        return { owner, revoked: await repo.revokeSessions(tx, { userId: owner.userId }, 'password_reset') };
      });
      if (!reset) throw new AppError(400, 'invalid_token', 'This link is invalid or has expired');
      // Recorded after the commit: the embedded database has one session, which the transaction holds.
      await deps.audit.record({
        action: 'auth.password_reset',
        organizationId: reset.owner.organizationId,
        actor: { kind: 'user', userId: reset.owner.userId },
      });
      await revokeAll(reset.revoked);
    },

    /** Startup: the revocation store of a fresh process learns the sessions revoked recently. */
    async warmRevocations(accessTtlSec: number): Promise<void> {
      await revokeAll(await repo.findRecentlyRevokedSessionIds(db, accessTtlSec));
    },

    /** Startup: configured platform administrators get their flag. */
    async applyPlatformAdmins(): Promise<number> {
      return repo.grantPlatformAdmins(db, deps.platformAdminEmails);
    },

    revokeAll,
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
