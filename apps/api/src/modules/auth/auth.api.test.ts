import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { createServices } from '../../app';
import { login, registerOwner, refreshCookieOf, TEST_PASSWORD, uniqueEmail } from '../../../test/factories';
import { buildTestApp, captureLogger, memoryMailer, TEST_JWT_SECRET, testConfig, testDeps } from '../../../test/test-app';

describe('auth API', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  const app = (overrides: Parameters<typeof buildTestApp>[1] = {}) => buildTestApp(test.db, overrides);

  describe('POST /api/auth/register', () => {
    it('creates the organization and its owner, signed in, with a refresh cookie', async () => {
      const email = uniqueEmail('Reg');

      const res = await request(app())
        .post('/api/auth/register')
        .send({ organizationName: 'Acme', email, password: TEST_PASSWORD });

      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({
        email: email.toLowerCase(),
        role: 'owner',
        emailVerified: false,
        organizationId: expect.any(String),
      });
      expect(res.body.user.permissions).toContain('members:manage');
      expect(res.body).not.toHaveProperty('user.passwordHash');
      expect(JSON.stringify(res.body)).not.toContain('scrypt');
      const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('auterity_refresh='));
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      expect(cookie).toMatch(/Path=\/api\/auth/);
      const { rows } = await test.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE email = $1', [
        email.toLowerCase(),
      ]);
      expect(rows[0]?.password_hash).toMatch(/^\$scrypt\$ln=14,r=8,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    });

    it('refuses a taken email (any case) with 409', async () => {
      const owner = await registerOwner(app());

      const res = await request(app())
        .post('/api/auth/register')
        .send({ organizationName: 'Dup', email: owner.email.toUpperCase(), password: TEST_PASSWORD });

      expect(res.status).toBe(409);
      expect(res.body.code).toBe('conflict');
    });

    it.each([
      ['short', 'Password must be at least 8 characters'],
      ['x'.repeat(129), 'Password must be at most 128 characters'],
      ['password123', 'This password is too common; choose a less predictable one'],
    ])('refuses the password %s with a clear message', async (password, message) => {
      const res = await request(app())
        .post('/api/auth/register')
        .send({ organizationName: 'Weak', email: uniqueEmail(), password });

      expect(res.status).toBe(400);
      expect(res.body.details.issues).toEqual(expect.arrayContaining([{ path: 'body.password', message }]));
    });

    it('never logs the password', async () => {
      const logs = captureLogger();

      await request(app({ log: logs.log }))
        .post('/api/auth/register')
        .send({ organizationName: 'Quiet', email: uniqueEmail(), password: 'canary-password-9' });

      expect(logs.text()).not.toContain('canary-password-9');
    });
  });

  describe('POST /api/auth/login', () => {
    it('signs in with valid credentials', async () => {
      const owner = await registerOwner(app());

      const res = await request(app()).post('/api/auth/login').send({ email: owner.email, password: TEST_PASSWORD });

      expect(res.status).toBe(200);
      expect(res.body).toHaveProperty('token');
      expect(res.body.user.email).toBe(owner.email);
    });

    it('answers the same 401 for a wrong password and an unknown email', async () => {
      const owner = await registerOwner(app());

      const wrong = await request(app()).post('/api/auth/login').send({ email: owner.email, password: 'wrong password' });
      const unknown = await request(app())
        .post('/api/auth/login')
        .send({ email: uniqueEmail('nobody'), password: 'wrong password' });

      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(wrong.body.error).toBe('Invalid credentials');
      expect({ ...unknown.body, requestId: undefined }).toEqual({ ...wrong.body, requestId: undefined });
    });

    it('locks an account out with 429 and Retry-After after repeated failures', async () => {
      const throttled = app({ config: testConfig({ LOGIN_FAILURES_PER_ACCOUNT: '3' }) });
      const owner = await registerOwner(throttled);
      for (let i = 0; i < 3; i++) {
        await request(throttled).post('/api/auth/login').send({ email: owner.email, password: 'nope nope' }).expect(401);
      }

      const res = await request(throttled).post('/api/auth/login').send({ email: owner.email, password: TEST_PASSWORD });

      expect(res.status).toBe(429);
      expect(res.body.error).toBe('Too many requests');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    });
  });

  describe('GET /api/auth/me', () => {
    it('returns the user with organizationId for a valid token', async () => {
      const owner = await registerOwner(app());

      const res = await request(app()).get('/api/auth/me').set('Authorization', `Bearer ${owner.token}`);

      expect(res.status).toBe(200);
      expect(res.body.user).toMatchObject({ email: owner.email, organizationId: owner.user.organizationId });
    });

    it('requires a token', async () => {
      const res = await request(app()).get('/api/auth/me');

      expect(res.status).toBe(401);
      expect(res.body.error).toContain('Access token required');
    });

    it('rejects an invalid token', async () => {
      const res = await request(app()).get('/api/auth/me').set('Authorization', 'Bearer invalid.token.here');

      expect(res.status).toBe(401);
      expect(res.body.error).toContain('Invalid or expired token');
    });

    describe('rejects forged and stale tokens', () => {
      let claims: Record<string, unknown>;

      beforeAll(async () => {
        const owner = await registerOwner(app());
        claims = jwt.decode(owner.token) as Record<string, unknown>;
      });

      const forge = (payload: Record<string, unknown>, secret: string, options: jwt.SignOptions = {}) =>
        jwt.sign(payload, secret, { algorithm: 'HS256', ...options });
      const strip = ({ iat: _iat, exp: _exp, ...rest }: Record<string, unknown>) => rest;

      it.each([
        [
          'alg none',
          () =>
            `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`,
        ],
        ['another secret', () => forge(strip(claims), 'some-other-secret-that-is-long-enough-xx')],
        ['expired', () => forge({ ...strip(claims), exp: Math.floor(Date.now() / 1000) - 60 }, TEST_JWT_SECRET)],
        ['wrong audience', () => forge({ ...strip(claims), aud: 'someone-else' }, TEST_JWT_SECRET)],
        ['wrong issuer', () => forge({ ...strip(claims), iss: 'evil' }, TEST_JWT_SECRET)],
        ['HS512', () => forge(strip(claims), TEST_JWT_SECRET, { algorithm: 'HS512' })],
        [
          'tampered role',
          () => {
            const [h, , s] = forge(strip(claims), TEST_JWT_SECRET).split('.');
            return `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'owner', permissions: ['billing:manage'] })).toString('base64url')}.${s}`;
          },
        ],
      ])('%s', async (_name, token) => {
        const res = await request(app()).get('/api/auth/me').set('Authorization', `Bearer ${token()}`);

        expect(res.status).toBe(401);
        expect(res.body.error).toBe('Invalid or expired token');
      });
    });
  });

  describe('POST /api/auth/logout', () => {
    it('signs out: the same access token and its refresh token stop working at once', async () => {
      const shared = app();
      const owner = await registerOwner(shared);

      const res = await request(shared).post('/api/auth/logout').set('Authorization', `Bearer ${owner.token}`);
      const after = await request(shared).get('/api/auth/me').set('Authorization', `Bearer ${owner.token}`);
      const refresh = await request(shared).post('/api/auth/refresh').set('Cookie', owner.refreshCookie);

      expect(res.status).toBe(200);
      expect(res.body.message).toContain('Successfully logged out');
      expect(after.status).toBe(401);
      expect(after.body.error).toBe('Invalid or expired token');
      expect(refresh.status).toBe(401);
    });

    it('is remembered by a new process (revocations reload from the database)', async () => {
      const first = buildTestApp(test.db);
      const owner = await registerOwner(first);
      await request(first).post('/api/auth/logout').set('Authorization', `Bearer ${owner.token}`).expect(200);
      const restarted = createServices(testDeps(test.db));

      await restarted.auth.warmRevocations(900);

      expect(await restarted.revocations.isRevoked((jwt.decode(owner.token) as { sid: string }).sid)).toBe(true);
    });
  });

  describe('POST /api/auth/refresh', () => {
    it('rotates: a new access token and a new refresh cookie each time', async () => {
      const shared = app();
      const owner = await registerOwner(shared);

      const first = await request(shared).post('/api/auth/refresh').set('Cookie', owner.refreshCookie);
      const nextCookie = refreshCookieOf(first.headers['set-cookie']);
      const second = await request(shared).post('/api/auth/refresh').set('Cookie', nextCookie);

      expect(first.status).toBe(200);
      expect(nextCookie).not.toBe(owner.refreshCookie);
      expect(first.body.token).not.toBe(owner.token);
      expect(second.status).toBe(200);
      const me = await request(shared).get('/api/auth/me').set('Authorization', `Bearer ${second.body.token}`);
      expect(me.status).toBe(200);
    });

    it('detects reuse of a rotated token and revokes the whole family', async () => {
      const shared = app();
      const owner = await registerOwner(shared);
      const rotated = await request(shared).post('/api/auth/refresh').set('Cookie', owner.refreshCookie).expect(200);
      const current = refreshCookieOf(rotated.headers['set-cookie']);

      const replay = await request(shared).post('/api/auth/refresh').set('Cookie', owner.refreshCookie);
      const legit = await request(shared).post('/api/auth/refresh').set('Cookie', current);
      const access = await request(shared).get('/api/auth/me').set('Authorization', `Bearer ${rotated.body.token}`);

      expect(replay.status).toBe(401);
      expect(legit.status).toBe(401);
      expect(access.status).toBe(401);
    });

    it('refuses a cookie refresh sent from another site', async () => {
      const shared = app();
      const owner = await registerOwner(shared);

      const evil = await request(shared)
        .post('/api/auth/refresh')
        .set('Cookie', owner.refreshCookie)
        .set('Origin', 'https://evil.test');
      const ours = await request(shared)
        .post('/api/auth/refresh')
        .set('Cookie', owner.refreshCookie)
        .set('Origin', 'http://studio.test');

      expect(evil.status).toBe(403);
      expect(ours.status).toBe(200);
    });

    it('accepts the token in the body for non-browser clients and refuses garbage', async () => {
      const shared = app();
      const owner = await registerOwner(shared);
      const token = owner.refreshCookie.split('=')[1];

      const ok = await request(shared).post('/api/auth/refresh').send({ refreshToken: token });
      const bad = await request(shared)
        .post('/api/auth/refresh')
        .send({ refreshToken: 'rt_'.padEnd(40, 'x') });
      const none = await request(shared).post('/api/auth/refresh');

      expect(ok.status).toBe(200);
      expect(bad.status).toBe(401);
      expect(none.status).toBe(401);
    });
  });

  describe('email verification', () => {
    it('confirms the email with the emailed single-use link', async () => {
      const mailer = memoryMailer();
      const shared = app({ mailer });
      const owner = await registerOwner(shared);
      const link = /verify-email\?token=([\w-]+)/.exec(mailer.sent.find((m) => m.to === owner.email)?.text ?? '')?.[1];

      const first = await request(shared).post('/api/auth/verify-email').send({ token: link });
      const again = await request(shared).post('/api/auth/verify-email').send({ token: link });
      const me = await request(shared).get('/api/auth/me').set('Authorization', `Bearer ${owner.token}`);

      expect(first.status).toBe(200);
      expect(again.status).toBe(400);
      expect(again.body.code).toBe('invalid_token');
      expect(me.body.user.emailVerified).toBe(true);
    });

    it('sends a new link on request while unverified', async () => {
      const mailer = memoryMailer();
      const shared = app({ mailer });
      const owner = await registerOwner(shared);

      const res = await request(shared).post('/api/auth/verify-email/request').set('Authorization', `Bearer ${owner.token}`);

      expect(res.status).toBe(202);
      expect(mailer.sent.filter((m) => m.to === owner.email)).toHaveLength(2);
    });
  });

  describe('password reset', () => {
    it('resets with the emailed link, signs out everywhere, and the link works once', async () => {
      const mailer = memoryMailer();
      const shared = app({ mailer });
      const owner = await registerOwner(shared);

      await request(shared).post('/api/auth/password-reset/request').send({ email: owner.email }).expect(202);
      const token = /reset-password\?token=([\w-]+)/.exec(mailer.sent.at(-1)?.text ?? '')?.[1];
      const reset = await request(shared).post('/api/auth/password-reset').send({ token, password: 'a brand new passphrase' });
      const reuse = await request(shared).post('/api/auth/password-reset').send({ token, password: 'another new passphrase' });
      const oldSession = await request(shared).get('/api/auth/me').set('Authorization', `Bearer ${owner.token}`);

      expect(reset.status).toBe(200);
      expect(reuse.status).toBe(400);
      expect(oldSession.status).toBe(401);
      await expect(login(shared, owner.email, 'a brand new passphrase')).resolves.toMatchObject({ email: owner.email });
    });

    it('answers the same for unknown emails and sends nothing', async () => {
      const mailer = memoryMailer();

      const res = await request(app({ mailer }))
        .post('/api/auth/password-reset/request')
        .send({ email: uniqueEmail('ghost') });

      expect(res.status).toBe(202);
      expect(mailer.sent).toHaveLength(0);
    });
  });

  describe('GET /api/auth/providers', () => {
    it('lists only configured providers', async () => {
      const none = await request(app()).get('/api/auth/providers');
      const withGithub = await request(
        app({ config: testConfig({ OAUTH_GITHUB_CLIENT_ID: 'id', OAUTH_GITHUB_CLIENT_SECRET: 'secret' }) }),
      ).get('/api/auth/providers');

      expect(none.body).toEqual({ providers: [] });
      expect(withGithub.body).toEqual({ providers: [{ id: 'github', name: 'GitHub', startUrl: '/api/auth/oauth/github' }] });
    });
  });
});
