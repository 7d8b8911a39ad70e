import { Redis } from 'ioredis';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../test/db';
import { registerOwner, uniqueEmail } from '../../test/factories';
import { buildTestApp, captureLogger, testConfig } from '../../test/test-app';

describe('rate limiting', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  const limited = (env: Record<string, string>, extra: Parameters<typeof buildTestApp>[1] = {}) =>
    buildTestApp(test.db, { config: testConfig(env), ...extra });

  it('answers 429 with Retry-After, the envelope and RateLimit headers past the strict sign-in tier', async () => {
    const app = limited({ RATE_LIMIT_AUTH_PER_MIN: '3' });
    const attempt = () => request(app).post('/api/auth/login').send({ email: uniqueEmail(), password: 'whatever it is' });

    const allowed = [await attempt(), await attempt(), await attempt()];
    const refused = await attempt();

    expect(allowed.map((r) => r.status)).toEqual([401, 401, 401]);
    expect(allowed[0]?.headers['ratelimit-limit']).toBe('3');
    expect(allowed[2]?.headers['ratelimit-remaining']).toBe('0');
    expect(allowed[0]?.headers['x-ratelimit-limit']).toBe('3');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: 'Too many requests', code: 'rate_limited' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);
  });

  it('counts requests with a valid access token per user only, and bad or missing tokens per IP', async () => {
    const app = limited({ RATE_LIMIT_IP_PER_MIN: '3', RATE_LIMIT_ACTOR_PER_MIN: '100' });
    const owner = await registerOwner(app); // the separate sign-in tier
    const me = (token?: string) => {
      const call = request(app).get('/api/auth/me');
      return token ? call.set('Authorization', `Bearer ${token}`) : call;
    };

    const valid = [(await me(owner.token)).status, (await me(owner.token)).status, (await me(owner.token)).status];
    const guesses = [];
    for (const token of ['not.a.token', undefined, 'forged.token.here', 'x.y.z']) guesses.push((await me(token)).status);

    expect(valid).toEqual([200, 200, 200]);
    expect(guesses).toEqual([401, 401, 401, 429]);
  });

  it('limits an organization as a whole across its users and keys, with the tightest counter in the headers', async () => {
    const app = limited({ RATE_LIMIT_ACTOR_PER_MIN: '100', RATE_LIMIT_ORG_PER_MIN: '4' });
    const owner = await registerOwner(app);
    const key = await request(app)
      .post('/api/api-keys')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ name: 'k', scopes: ['workflows:read'] });
    const stranger = await registerOwner(app);

    const byOwner = await request(app).get('/api/auth/me').set('Authorization', `Bearer ${owner.token}`);
    const byKey = [];
    for (let i = 0; i < 3; i++) byKey.push((await request(app).get('/api/workflows').set('X-API-Key', key.body.key)).status);
    const otherOrg = await request(app).get('/api/auth/me').set('Authorization', `Bearer ${stranger.token}`);

    expect(key.status).toBe(201); // 1 of the organization's 4
    expect(byOwner.headers['ratelimit-limit']).toBe('4');
    expect(byOwner.headers['ratelimit-remaining']).toBe('2');
    expect(byKey).toEqual([200, 200, 429]);
    expect(otherOrg.status).toBe(200);
  });

  it('limits each signed-in user separately and never limits health probes', async () => {
    const app = limited({ RATE_LIMIT_ACTOR_PER_MIN: '2' });
    const first = await registerOwner(app);
    const second = await registerOwner(app);
    const me = (token: string) => request(app).get('/api/auth/me').set('Authorization', `Bearer ${token}`);

    const statuses = [(await me(first.token)).status, (await me(first.token)).status, (await me(first.token)).status];
    const other = await me(second.token);
    const probes = await Promise.all(Array.from({ length: 5 }, () => request(app).get('/api/health')));

    expect(statuses).toEqual([200, 200, 429]);
    expect(other.status).toBe(200);
    expect(probes.every((p) => p.status === 200 && p.headers['ratelimit-limit'] === undefined)).toBe(true);
  });

  (process.env.REDIS_URL ? it : it.skip)('shares counts between API processes through Redis', async () => {
    const redisA = new Redis(process.env.REDIS_URL ?? '');
    const redisB = new Redis(process.env.REDIS_URL ?? '');
    await Promise.all([redisA.ping(), redisB.ping()]);
    const env = { RATE_LIMIT_AUTH_PER_MIN: '3' };
    // A unique client address per run keeps this test independent of earlier runs' counters.
    const ip = `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const appA = limited({ ...env, TRUST_PROXY_HOPS: '1' }, { redis: redisA });
    const appB = limited({ ...env, TRUST_PROXY_HOPS: '1' }, { redis: redisB });
    const attempt = (app: typeof appA) =>
      request(app).post('/api/auth/password-reset/request').set('X-Forwarded-For', ip).send({ email: uniqueEmail() });

    const results = [await attempt(appA), await attempt(appB), await attempt(appA), await attempt(appB)];

    expect(results.map((r) => r.status)).toEqual([202, 202, 202, 429]);
    await Promise.all([redisA.quit(), redisB.quit()]);
  });

  it('keeps limiting with a per-process fallback while Redis is down, and says so once', async () => {
    const logs = captureLogger();
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    const app = limited({ RATE_LIMIT_AUTH_PER_MIN: '2' }, { redis: down, log: logs.log });
    const attempt = () => request(app).post('/api/auth/password-reset/request').send({ email: uniqueEmail() });

    const statuses = [(await attempt()).status, (await attempt()).status, (await attempt()).status];

    expect(statuses).toEqual([202, 202, 429]);
    expect(logs.lines().filter((l) => String(l.msg).includes('rate limits fall back'))).toHaveLength(1);
    down.disconnect();
  });
});
