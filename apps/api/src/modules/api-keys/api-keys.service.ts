import type { ApiKeyDto, CreateApiKeyBody } from '@auterity/workflow-contracts';
import type { Database } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import { randomToken, sha256 } from '../../lib/tokens';
import { hasPermission, type Actor } from '../../http/actor';
import { ForbiddenError, NotFoundError, ValidationError } from '../../http/errors';
import { API_KEY_PREFIX } from '../auth/authenticator';
import * as repo from './api-keys.repo';

const PREFIX_LENGTH = 12;

export function presentApiKey(key: repo.ApiKeyRecord): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** API keys for integrators: shown once, stored as SHA-256, scoped to a subset of the creator's permissions. */
const TOUCH_INTERVAL_MS = 60_000;
/** How long a verified key is trusted without a lookup (the delay of a revocation made elsewhere). */
const VERIFIED_TTL_MS = 5_000;

export function createApiKeysService(deps: { db: Database; log: Logger }) {
  const { db } = deps;
  /** When this process last wrote each key's last_used_at. */
  const touched = new Map<string, number>();
  /** Keys verified recently, by hash. */
  const verified = new Map<string, { actor: Actor; until: number }>();
  return {
    /** @throws ForbiddenError when a scope exceeds the creator's permissions; ValidationError for a past expiry. */
    async create(actor: Actor, body: CreateApiKeyBody): Promise<ApiKeyDto & { key: string }> {
      const excess = body.scopes.filter((scope) => !hasPermission(actor, scope));
      if (excess.length > 0) throw new ForbiddenError(`You cannot grant scopes you do not hold: ${excess.join(', ')}`);
      const expiresAt = body.expiresAt ? new Date(body.expiresAt) : null;
      if (expiresAt && expiresAt.getTime() <= Date.now()) {
        throw new ValidationError('Expiry must be in the future', [{ path: 'body.expiresAt', message: 'Must be in the future' }]);
      }
      const key = randomToken(32, API_KEY_PREFIX);
      const record = await repo.insertApiKey(db, {
        organizationId: actor.organizationId,
        createdBy: actor.userId,
        name: body.name,
        prefix: key.slice(0, PREFIX_LENGTH),
        keyHash: sha256(key),
        scopes: [...new Set(body.scopes)],
        expiresAt,
      });
      return { ...presentApiKey(record), key };
    },

    async list(actor: Actor): Promise<ApiKeyDto[]> {
      return (await repo.listApiKeys(db, actor.organizationId)).map(presentApiKey);
    },

    /** @throws NotFoundError, also for another organization's key. */
    async get(actor: Actor, id: string): Promise<ApiKeyDto> {
      const key = await repo.findApiKey(db, actor.organizationId, id);
      if (!key) throw new NotFoundError('API key');
      return presentApiKey(key);
    },

    /** @throws NotFoundError, also for another organization's or an already revoked key. */
    async revoke(actor: Actor, id: string): Promise<void> {
      if (!(await repo.revokeApiKey(db, actor.organizationId, id))) throw new NotFoundError('API key');
      for (const [hash, entry] of verified)
        if (entry.actor.kind === 'api_key' && entry.actor.apiKeyId === id) verified.delete(hash);
    },

    /**
     * A key this process verified within the last few seconds (no I/O), or undefined. A revocation
     * here takes effect at once; one made by another process within VERIFIED_TTL_MS.
     */
    cached(key: string): Actor | undefined {
      if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return undefined;
      const hit = verified.get(sha256(key));
      return hit && hit.until > Date.now() ? hit.actor : undefined;
    },

    /** Authenticates `ak_…`: the actor carries the key's organization and scopes. */
    async authenticate(key: string): Promise<Actor | null> {
      if (!key.startsWith(API_KEY_PREFIX) || key.length > 100) return null;
      const hash = sha256(key);
      const hit = verified.get(hash);
      if (hit && hit.until > Date.now()) return hit.actor;
      const record = await repo.findActiveApiKeyByHash(db, hash);
      if (!record) return null;
      // last_used_at is a "recently used" hint: written at most once a minute per key and process,
      // not on every request of a busy integration.
      const now = Date.now();
      if ((touched.get(record.id) ?? 0) + TOUCH_INTERVAL_MS <= now) {
        touched.set(record.id, now);
        if (touched.size > 10_000) touched.delete(touched.keys().next().value as string);
        repo.touchApiKey(db, record.id).catch((err: unknown) => deps.log.warn({ err }, 'could not record API key use'));
      }
      const actor: Actor = {
        kind: 'api_key',
        apiKeyId: record.id,
        organizationId: record.organizationId,
        permissions: record.scopes,
        userId: record.createdBy,
      };
      const until = Math.min(now + VERIFIED_TTL_MS, record.expiresAt ? record.expiresAt.getTime() : Number.POSITIVE_INFINITY);
      verified.set(hash, { actor, until });
      if (verified.size > 10_000) verified.delete(verified.keys().next().value as string);
      return actor;
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
