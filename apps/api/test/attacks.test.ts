import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import request, { type Response } from 'supertest';
import { ROLE_PERMISSIONS } from '@auterity/workflow-contracts';
import { buildRoutes, createApp, createServices, type AppDeps } from '../src/app';
import { createRedisRevocationStore, type RevocationStore } from '../src/modules/auth/revocation';
import { createTestDatabase, type TestDatabase } from './db';
import { addMember, login, registerOwner, TEST_PASSWORD, uniqueEmail, type SignedInUser } from './factories';
import { captureLogger, TEST_JWT_SECRET, testConfig, testDeps } from './test-app';

/**
 * The attack suite of the security catalogue (B, C, E, F rows) against the real app and its real
 * database (and the real Redis when REDIS_URL is set): every refusal answers the JSON envelope
 * without internals, and writes nothing.
 */

/** Tables a refused request must leave untouched. */
const WATCHED_TABLES = [
  'organizations',
  'users',
  'sessions',
  'refresh_tokens',
  'credentials',
  'api_keys',
  'invites',
  'ai_budgets',
  'ai_usage',
];
/** Signs of internals that must never reach a client. */
const LEAKS = /\n\s+at |SyntaxError|TypeError|node_modules|\.ts:\d+|\bSELECT\b|\bINSERT\b|pg_|SQLSTATE|stack/;

