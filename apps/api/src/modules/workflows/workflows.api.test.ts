import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../../app';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, type SignedInUser } from '../../../test/factories';
import { testDeps } from '../../../test/test-app';

const text = (id: string, value: string) => ({ id, type: 'text', position: { x: 0, y: 0 }, data: { config: { text: value } } });
const graphOf = (...nodes: object[]) => ({ nodes, edges: [] });

describe('workflows API (real database)', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let owner: SignedInUser;
  let viewer: SignedInUser;

  beforeAll(async () => {
    test = await createTestDatabase();
    const deps = testDeps(test.db);
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
    viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await test.drop();
  });

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });
  const create = async (body: object) => (await request(app).post('/api/workflows').set(as(owner)).send(body)).body;

  describe('GET /api/workflows', () => {
    it('filters by search, tag and status, and pages with a cursor', async () => {
      await create({ name: 'Invoice sync', tags: ['finance'], canvasData: graphOf(text('a', 'x')) });
      await create({ name: 'Lead scoring 100%_done', description: 'sales', tags: ['sales'], isActive: false });
      await create({ name: 'Invoice reminders', tags: ['finance'] });

      const search = await request(app).get('/api/workflows?search=invoice').set(as(viewer));
      const literal = await request(app).get('/api/workflows?search=100%25_').set(as(owner));
      const tagged = await request(app).get('/api/workflows?tag=sales').set(as(owner));
      const inactive = await request(app).get('/api/workflows?status=inactive').set(as(owner));
      const templates = await request(app).get('/api/workflows?templates=true').set(as(owner));
      const first = await request(app).get('/api/workflows?limit=2').set(as(owner));
      const second = await request(app).get(`/api/workflows?limit=2&cursor=${first.body.nextCursor}`).set(as(owner));

      expect(search.body.items.map((w: { name: string }) => w.name).sort()).toEqual(['Invoice reminders', 'Invoice sync']);
      expect(search.body.items[0].abilities).toEqual({ canEdit: false, canRun: false });
      expect(literal.body.items.map((w: { name: string }) => w.name)).toEqual(['Lead scoring 100%_done']);
      expect(tagged.body.items).toHaveLength(1);
      expect(inactive.body.items.map((w: { isActive: boolean }) => w.isActive)).toEqual([false]);
      expect(templates.body.items).toEqual([]);
      expect(first.body.items).toHaveLength(2);
      expect(second.body.items).toHaveLength(1);
      expect(second.body.nextCursor).toBeNull();
    });

    it('stores SQL-looking text verbatim and searches it literally', async () => {
      const name = "Robert'); DROP TABLE workflows;--";
      const description = `' OR '1'='1' /* \\ % _ */`;
      const created = await create({
        name,
        description,
        tags: ["x' OR 1=1--"],
        canvasData: graphOf(text('a', "'; DELETE FROM users;--")),
      });

      const read = await request(app).get(`/api/workflows/${created.id}`).set(as(owner));
      const found = await request(app)
        .get(`/api/workflows?search=${encodeURIComponent("'); DROP")}`)
        .set(as(owner));
      const none = await request(app)
        .get(`/api/workflows?search=${encodeURIComponent("' OR '1'='1")}&tag=nothing`)
        .set(as(owner));

      expect(read.body).toMatchObject({ name, description, tags: ["x' OR 1=1--"] });
      expect(read.body.canvasData.nodes[0].data.config.text).toBe("'; DELETE FROM users;--");
      expect(found.body.items.map((w: { id: string }) => w.id)).toEqual([created.id]);
      expect(none.body.items).toEqual([]);
    });

    it('answers 400 for a forged cursor', async () => {
      const res = await request(app).get('/api/workflows?cursor=bm9wZQ').set(as(owner));

      expect(res.status).toBe(400);
      expect(res.body.details.issues[0].path).toBe('query.cursor');
    });
  });

  describe('writes', () => {
    it('lets viewers read but not write, run, duplicate, restore or deploy', async () => {
      const wf = await create({ name: 'guarded', canvasData: graphOf(text('a', 'x')) });

      const read = await request(app).get(`/api/workflows/${wf.id}`).set(as(viewer));
      const calls = await Promise.all([
        request(app).post('/api/workflows').set(as(viewer)).send({ name: 'x' }),
        request(app).put(`/api/workflows/${wf.id}`).set(as(viewer)).send({ name: 'y' }),
        request(app).delete(`/api/workflows/${wf.id}`).set(as(viewer)),
        request(app).post(`/api/workflows/${wf.id}/duplicate`).set(as(viewer)),
        request(app).post(`/api/workflows/${wf.id}/versions/1/restore`).set(as(viewer)),
        request(app).put(`/api/workflows/${wf.id}/deployment`).set(as(viewer)).send({ publishedVersion: 1 }),
        request(app).post(`/api/workflows/${wf.id}/execute`).set(as(viewer)).send({}),
      ]);

      expect(read.status).toBe(200);
      expect(calls.map((c) => c.status)).toEqual([403, 403, 403, 403, 403, 403, 403]);
    });

    it('duplicates (inactive copy), exports, imports and deletes', async () => {
      const wf = await create({ name: 'original', description: 'd', tags: ['t'], canvasData: graphOf(text('a', 'hi')) });

      const copy = await request(app).post(`/api/workflows/${wf.id}/duplicate`).set(as(owner));
      const exported = await request(app).get(`/api/workflows/${wf.id}/export`).set(as(owner));
      const imported = await request(app).post('/api/workflows/import').set(as(owner)).send(exported.body);
      const badImport = await request(app)
        .post('/api/workflows/import')
        .set(as(owner))
        .send({ ...exported.body, format: 'n8n' });
      const deleted = await request(app).delete(`/api/workflows/${wf.id}`).set(as(owner));
      const gone = await request(app).get(`/api/workflows/${wf.id}`).set(as(owner));
      const again = await request(app).delete(`/api/workflows/${wf.id}`).set(as(owner));

      expect(copy.status).toBe(201);
      expect(copy.body).toMatchObject({ name: 'original (copy)', isActive: false, version: 1 });
      expect(exported.body).toMatchObject({ format: 'auterity.workflow', formatVersion: 1, name: 'original', tags: ['t'] });
      expect(imported.status).toBe(201);
      expect(imported.body.canvasData.nodes[0].data.config.text).toBe('hi');
      expect(badImport.status).toBe(400);
      expect(deleted.status).toBe(204);
      expect(gone.status).toBe(404);
      expect(again.status).toBe(404);
    });

    it('lists templates and node types for the studio', async () => {
      const templates = await request(app).get('/api/workflow-templates').set(as(viewer));
      const types = await request(app).get('/api/node-types').set(as(viewer));

      expect(templates.body.map((t: { id: string }) => t.id)).toContain('webhook-transform-respond');
      expect(types.body.find((t: { type: string }) => t.type === 'condition')).toMatchObject({
        outputs: ['true', 'false'],
        inputs: ['in'],
      });
    });

    it('answers 404 for unknown versions and 400 for deploying one that does not exist', async () => {
      const wf = await create({ name: 'versions', canvasData: graphOf(text('a', 'x')) });

      const version = await request(app).get(`/api/workflows/${wf.id}/versions/9`).set(as(owner));
      const compare = await request(app).get(`/api/workflows/${wf.id}/versions/compare?from=1&to=9`).set(as(owner));
      const restore = await request(app).post(`/api/workflows/${wf.id}/versions/9/restore`).set(as(owner));
      const deploy = await request(app)
        .put(`/api/workflows/${wf.id}/deployment`)
        .set(as(owner))
        .send({ canaryVersion: 9, canaryPercent: 10 });
      const one = await request(app).get(`/api/workflows/${wf.id}/versions/1`).set(as(owner));
      // Beyond a Postgres integer: refused by validation, never sent to the database.
      const huge = await request(app).get(`/api/workflows/${wf.id}/versions/compare?from=1000000000000&to=1`).set(as(owner));
      const hugeVersion = await request(app).get(`/api/workflows/${wf.id}/versions/2147483648`).set(as(owner));

      expect([version.status, compare.status, restore.status, deploy.status]).toEqual([404, 404, 404, 400]);
      expect([huge.status, hugeVersion.status]).toEqual([400, 400]);
      expect(one.body).toMatchObject({
        version: 1,
        message: 'Created',
        canvasData: { nodes: [expect.objectContaining({ id: 'a' })] },
      });
    });

    it('refuses to rotate the webhook of a workflow without a webhook trigger, and drops the URL when the trigger goes', async () => {
      const hook = { id: 'h', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } };
      const wf = await create({ name: 'hooks', canvasData: graphOf(hook, text('a', 'x')) });

      const removed = await request(app)
        .put(`/api/workflows/${wf.id}`)
        .set(as(owner))
        .send({ canvasData: graphOf(text('a', 'x')) });
      const rotate = await request(app).post(`/api/workflows/${wf.id}/webhook/rotate`).set(as(owner));
      const old = await request(app).post(wf.webhookPath).send({});

      expect(wf.webhookPath).toMatch(/^\/api\/hooks\/wh_/);
      expect(removed.body.webhookPath).toBeNull();
      expect(rotate.status).toBe(409);
      expect(old.status).toBe(404);
    });

    it('does not answer webhooks of a paused workflow', async () => {
      const hook = { id: 'h', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: { rateLimitPerMinute: 100 } } };
      const wf = await create({ name: 'paused hook', isActive: false, canvasData: graphOf(hook) });

      const res = await request(app).post(wf.webhookPath).send({});

      expect(res.status).toBe(404);
    });

    it('answers a failing synchronous webhook with 500, the code and the execution id', async () => {
      const hook = { id: 'h', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } };
      const boom = {
        id: 'x',
        type: 'transform',
        position: { x: 0, y: 0 },
        data: { config: { expression: '$error("no stock")' } },
      };
      const reply = { id: 'r', type: 'respond', position: { x: 0, y: 0 }, data: { config: {} } };
      const wf = await create({
        name: 'failing hook',
        canvasData: {
          nodes: [hook, boom, reply],
          edges: [
            { id: 'e1', source: 'h', target: 'x' },
            { id: 'e2', source: 'x', target: 'r' },
          ],
        },
      });

      const res = await request(app).post(wf.webhookPath).send({});

      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({
        code: 'expression_error',
        details: { executionId: expect.any(String), nodeId: 'x' },
        requestId: expect.any(String),
      });
      expect(res.body.error).toContain('no stock');
    });

    it('answers 400 workflow_invalid to a webhook whose workflow cannot run', async () => {
      const hook = { id: 'h', type: 'trigger.webhook', position: { x: 0, y: 0 }, data: { config: {} } };
      const reply = { id: 'r', type: 'respond', position: { x: 0, y: 0 }, data: { config: { value: '{{ ((( }}' } } };
      const wf = await create({
        name: 'broken hook',
        canvasData: { nodes: [hook, reply], edges: [{ id: 'e', source: 'h', target: 'r' }] },
      });

      const res = await request(app).post(wf.webhookPath).send({});

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('workflow_invalid');
    });
  });

  describe('executions housekeeping', () => {
    it('pages and filters executions, and refuses a forged cursor', async () => {
      const wf = await create({ name: 'many runs', canvasData: graphOf(text('a', 'x')) });
      for (let i = 0; i < 3; i++) await request(app).post(`/api/workflows/${wf.id}/execute?wait=10`).set(as(owner)).send({});

      const first = await request(app).get(`/api/executions?workflowId=${wf.id}&limit=2&status=succeeded`).set(as(owner));
      const second = await request(app)
        .get(`/api/executions?workflowId=${wf.id}&limit=2&cursor=${first.body.nextCursor}`)
        .set(as(owner));
      const ranged = await request(app)
        .get(`/api/executions?workflowId=${wf.id}&from=2000-01-01T00:00:00Z&to=2000-01-02T00:00:00Z`)
        .set(as(owner));
      const forged = await request(app).get('/api/executions?cursor=eA').set(as(owner));

      expect(first.body.items).toHaveLength(2);
      expect(second.body.items).toHaveLength(1);
      expect(ranged.body.items).toEqual([]);
      expect(forged.status).toBe(400);
    });

    it('cancels a pending execution at once', async () => {
      const idle = createServices(testDeps(test.db)); // no worker: the execution stays pending
      const local = createApp(testDeps(test.db), idle);
      const wf = await create({ name: 'never picked', canvasData: graphOf(text('a', 'x')) });

      const accepted = await request(local).post(`/api/workflows/${wf.id}/execute`).set(as(owner)).send({});
      const cancelled = await request(local).post(`/api/executions/${accepted.body.id}/cancel`).set(as(owner));
      const rerunMissing = await request(local).post('/api/executions/00000000-0000-4000-8000-000000000000/rerun').set(as(owner));

      expect(cancelled.body).toMatchObject({ status: 'cancelled', error: { code: 'cancelled' } });
      expect(rerunMissing.status).toBe(404);
    });

    it('recovers an execution whose worker stopped heartbeating, fails one that ran out of attempts, and deletes old ones', async () => {
      const idle = createApp(testDeps(test.db), createServices(testDeps(test.db))); // accepts, never runs
      const wf = await create({ name: 'recover', canvasData: graphOf(text('a', 'back')) });
      const orphan = await request(idle).post(`/api/workflows/${wf.id}/execute`).set(as(owner)).send({});
      const exhausted = await request(idle).post(`/api/workflows/${wf.id}/execute`).set(as(owner)).send({});
      const stale = `UPDATE workflow_executions SET status = 'running', worker_id = 'dead', attempts = $2, heartbeat_at = now() - interval '1 hour' WHERE id = $1`;
      await test.db.query(stale, [orphan.body.id, 1]);
      await test.db.query(stale, [exhausted.body.id, 2]);

      const outcome = await services.executions.reconcile();
      let recovered = '';
      for (let i = 0; i < 100 && recovered !== 'succeeded'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        recovered = (await request(app).get(`/api/executions/${orphan.body.id}`).set(as(owner))).body.status;
      }
      const lost = await request(app).get(`/api/executions/${exhausted.body.id}`).set(as(owner));
      await test.db.query(`UPDATE workflow_executions SET created_at = now() - interval '400 days' WHERE id = $1`, [
        exhausted.body.id,
      ]);
      const removed = await services.executions.cleanup();
      const afterCleanup = await request(app).get(`/api/executions/${exhausted.body.id}`).set(as(owner));

      expect(outcome).toMatchObject({ requeued: 1, failed: 1 });
      expect(recovered).toBe('succeeded');
      expect(lost.body).toMatchObject({ status: 'failed', error: { code: 'worker_lost' } });
      expect(removed).toBe(1);
      expect(afterCleanup.status).toBe(404);
    });
  });
});
