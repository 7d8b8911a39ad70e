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
  it('tells every replica about a revocation within milliseconds', async () => {
    const redisA = new Redis(process.env.REDIS_URL ?? '');
    const redisB = new Redis(process.env.REDIS_URL ?? '');
    const replicaA = await createRedisRevocationStore(redisA, 60);
    const replicaB = await createRedisRevocationStore(redisB, 60);
    const sid = randomUUID();

    await replicaA.revoke(sid);
    const deadline = Date.now() + 2000;
    while (!(await replicaB.isRevoked(sid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

    expect(await replicaA.isRevoked(sid)).toBe(true);
    expect(await replicaB.isRevoked(sid)).toBe(true);
    expect(await replicaB.isRevoked(randomUUID())).toBe(false);
    await Promise.all([replicaA.close(), replicaB.close()]);
    await Promise.all([redisA.quit(), redisB.quit()]);
  });
});
