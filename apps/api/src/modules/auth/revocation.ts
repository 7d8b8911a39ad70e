import type { Redis } from 'ioredis';

/**
 * Revoked sessions, checked on every authenticated request, so a logged-out access token stops
 * working at once. Entries live as long as an access token can, after which expiry alone refuses it.
 */
export interface RevocationStore {
  revoke(sessionId: string): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

/** One process (embedded mode): a map with expiry, checked without I/O. */
export function createMemoryRevocationStore(ttlSec: number, now: () => number = Date.now): RevocationStore {
  const revoked = new Map<string, number>();
  return {
    async revoke(sessionId) {
      revoked.set(sessionId, now() + ttlSec * 1000);
      if (revoked.size > 10_000) {
        const t = now();
        for (const [id, until] of revoked) if (until <= t) revoked.delete(id);
      }
    },
    async isRevoked(sessionId) {
      const until = revoked.get(sessionId);
      if (until === undefined) return false;
      if (until > now()) return true;
      revoked.delete(sessionId);
      return false;
    },
  };
}

/** Many replicas: one Redis key per revoked session, expiring with the last access token. */
export function createRedisRevocationStore(redis: Redis, ttlSec: number): RevocationStore {
  const key = (sessionId: string) => `auterity:revoked-session:${sessionId}`;
  return {
    async revoke(sessionId) {
      await redis.set(key(sessionId), '1', 'EX', ttlSec);
    },
    async isRevoked(sessionId) {
      return (await redis.exists(key(sessionId))) === 1;
    },
  };
}
