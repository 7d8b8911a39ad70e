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
 * no row in VICTIM_IDS fails this suite.
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
  };
  /** Query strings a route needs to get past validation to the lookup. */
  const QUERIES: Record<string, string> = { '/api/workflows/:id/versions/compare': '?from=1&to=1' };
  const BODIES: Record<string, object> = { patch: { role: 'viewer' }, post: {}, put: { name: 'stolen' } };

  beforeAll(async () => {
    test = await createTestDatabase();
    deps = testDeps(test.db);
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    victim = await registerOwner(app);
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
      .filter((path) => !VICTIM_IDS[path]);

    expect(missing).toEqual([]);
    expect(parameterized().length).toBeGreaterThanOrEqual(7);
  });

  it.each(['user', 'api key'])("answers 404 to another organization's %s on every route with an id", async (kind) => {
    const failures: string[] = [];
    for (const route of parameterized()) {
      const id = VICTIM_IDS[route.path]?.();
      if (!id) throw new Error(`no victim id for ${route.path}`);
      const url = route.path.replace(':id', id).replace(':version', '1') + (QUERIES[route.path] ?? '');
      let call = request(app)[route.method](url);
      call = kind === 'user' ? call.set('Authorization', `Bearer ${attacker.token}`) : call.set('X-API-Key', attackerKey);
      const body = BODIES[route.method];
      const res = body ? await call.send(body) : await call;
      if (res.status !== 404) failures.push(`${route.method.toUpperCase()} ${route.path} → ${res.status}`);
      if (JSON.stringify(res.body).includes(victim.email) || JSON.stringify(res.body).includes(id))
        failures.push(`${route.path} leaked data`);
    }

    expect(failures).toEqual([]);
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
    ]) {
      const res = await request(app).get(path).set('Authorization', `Bearer ${attacker.token}`);

      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(victim.email);
      for (const id of Object.values(victimIds)) expect(JSON.stringify(res.body)).not.toContain(id);
    }
  });
});
