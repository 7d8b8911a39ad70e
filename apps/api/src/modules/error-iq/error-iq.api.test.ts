import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../../app';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, type SignedInUser } from '../../../test/factories';
import { memoryMailer, testConfig, testDeps } from '../../../test/test-app';
import { startAiUpstream } from '../../../test/ai-upstream';
import { createGuardedHttpClient } from '../../lib/http-client';
import { createEncryptor } from '../../lib/crypto';
import { captureLogger } from '../../../test/test-app';
import { countAlerts } from './error-iq.repo';
import { createErrorIqService } from './error-iq.service';

function graph(nodes: { id: string; type: string; config?: Record<string, unknown> }[], edges: [string, string][] = []) {
  return {
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, position: { x: i * 200, y: 0 }, data: { config: n.config ?? {} } })),
    edges: edges.map(([source, target], i) => ({ id: `e${i}`, source, target })),
  };
}

describe('Error-IQ (API, real database)', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let owner: SignedInUser;
  let upstream: http.Server;
  let upstreamUrl: string;
  const hooks: { body: string; at: number }[] = [];
  const mailer = memoryMailer();

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url?.startsWith('/hook')) {
          hooks.push({ body, at: Date.now() });
          res.writeHead(204).end();
          return;
        }
        res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    test = await createTestDatabase();
    const deps = testDeps(test.db, { mailer, config: testConfig({ OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32' }) });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await services.errorIq.flush();
    await services.requests.flush();
    await test.drop();
    upstream.closeAllConnections();
    upstream.close();
  });

  const auth = (user: SignedInUser = owner) => ({ Authorization: `Bearer ${user.token}` });

  async function runFailing(path: string, nodeType = 'http.request', config?: Record<string, unknown>) {
    const created = await request(app)
      .post('/api/workflows')
      .set(auth())
      .send({
        name: `fails ${path}`,
        canvasData: graph(
          [
            { id: 'start', type: 'trigger.manual' },
            { id: 'call', type: nodeType, config: config ?? { method: 'GET', url: `${upstreamUrl}${path}` } },
          ],
          [['start', 'call']],
        ),
      });
    expect(created.status).toBe(201);
    const run = await request(app).post(`/api/workflows/${created.body.id}/execute?wait=15`).set(auth()).send({ input: {} });
    expect(run.body.status).toBe('failed');
    await services.errorIq.flush();
    return { workflowId: created.body.id as string, executionId: run.body.id as string };
  }

  async function groups(query = '') {
    const res = await request(app).get(`/api/errors${query}`).set(auth());
    expect(res.status).toBe(200);
    return res.body as {
      items: { id: string; title: string; occurrences: number; status: string; location: string }[];
      counts: Record<string, number>;
    };
  }

  describe('grouping', () => {
    it('groups the same failure with different ids together, and different failures apart', async () => {
      const a = await runFailing(`/orders/${randomUUID()}?page=12`);
      const b = await runFailing(`/orders/${randomUUID()}?page=99`);
      await runFailing('/x', 'transform', { expression: '$undefinedFunction()' });

      const list = await groups();

      const http502 = list.items.filter((g) => g.location === 'http.request');
      expect(http502).toHaveLength(1);
      expect(http502[0]?.occurrences).toBe(2);
      expect(list.items.filter((g) => g.location === 'transform')).toHaveLength(1);
      const detail = await request(app).get(`/api/errors/${http502[0]?.id}`).set(auth());
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ source: 'step', status: 'open', workflowsAffected: 2, occurrences: 2 });
      expect(detail.body.trend).toHaveLength(24);
      expect(detail.body.trend[23]).toBe(2);
      expect(detail.body.occurrencesSample.map((o: { executionId: string }) => o.executionId).sort()).toEqual(
        [a.executionId, b.executionId].sort(),
      );
      expect(detail.body.occurrencesSample[0]).toMatchObject({ nodeId: 'call', context: { nodeType: 'http.request' } });
      expect(JSON.stringify(detail.body)).not.toMatch(/stack|at Object\.|\.ts:\d+/);
    });

    it('filters by status and search, and pages with a cursor', async () => {
      const open = await groups('?status=open&limit=1');
      expect(open.items).toHaveLength(1);
      expect(open.counts.open).toBeGreaterThanOrEqual(2);
      const next = await request(app)
        .get(`/api/errors?status=open&limit=1&cursor=${(open as unknown as { nextCursor: string }).nextCursor}`)
        .set(auth());
      expect(next.status).toBe(200);
      expect(next.body.items[0].id).not.toBe(open.items[0]?.id);
      const search = await groups('?q=transform');
      expect(search.items.every((g) => g.location === 'transform' || g.title.toLowerCase().includes('transform'))).toBe(true);
      expect((await request(app).get('/api/errors?status=bogus').set(auth())).status).toBe(400);
      expect((await request(app).get('/api/errors?cursor=nonsense').set(auth())).status).toBe(400);
    });

    it('scrubs secrets from messages and context, and keeps the stack off the API', async () => {
      const token = 'sk-live-abcdefghijklmnop1234';
      services.errorIq.capture({
        source: 'api',
        organizationId: owner.user.organizationId,
        userId: owner.user.id,
        errorType: 'TypeError',
        message: `Cannot call https://api.example.com/v1?api_key=${token} with Bearer ${token}`,
        stack: `TypeError: boom ${token}\n    at handler (/app/x.ts:1:1)`,
        location: 'GET /api/things/:id',
        context: { headers: { authorization: `Bearer ${token}` }, apiKey: token, statusCode: 500, note: `key ${token}` },
      });
      await services.errorIq.flush();

      const list = await groups('?q=things');
      const detail = await request(app).get(`/api/errors/${list.items[0]?.id}`).set(auth());

      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body)).not.toContain(token);
      expect(detail.body.title).toBe('Cannot call <url> with Bearer [redacted]');
      expect(detail.body.occurrencesSample[0].context).toMatchObject({
        apiKey: '[redacted]',
        headers: { authorization: '[redacted]' },
        statusCode: 500,
      });
      const stored = await test.db.query<{ stack_trace: string }>('SELECT stack_trace FROM error_logs WHERE group_id = $1', [
        list.items[0]?.id,
      ]);
      expect(stored.rows[0]?.stack_trace).toContain('at handler');
      expect(stored.rows[0]?.stack_trace).not.toContain(token);
    });
  });

  describe('status and regressions', () => {
    it('reopens a resolved group as a regression when it is seen again; ignore and reopen work', async () => {
      const path = `/regress/${randomUUID()}`;
      await runFailing(path);
      const group = (await groups('?q=http.request')).items.find((g) => g.location === 'http.request');
      expect(group).toBeDefined();

      const resolved = await request(app).post(`/api/errors/${group?.id}/resolve`).set(auth());
      expect(resolved.body).toMatchObject({ status: 'resolved', regressions: 0 });
      expect(resolved.body.resolvedAt).toEqual(expect.any(String));
      await runFailing(`/regress/${randomUUID()}`);

      const after = await request(app).get(`/api/errors/${group?.id}`).set(auth());
      expect(after.body).toMatchObject({ status: 'open', regressions: 1, resolvedAt: resolved.body.resolvedAt });
      expect(after.body.regressedAt).toEqual(expect.any(String));

      expect((await request(app).post(`/api/errors/${group?.id}/ignore`).set(auth())).body.status).toBe('ignored');
      await runFailing(`/regress/${randomUUID()}`);
      expect((await request(app).get(`/api/errors/${group?.id}`).set(auth())).body.status).toBe('ignored');
      expect((await request(app).post(`/api/errors/${group?.id}/reopen`).set(auth())).body.status).toBe('open');
    });

    it('answers 404 for another organization’s group and 403 to a viewer changing one', async () => {
      const list = await groups();
      const other = await registerOwner(app);
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

      expect((await request(app).get(`/api/errors/${list.items[0]?.id}`).set(auth(other))).status).toBe(404);
      expect((await request(app).post(`/api/errors/${list.items[0]?.id}/resolve`).set(auth(other))).status).toBe(404);
      expect((await request(app).get('/api/errors').set(auth(other))).body.items).toEqual([]);
      expect((await request(app).post(`/api/errors/${list.items[0]?.id}/resolve`).set(auth(viewer))).status).toBe(403);
      expect((await request(app).get(`/api/errors/${randomUUID()}`).set(auth())).status).toBe(404);
    });
  });

  it('drops captures past its queue bound, counted and logged, without waiting', async () => {
    const logs = captureLogger('warn');
    const small = createErrorIqService({
      db: test.db,
      log: logs.log,
      outbound: createGuardedHttpClient(),
      mailer: memoryMailer(),
      encryptor: createEncryptor(new Map([['k1', Buffer.alloc(32, 9)]]), 'k1'),
      publicUrl: 'http://studio.test',
      queueMax: 1,
    });

    for (let i = 0; i < 5; i++) {
      small.capture({
        source: 'api',
        organizationId: owner.user.organizationId,
        errorType: 'Error',
        message: `burst ${i}`,
        location: 'GET /burst',
      });
    }
    await small.flush();

    expect(small.stats()).toEqual({ queued: 0, dropped: 3 });
    expect(logs.text()).toContain('error capture queue full');
    expect((await groups('?q=burst')).items[0]?.occurrences).toBe(2);
  });

  describe('alerts', () => {
    it('sends one alert for a storm of a new error, one for its regression and one per spike hour', async () => {
      const settings = await request(app)
        .put('/api/errors/alert-settings')
        .set(auth())
        .send({ webhookUrl: `${upstreamUrl}/hook?token=hook-secret-1`, email: 'oncall@example.com', spikePerHour: 10 });
      expect(settings.status).toBe(200);
      expect(settings.body).toMatchObject({
        webhookConfigured: true,
        webhookHost: new URL(upstreamUrl).host,
        email: 'oncall@example.com',
      });
      expect(JSON.stringify(settings.body)).not.toContain('hook-secret');
      const stored = await test.db.query<{ webhook_url_ciphertext: string }>(
        'SELECT webhook_url_ciphertext FROM error_alert_settings WHERE organization_id = $1',
        [owner.user.organizationId],
      );
      expect(stored.rows[0]?.webhook_url_ciphertext).not.toContain('hook-secret');
      hooks.length = 0;
      mailer.sent.length = 0;
      const storm = (n: number) => {
        for (let i = 0; i < n; i++) {
          services.errorIq.capture({
            source: 'api',
            organizationId: owner.user.organizationId,
            errorType: 'Error',
            message: `Storm ${i} for order ${randomUUID()}`,
            location: 'POST /api/storm',
          });
        }
        return services.errorIq.flush();
      };

      await storm(5);
      expect(hooks.map((h) => JSON.parse(h.body).kind)).toEqual(['new']);
      expect(mailer.sent).toHaveLength(1);
      expect(mailer.sent[0]).toMatchObject({ to: 'oncall@example.com' });
      expect(mailer.sent[0]?.subject).toContain('New error');

      await storm(20);
      expect(hooks.map((h) => JSON.parse(h.body).kind)).toEqual(['new', 'spike']);

      const group = (await groups('?q=storm')).items[0];
      await request(app).post(`/api/errors/${group?.id}/resolve`).set(auth());
      await storm(5);
      expect(hooks.map((h) => JSON.parse(h.body).kind)).toEqual(['new', 'spike', 'regression']);
      expect(mailer.sent).toHaveLength(3);
      expect(await countAlerts(test.db, owner.user.organizationId, group?.id ?? '')).toBe(3);
      const payload = JSON.parse(hooks[0]?.body ?? '{}');
      expect(payload).toMatchObject({ group: { id: group?.id, title: 'Storm <n> for order <id>', location: 'POST /api/storm' } });
      expect(payload.link).toBe(`http://studio.test/errors/${group?.id}`);
    });

    it('keeps settings it is not given, clears with null, refuses bad input and non-admins', async () => {
      const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
      expect((await request(app).put('/api/errors/alert-settings').set(auth(editor)).send({ email: null })).status).toBe(403);
      expect((await request(app).put('/api/errors/alert-settings').set(auth()).send({ webhookUrl: 'ftp://x' })).status).toBe(400);
      expect((await request(app).put('/api/errors/alert-settings').set(auth()).send({ spikePerHour: 0 })).status).toBe(400);

      const cleared = await request(app).put('/api/errors/alert-settings').set(auth()).send({ webhookUrl: null });

      expect(cleared.body).toMatchObject({
        webhookConfigured: false,
        webhookHost: null,
        email: 'oncall@example.com',
        spikePerHour: 10,
      });
      expect((await request(app).get('/api/errors/alert-settings').set(auth())).body).toEqual(cleared.body);
    });

    it('never calls an internal webhook address the operator did not allow (SSRF guard)', async () => {
      const strict = createApp(testDeps(test.db, { mailer: memoryMailer() }));
      const who = await registerOwner(strict);
      const strictServices = createServices(testDeps(test.db, { mailer: memoryMailer() }));
      await request(strict)
        .put('/api/errors/alert-settings')
        .set(auth(who))
        .send({ webhookUrl: `${upstreamUrl}/hook` });
      hooks.length = 0;

      strictServices.errorIq.capture({
        source: 'api',
        organizationId: who.user.organizationId,
        errorType: 'Error',
        message: 'internal hook check',
        location: 'GET /api/x',
      });
      await strictServices.errorIq.flush();

      expect(hooks).toHaveLength(0);
      expect(
        await test.db.query('SELECT 1 FROM error_alerts WHERE organization_id = $1', [who.user.organizationId]),
      ).toMatchObject({
        rowCount: 1,
      });
    });
  });

  describe('POST /api/errors/:id/explain', () => {
    it('stores a rule-based diagnosis when no hosted model is enabled', async () => {
      services.errorIq.capture({
        source: 'step',
        organizationId: owner.user.organizationId,
        errorType: 'ai_provider_failed',
        message: 'Every model tried failed (openai/gpt-4o-mini: rate_limited 429)',
        location: 'ai.generate',
        context: { statusCode: 429 },
      });
      await services.errorIq.flush();
      const group = (await groups('?q=ai.generate')).items[0];

      const res = await request(app).post(`/api/errors/${group?.id}/explain`).set(auth());

      expect(res.status).toBe(200);
      expect(res.body.explanation).toMatchObject({ source: 'rules', model: null });
      expect(res.body.explanation.diagnosis).toMatch(/rate limit/i);
      expect(res.body.explanation.fixes.join(' ')).toMatch(/fallback/i);
      const again = await request(app).get(`/api/errors/${group?.id}`).set(auth());
      expect(again.body.explanation).toEqual(res.body.explanation);
    });

    it('asks a hosted model through the AI router when the organization has one, and keeps the hints when it fails', async () => {
      const up = await startAiUpstream();
      try {
        const org = await registerOwner(app);
        const key = await request(app)
          .post('/api/credentials')
          .set(auth(org))
          .send({
            name: 'openai',
            type: 'api_key',
            data: { apiKey: 'sk-test-explain-0000', provider: 'openai', baseUrl: `${up.url}/openai/v1` },
          });
        expect(key.status).toBe(201);
        services.errorIq.capture({
          source: 'step',
          organizationId: org.user.organizationId,
          errorType: 'http_error',
          message: 'Upstream answered 401 Unauthorized',
          location: 'http.request',
        });
        await services.errorIq.flush();
        const id = (await request(app).get('/api/errors').set(auth(org))).body.items[0].id as string;
        up.script('openai', {
          text: 'Diagnosis: the upstream key was revoked.\n- Rotate the key in Credentials\n- Run the workflow again',
        });

        const explained = await request(app).post(`/api/errors/${id}/explain`).set(auth(org));

        expect(explained.status).toBe(200);
        expect(explained.body.explanation).toMatchObject({
          source: 'model',
          diagnosis: 'the upstream key was revoked.',
          fixes: ['Rotate the key in Credentials', 'Run the workflow again'],
        });
        expect(explained.body.explanation.model).toMatch(/^openai\//);
        const prompt = JSON.stringify(up.requests.at(-1)?.body ?? '');
        expect(prompt).toContain('Upstream answered <n> Unauthorized');

        up.script('openai', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
        const fallback = await request(app).post(`/api/errors/${id}/explain`).set(auth(org));

        expect(fallback.status).toBe(200);
        expect(fallback.body.explanation).toMatchObject({ source: 'rules', model: null });
        expect(fallback.body.explanation.diagnosis).toMatch(/credentials/);
      } finally {
        await up.close();
      }
    });
  });
});
