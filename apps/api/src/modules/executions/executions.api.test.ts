import { countTokens } from 'gpt-tokenizer';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import type { NodeType } from '@auterity/workflow-contracts';
import { createApp, createServices, type Services } from '../../app';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, type SignedInUser } from '../../../test/factories';
import { captureLogger, testConfig, testDeps } from '../../../test/test-app';

type N = { id: string; type: NodeType; config?: Record<string, unknown>; settings?: Record<string, unknown> };

function graph(nodes: N[], edges: [string, string, string?][] = []) {
  return {
    nodes: nodes.map((n, i) => ({
      id: n.id,
      type: n.type,
      position: { x: i * 200, y: 0 },
      data: { config: n.config ?? {}, ...(n.settings ? { settings: n.settings } : {}) },
    })),
    edges: edges.map(([source, target, sourceHandle], i) => ({
      id: `e${i}`,
      source,
      target,
      ...(sourceHandle ? { sourceHandle } : {}),
    })),
  };
}

describe('workflow executions (API, real database)', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let owner: SignedInUser;
  let upstream: http.Server;
  let upstreamUrl: string;
  const logs = captureLogger('debug');
  const seen: { path: string; authorization?: string; body: string }[] = [];
  let flaky = 0;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({
          path: req.url ?? '',
          ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
          body,
        });
        if (req.url?.startsWith('/flaky') && flaky-- > 0) {
          res.writeHead(503).end('try again');
          return;
        }
        if (req.url?.startsWith('/slow')) {
          setTimeout(() => res.writeHead(200).end('late'), 2000).unref();
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ path: req.url, echo: body ? JSON.parse(body) : null }));
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    test = await createTestDatabase();
    const deps = testDeps(test.db, {
      log: logs.log,
      config: testConfig({ OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32', EXECUTION_TIMEOUT_MS: '20000' }),
    });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await test.drop();
    upstream.closeAllConnections();
    upstream.close();
  });

  const auth = (user: SignedInUser = owner) => ({ Authorization: `Bearer ${user.token}` });

  async function createWorkflow(canvasData: unknown, name = 'wf', user = owner): Promise<string> {
    const res = await request(app).post('/api/workflows').set(auth(user)).send({ name, canvasData });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function run(workflowId: string, input: unknown = {}, user = owner) {
    return request(app).post(`/api/workflows/${workflowId}/execute?wait=15`).set(auth(user)).send({ input });
  }

  describe('POST /api/workflows/:id/execute', () => {
    it('runs the spec example: a lone Text node outputs its text', async () => {
      const id = await createWorkflow(graph([{ id: 'hello', type: 'text', config: { text: 'Hello World' } }]));

      const res = await run(id);

      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'succeeded', output: { hello: 'Hello World' }, version: 1, trigger: 'manual' });
      expect(res.body.steps).toEqual([
        expect.objectContaining({ nodeId: 'hello', type: 'text', status: 'succeeded', attempts: 1 }),
      ]);
    });

    it('answers 202 with the id without wait, and the execution finishes in the background', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'later' } }]));

      const accepted = await request(app).post(`/api/workflows/${id}/execute`).set(auth()).send({});
      let status = '';
      for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        status = (await request(app).get(`/api/executions/${accepted.body.id}`).set(auth())).body.status;
      }

      expect(accepted.status).toBe(202);
      expect(accepted.body).toEqual({ id: expect.any(String), status: 'pending' });
      expect(status).toBe('succeeded');
    });

    it('runs branching, switch, merge, delay, transform and respond together', async () => {
      const id = await createWorkflow(
        graph(
          [
            { id: 'start', type: 'trigger.manual' },
            { id: 'check', type: 'condition', config: { expression: 'amount > 100' } },
            { id: 'big', type: 'transform', config: { expression: '{ "size": "big", "amount": amount }' } },
            { id: 'small', type: 'text', config: { text: 'small' } },
            { id: 'kind', type: 'switch', config: { expression: 'kind', cases: [{ value: 'a' }, { value: 'b' }] } },
            { id: 'isA', type: 'text', config: { text: 'A' } },
            { id: 'other', type: 'text', config: { text: 'other' } },
            { id: 'wait', type: 'delay', config: { ms: 10 } },
            { id: 'join', type: 'merge', config: { mode: 'object' } },
            { id: 'reply', type: 'respond', config: { value: { merged: '{{ $ }}', kind: '{{ $trigger.kind }}' } } },
          ],
          [
            ['start', 'check'],
            ['check', 'big', 'true'],
            ['check', 'small', 'false'],
            ['start', 'kind'],
            ['kind', 'isA', 'case-0'],
            ['kind', 'other', 'default'],
            ['isA', 'wait'],
            ['big', 'join'],
            ['wait', 'join'],
            ['join', 'reply'],
          ],
        ),
      );

      const res = await run(id, { amount: 500, kind: 'a' });

      expect(res.body.status).toBe('succeeded');
      expect(res.body.output).toEqual({ merged: { big: { size: 'big', amount: 500 }, wait: 'A' }, kind: 'a' });
      const status = Object.fromEntries(res.body.steps.map((s: { nodeId: string; status: string }) => [s.nodeId, s.status]));
      expect(status).toMatchObject({ small: 'skipped', other: 'skipped', big: 'succeeded', isA: 'succeeded', join: 'succeeded' });
    });

    it('calls HTTP APIs with a credential from the vault, never recording the secret', async () => {
      const credential = await request(app)
        .post('/api/credentials')
        .set(auth())
        .send({ name: 'upstream', type: 'http_bearer', data: { token: 'tok-super-secret-123' } });
      const id = await createWorkflow(
        graph([
          {
            id: 'call',
            type: 'http.request',
            config: {
              method: 'POST',
              url: `${upstreamUrl}/items/{{ id }}`,
              query: { q: '{{ q }}' },
              body: { name: '{{ name }}' },
              credentialId: credential.body.id,
            },
          },
        ]),
      );

      const res = await run(id, { id: 42, q: 'x y', name: 'Ada' });
      const stored = await request(app).get(`/api/executions/${res.body.id}`).set(auth());

      expect(res.body.status).toBe('succeeded');
      expect(res.body.output.call).toMatchObject({ status: 200, body: { path: '/items/42?q=x+y', echo: { name: 'Ada' } } });
      expect(seen.at(-1)?.authorization).toBe('Bearer tok-super-secret-123');
      expect(JSON.stringify(stored.body)).not.toContain('tok-super-secret-123');
      expect(logs.text()).not.toContain('tok-super-secret-123');
    });

    it('retries a failing HTTP call with backoff, then succeeds', async () => {
      flaky = 2;
      const id = await createWorkflow(
        graph([
          {
            id: 'call',
            type: 'http.request',
            config: { url: `${upstreamUrl}/flaky` },
            settings: { retries: 3, retryBackoffMs: 10 },
          },
        ]),
      );

      const res = await run(id);

      expect(res.body.status).toBe('succeeded');
      expect(res.body.steps[0].attempts).toBe(3);
    });

    it('fails on a node timeout with the node id and message', async () => {
      const id = await createWorkflow(
        graph([{ id: 'slow', type: 'http.request', config: { url: `${upstreamUrl}/slow` }, settings: { timeoutMs: 100 } }]),
      );

      const res = await run(id);

      expect(res.body.status).toBe('failed');
      expect(res.body.error).toEqual({ code: 'node_timeout', message: 'The node took longer than 100 ms', nodeId: 'slow' });
    });

    it('refuses HTTP calls to internal addresses that are not allowed (SSRF guard)', async () => {
      const id = await createWorkflow(
        graph([{ id: 'meta', type: 'http.request', config: { url: 'http://169.254.169.254/latest/meta-data/' } }]),
      );

      const res = await run(id);

      expect(res.body.status).toBe('failed');
      expect(res.body.error).toMatchObject({ code: 'ssrf_blocked', nodeId: 'meta' });
    });

    it('runs AI nodes on the offline local provider (auto) and records tokens, cost, attempts and usage', async () => {
      const id = await createWorkflow(graph([{ id: 'ai', type: 'ai.generate', config: { prompt: 'Summarize {{ text }}' } }]));

      const res = await run(id, { text: 'a long story' });

      const reply = 'Local echo: Summarize a long story';
      expect(res.body.output.ai).toBe(reply);
      expect(res.body.steps[0]).toMatchObject({
        model: 'local/echo',
        tokens: { input: countTokens('Summarize a long story'), output: countTokens(reply) },
        cost: '0',
        aiAttempts: [{ model: 'local/echo', ok: true }],
      });
      // The usage row is written behind the step (usage-writer.ts).
      expect(await services.aiRouter.flushUsage()).toBe(true);
      const usage = await test.db.query<{ workflow_id: string; execution_id: string; node_id: string; model: string }>(
        'SELECT workflow_id, execution_id, node_id, model FROM ai_usage WHERE execution_id = $1',
        [res.body.id],
      );
      expect(usage.rows).toEqual([{ workflow_id: id, execution_id: res.body.id, node_id: 'ai', model: 'echo' }]);
    });

    it('runs a sub-workflow and records it as its own execution', async () => {
      const child = await createWorkflow(graph([{ id: 'double', type: 'transform', config: { expression: 'n * 2' } }]), 'child');
      const parent = await createWorkflow(
        graph([{ id: 'call', type: 'workflow.call', config: { workflowId: child, input: { n: '{{ n }}' } } }]),
        'parent',
      );

      const res = await run(parent, { n: 21 });
      const children = await request(app).get(`/api/executions?workflowId=${child}`).set(auth());

      expect(res.body.output).toEqual({ call: { double: 42 } });
      expect(children.body.items).toEqual([expect.objectContaining({ trigger: 'subworkflow', status: 'succeeded' })]);
    });

    it('answers 400 workflow_invalid with problems pinned to nodes, and writes no execution', async () => {
      const id = await createWorkflow(
        graph(
          [
            { id: 'a', type: 'http.request', config: {} },
            { id: 'b', type: 'transform', config: { expression: '(((' } },
            { id: 'c', type: 'workflow.call', config: { workflowId: '00000000-0000-4000-8000-000000000000' } },
          ],
          [
            ['a', 'b'],
            ['b', 'a'],
          ],
        ),
      );

      const res = await run(id);
      const list = await request(app).get(`/api/executions?workflowId=${id}`).set(auth());

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('workflow_invalid');
      expect(res.body.details).toEqual(
        expect.arrayContaining([
          { nodeId: 'a', field: 'config.url', message: 'URL is required' },
          expect.objectContaining({ nodeId: 'b', field: 'config.expression' }),
          { nodeId: 'c', field: 'config.workflowId', message: 'This workflow does not exist' },
          expect.objectContaining({ message: expect.stringContaining('loops') }),
        ]),
      );
      expect(list.body.items).toEqual([]);
    });

    it('returns the same execution for a repeated Idempotency-Key', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'once' } }]));

      const first = await request(app)
        .post(`/api/workflows/${id}/execute?wait=10`)
        .set(auth())
        .set('Idempotency-Key', 'order-123')
        .send({});
      const second = await request(app)
        .post(`/api/workflows/${id}/execute?wait=10`)
        .set(auth())
        .set('Idempotency-Key', 'order-123')
        .send({});
      const list = await request(app).get(`/api/executions?workflowId=${id}`).set(auth());

      expect(second.body.id).toBe(first.body.id);
      expect(list.body.items).toHaveLength(1);
    });

    it('refuses viewers (403) and other organizations (404)', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'x' } }]));
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
      const stranger = await registerOwner(app);

      expect((await run(id, {}, viewer)).status).toBe(403);
      expect((await run(id, {}, stranger)).status).toBe(404);
    });
  });

  describe('cancellation and live events', () => {
    it('cancels a running execution at its step, and streams its events over SSE', async () => {
      const id = await createWorkflow(
        graph(
          [
            { id: 'first', type: 'text', config: { text: 'go' } },
            { id: 'wait', type: 'delay', config: { ms: 20000 } },
            { id: 'never', type: 'text', config: { text: 'x' } },
          ],
          [
            ['first', 'wait'],
            ['wait', 'never'],
          ],
        ),
      );
      const accepted = await request(app).post(`/api/workflows/${id}/execute`).set(auth()).send({});
      const server = http.createServer(app);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as AddressInfo).port;
      const events: string[] = [];
      const stream = new Promise<void>((resolve) => {
        http.get(`http://127.0.0.1:${port}/api/executions/${accepted.body.id}/events`, { headers: auth() }, (res) => {
          res.on('data', (c: Buffer) => events.push(c.toString()));
          res.on('end', resolve);
        });
      });
      for (let i = 0; i < 100; i++) {
        const now = await request(app).get(`/api/executions/${accepted.body.id}`).set(auth());
        if (now.body.steps?.length > 0 || now.body.status === 'running') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 100));

      const cancelled = await request(app).post(`/api/executions/${accepted.body.id}/cancel`).set(auth());
      await stream;
      server.close();
      let final = cancelled.body;
      for (let i = 0; i < 50 && final.status !== 'cancelled'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        final = (await request(app).get(`/api/executions/${accepted.body.id}`).set(auth())).body;
      }

      expect(cancelled.status).toBe(200);
      expect(final.status).toBe('cancelled');
      expect(final.steps.map((s: { nodeId: string; status: string }) => [s.nodeId, s.status])).toEqual([
        ['first', 'succeeded'],
        ['wait', 'cancelled'],
      ]);
      const text = events.join('');
      expect(text).toContain('event: snapshot');
      expect(text).toContain('event: status\ndata: {"status":"cancelled"}');
    });

    it('answers 409 when cancelling an execution that already ended', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'x' } }]));
      const done = await run(id);

      const res = await request(app).post(`/api/executions/${done.body.id}/cancel`).set(auth());

      expect(res.status).toBe(409);
    });

    it('re-runs an execution with the same input', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'hi {{ who }}' } }]));
      const done = await run(id, { who: 'Ada' });

      const again = await request(app).post(`/api/executions/${done.body.id}/rerun`).set(auth());

      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ trigger: 'rerun', input: { who: 'Ada' } });
    });
  });

  describe('webhooks', () => {
    it('answers synchronously with the Respond node and persists the execution with its steps', async () => {
      const created = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({
          name: 'hook',
          canvasData: graph(
            [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 'shape', type: 'transform', config: { expression: '{ "got": body.n, "q": query.x }' } },
              { id: 'reply', type: 'respond', config: { value: '{{ $ }}', status: 201 } },
            ],
            [
              ['hook', 'shape'],
              ['shape', 'reply'],
            ],
          ),
        });
      const path = created.body.webhookPath as string;

      const res = await request(app).post(`${path}?x=1`).send({ n: 7 });
      const stored = await request(app).get(`/api/executions/${res.headers['x-execution-id']}`).set(auth());

      expect(path).toMatch(/^\/api\/hooks\/wh_/);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ got: 7, q: '1' });
      expect(stored.body).toMatchObject({ trigger: 'webhook', status: 'succeeded', output: { got: 7, q: '1' } });
      expect(stored.body.steps).toHaveLength(3);
    });

    it('queues webhooks without a Respond node (202), and forgets rotated tokens', async () => {
      const created = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({
          name: 'async hook',
          canvasData: graph(
            [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 't', type: 'text', config: { text: 'ok' } },
            ],
            [['hook', 't']],
          ),
        });
      const oldPath = created.body.webhookPath as string;

      const accepted = await request(app).get(oldPath);
      const rotated = await request(app).post(`/api/workflows/${created.body.id}/webhook/rotate`).set(auth());
      await new Promise((r) => setTimeout(r, 2100)); // past the webhook lookup cache
      const stale = await request(app).get(oldPath);
      const fresh = await request(app).get(rotated.body.path);

      expect(accepted.status).toBe(202);
      expect(stale.status).toBe(404);
      expect(fresh.status).toBe(202);
    });

    it('runs a webhook once per Idempotency-Key, however many concurrent calls carry it', async () => {
      const sync = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({
          name: 'idempotent hook',
          canvasData: graph(
            [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 'wait', type: 'delay', config: { ms: 300 } },
              { id: 'reply', type: 'respond', config: { value: '{{ $trigger.body }}', status: 201 } },
            ],
            [
              ['hook', 'wait'],
              ['wait', 'reply'],
            ],
          ),
        });
      const queued = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({
          name: 'idempotent async hook',
          canvasData: graph(
            [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 't', type: 'text', config: { text: 'ok' } },
            ],
            [['hook', 't']],
          ),
        });
      const fire = (path: string, key: string) => request(app).post(path).set('Idempotency-Key', key).send({ n: 1 });
      const count = async (workflowId: string) =>
        Number(
          (
            await test.db.query<{ n: string }>('SELECT count(*)::text AS n FROM workflow_executions WHERE workflow_id = $1', [
              workflowId,
            ])
          ).rows[0]?.n,
        );

      const syncCalls = await Promise.all(Array.from({ length: 20 }, () => fire(sync.body.webhookPath, 'order-42')));
      const replay = await fire(sync.body.webhookPath, 'order-42');
      const other = await fire(sync.body.webhookPath, 'order-43');
      const asyncCalls = await Promise.all(Array.from({ length: 20 }, () => fire(queued.body.webhookPath, 'order-42')));
      const bad = await request(app).post(sync.body.webhookPath).set('Idempotency-Key', 'has space').send({});

      expect(syncCalls.map((r) => r.status)).toEqual(syncCalls.map(() => 201));
      expect(syncCalls.map((r) => r.body)).toEqual(syncCalls.map(() => ({ n: 1 })));
      expect(new Set([...syncCalls, replay].map((r) => r.headers['x-execution-id'])).size).toBe(1);
      expect(replay.status).toBe(201);
      expect(other.headers['x-execution-id']).not.toBe(replay.headers['x-execution-id']);
      expect(await count(sync.body.id)).toBe(2);
      expect(asyncCalls.map((r) => r.status)).toEqual(asyncCalls.map(() => 202));
      expect(new Set(asyncCalls.map((r) => r.body.id)).size).toBe(1);
      expect(await count(queued.body.id)).toBe(1);
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('validation_failed');
    });

    it('replays a failed idempotent webhook run as the same failure', async () => {
      const created = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({
          name: 'failing hook',
          canvasData: graph(
            [
              { id: 'hook', type: 'trigger.webhook' },
              { id: 'boom', type: 'transform', config: { expression: '$error("no")' } },
              { id: 'reply', type: 'respond', config: { value: '{{ $ }}' } },
            ],
            [
              ['hook', 'boom'],
              ['boom', 'reply'],
            ],
          ),
        });

      const first = await request(app).post(created.body.webhookPath).set('Idempotency-Key', 'k1').send({});
      const again = await request(app).post(created.body.webhookPath).set('Idempotency-Key', 'k1').send({});

      expect(first.status).toBe(500);
      expect(again.status).toBe(500);
      expect(again.body.code).toBe(first.body.code);
      expect(again.headers['x-execution-id']).toBe(first.headers['x-execution-id']);
    });

    it('answers 404 for an unknown webhook token', async () => {
      const res = await request(app).post('/api/hooks/wh_doesnotexist0000000000').send({});

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
    });
  });

  describe('versions and deployment', () => {
    it('keeps every saved graph as a version; callers run the published one or pin another', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'v1' } }]));
      await request(app)
        .put(`/api/workflows/${id}`)
        .set(auth())
        .send({ canvasData: graph([{ id: 't', type: 'text', config: { text: 'v2' } }]) });
      await request(app)
        .put(`/api/workflows/${id}`)
        .set(auth())
        .send({
          canvasData: graph([
            { id: 't', type: 'text', config: { text: 'draft' } },
            { id: 'u', type: 'text', config: { text: 'new' } },
          ]),
          publish: false,
        });

      const versions = await request(app).get(`/api/workflows/${id}/versions`).set(auth());
      const diff = await request(app).get(`/api/workflows/${id}/versions/compare?from=1&to=3`).set(auth());
      const published = await run(id);
      const pinned = await request(app).post(`/api/workflows/${id}/execute?wait=10&version=1`).set(auth()).send({});
      const renamed = await request(app).put(`/api/workflows/${id}`).set(auth()).send({ name: 'renamed' });
      const restored = await request(app).post(`/api/workflows/${id}/versions/1/restore`).set(auth());

      expect(versions.body.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
      expect(diff.body).toMatchObject({ nodes: { added: ['u'], removed: [], changed: [{ id: 't', fields: ['config.text'] }] } });
      expect(published.body.output).toEqual({ t: 'v2' });
      expect(pinned.body.output).toEqual({ t: 'v1' });
      expect(renamed.body).toMatchObject({ name: 'renamed', version: 3, publishedVersion: 2 });
      expect(restored.body).toMatchObject({ version: 4, publishedVersion: 4 });
    });

    it('sends a configured share of triggers to the canary version', async () => {
      const id = await createWorkflow(graph([{ id: 't', type: 'text', config: { text: 'stable' } }]));
      await request(app)
        .put(`/api/workflows/${id}`)
        .set(auth())
        .send({ canvasData: graph([{ id: 't', type: 'text', config: { text: 'canary' } }]), publish: false });

      const deployed = await request(app)
        .put(`/api/workflows/${id}/deployment`)
        .set(auth())
        .send({ publishedVersion: 1, canaryVersion: 2, canaryPercent: 100 });
      const res = await run(id);
      const off = await request(app).put(`/api/workflows/${id}/deployment`).set(auth()).send({ canaryVersion: null });
      const after = await run(id);

      expect(deployed.body).toMatchObject({ publishedVersion: 1, canaryVersion: 2, canaryPercent: 100 });
      expect(res.body.output).toEqual({ t: 'canary' });
      expect(off.body).toMatchObject({ canaryVersion: null, canaryPercent: 0 });
      expect(after.body.output).toEqual({ t: 'stable' });
    });
  });

  describe('schedules', () => {
    it('fires a due schedule once, even when two schedulers run at the same moment', async () => {
      const id = await createWorkflow(
        graph(
          [
            { id: 'cron', type: 'trigger.schedule', config: { cron: '*/5 * * * *', timezone: 'Europe/Paris' } },
            { id: 't', type: 'text', config: { text: 'tick' } },
          ],
          [['cron', 't']],
        ),
      );
      await test.db.query(`UPDATE workflow_schedules SET next_run_at = now() - interval '1 second' WHERE workflow_id = $1`, [id]);

      const fired = await Promise.all([services.executions.fireDueSchedules(), services.executions.fireDueSchedules()]);
      const next = await test.db.query<{ next_run_at: Date }>(
        'SELECT next_run_at FROM workflow_schedules WHERE workflow_id = $1',
        [id],
      );
      const list = await request(app).get(`/api/executions?workflowId=${id}`).set(auth());

      // The worker's own scheduler may win the race to this tick; either way it fires once.
      expect(fired[0] + fired[1]).toBeLessThanOrEqual(1);
      expect(list.body.items).toEqual([expect.objectContaining({ trigger: 'schedule' })]);
      expect(next.rows[0]?.next_run_at.getTime()).toBeGreaterThan(Date.now());
      expect((next.rows[0]?.next_run_at.getUTCMinutes() ?? 1) % 5).toBe(0);
    });

    it('stops firing when the workflow is paused', async () => {
      const id = await createWorkflow(graph([{ id: 'cron', type: 'trigger.schedule', config: { cron: '* * * * *' } }]));

      await request(app).put(`/api/workflows/${id}`).set(auth()).send({ isActive: false });
      const rows = await test.db.query('SELECT workflow_id FROM workflow_schedules WHERE workflow_id = $1', [id]);

      expect(rows.rowCount).toBe(0);
    });
  });
});
