import request from 'supertest';
import { PERMISSIONS } from '@auterity/workflow-contracts';
import { buildRoutes, createApp, createServices, type AppDeps } from '../src/app';
import { createTestDatabase, type TestDatabase } from './db';
import { addMember, registerOwner, uniqueEmail, type SignedInUser } from './factories';
import { testDeps } from './test-app';

/**
 * Tenant isolation, generated from the route table: every authenticated route that takes an id is
 * called by another organization's owner and by its all-scopes API key with the victim's ids.
 * Each must answer 404 without the victim's data and change nothing. A new route with an id and
 * no row in VICTIM_IDS (or SHARED_ROUTES, when the parameter names something every organization
 * shares) fails this suite.
 */
describe('tenant isolation', () => {
  let test: TestDatabase;
  let deps: AppDeps;
  let app: ReturnType<typeof createApp>;
  let services: ReturnType<typeof createServices>;
  let victim: SignedInUser;
  let attacker: SignedInUser;
  let attackerKey: string;
  const victimIds: Record<string, string> = {};
  const victimOrganizationName = 'Victim Organization';

  /** Which victim resource to use for each parameterized path. */
  const VICTIM_IDS: Record<string, () => string | undefined> = {
    '/api/api-keys/:id': () => victimIds.apiKey,
    '/api/members/:id': () => victimIds.member,
    '/api/members/:id/deactivate': () => victimIds.member,
    '/api/members/:id/activate': () => victimIds.member,
    '/api/invites/:id': () => victimIds.invite,
    '/api/credentials/:id': () => victimIds.credential,
    '/api/workflows/:id': () => victimIds.workflow,
    '/api/workflows/:id/duplicate': () => victimIds.workflow,
    '/api/workflows/:id/export': () => victimIds.workflow,
    '/api/workflows/:id/versions': () => victimIds.workflow,
    '/api/workflows/:id/versions/compare': () => victimIds.workflow,
    '/api/workflows/:id/versions/:version': () => victimIds.workflow,
    '/api/workflows/:id/versions/:version/restore': () => victimIds.workflow,
    '/api/workflows/:id/deployment': () => victimIds.workflow,
    '/api/workflows/:id/webhook/rotate': () => victimIds.workflow,
    '/api/workflows/:id/execute': () => victimIds.workflow,
    '/api/executions/:id': () => victimIds.execution,
    '/api/executions/:id/cancel': () => victimIds.execution,
    '/api/executions/:id/rerun': () => victimIds.execution,
    '/api/executions/:id/events': () => victimIds.execution,
    '/api/ai/budgets/:scope/:scopeId': () => victimIds.workflow,
    '/api/errors/:id': () => victimIds.errorGroup,
    '/api/errors/:id/resolve': () => victimIds.errorGroup,
    '/api/errors/:id/ignore': () => victimIds.errorGroup,
    '/api/errors/:id/reopen': () => victimIds.errorGroup,
    '/api/errors/:id/explain': () => victimIds.errorGroup,
  };
  /**
   * Routes whose parameter names something all organizations share (an AI provider), not a row of
   * the victim's: they answer for the caller's own organization, and must never lend it the victim's.
   */
  const SHARED_ROUTES: Record<string, string> = { '/api/ai/providers/:provider/test': '/api/ai/providers/groq/test' };
  /** Parameters that are not the victim's id: a fixed value gets the request past validation. */
  const FIXED_PARAMS: Record<string, string> = { version: '1', scope: 'workflow' };
  /** Query strings a route needs to get past validation to the lookup. */
  const QUERIES: Record<string, string> = { '/api/workflows/:id/versions/compare': '?from=1&to=1' };
  const BODIES: Record<string, object> = { patch: { role: 'viewer' }, post: {}, put: { name: 'stolen' } };
  /** Bodies a route needs to get past validation to the lookup, where the method's default does not. */
  const ROUTE_BODIES: Record<string, object> = { '/api/ai/budgets/:scope/:scopeId': { monthlyLimitUsd: '0' } };
  /** Platform-wide routes (platform administrators only), with the values their parameters take. */
  const ADMIN_CALLS: Record<string, { url: string; body: object }> = {
    '/api/admin/ai/models/:id': { url: '/api/admin/ai/models/openai%2Fgpt-4o-mini', body: { active: false } },
    '/api/admin/ai/providers/:provider': { url: '/api/admin/ai/providers/openai', body: { active: false } },
    '/api/admin/organizations/:organizationId': {
      get url() {
        return `/api/admin/organizations/${victim.user.organizationId}`;
      },
      body: {},
    },
    '/api/admin/organizations/:organizationId/plan': {
      get url() {
        return `/api/admin/organizations/${victim.user.organizationId}/plan`;
      },
      body: { planId: 'enterprise' },
    },
    '/api/admin/organizations/:organizationId/trial': {
      get url() {
        return `/api/admin/organizations/${victim.user.organizationId}/trial`;
      },
      body: { days: 30 },
    },
    '/api/admin/organizations/:organizationId/suspend': {
      get url() {
        return `/api/admin/organizations/${victim.user.organizationId}/suspend`;
      },
      body: { reason: 'attack' },
    },
    '/api/admin/organizations/:organizationId/reactivate': {
      get url() {
        return `/api/admin/organizations/${victim.user.organizationId}/reactivate`;
      },
      body: {},
    },
  };
  const urlOf = (path: string, id: string) =>
    path.replace(/:(\w+)/g, (_match, name: string) => FIXED_PARAMS[name] ?? id) + (QUERIES[path] ?? '');

  beforeAll(async () => {
    test = await createTestDatabase();
    deps = testDeps(test.db);
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    victim = await registerOwner(app, { organizationName: victimOrganizationName });
    attacker = await registerOwner(app);
    const member = await addMember(app, test.db, victim.user.organizationId, 'editor');
    victimIds.member = member.user.id;
    const key = await request(app)
      .post('/api/api-keys')
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ name: 'victim key', scopes: ['workflows:read'] });
    victimIds.apiKey = key.body.id;
    const invite = await request(app)
      .post('/api/invites')
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ email: uniqueEmail('victim-invitee'), role: 'viewer' });
    victimIds.invite = invite.body.id;
    const credential = await request(app)
      .post('/api/credentials')
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ name: 'victim key', type: 'api_key', data: { apiKey: 'sk-victim-canary-0000' } });
    victimIds.credential = credential.body.id;
    const workflow = await request(app)
      .post('/api/workflows')
      .set('Authorization', `Bearer ${victim.token}`)
      .send({
        name: 'victim workflow',
        canvasData: {
          nodes: [
            { id: 'hook', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } },
            { id: 'say', type: 'text', position: { x: 1, y: 0 }, data: { config: { text: 'victim-canary-output' } } },
          ],
          edges: [{ id: 'e', source: 'hook', target: 'say' }],
        },
      });
    victimIds.workflow = workflow.body.id;
    const execution = await request(app)
      .post(`/api/workflows/${victimIds.workflow}/execute?wait=10`)
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ input: { secret: 'victim-input' } });
    victimIds.execution = execution.body.id;
    await request(app)
      .put(`/api/ai/budgets/workflow/${victimIds.workflow}`)
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ monthlyLimitUsd: '5' })
      .expect(200);
    const groqKey = await request(app)
      .post('/api/credentials')
      .set('Authorization', `Bearer ${victim.token}`)
      .send({ name: 'victim groq', type: 'api_key', data: { apiKey: 'gsk-victim-canary-0000', provider: 'groq' } });
    victimIds.groqCredential = groqKey.body.id;
    services.errorIq.capture({
      source: 'api',
      organizationId: victim.user.organizationId,
      errorType: 'Error',
      message: 'victim-canary-error',
      location: 'GET /api/victim',
    });
    await services.errorIq.flush();
    const groups = await request(app).get('/api/errors').set('Authorization', `Bearer ${victim.token}`);
    victimIds.errorGroup = groups.body.items[0].id;
    const all = await request(app)
      .post('/api/api-keys')
      .set('Authorization', `Bearer ${attacker.token}`)
      .send({ name: 'attacker', scopes: PERMISSIONS });
    attackerKey = all.body.key;
  });
  afterAll(async () => {
    await services.executions.stop(1000);
    await test.drop();
  });

  const parameterized = () =>
    buildRoutes(deps, createServices(deps)).filter(
      (r) => r.auth !== 'public' && r.path.includes(':') && !r.path.startsWith('/api/admin/'),
    );

  it('has a victim id for every authenticated route that takes one', () => {
    const missing = parameterized()
      .map((r) => r.path)
      .filter((path) => !VICTIM_IDS[path] && !SHARED_ROUTES[path]);

    expect(missing).toEqual([]);
    expect(parameterized().length).toBeGreaterThanOrEqual(7);
  });

  it.each(['user', 'api key'])("answers 404 to another organization's %s on every route with an id", async (kind) => {
    const failures: string[] = [];
    for (const route of parameterized().filter((r) => !SHARED_ROUTES[r.path])) {
      const id = VICTIM_IDS[route.path]?.();
      if (!id) throw new Error(`no victim id for ${route.path}`);
      const url = urlOf(route.path, id);
      let call = request(app)[route.method](url);
      call = kind === 'user' ? call.set('Authorization', `Bearer ${attacker.token}`) : call.set('X-API-Key', attackerKey);
      const body = ROUTE_BODIES[route.path] ?? BODIES[route.method];
      const res = body ? await call.send(body) : await call;
      if (res.status !== 404) failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
      if (JSON.stringify(res.body).includes(victim.email) || JSON.stringify(res.body).includes(id))
        failures.push(`${route.path} leaked data`);
    }

    expect(failures).toEqual([]);
  });

  it.each(['user', 'api key'])(
    "answers another organization's %s for its own organization on routes that name a shared resource, never with the victim's key",
    async (kind) => {
      const failures: string[] = [];
      for (const route of parameterized().filter((r) => SHARED_ROUTES[r.path])) {
        let call = request(app)[route.method](SHARED_ROUTES[route.path] ?? '');
        call = kind === 'user' ? call.set('Authorization', `Bearer ${attacker.token}`) : call.set('X-API-Key', attackerKey);
        const res = await call.send({});
        if (res.status !== 200 || res.body.ok !== false || res.body.model !== null)
          failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status} ${JSON.stringify(res.body)}`);
        if (JSON.stringify(res.body).includes(victimIds.groqCredential ?? '-')) failures.push(`${route.path} leaked data`);
      }
      const victimView = await request(app).get('/api/ai/providers').set('Authorization', `Bearer ${victim.token}`);

      expect(failures).toEqual([]);
      expect(victimView.body.items.find((p: { id: string }) => p.id === 'groq')).toMatchObject({
        configured: true,
        credentialId: victimIds.groqCredential,
      });
    },
  );

  it.each(['user', 'api key'])("refuses the platform-wide admin routes to an organization's %s", async (kind) => {
    const adminRoutes = buildRoutes(deps, createServices(deps)).filter(
      (r) => r.path.startsWith('/api/admin/') && r.path.includes(':'),
    );
    const failures: string[] = [];
    for (const route of adminRoutes) {
      const target = ADMIN_CALLS[route.path];
      if (!target) {
        failures.push(`no call for ${route.path}`);
        continue;
      }
      let call = request(app)[route.method](target.url);
      call = kind === 'user' ? call.set('Authorization', `Bearer ${attacker.token}`) : call.set('X-API-Key', attackerKey);
      const res = await call.send(target.body);
      if (res.status !== 403) failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
    }
    const models = await request(app).get('/api/ai/models').set('Authorization', `Bearer ${victim.token}`);

    expect(failures).toEqual([]);
    expect(adminRoutes.length).toBeGreaterThanOrEqual(2);
    expect(models.body.items.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini')).toMatchObject({ active: true });
    const providers = await request(app).get('/api/ai/providers').set('Authorization', `Bearer ${victim.token}`);
    expect(providers.body.items.find((p: { id: string }) => p.id === 'openai')).toMatchObject({ active: true });
  });

  it("renames only the caller's own organization, and shows only that one", async () => {
    const renamed = await request(app)
      .patch('/api/organization')
      .set('Authorization', `Bearer ${attacker.token}`)
      .send({ name: 'Attacker Renamed', id: victim.user.organizationId, organizationId: victim.user.organizationId });
    const withKey = await request(app).patch('/api/organization').set('X-API-Key', attackerKey).send({ name: 'Attacker Key' });
    const seen = await request(app).get('/api/organization').set('Authorization', `Bearer ${attacker.token}`);

    expect(renamed.status).toBe(200);
    expect(renamed.body.id).toBe(attacker.user.organizationId);
    expect(withKey.status).toBe(200);
    expect(withKey.body.id).toBe(attacker.user.organizationId);
    expect(seen.body).toMatchObject({ id: attacker.user.organizationId, name: 'Attacker Key' });
    expect(JSON.stringify(seen.body)).not.toContain(victim.user.organizationId);
  });

  it("left the victim's resources untouched", async () => {
    const keys = await request(app).get('/api/api-keys').set('Authorization', `Bearer ${victim.token}`);
    const members = await request(app).get('/api/members').set('Authorization', `Bearer ${victim.token}`);
    const invites = await request(app).get('/api/invites').set('Authorization', `Bearer ${victim.token}`);

    expect(keys.body.items.find((k: { id: string }) => k.id === victimIds.apiKey)?.revokedAt).toBeNull();
    expect(members.body.items.find((m: { id: string }) => m.id === victimIds.member)).toMatchObject({
      role: 'editor',
      isActive: true,
    });
    expect(invites.body.items.map((i: { id: string }) => i.id)).toContain(victimIds.invite);
    const workflow = await request(app)
      .get(`/api/workflows/${victimIds.workflow}`)
      .set('Authorization', `Bearer ${victim.token}`);
    expect(workflow.body).toMatchObject({ name: 'victim workflow', version: 1 });
    const executions = await request(app).get('/api/executions').set('Authorization', `Bearer ${victim.token}`);
    expect(executions.body.items).toHaveLength(1);
    const organization = await request(app).get('/api/organization').set('Authorization', `Bearer ${victim.token}`);
    expect(organization.body).toMatchObject({ id: victim.user.organizationId, name: victimOrganizationName });
    const budgets = await request(app).get('/api/ai/budgets').set('Authorization', `Bearer ${victim.token}`);
    expect(budgets.body.items.find((b: { scope: string }) => b.scope === 'workflow')).toMatchObject({
      scopeId: victimIds.workflow,
      monthlyLimitUsd: '5',
    });
  });

  it('answers 401 without credentials on every non-public route, whatever the path spelling', async () => {
    const failures: string[] = [];
    for (const route of buildRoutes(deps, createServices(deps)).filter((r) => r.auth !== 'public')) {
      const path = route.path.replace(':id', victimIds.member ?? '');
      for (const variant of [path, `${path}/`, path.toUpperCase()]) {
        const res = await request(app)[route.method](variant);
        if (res.status !== 401 && !(variant !== path && res.status === 404))
          failures.push(`${route.method} ${variant} → ${res.status}`);
      }
    }

    expect(failures).toEqual([]);
  });

  it('lists only the caller organization in every list endpoint', async () => {
    for (const path of [
      '/api/api-keys',
      '/api/members',
      '/api/invites',
      '/api/credentials',
      '/api/workflows',
      '/api/executions',
      '/api/billing/subscription',
      '/api/billing/usage',
    ]) {
      const res = await request(app).get(path).set('Authorization', `Bearer ${attacker.token}`);

      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(victim.email);
      for (const id of Object.values(victimIds)) expect(JSON.stringify(res.body)).not.toContain(id);
    }
  });
});
