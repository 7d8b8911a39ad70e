import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createMemoryRevocationStore, createRedisRevocationStore } from './revocation';

describe('memory revocation store', () => {
  it('remembers a revoked session until access tokens would have expired', async () => {
    let now = 1_000_000;
    const store = createMemoryRevocationStore(900, () => now);
    const sid = randomUUID();

    await store.revoke(sid);
    const during = await store.isRevoked(sid);
    now += 901_000;
    const after = await store.isRevoked(sid);

    expect(during).toBe(true);
    expect(after).toBe(false);
    expect(await store.isRevoked(randomUUID())).toBe(false);
  });

  it('drops expired entries when it grows large', async () => {
    let now = 0;
    const store = createMemoryRevocationStore(1, () => now);
    for (let i = 0; i < 10_001; i++) await store.revoke(`s${i}`);
    now = 5_000;

    await store.revoke('fresh');

    expect(await store.isRevoked('fresh')).toBe(true);
    expect(await store.isRevoked('s1')).toBe(false);
  });
});

(process.env.REDIS_URL ? describe : describe.skip)('redis revocation store', () => {
  it('shares revocations across processes with an expiry', async () => {
    const redis = new Redis(process.env.REDIS_URL ?? '');
    const writer = createRedisRevocationStore(redis, 60);
    const reader = createRedisRevocationStore(redis, 60);
    const sid = randomUUID();

    await writer.revoke(sid);

    expect(await reader.isRevoked(sid)).toBe(true);
    expect(await reader.isRevoked(randomUUID())).toBe(false);
    expect(await redis.ttl(`auterity:revoked-session:${sid}`)).toBeGreaterThan(50);
    await redis.quit();
  });
});
