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

const CHANNEL = 'auterity:revoked-sessions';

/**
 * Many replicas: every process keeps the revoked set in memory (checked without I/O on each
 * request) and learns other replicas' revocations over Redis pub/sub within milliseconds. A process
 * that starts later loads recent revocations from the database (`warmRevocations`), after
 * subscribing, so nothing falls between the two.
 */
export async function createRedisRevocationStore(
  redis: Redis,
  ttlSec: number,
  onError?: (err: Error) => void,
): Promise<RevocationStore & { close(): Promise<void> }> {
  const local = createMemoryRevocationStore(ttlSec);
  const subscriber = redis.duplicate();
  subscriber.on('error', (err: Error) => onError?.(err));
  subscriber.on('message', (_channel: string, sessionId: string) => {
    void local.revoke(sessionId);
  });
  if (subscriber.status === 'wait') await subscriber.connect();
  await subscriber.subscribe(CHANNEL);
  return {
    async revoke(sessionId) {
      await local.revoke(sessionId);
      await redis.publish(CHANNEL, sessionId);
    },
    isRevoked: (sessionId) => local.isRevoked(sessionId),
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}
