import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { registerOwner } from '../../../test/factories';
import { buildTestApp, DEFAULT_PLANS_FILE, testConfig } from '../../../test/test-app';

/** The repository's plan catalog with a 14-day Starter trial for new organizations. */
function trialCatalog(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'plans-oauth-')), 'plans.json');
  writeFileSync(
    file,
    JSON.stringify({ ...JSON.parse(readFileSync(DEFAULT_PLANS_FILE, 'utf8')), trial: { planId: 'starter', days: 14 } }),
  );
  return file;
}

jest.setTimeout(30_000);

/** A minimal cookie jar keyed by host, enough to drive redirects like a browser. */
class Browser {
  private jars = new Map<string, Map<string, string>>();

  private jar(url: URL) {
    let jar = this.jars.get(url.host);
    if (!jar) this.jars.set(url.host, (jar = new Map()));
    return jar;
  }

  async request(url: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const target = new URL(url);
    const cookies = [...this.jar(target)].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(target, {
      redirect: 'manual',
      method: init.method ?? 'GET',
      body: init.body,
      headers: { ...init.headers, ...(cookies ? { cookie: cookies } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (!name) continue;
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.jar(target).delete(name.trim());
      else this.jar(target).set(name.trim(), value.join('='));
    }
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  /** Follows redirects (answering the OIDC provider's dev login and consent pages) until `stopAt` is reached. */
  async follow(start: string, stopAt: string, login = 'alice'): Promise<URL> {
    let url = start;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(stopAt)) return new URL(url);
      const res = await this.request(url);
      if (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') ?? '', url).href;
        continue;
      }
      const html = await res.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      if (!action) throw new Error(`stuck at ${url}: ${res.status}`);
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? 'login';
      const body = prompt === 'login' ? new URLSearchParams({ prompt, login, password: 'x' }) : new URLSearchParams({ prompt });
      const posted = await this.request(new URL(action, url).href, {
        method: 'POST',
        body: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      url = new URL(posted.headers.get('location') ?? '', url).href;
    }
    throw new Error('too many redirects');
  }
}

function listen(handler: http.RequestListener): Promise<{ server: http.Server; url: string }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

/** A local server shaped like GitHub's OAuth endpoints, with PKCE and single-use codes. */
function githubLike(accounts: Record<string, { id: number; name: string; email: string; verified: boolean }>) {
  const app = express();
  const codes = new Map<string, { challenge: string; login: string }>();
  const tokens = new Map<string, string>();
  app.get('/login/oauth/authorize', (req, res) => {
    const code = randomBytes(8).toString('hex');
    codes.set(code, { challenge: String(req.query.code_challenge), login: String(req.query.login ?? 'octocat') });
    res.redirect(`${req.query.redirect_uri}?code=${code}&state=${req.query.state}`);
  });
  app.post('/login/oauth/access_token', express.urlencoded({ extended: false }), (req, res) => {
    const grant = codes.get(req.body.code);
    codes.delete(req.body.code);
    const verifierOk =
      grant &&
      createHash('sha256')
        .update(req.body.code_verifier ?? '')
        .digest('base64url') === grant.challenge;
    if (!grant || !verifierOk) return void res.status(400).json({ error: 'bad_verification_code' });
    const token = randomBytes(8).toString('hex');
    tokens.set(token, grant.login);
    res.json({ access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
  });
  const account = (req: express.Request) => accounts[tokens.get((req.headers.authorization ?? '').replace('Bearer ', '')) ?? ''];
  app.get('/user', (req, res) => {
    const a = account(req);
    if (!a) return void res.status(401).end();
    res.json({ id: a.id, name: a.name, login: 'octocat' });
  });
  app.get('/user/emails', (req, res) => {
    const a = account(req);
    if (!a) return void res.status(401).end();
    res.json([{ email: a.email, primary: true, verified: a.verified }]);
  });
  return app;
}

describe('sign in with Google/Microsoft (OIDC) and GitHub (OAuth 2.0)', () => {
  let test: TestDatabase;
  let appUrl: string;
  let issuer: string;
  const servers: http.Server[] = [];
  const oidcAccounts: Record<string, Record<string, unknown>> = {};
  const githubAccounts: Record<string, { id: number; name: string; email: string; verified: boolean }> = {};

  beforeAll(async () => {
    test = await createTestDatabase();
    const appServer = http.createServer();
    await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
    appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;
    const { default: Provider } = await import('oidc-provider');
    const providerServer = http.createServer();
    await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
    issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'studio',
          client_secret: 'studio-secret',
          redirect_uris: [`${appUrl}/api/auth/oauth/google/callback`, `${appUrl}/api/auth/oauth/microsoft/callback`],
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      pkce: { required: () => true },
      features: { devInteractions: { enabled: true } },
      claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name'] },
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ sub, ...oidcAccounts[sub] }),
      }),
    });
    providerServer.on('request', provider.callback());
    const github = await listen(githubLike(githubAccounts));
    const app = buildTestApp(test.db, {
      config: testConfig({
        PUBLIC_URL: appUrl,
        OAUTH_GOOGLE_CLIENT_ID: 'studio',
        OAUTH_GOOGLE_CLIENT_SECRET: 'studio-secret',
        OAUTH_GOOGLE_ISSUER: issuer,
        OAUTH_MICROSOFT_CLIENT_ID: 'studio',
        OAUTH_MICROSOFT_CLIENT_SECRET: 'studio-secret',
        OAUTH_MICROSOFT_ISSUER: issuer,
        OAUTH_GITHUB_CLIENT_ID: 'gh-client',
        OAUTH_GITHUB_CLIENT_SECRET: 'gh-secret',
        OAUTH_GITHUB_AUTHORIZATION_URL: `${github.url}/login/oauth/authorize`,
        OAUTH_GITHUB_TOKEN_URL: `${github.url}/login/oauth/access_token`,
        OAUTH_GITHUB_API_URL: github.url,
        // New organizations trial Starter: OAuth sign-ups start it like registrations do.
        PLANS_FILE: trialCatalog(),
      }),
    });
    appServer.on('request', app);
    servers.push(appServer, providerServer, github.server);
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    await test.drop();
  });

  async function signInWithGoogle(login: string, provider: 'google' | 'microsoft' = 'google') {
    const browser = new Browser();
    const start = await browser.request(`${appUrl}/api/auth/oauth/${provider}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location') ?? '');
    const callback = await browser.follow(authorize.href, `${appUrl}/api/auth/oauth/${provider}/callback`, login);
    const done = await browser.request(callback.href);
    return { browser, authorize, callback, done };
  }

  async function me(browser: Browser) {
    const refreshed = await browser.request(`${appUrl}/api/auth/refresh`, { method: 'POST' });
    if (refreshed.status !== 200) return { status: refreshed.status, user: undefined };
    const { token } = (await refreshed.json()) as { token: string };
    const res = await fetch(`${appUrl}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: res.status,
      user: ((await res.json()) as { user: { email: string; emailVerified: boolean; id: string } }).user,
    };
  }

  it('signs a new user in with Google: PKCE S256, state and nonce, then back to the studio', async () => {
    oidcAccounts.alice = { email: 'alice@oidc.test', email_verified: true, given_name: 'Alice', family_name: 'Liddell' };

    const { browser, authorize, done } = await signInWithGoogle('alice');

    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/auth/callback');
    const session = await me(browser);
    expect(session.user).toMatchObject({ email: 'alice@oidc.test', emailVerified: true });

    const again = await signInWithGoogle('alice');
    expect((await me(again.browser)).user?.id).toBe(session.user?.id);
    const subscription = await test.db.query<{ plan_id: string; status: string }>(
      'SELECT s.plan_id, s.status FROM subscriptions s JOIN users u ON u.organization_id = s.organization_id WHERE u.id = $1',
      [session.user?.id],
    );
    expect(subscription.rows).toEqual([{ plan_id: 'starter', status: 'trialing' }]);
  });

  it('links an existing password account only when the provider verified the email', async () => {
    const unverified = await registerOwner(buildTestApp(test.db), { email: 'bob@oidc.test' });
    oidcAccounts.bob = { email: 'bob@oidc.test', email_verified: false };

    const refused = await signInWithGoogle('bob');

    expect(refused.done.headers.get('location')).toBe('/login?error=oauth_unverified_email');
    expect((await test.db.query('SELECT 1 FROM user_identities WHERE user_id = $1', [unverified.user.id])).rowCount).toBe(0);

    oidcAccounts.bob = { email: 'bob@oidc.test', email_verified: true };
    const linked = await signInWithGoogle('bob');
    expect((await me(linked.browser)).user?.id).toBe(unverified.user.id);
  });

  it('refuses a callback with a wrong or missing state, and a replayed code', async () => {
    oidcAccounts.carol = { email: 'carol@oidc.test', email_verified: true };
    const { browser, callback } = await signInWithGoogle('carol');

    const replay = await browser.request(callback.href);
    const stranger = await new Browser().request(callback.href);
    const tampered = new URL(callback.href);
    tampered.searchParams.set('state', 'forged');
    const fresh = new Browser();
    await fresh.request(`${appUrl}/api/auth/oauth/google`);
    const wrongState = await fresh.request(tampered.href);

    expect(stranger.headers.get('location')).toBe('/login?error=oauth_state');
    expect(replay.headers.get('location')).toBe('/login?error=oauth_state');
    expect(wrongState.headers.get('location')).toBe('/login?error=oauth_state');
  });

  it('fails cleanly when the provider refuses the code', async () => {
    oidcAccounts.dave = { email: 'dave@oidc.test', email_verified: true };
    const browser = new Browser();
    const start = await browser.request(`${appUrl}/api/auth/oauth/google`);
    const callback = await browser.follow(
      start.headers.get('location') ?? '',
      `${appUrl}/api/auth/oauth/google/callback`,
      'dave',
    );
    const used = new Browser();
    await used.request(`${appUrl}/api/auth/oauth/google`);
    // Spend the code with the right state cookie first, then replay it with a fresh, valid state.
    await browser.request(callback.href);
    const state = new URL(callback.href);
    const stateCookie = used.cookie(new URL(appUrl).host, 'auterity_oauth') ?? '';
    const payload = JSON.parse(Buffer.from(stateCookie.split('.')[0] ?? '', 'base64url').toString()) as { state: string };
    state.searchParams.set('state', payload.state);

    const replayed = await used.request(state.href);

    expect(replayed.headers.get('location')).toBe('/login?error=oauth_failed');
  });

  it('signs in with GitHub using the primary verified email', async () => {
    githubAccounts.octocat = { id: 583231, name: 'Mona Lisa', email: 'mona@github.test', verified: true };
    const browser = new Browser();

    const start = await browser.request(`${appUrl}/api/auth/oauth/github`);
    const authorize = new URL(start.headers.get('location') ?? '');
    const toApp = await browser.request(authorize.href);
    const done = await browser.request(toApp.headers.get('location') ?? '');

    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(done.headers.get('location')).toBe('/auth/callback');
    expect((await me(browser)).user).toMatchObject({ email: 'mona@github.test', emailVerified: true });
  });

  it('signs in with Microsoft and links it to the same verified account', async () => {
    oidcAccounts.erin = { email: 'erin@oidc.test', email_verified: true, given_name: 'Erin' };
    const viaGoogle = await signInWithGoogle('erin');
    const googleUser = (await me(viaGoogle.browser)).user;

    const viaMicrosoft = await signInWithGoogle('erin', 'microsoft');

    expect(viaMicrosoft.done.headers.get('location')).toBe('/auth/callback');
    expect((await me(viaMicrosoft.browser)).user?.id).toBe(googleUser?.id);
    const { rows } = await test.db.query<{ provider: string }>(
      'SELECT provider FROM user_identities WHERE user_id = $1 ORDER BY provider',
      [googleUser?.id],
    );
    expect(rows.map((r) => r.provider)).toEqual(['google', 'microsoft']);
  });

  it('answers 404 JSON for a provider that is not configured', async () => {
    const res = await fetch(`${appUrl}/api/auth/oauth/facebook`, { redirect: 'manual' });

    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found' });
  });

  it('answers 404 for provider names that are properties of every object', async () => {
    const statuses = await Promise.all(
      ['__proto__', 'constructor', 'toString'].map(
        async (name) => (await fetch(`${appUrl}/api/auth/oauth/${name}`, { redirect: 'manual' })).status,
      ),
    );

    expect(statuses).toEqual([404, 404, 404]);
  });
});