function expectEnvelope(res: Response, status: number, code?: string): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status, body: code ? { code } : {} });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(Object.keys(res.body as object).sort()).toEqual(
    (res.body as { details?: unknown }).details === undefined
      ? ['code', 'error', 'requestId']
      : ['code', 'details', 'error', 'requestId'],
  );
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  expect(res.text).not.toMatch(LEAKS);
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const hasRedisServer = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('attack suite', () => {
  let test: TestDatabase;
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  const logs = captureLogger();
  let redis: Redis | undefined;
  let revocations: (RevocationStore & { close(): Promise<void> }) | undefined;
  let owner: SignedInUser;
  let admin: SignedInUser;
  let editor: SignedInUser;
  let viewer: SignedInUser;
  /** An API key that may only read workflows and credentials' names. */
  let readOnlyKey: string;

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });

  async function rowCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const table of WATCHED_TABLES) {
      const { rows } = await test.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = rows[0]?.n ?? -1;
    }
    return counts;
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    if (process.env.REDIS_URL) {
      redis = new Redis(process.env.REDIS_URL, { enableOfflineQueue: false, lazyConnect: true });
      await redis.connect();
      revocations = await createRedisRevocationStore(redis, 900);
    }
    deps = testDeps(test.db, {
      log: logs.log,
      ...(redis && revocations
        ? {
            redis,
            revocations,
            notConfigured: [],
            readinessChecks: [
              { name: 'database', check: () => test.db.ping() },
              { name: 'redis', check: async () => void (await redis?.ping()) },
            ],
          }
        : {}),
    });
    app = createApp(deps);
    owner = await registerOwner(app);
    admin = await addMember(app, test.db, owner.user.organizationId, 'admin');
    editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
    const key = await request(app)
      .post('/api/api-keys')
      .set(as(owner))
      .send({ name: 'read only', scopes: ['workflows:read'] });
    readOnlyKey = key.body.key;
  });
  afterAll(async () => {
    await revocations?.close();
    await redis?.quit();
    await test.drop();
  });

  describe('forged, stale and revoked access tokens', () => {
    const now = () => Math.floor(Date.now() / 1000);
    let claims: Record<string, unknown>;
    let viewerToken: string;

    beforeAll(() => {
      claims = jwt.decode(owner.token) as Record<string, unknown>;
      viewerToken = viewer.token;
    });

    /** The owner's claims without time claims, so each case sets its own. */
    const timeless = () => {
      const { iat: _iat, exp: _exp, nbf: _nbf, ...rest } = claims;
      return rest;
    };
    const sign = (payload: Record<string, unknown>, secret = TEST_JWT_SECRET, options: jwt.SignOptions = {}) =>
      jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
    const unsigned = (alg: string) => `${base64url({ alg, typ: 'JWT' })}.${base64url(claims)}.`;

    const FORGERIES: [string, () => string][] = [
      ['alg none', () => unsigned('none')],
      ['alg None', () => unsigned('None')],
      ['alg NONE', () => unsigned('NONE')],
      [
        'alg none keeping the real signature',
        () => `${base64url({ alg: 'none' })}.${owner.token.split('.')[1]}.${owner.token.split('.')[2]}`,
      ],
      ['signed with another key', () => sign({ ...timeless(), exp: now() + 600 }, 'another-secret-that-is-long-enough-0123')],
      ['HS512 with our key', () => sign({ ...timeless(), exp: now() + 600 }, TEST_JWT_SECRET, { algorithm: 'HS512' })],
      ['expired', () => sign({ ...timeless(), iat: now() - 1200, exp: now() - 120 })],
      ['no expiry', () => sign(timeless())],
      ['not yet valid (nbf in the future)', () => sign({ ...timeless(), nbf: now() + 3600, exp: now() + 7200 })],
      ['issued in the future (iat)', () => sign({ ...timeless(), iat: now() + 3600, exp: now() + 7200 })],
      ['wrong issuer', () => sign({ ...timeless(), iss: 'evil', exp: now() + 600 })],
      ['wrong audience', () => sign({ ...timeless(), aud: 'another-api', exp: now() + 600 })],
      ['kid pointing at a file', () => sign({ ...timeless(), exp: now() + 600 }, 'x'.repeat(40), { keyid: '../../dev/null' })],
      ['truncated', () => owner.token.slice(0, -6)],
      ['signature removed', () => `${owner.token.split('.').slice(0, 2).join('.')}.`],
      ['header and payload only', () => owner.token.split('.').slice(0, 2).join('.')],
      [
        "a viewer's token with its role raised to owner",
        () => {
          const [header, payload, signature] = viewerToken.split('.');
          const raised = { ...(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object), role: 'owner' };
          return `${header}.${base64url(raised)}.${signature}`;
        },
      ],
    ];

    it.each(FORGERIES)('refuses %s with 401 Invalid or expired token', async (_name, token) => {
      const res = await request(app).get('/api/auth/me').set('Authorization', `Bearer ${token()}`);

      expectEnvelope(res, 401, 'invalid_token');
      expect(res.body.error).toBe('Invalid or expired token');
    });

    it('writes nothing for any of them on a write route', async () => {
      const before = await rowCounts();

      const statuses = [];
      for (const [, token] of FORGERIES) {
        const res = await request(app)
          .post('/api/credentials')
          .set('Authorization', `Bearer ${token()}`)
          .send({ name: 'forged', type: 'api_key', data: { apiKey: 'sk-forged' } });
        statuses.push(res.status);
      }

      expect(new Set(statuses)).toEqual(new Set([401]));
      expect(await rowCounts()).toEqual(before);
    });

    it('refuses a token whose session signed out, at once and on every route', async () => {
      const session = await login(app, editor.email);
      await request(app).post('/api/auth/logout').set(as(session)).expect(200);
      const before = await rowCounts();

      const me = await request(app).get('/api/auth/me').set(as(session));
      const write = await request(app)
        .post('/api/credentials')
        .set(as(session))
        .send({ name: 'after logout', type: 'api_key', data: { apiKey: 'sk-late' } });

      expectEnvelope(me, 401, 'invalid_token');
      expect(me.body.error).toBe('Invalid or expired token');
      expectEnvelope(write, 401, 'invalid_token');
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('authorization', () => {
    /** Authenticated write routes every member may use on their own account. */
    const SELF_SERVICE = new Set(['post /api/auth/logout', 'post /api/auth/verify-email/request']);
    /** Platform-wide settings: only platform administrators, whatever their organization role. */
    const PLATFORM_ADMIN_BODIES: Record<string, object> = {
      'patch /api/admin/ai/models/:id': { active: false },
      'patch /api/admin/ai/providers/:provider': { active: false },
      'patch /api/admin/organizations/:organizationId/plan': { planId: 'enterprise' },
      'post /api/admin/organizations/:organizationId/trial': { days: 30 },
      'post /api/admin/organizations/:organizationId/suspend': { reason: 'attack' },
      'post /api/admin/organizations/:organizationId/reactivate': {},
    };
    const PLATFORM_ADMIN = new Set(Object.keys(PLATFORM_ADMIN_BODIES));

    const writeRoutes = () => buildRoutes(deps, createServices(deps)).filter((r) => r.auth !== 'public' && r.method !== 'get');

    it('knows every authenticated write route: each needs a permission or is self-service', () => {
      const unknown = writeRoutes()
        .filter(
          (r) => !r.permission && !SELF_SERVICE.has(`${r.method} ${r.path}`) && !PLATFORM_ADMIN.has(`${r.method} ${r.path}`),
        )
        .map((r) => `${r.method} ${r.path}`);
      const viewerMay = writeRoutes()
        .filter((r) => r.permission && ROLE_PERMISSIONS.viewer.includes(r.permission))
        .map((r) => `${r.method} ${r.path}`);

      expect(unknown).toEqual([]);
      expect(viewerMay).toEqual([]);
      expect(writeRoutes().length).toBeGreaterThanOrEqual(10);
    });

    it('answers 403 to a viewer on every write route and writes nothing', async () => {
      const before = await rowCounts();
      const failures: string[] = [];

      for (const route of writeRoutes().filter((r) => r.permission)) {
        const path = route.path.replace(/:[A-Za-z]+/g, () => randomUUID());
        const res = await request(app)[route.method](path).set(as(viewer)).send({ name: 'viewer was here', role: 'owner' });
        if (route.path.startsWith('/v1/')) {
          // The OpenAI-compatible gateway answers in OpenAI's error shape.
          if (res.status !== 403 || res.body.error?.code !== 'forbidden' || res.body.error?.type !== 'permission_error')
            failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
        } else if (res.status !== 403 || res.body.error !== 'Insufficient permissions' || res.body.code !== 'forbidden')
          failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
        else expectEnvelope(res, 403, 'forbidden');
      }
      for (const key of PLATFORM_ADMIN) {
        const [method, pattern] = key.split(' ') as ['patch' | 'post', string];
        const path = pattern
          .replace(':id', 'openai%2Fgpt-4o-mini')
          .replace(':provider', 'openai')
          .replace(':organizationId', owner.user.organizationId);
        // Owners of an organization are not platform administrators either.
        for (const who of [viewer, owner]) {
          const body = PLATFORM_ADMIN_BODIES[key] ?? {};
          const res = await request(app)[method](path).set(as(who)).send(body);
          if (res.status !== 403) failures.push(`${key} as ${who === owner ? 'owner' : 'viewer'} → ${res.status}`);
        }
      }

      expect(failures).toEqual([]);
      expect(await rowCounts()).toEqual(before);
    });

    it('answers 403 to an admin making anyone an owner, and roles stay as they were', async () => {
      const others = await request(app).patch(`/api/members/${editor.user.id}`).set(as(admin)).send({ role: 'owner' });
      const self = await request(app).patch(`/api/members/${admin.user.id}`).set(as(admin)).send({ role: 'owner' });
      const { rows } = await test.db.query<{ id: string; role: string }>(
        'SELECT id, role FROM users WHERE id = ANY($1::uuid[]) ORDER BY role',
        [[admin.user.id, editor.user.id]],
      );

      expectEnvelope(others, 403, 'forbidden');
      expectEnvelope(self, 403, 'forbidden');
      expect(rows.map((r) => r.role)).toEqual(['admin', 'editor']);
    });

    it('answers 403 to an API key used beyond its scopes', async () => {
      const before = await rowCounts();
      const key = { 'X-API-Key': readOnlyKey };

      const allowed = await request(app).get('/api/credentials').set(key);
      const refused = [
        await request(app)
          .post('/api/credentials')
          .set(key)
          .send({ name: 'x', type: 'api_key', data: { apiKey: 'sk-x' } }),
        await request(app).get('/api/api-keys').set(key),
        await request(app)
          .post('/api/api-keys')
          .set(key)
          .send({ name: 'wider', scopes: ['api_keys:manage'] }),
        await request(app).get('/api/audit-log').set(key),
        await request(app).get('/api/members').set(key),
        await request(app).patch(`/api/members/${viewer.user.id}`).set(key).send({ role: 'admin' }),
        await request(app).post('/api/invites').set(key).send({ email: uniqueEmail(), role: 'admin' }),
      ];

      expect(allowed.status).toBe(200);
      for (const res of refused) expectEnvelope(res, 403, 'forbidden');
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('hostile input', () => {
    interface Target {
      path: string;
      /** Whether the owner's token is sent. */
      signedIn: boolean;
      valid: () => Record<string, unknown>;
    }
    const TARGETS: Record<string, Target> = {
      register: {
        path: '/api/auth/register',
        signedIn: false,
        valid: () => ({ organizationName: 'Acme', email: uniqueEmail(), password: TEST_PASSWORD }),
      },
      credentials: {
        path: '/api/credentials',
        signedIn: true,
        valid: () => ({ name: 'OpenAI', type: 'api_key', data: { apiKey: 'sk-valid' } }),
      },
      'api keys': {
        path: '/api/api-keys',
        signedIn: true,
        valid: () => ({ name: 'ci', scopes: ['workflows:read'] }),
      },
    };
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const PAYLOADS: [string, (valid: Record<string, unknown>) => string, number, string][] = [
      ['malformed JSON', () => '{"name": "x",', 400, 'invalid_json'],
      ['a trailing comma', (v) => `${JSON.stringify(v).slice(0, -1)},}`, 400, 'invalid_json'],
      ['a bare string', () => '"just a string"', 400, 'invalid_json'],
      ['an array', () => '[]', 400, 'validation_failed'],
      ['wrong types', (v) => JSON.stringify(Object.fromEntries(Object.keys(v).map((k) => [k, 12345]))), 400, 'validation_failed'],
      ['missing fields', () => '{}', 400, 'validation_failed'],
      ['null fields', (v) => JSON.stringify(Object.fromEntries(Object.keys(v).map((k) => [k, null]))), 400, 'validation_failed'],
      ['a 10 MB string', (v) => JSON.stringify({ ...v, name: 'x'.repeat(10 * 1024 * 1024) }), 413, 'payload_too_large'],
      ['10,000-deep nesting', (v) => `${JSON.stringify(v).slice(0, -1)},"extra":${deep}}`, 400, 'invalid_json'],
      ['__proto__', (v) => `{"__proto__":{"isAdmin":true,"polluted":1},${JSON.stringify(v).slice(1)}`, 400, 'invalid_json'],
      [
        'constructor.prototype',
        (v) => JSON.stringify({ ...v, constructor: { prototype: { polluted: 1 } } }),
        400,
        'invalid_json',
      ],
      [
        'nested __proto__',
        (v) => `${JSON.stringify(v).slice(0, -1)},"meta":{"a":[{"__proto__":{"polluted":1}}]}}`,
        400,
        'invalid_json',
      ],
      ['a NUL character', (v) => JSON.stringify({ ...v, name: 'a\u0000b', organizationName: 'a\u0000b' }), 400, 'invalid_json'],
    ];

    describe.each(Object.entries(TARGETS))('%s', (_target, target) => {
      it.each(PAYLOADS)('refuses %s with the envelope and writes nothing', async (_name, payload, status, code) => {
        const before = await rowCounts();
        let call = request(app).post(target.path).set('Content-Type', 'application/json');
        if (target.signedIn) call = call.set(as(owner));

        const res = await call.send(payload(target.valid()));

        expectEnvelope(res, status, code);
        expect(await rowCounts()).toEqual(before);
        expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
        expect(Object.prototype).not.toHaveProperty('polluted');
      });
    });

    it('ignores prototype keys in query strings', async () => {
      const res = await request(app)
        .get('/api/credentials?__proto__[polluted]=1&constructor[prototype][polluted]=1')
        .set(as(owner));

      expect(res.status).toBe(200);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    const INJECTIONS = [
      "' OR 1=1--",
      "'; DROP TABLE users; --",
      'Robert"); DELETE FROM credentials WHERE ("1"="1',
      '$$; SELECT pg_sleep(5); $$',
      "1; UPDATE users SET role='owner' --",
      "\\'; SELECT version(); --",
      '‘ OR ‘1’=‘1',
      '%27%20OR%201%3D1',
    ];

    it.each(INJECTIONS)('stores %j literally in every text field of register', async (text) => {
      const email = `o'brien.${randomBytes(4).toString('hex')}@example.com`;
      const password = `${text} long enough`;

      const res = await request(app)
        .post('/api/auth/register')
        .send({ organizationName: `Org ${text}`, email, password, firstName: text, lastName: text });
      const me = await request(app).get('/api/auth/me').set('Authorization', `Bearer ${res.body.token}`);
      const signIn = await request(app).post('/api/auth/login').send({ email, password });
      const { rows } = await test.db.query<{ name: string }>('SELECT name FROM organizations WHERE id = $1', [
        res.body.user?.organizationId,
      ]);

      expect(res.status).toBe(201);
      expect(me.body.user).toMatchObject({ email, firstName: text, lastName: text });
      expect(rows[0]?.name).toBe(`Org ${text}`);
      expect(signIn.status).toBe(200);
    });

    it.each(INJECTIONS)('stores %j literally in credentials and API keys', async (text) => {
      const services = createServices(deps);

      const credential = await request(app)
        .post('/api/credentials')
        .set(as(owner))
        .send({ name: text, type: 'http_basic', data: { username: text, password: text } });
      const readBack = await request(app).get(`/api/credentials/${credential.body.id}`).set(as(owner));
      const secret = await services.credentials.resolve(owner.user.organizationId, credential.body.id);
      const key = await request(app)
        .post('/api/api-keys')
        .set(as(owner))
        .send({ name: text, scopes: ['workflows:read'] });
      const keys = await request(app).get('/api/api-keys').set(as(owner));

      expect(credential.status).toBe(201);
      expect(readBack.body.name).toBe(text);
      expect(secret.data).toEqual({ username: text, password: text });
      expect(key.status).toBe(201);
      expect(keys.body.items.find((k: { id: string }) => k.id === key.body.id)?.name).toBe(text);
    });
  });

  describe('secrets', () => {
    it('never answers or logs a credential secret, a password, a token or an API key', async () => {
      const canary = (label: string) => `${label}-CANARY-${randomUUID()}`;
      const secrets = {
        api_key: { apiKey: canary('sk') },
        http_header: { name: 'X-Api-Key', value: canary('hv') },
        http_bearer: { token: canary('bt') },
        http_basic: { username: 'svc', password: canary('Pw') },
        oauth2: { accessToken: canary('at'), refreshToken: canary('rt') },
      };
      const password = canary('Pw');
      const email = uniqueEmail('secret-owner');
      const registered = await request(app).post('/api/auth/register').send({ organizationName: 'Secret Org', email, password });
      const auth = { Authorization: `Bearer ${registered.body.token}` };
      const responses: Response[] = [registered];

      for (const [type, data] of Object.entries(secrets)) {
        const created = await request(app)
          .post('/api/credentials')
          .set(auth)
          .send({ name: `${type} secret`, type, data });
        responses.push(created);
        responses.push(await request(app).get(`/api/credentials/${created.body.id}`).set(auth));
        responses.push(
          await request(app)
            .put(`/api/credentials/${created.body.id}`)
            .set(auth)
            .send({ name: `${type} renamed` }),
        );
      }
      const key = await request(app)
        .post('/api/api-keys')
        .set(auth)
        .send({ name: 'ci', scopes: ['workflows:read'] });
      responses.push(await request(app).get('/api/credentials').set(auth));
      responses.push(await request(app).get('/api/api-keys').set(auth));
      responses.push(await request(app).get('/api/audit-log').set(auth));
      responses.push(await request(app).get('/api/credentials').set('X-API-Key', key.body.key));
      responses.push(await request(app).post('/api/auth/login').send({ email, password }));
      responses.push(
        await request(app)
          .post('/api/auth/login')
          .send({ email, password: `${password}-wrong` }),
      );

      const planted = [...Object.values(secrets).flatMap((data) => Object.values(data).filter((v) => v.includes('CANARY')))];
      const answered = responses.map((r) => `${JSON.stringify(r.headers)}\n${r.text}`).join('\n');
      const logged = logs.text();
      expect(responses.every((r) => r.status < 500)).toBe(true);
      for (const value of planted) {
        expect(answered).not.toContain(value);
        expect(logged).not.toContain(value);
      }
      expect(answered).not.toContain(password);
      expect(logged).not.toContain(password);
      expect(logged).not.toContain(registered.body.token);
      expect(logged).not.toContain(key.body.key);
      expect(logged).not.toMatch(/Bearer [A-Za-z0-9_-]{20,}/);
    });
  });

  describe('rate limits', () => {
    it('answers 429 with Retry-After and RateLimit headers on the per-IP tier, counting down monotonically', async () => {
      const limited = createApp(testDeps(test.db, { config: testConfig({ RATE_LIMIT_IP_PER_MIN: '3' }) }));

      const results = [];
      for (let i = 0; i < 5; i += 1) results.push(await request(limited).get('/api/auth/providers'));

      expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
      expect(results.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0', '0', '0']);
      expect(results[0]?.headers['ratelimit-limit']).toBe('3');
      expectEnvelope(results[3] as Response, 429, 'rate_limited');
      expect(results[3]?.body.error).toBe('Too many requests');
      expect(Number(results[3]?.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(results[3]?.headers['retry-after'])).toBeLessThanOrEqual(60);
    });

    it('does not reset the count for a client that rotates X-Forwarded-For without a trusted proxy', async () => {
      const limited = createApp(testDeps(test.db, { config: testConfig({ RATE_LIMIT_IP_PER_MIN: '2' }) }));

      const statuses = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push((await request(limited).get('/api/auth/providers').set('X-Forwarded-For', `203.0.113.${i}`)).status);

      expect(statuses).toEqual([200, 200, 429, 429]);
    });

    (hasRedisServer ? it : it.skip)(
      `still limits, per process, with its Redis stopped, and /api/ready reports redis down${
        hasRedisServer ? '' : ' (skipped: no redis-server binary on PATH to start a Redis of its own)'
      }`,
      async () => {
        const port = await freePort();
        const server = spawn(
          'redis-server',
          ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
          {
            stdio: 'ignore',
          },
        );
        const exited = once(server, 'exit');
        const client = new Redis({
          host: '127.0.0.1',
          port,
          lazyConnect: true,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          retryStrategy: (times) => Math.min(times * 100, 1000),
        });
        client.on('error', () => undefined);
        try {
          await waitFor(() => canConnect(port));
          await client.connect();
          const limiterLogs = captureLogger();
          const limited = createApp(
            testDeps(test.db, {
              config: testConfig({ RATE_LIMIT_ACTOR_PER_MIN: '4' }),
              redis: client,
              log: limiterLogs.log,
              notConfigured: [],
              readinessChecks: [
                { name: 'database', check: () => test.db.ping() },
                { name: 'redis', check: async () => void (await client.ping()) },
              ],
            }),
          );
          const first = await registerOwner(limited);
          const second = await registerOwner(limited);
          const me = (user: SignedInUser) => request(limited).get('/api/auth/me').set(as(user));
          const onRedis = [await me(first), await me(first)];
          const counters = await client.keys('rl_actor*');

          server.kill('SIGKILL');
          await exited;
          await waitFor(() => client.status !== 'ready');
          const ready = await request(limited).get('/api/ready');
          const started = Date.now();
          const duringOutage = [];
          for (let i = 0; i < 6; i += 1) duringOutage.push(await me(second));
          const elapsedMs = Date.now() - started;

          expect(onRedis.map((r) => [r.status, r.headers['ratelimit-remaining']])).toEqual([
            [200, '3'],
            [200, '2'],
          ]);
          expect(counters.length).toBeGreaterThan(0);
          expectEnvelope(ready, 503, 'not_ready');
          expect(ready.body.details.checks).toMatchObject({ database: 'up', redis: 'down' });
          expect(duringOutage.map((r) => r.status)).toEqual([200, 200, 200, 200, 429, 429]);
          expect(duringOutage[4]?.headers['retry-after']).toBeDefined();
          expect(elapsedMs).toBeLessThan(3000);
          expect(limiterLogs.lines().filter((l) => String(l.msg).includes('rate limits fall back'))).toHaveLength(1);
        } finally {
          if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
          client.disconnect();
        }
      },
    );
  });
});
