import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createLocalCounters, type LocalCounters } from './rate-limit-local';

const redisUrl = process.env.REDIS_URL;
const clients: Redis[] = [];

afterAll(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
});

/** A shared counter: in the real Redis when there is one (as in production), else in memory. */
async function store(prefix: string, points: number, duration = 60): Promise<RateLimiterAbstract> {
  if (!redisUrl) return new RateLimiterMemory({ keyPrefix: prefix, points, duration });
  const client = new Redis(redisUrl);
  clients.push(client);
  await client.ping();
  return new RateLimiterRedis({
    storeClient: client,
    keyPrefix: prefix,
    points,
    duration,
    rejectIfRedisNotReady: true,
  });
}

/** Takes `count` points one after the other; how many were admitted and how many refused. */
async function takeMany(counters: LocalCounters, limiter: RateLimiterAbstract, key: string, limit: number, count: number) {
  let admitted = 0;
  let refused = 0;
  for (let i = 0; i < count; i++) {
    try {
      await counters.take(limiter, key, limit);
      admitted += 1;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      refused += 1;
    }
  }
  return { admitted, refused };
}

/** Two API processes' view of one shared limit: their own local counters, their own Redis client. */
async function twoProcesses(points: number) {
  const prefix = `t_${randomUUID()}`;
  return {
    a: createLocalCounters(),
    b: createLocalCounters(),
    limiterA: await store(prefix, points),
    limiterB: await store(prefix, points),
  };
}

const consumedIn = async (limiter: RateLimiterAbstract, key: string) => (await limiter.get(key))?.consumedPoints ?? 0;

describe('local rate-limit counters', () => {
  it('admits exactly the limit in one process and refuses the rest', async () => {
    const prefix = `t_${randomUUID()}`;
    const limiter = await store(prefix, 200);
    const counters = createLocalCounters();

    const result = await takeMany(counters, limiter, 'k', 200, 260);
    await counters.flush();

    expect(result).toEqual({ admitted: 200, refused: 60 });
    expect(await consumedIn(limiter, 'k')).toBeGreaterThanOrEqual(200);
  });

  it('counts a key far from its limit here and settles it in the store in the background', async () => {
    const limiter = await store(`t_${randomUUID()}`, 1000);
    // A slower settle than production's, so that a loaded test machine cannot settle before the check.
    const counters = createLocalCounters({ settleMs: 1_000 });

    const states = [];
    for (let i = 0; i < 10; i++) states.push(await counters.take(limiter, 'k', 1000));

    // The first take read the store; the next nine are counted here until the next settle.
    expect(await consumedIn(limiter, 'k')).toBe(1);
    expect(states.map((s) => s.remainingPoints)).toEqual([999, 998, 997, 996, 995, 994, 993, 992, 991, 990]);
    const deadline = Date.now() + 5_000;
    while ((await consumedIn(limiter, 'k')) < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await consumedIn(limiter, 'k')).toBe(10);
  });

  it('counts every request in the store once a key has used half its limit, and small limits always', async () => {
    const big = await store(`t_${randomUUID()}`, 100);
    const small = await store(`t_${randomUUID()}`, 20);
    const counters = createLocalCounters();

    await takeMany(counters, big, 'k', 100, 50);
    await counters.flush();
    await takeMany(counters, big, 'k', 100, 5);
    await takeMany(counters, small, 'k', 20, 5);

    // Past half of 100, each take went to the store at once (no flush after them).
    expect(await consumedIn(big, 'k')).toBe(55);
    expect(await consumedIn(small, 'k')).toBe(5);
    expect(counters.size()).toBe(1);
  });

  (redisUrl ? it : it.skip)('shares one limit between processes: exact once counts have settled', async () => {
    const { a, b, limiterA, limiterB } = await twoProcesses(100);

    const first = await takeMany(a, limiterA, 'k', 100, 30);
    await a.flush();
    const second = await takeMany(b, limiterB, 'k', 100, 30);
    await b.flush();
    const rest = [await takeMany(a, limiterA, 'k', 100, 30), await takeMany(b, limiterB, 'k', 100, 30)];

    const admitted = [first, second, ...rest].reduce((sum, r) => sum + r.admitted, 0);
    expect(admitted).toBe(100);
    expect(await consumedIn(limiterA, 'k')).toBeGreaterThanOrEqual(100);
  });

  (redisUrl ? it : it.skip)('lets processes that have not settled yet pass a limit by at most half of it each', async () => {
    const { a, b, limiterA, limiterB } = await twoProcesses(100);

    // Interleaved with no settle in between: each process first sees only its own counts.
    const results = await Promise.all([takeMany(a, limiterA, 'k', 100, 100), takeMany(b, limiterB, 'k', 100, 100)]);
    await Promise.all([a.flush(), b.flush()]);

    const admitted = results.reduce((sum, r) => sum + r.admitted, 0);
    expect(admitted).toBeGreaterThanOrEqual(100);
    expect(admitted).toBeLessThanOrEqual(150);
  });

  it('starts a new window when the old one ends', async () => {
    const limiter = await store(`t_${randomUUID()}`, 100, 1);
    const counters = createLocalCounters();

    await takeMany(counters, limiter, 'k', 100, 40);
    await new Promise((r) => setTimeout(r, 1_100));
    const state = await counters.take(limiter, 'k', 100);

    expect(state.remainingPoints).toBe(99);
    await counters.flush();
    expect(counters.size()).toBe(1);
  });

  it('keeps the limit when the store is down, through the in-process insurance counter', async () => {
    const insurance = new RateLimiterMemory({ keyPrefix: 'insurance', points: 100, duration: 60 });
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const limiter = new RateLimiterRedis({
      storeClient: down,
      keyPrefix: `t_${randomUUID()}`,
      points: 100,
      duration: 60,
      rejectIfRedisNotReady: true,
      insuranceLimiter: insurance,
    });
    const counters = createLocalCounters();

    const result = await takeMany(counters, limiter, 'k', 100, 130);
    await counters.flush();

    expect(result).toEqual({ admitted: 100, refused: 30 });
    down.disconnect();
  });

  it('keeps counting here when settling fails, and reports it', async () => {
    const errors: unknown[] = [];
    const limiter = new RateLimiterMemory({ keyPrefix: `t_${randomUUID()}`, points: 1000, duration: 60 });
    const failing = Object.assign(Object.create(limiter) as RateLimiterAbstract, {
      penalty: () => Promise.reject(new Error('store unreachable')),
    });
    const counters = createLocalCounters({ onSettleError: (e) => errors.push(e) });

    await takeMany(counters, failing, 'k', 1000, 10);
    await counters.flush();
    const next = await counters.take(failing, 'k', 1000);

    expect(errors).toHaveLength(1);
    expect(next.remainingPoints).toBe(989);
  });
});
