import { Client } from 'pg';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../../app';
import { createTestDatabase, usesPostgres, type TestDatabase } from '../../../test/db';
import { captureLogger, testDeps } from '../../../test/test-app';
import { registerOwner, type SignedInUser } from '../../../test/factories';
import type { Database } from '../../lib/db';
import { insertApiRequests, type ApiRequestRow } from './analytics.repo';
import { percentileFromHistogram } from './analytics.service';
import { registry } from '../../lib/metrics';
import { createRequestRecorder } from './request-recorder';

const HOUR = '2026-01-05T10';

describe('analytics (API, real database)', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let owner: SignedInUser;
  let org: string;

  beforeAll(async () => {
    test = await createTestDatabase();
    const deps = testDeps(test.db);
    services = createServices(deps);
    app = createApp(deps, services);
    owner = await registerOwner(app);
    org = owner.user.organizationId;
  });
  afterAll(async () => {
    await services.requests.flush();
    await test.drop();
  });

  const auth = (user: SignedInUser = owner) => ({ Authorization: `Bearer ${user.token}` });
  const row = (
    at: string,
    endpoint: string,
    statusCode: number,
    responseTimeMs: number,
    organizationId = org,
  ): ApiRequestRow => ({
    organizationId,
    userId: null,
    apiKeyId: null,
    endpoint,
    method: 'GET',
    statusCode,
    responseTimeMs,
    requestSize: null,
    responseSize: 100,
    at: new Date(at),
  });

  describe('GET /api/analytics/requests against a hand-computed fixture', () => {
    beforeAll(async () => {
      // 10:05 — five requests on two routes; 11:10 — two more. Latencies sorted: 10 20 30 40 50 60 100.
      await insertApiRequests(test.db, [
        row(`${HOUR}:05:00Z`, '/api/a', 200, 10),
        row(`${HOUR}:05:10Z`, '/api/a', 200, 20),
        row(`${HOUR}:05:20Z`, '/api/a', 404, 30),
        row(`${HOUR}:05:30Z`, '/api/b', 500, 40),
        row(`${HOUR}:05:40Z`, '/api/b', 200, 100),
      ]);
      await insertApiRequests(test.db, [
        row('2026-01-05T11:10:00Z', '/api/a', 200, 50),
        row('2026-01-05T11:10:05Z', '/api/a', 500, 60),
      ]);
      // Another organization's traffic in the same hours is never counted.
      const other = await registerOwner(app);
      await insertApiRequests(test.db, [row(`${HOUR}:06:00Z`, '/api/a', 500, 5000, other.user.organizationId)]);
    });

    it('minute buckets: exact counts and percentile_cont latencies from the rows', async () => {
      const res = await request(app)
        .get('/api/analytics/requests?from=2026-01-05T10:00:00Z&to=2026-01-05T11:30:00Z&bucket=minute')
        .set(auth());

      expect(res.status).toBe(200);
      // p50 of 7 values = the 4th (40); p95: rank 0.95*6 = 5.7 → 60 + 0.7*(100-60) = 88; p99: 60 + 0.94*40 = 97.6.
      expect(res.body.totals).toEqual({
        requests: 7,
        serverErrors: 2,
        clientErrors: 1,
        errorRate: 0.2857,
        p50Ms: 40,
        p95Ms: 88,
        p99Ms: 97.6,
      });
      expect(res.body.series).toHaveLength(90);
      expect(res.body.series[5]).toMatchObject({
        t: '2026-01-05T10:05:00.000Z',
        requests: 5,
        serverErrors: 1,
        clientErrors: 1,
        p50Ms: 30,
      });
      expect(res.body.series[70]).toMatchObject({ t: '2026-01-05T11:10:00.000Z', requests: 2, serverErrors: 1, p50Ms: 55 });
      expect(res.body.series[0]).toMatchObject({ requests: 0, p50Ms: null });
      // Route a: 10 20 30 50 60 (p50 30), 1 server error of 5; route b: 40 100 (p50 70), 1 of 2.
      expect(res.body.routes).toEqual([
        expect.objectContaining({ method: 'GET', endpoint: '/api/a', requests: 5, serverErrors: 1, errorRate: 0.2, p50Ms: 30 }),
        expect.objectContaining({ method: 'GET', endpoint: '/api/b', requests: 2, serverErrors: 1, errorRate: 0.5, p50Ms: 70 }),
      ]);
    });

    it('hour buckets: the same counts from the rollups, percentiles estimated inside their histogram bucket', async () => {
      const res = await request(app)
        .get('/api/analytics/requests?from=2026-01-05T10:00:00Z&to=2026-01-05T12:00:00Z&bucket=hour')
        .set(auth());

      expect(res.status).toBe(200);
      // Buckets [40,50) holds the 4th value: p50 rank 3.5 → 40 + 0.5*10 = 45. p95 rank 6.65 is in
      // [100,125): 100 + 0.65*25 = 116.25; p99 100 + 0.93*25 = 123.25 (the histogram's resolution).
      expect(res.body.totals).toEqual({
        requests: 7,
        serverErrors: 2,
        clientErrors: 1,
        errorRate: 0.2857,
        p50Ms: 45,
        p95Ms: 116.25,
        p99Ms: 123.25,
      });
      expect(res.body.series.map((s: { requests: number }) => s.requests)).toEqual([5, 2]);
      expect(res.body.routes.map((r: { endpoint: string; requests: number }) => [r.endpoint, r.requests])).toEqual([
        ['/api/a', 5],
        ['/api/b', 2],
      ]);
    });

    it('validates the range and bucket, and keeps platform-wide numbers to platform administrators', async () => {
      const bad = await request(app).get('/api/analytics/requests?from=2026-01-05T12:00:00Z&to=2026-01-05T10:00:00Z').set(auth());
      expect(bad.status).toBe(400);
      expect(bad.body.details.issues[0].path).toBe('query.from');
      const tooMany = await request(app)
        .get('/api/analytics/requests?from=2026-01-01T00:00:00Z&to=2026-01-30T00:00:00Z&bucket=minute')
        .set(auth());
      expect(tooMany.status).toBe(400);
      expect(tooMany.body.details.issues[0].path).toBe('query.bucket');
      expect((await request(app).get('/api/analytics/requests?from=2020-01-01T00:00:00Z').set(auth())).status).toBe(400);
      expect((await request(app).get('/api/analytics/requests?bucket=week').set(auth())).status).toBe(400);
      expect((await request(app).get('/api/analytics/requests?from=yesterday').set(auth())).status).toBe(400);
      expect((await request(app).get('/api/analytics/requests?scope=platform').set(auth())).status).toBe(403);
      expect((await request(app).get('/api/analytics/requests')).status).toBe(401);

      await test.db.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [owner.user.id]);
      const admin = await registerOwner(app);
      await test.db.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [admin.user.id]);
      const platform = await request(app)
        .get('/api/analytics/requests?from=2026-01-05T10:00:00Z&to=2026-01-05T11:30:00Z&bucket=minute&scope=platform')
        .set(auth(admin));
      expect(platform.status).toBe(200);
      expect(platform.body.totals.requests).toBe(8);
    });
  });

  describe('GET /api/analytics/executions and /ai against a hand-computed fixture', () => {
    beforeAll(async () => {
      const wf = await request(app)
        .post('/api/workflows')
        .set(auth())
        .send({ name: 'Billing sync', canvasData: { nodes: [], edges: [] } });
      const workflowId = wf.body.id as string;
      // 2 succeeded (100, 300 ms), 1 failed (200 ms, its http step failed), 1 timed out (400 ms).
      const runs: [string, number][] = [
        ['succeeded', 100],
        ['failed', 200],
        ['succeeded', 300],
        ['timed_out', 400],
      ];
      for (const [i, [status, ms]] of runs.entries()) {
        const { rows } = await test.db.query<{ id: string }>(
          `INSERT INTO workflow_executions (organization_id, workflow_id, status, duration_ms, created_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [org, workflowId, status, ms, `2026-02-01T0${i}:30:00Z`],
        );
        await test.db.query(
          `INSERT INTO execution_steps (organization_id, execution_id, seq, node_id, node_type, status, duration_ms)
           VALUES ($1, $2, 0, 'call', 'http.request', $3, $4)`,
          [org, rows[0]?.id, status === 'failed' ? 'failed' : 'succeeded', ms / 2],
        );
      }
      await test.db.query(
        `INSERT INTO ai_usage (organization_id, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, created_at) VALUES
         ($1, 'openai', 'openai/gpt-4o-mini', 100, 10, 0.0001, 200, '2026-02-01T00:10:00Z'),
         ($1, 'openai', 'openai/gpt-4o-mini', 300, 30, 0.0002, 400, '2026-02-01T01:10:00Z'),
         ($1, 'local', 'local/summarize', 50, 5, 0, 2, '2026-02-01T01:20:00Z')`,
        [org],
      );
    });

    it('counts executions by status, workflow and node type', async () => {
      const res = await request(app)
        .get('/api/analytics/executions?from=2026-02-01T00:00:00Z&to=2026-02-01T04:00:00Z&bucket=hour')
        .set(auth());

      expect(res.status).toBe(200);
      // Success rate 2 of 4 finished. Durations 100 200 300 400 in the histogram: p50 rank 2 ends bucket [200, 250) → 250;
      // p95 rank 3.8 is in [400, 500) → 400 + 0.8 × 100 = 480 (exact: 385; the estimate is within one bucket).
      expect(res.body.totals).toEqual({
        total: 4,
        succeeded: 2,
        failed: 1,
        timedOut: 1,
        cancelled: 0,
        running: 0,
        successRate: 0.5,
        p50DurationMs: 250,
        p95DurationMs: 480,
      });
      expect(res.body.series.map((s: { succeeded: number; failed: number }) => [s.succeeded, s.failed])).toEqual([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]);
      expect(res.body.workflows).toEqual([
        expect.objectContaining({ name: 'Billing sync', total: 4, failed: 2, successRate: 0.5, avgDurationMs: 250 }),
      ]);
      // Step durations 50 100 150 200: p95 rank 3.8 falls in the histogram's [200, 250) bucket → 200 + 0.8 × 50.
      expect(res.body.steps).toEqual([{ nodeType: 'http.request', runs: 4, failed: 1, avgDurationMs: 125, p95DurationMs: 240 }]);
      expect(res.body.stepsSampleRuns).toBe(4);
      expect(res.body.failingNodes).toEqual([
        expect.objectContaining({ workflowName: 'Billing sync', nodeId: 'call', failures: 1 }),
      ]);
    });

    it('sums AI calls, tokens and exact cost by provider and model', async () => {
      const res = await request(app)
        .get('/api/analytics/ai?from=2026-02-01T00:00:00Z&to=2026-02-01T02:00:00Z&bucket=hour')
        .set(auth());

      expect(res.status).toBe(200);
      expect(res.body.totals).toEqual({ calls: 3, inputTokens: 450, outputTokens: 45, costUsd: '0.0003' });
      expect(res.body.models).toEqual([
        {
          provider: 'openai',
          model: 'openai/gpt-4o-mini',
          calls: 2,
          inputTokens: 400,
          outputTokens: 40,
          costUsd: '0.0003',
          avgLatencyMs: 300,
        },
        {
          provider: 'local',
          model: 'local/summarize',
          calls: 1,
          inputTokens: 50,
          outputTokens: 5,
          costUsd: '0',
          avgLatencyMs: 2,
        },
      ]);
      expect(res.body.series).toEqual([
        { t: '2026-02-01T00:00:00.000Z', calls: 1, tokens: 110, costUsd: '0.0001' },
        { t: '2026-02-01T01:00:00.000Z', calls: 2, tokens: 385, costUsd: '0.0002' },
      ]);
    });

    it('counts captured errors over time', async () => {
      services.errorIq.capture({
        source: 'api',
        organizationId: org,
        errorType: 'Error',
        message: 'x 1',
        location: 'GET /x',
        at: new Date('2026-02-01T00:30:00Z'),
      });
      services.errorIq.capture({
        source: 'api',
        organizationId: org,
        errorType: 'Error',
        message: 'x 2',
        location: 'GET /x',
        at: new Date('2026-02-01T00:40:00Z'),
      });
      await services.errorIq.flush();

      const res = await request(app)
        .get('/api/analytics/errors?from=2026-02-01T00:00:00Z&to=2026-02-01T02:00:00Z&bucket=hour')
        .set(auth());

      expect(res.status).toBe(200);
      expect(res.body.series).toEqual([
        { t: '2026-02-01T00:00:00.000Z', occurrences: 2 },
        { t: '2026-02-01T01:00:00.000Z', occurrences: 0 },
      ]);
      expect(res.body.groups).toEqual([expect.objectContaining({ title: 'x <n>', location: 'GET /x', occurrences: 2 })]);
      expect(res.body.totals).toEqual({ occurrences: 2, groups: 1 });
    });
  });

  it('answers zeros and nulls for an organization without data, by every bucket size', async () => {
    const empty = await registerOwner(app);
    const range = 'from=2025-01-01T00:00:00Z&to=2025-01-03T00:00:00Z';

    const [minute, hour, executions, ai] = await Promise.all([
      request(app).get(`/api/analytics/requests?${range}&bucket=hour`).set(auth(empty)),
      request(app).get(`/api/analytics/requests?from=2025-01-01T00:00:00Z&to=2025-01-01T01:00:00Z`).set(auth(empty)),
      request(app).get(`/api/analytics/executions?${range}&bucket=day`).set(auth(empty)),
      request(app).get(`/api/analytics/ai?${range}`).set(auth(empty)),
    ]);

    expect(minute.body.totals).toEqual({
      requests: 0,
      serverErrors: 0,
      clientErrors: 0,
      errorRate: 0,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
    });
    expect(minute.body.series).toHaveLength(48);
    expect(hour.body.range.bucket).toBe('minute');
    expect(hour.body.totals.p50Ms).toBeNull();
    expect(executions.body.totals).toMatchObject({ total: 0, successRate: null, p50DurationMs: null, p95DurationMs: null });
    expect(executions.body.series).toHaveLength(2);
    expect(executions.body.stepsSampleRuns).toBe(0);
    expect(ai.body.totals).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: '0' });
    expect(ai.body.range.bucket).toBe('hour');
  });

  describe('request recorder', () => {
    it('records API requests off the request path with their route template and caller', async () => {
      await request(app).get('/api/workflows').set(auth()).expect(200);
      await request(app).get('/api/health').expect(200);
      await request(app).get('/api/nope').expect(404);
      await services.requests.flush();

      const { rows } = await test.db.query<{
        endpoint: string;
        user_id: string | null;
        status_code: number;
        organization_id: string | null;
      }>(
        "SELECT endpoint, user_id, status_code, organization_id FROM api_requests WHERE created_at > now() - interval '1 minute' ORDER BY created_at",
      );

      expect(rows).toEqual(
        expect.arrayContaining([
          { endpoint: '/api/workflows', user_id: owner.user.id, status_code: 200, organization_id: org },
          { endpoint: '(unmatched)', user_id: null, status_code: 404, organization_id: null },
        ]),
      );
      expect(rows.some((r) => r.endpoint.includes('health'))).toBe(false);
    });

    it('never waits: a burst past the buffer is dropped and counted, the rest goes in a few batched statements', async () => {
      let statements = 0;
      const counting: Database = {
        ...test.db,
        query: (text, params, options) => ((statements += 1), test.db.query(text, params, options)),
      };
      const log = captureLogger('warn');
      const recorder = createRequestRecorder(counting, log.log, { maxBuffered: 1000, maxBatch: 500 });
      const started = performance.now();

      for (let i = 0; i < 5000; i++) recorder.record(row(`2026-03-01T00:00:00Z`, '/api/burst', 200, i % 100));
      const elapsedMs = performance.now() - started;
      await recorder.flush();

      expect(elapsedMs).toBeLessThan(1000);
      expect(recorder.stats()).toEqual({ buffered: 0, written: 1000, dropped: 4000, failed: 0 });
      expect(statements).toBeLessThanOrEqual(3);
      expect(log.text()).toContain('request analytics buffer full');
      expect(await registry.getSingleMetricAsString('auterity_request_analytics_rows_total')).toMatch(
        /outcome="dropped"\} [1-9]/,
      );
      const { rows } = await test.db.query<{ n: string; requests: string }>(
        `SELECT (SELECT count(*) FROM api_requests WHERE endpoint = '/api/burst') AS n,
                (SELECT sum(requests) FROM api_request_rollups WHERE endpoint = '/api/burst') AS requests`,
      );
      expect(rows[0]).toEqual({ n: '1000', requests: '1000' });
    });

    (usesPostgres ? it : it.skip)(
      'keeps answering requests while the analytics table is locked, then writes the rows',
      async () => {
        const locker = new Client({ connectionString: test.url });
        await locker.connect();
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE api_requests IN ACCESS EXCLUSIVE MODE');
        try {
          const started = performance.now();
          for (let i = 0; i < 20; i++) await request(app).get('/api/workflows').set(auth()).expect(200);
          expect(performance.now() - started).toBeLessThan(5000);
          expect(services.requests.stats().buffered).toBeGreaterThan(0);
        } finally {
          await locker.query('ROLLBACK');
          await locker.end();
        }
        await services.requests.flush();
        expect(services.requests.stats().buffered).toBe(0);
      },
    );

    it('counts a failed batch instead of retrying it row by row', async () => {
      const log = captureLogger('warn');
      const recorder = createRequestRecorder(test.db, log.log);

      recorder.record({
        ...row('2026-03-01T00:00:00Z', '/api/bad', 200, 1),
        organizationId: '00000000-0000-4000-8000-000000000000',
      });
      await recorder.flush();

      expect(recorder.stats()).toMatchObject({ written: 0, failed: 1 });
      expect(log.text()).toContain('could not write request analytics');
    });
  });

  describe('retention', () => {
    it('deletes rows past each plan’s retention and keeps the rest', async () => {
      const pro = await registerOwner(app);
      await test.db.query("UPDATE organizations SET subscription_tier = 'professional' WHERE id = $1", [pro.user.organizationId]);
      const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000).toISOString();
      await insertApiRequests(test.db, [
        row(tenDaysAgo, '/api/old', 200, 5),
        row(new Date().toISOString(), '/api/new', 200, 5),
        row(tenDaysAgo, '/api/old', 200, 5, pro.user.organizationId),
      ]);

      const deleted = await services.analytics.applyRetention();
      services.retention.start(3_600_000);
      services.retention.start(3_600_000);
      services.retention.stop();
      await services.retention.settled();

      expect(deleted).toBeGreaterThanOrEqual(1);
      const { rows } = await test.db.query<{ organization_id: string; endpoint: string }>(
        "SELECT organization_id, endpoint FROM api_requests WHERE endpoint IN ('/api/old', '/api/new')",
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { organization_id: org, endpoint: '/api/new' },
          { organization_id: pro.user.organizationId, endpoint: '/api/old' },
        ]),
      );
      expect(rows).toHaveLength(2);
    });
  });

  it('estimates percentiles from a histogram', () => {
    expect(percentileFromHistogram([0, 0], 0.5)).toBeNull();
    expect(percentileFromHistogram([0, 4], 0.5)).toBe(3);
  });
});
