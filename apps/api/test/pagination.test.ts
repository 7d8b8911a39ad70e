import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../src/app';
import { createTestDatabase, type TestDatabase } from './db';
import { registerOwner, type SignedInUser } from './factories';
import { testConfig, testDeps } from './test-app';

/**
 * Keyset pagination must not lose rows that share a timestamp: rows written by one statement (a
 * group-committed batch of webhook runs, a bulk update) get the same microsecond `now()`, and a
 * cursor rounded to milliseconds used to skip every one of them after the page boundary.
 */
describe('cursor pagination over rows that share a timestamp', () => {
  let test: TestDatabase;
  let app: Express;
  let owner: SignedInUser;
  let services: Services;
  const SAME_INSTANT = '2026-11-02T10:00:00.123456Z';

  beforeAll(async () => {
    test = await createTestDatabase();
    const deps = testDeps(test.db, { config: testConfig() });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await test.drop();
  });

  const auth = () => ({ Authorization: `Bearer ${owner.token}` });

  /** The ids of the owner's organization's rows in `table`, sorted. */
  async function storedIds(table: 'audit_log' | 'error_groups'): Promise<string[]> {
    const { rows } = await test.db.query<{ id: string }>(`SELECT id FROM ${table} WHERE organization_id = $1`, [
      owner.user.organizationId,
    ]);
    return rows.map((r) => r.id).sort();
  }

  /** Follows nextCursor one row at a time and returns every id seen. */
  async function walk(path: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const url = `${path}${path.includes('?') ? '&' : '?'}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await request(app).get(url).set(auth());
      expect(res.status).toBe(200);
      ids.push(...(res.body.items as { id: string }[]).map((i) => i.id));
      cursor = res.body.nextCursor as string | null;
      if (!cursor) break;
    }
    return ids;
  }

  it('lists every workflow of a bulk update, one per page', async () => {
    const created: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({ name: `same instant ${i}` });
      expect(res.status).toBe(201);
      created.push(res.body.id as string);
    }
    await test.db.query('UPDATE workflows SET updated_at = $2 WHERE organization_id = $1', [
      owner.user.organizationId,
      SAME_INSTANT,
    ]);

    const ids = await walk('/api/workflows');

    expect([...ids].sort()).toEqual([...created].sort());
  });

  it('lists every execution of one batch, one per page', async () => {
    const wf = await request(app)
      .post('/api/workflows')
      .set(auth())
      .send({
        name: 'batch',
        canvasData: { nodes: [{ id: 't', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'hi' } } }], edges: [] },
      });
    expect(wf.status).toBe(201);
    const runs: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await request(app)
        .post(`/api/workflows/${wf.body.id as string}/execute?wait=10`)
        .set(auth())
        .send({ input: {} });
      expect(res.status).toBe(200);
      runs.push(res.body.id as string);
    }
    await test.db.query('UPDATE workflow_executions SET created_at = $2 WHERE organization_id = $1', [
      owner.user.organizationId,
      SAME_INSTANT,
    ]);

    const ids = await walk(`/api/executions?workflowId=${wf.body.id as string}`);

    expect([...ids].sort()).toEqual([...runs].sort());
  });

  it('lists every audit entry written at one instant, one per page', async () => {
    // The audit log is append-only: entries of one instant are inserted as one statement would.
    await test.db.query(
      `INSERT INTO audit_log (organization_id, action, created_at) SELECT $1, 'test.same_instant', $2 FROM generate_series(1, 4)`,
      [owner.user.organizationId, SAME_INSTANT],
    );
    const ids = await walk('/api/audit-log');

    expect([...ids].sort()).toEqual(await storedIds('audit_log'));
  });

  it('lists every error group last seen at one instant, one per page', async () => {
    await test.db.query(
      `INSERT INTO error_groups (organization_id, fingerprint, source, error_type, title, location, first_seen_at, last_seen_at, window_start)
       SELECT $1, lpad(n::text, 64, '0'), 'api', 'test_error', 'Test error ' || n, 'GET /api/test', $2, $2, $2
       FROM generate_series(1, 4) AS n`,
      [owner.user.organizationId, SAME_INSTANT],
    );
    const ids = await walk('/api/errors?status=open');

    expect([...ids].sort()).toEqual(await storedIds('error_groups'));
  });

  it('refuses a cursor it did not issue', async () => {
    const forged = Buffer.from('yesterday|not-an-id').toString('base64url');

    const res = await request(app).get(`/api/workflows?cursor=${forged}`).set(auth());

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});
