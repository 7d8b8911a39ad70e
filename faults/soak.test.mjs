// A soak at moderate, steady load (FAULTS_SOAK_MS, default 5 minutes; FAULTS_SOAK_RPS, default 40
// requests/s): reads, queued executions, synchronous webhooks, through rate limiting and the
// in-process worker. No request may fail, no execution may be left unfinished, and the API's RSS
// may grow less than 15% from just after the warm-up (the first fifth, at least 30 s) to the end.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import {
  baseEnv,
  call,
  createWorkflow,
  eventually,
  graph,
  percentile,
  pool,
  registerOwner,
  report,
  rssOf,
  scenarioDatabase,
  sleep,
  startApi,
  startRedis,
} from './lib.mjs';

const DURATION_MS = Number(process.env.FAULTS_SOAK_MS ?? 300_000);
const RPS = Number(process.env.FAULTS_SOAK_RPS ?? 40);
const WARMUP_MS = Math.max(30_000, DURATION_MS / 5);
const WINDOW_MS = Math.min(30_000, (DURATION_MS - WARMUP_MS) / 3);
const MAX_GROWTH = 0.15;

let database;
let redis;
let api;
let db;

before(async () => {
  database = await scenarioDatabase();
  redis = await startRedis();
  api = await startApi(
    baseEnv({
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      RUN_WORKER_IN_API: 'true',
      // The limiter runs on every request, with limits this load stays under.
      RATE_LIMIT_IP_PER_MIN: '1000000',
      RATE_LIMIT_ACTOR_PER_MIN: '1000000',
      RATE_LIMIT_ORG_PER_MIN: '1000000',
      RATE_LIMIT_WEBHOOK_PER_MIN: '1000000',
    }),
  );
  db = pool(database.url);
});

after(async () => {
  await api?.stop();
  await db?.end();
  await redis?.stop();
  await database?.drop();
});

test(
  `soak: ${Math.round(DURATION_MS / 1000)} s at ${RPS} requests/s, no error, RSS growth under 15%`,
  { timeout: DURATION_MS + 120_000 },
  async () => {
    const { token } = await registerOwner(api.url);
    const queued = await createWorkflow(
      api.url,
      token,
      'queued',
      graph(
        [
          ['shape', 'transform', { expression: '{ "n": n, "double": n * 2 }' }],
          ['t', 'text', { text: 'n={{ $nodes.shape.n }}' }],
        ],
        [['shape', 't']],
      ),
    );
    const hook = await createWorkflow(
      api.url,
      token,
      'hook',
      graph(
        [
          ['hook', 'trigger.webhook'],
          ['reply', 'respond', { value: '{{ $trigger.body }}' }],
        ],
        [['hook', 'reply']],
      ),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    let n = 0;
    const mix = [
      () => [call(api.url, 'GET', '/api/workflows?limit=20', { token, agent }), 200],
      () => [call(api.url, 'GET', `/api/workflows/${queued.id}`, { token, agent }), 200],
      () => [call(api.url, 'POST', `/api/workflows/${queued.id}/execute`, { token, agent, body: { input: { n: n++ } } }), 202],
      () => [call(api.url, 'POST', hook.webhookPath, { agent, body: { n: n++ } }), 200],
      () => [call(api.url, 'GET', '/api/executions?limit=20', { token, agent }), 200],
      () => [call(api.url, 'GET', '/api/health', { agent }), 200],
    ];
    const errors = [];
    const latencies = [];
    const rss = [];
    let sent = 0;
    const inFlight = new Set();
    const started = Date.now();
    const sampler = setInterval(() => rss.push({ at: Date.now() - started, bytes: rssOf(api.pid) }), 2000);

    // Open loop at a fixed rate: request i is issued at started + i / RPS.
    while (Date.now() - started < DURATION_MS) {
      const [promise, expected] = mix[sent % mix.length]();
      const t0 = performance.now();
      const tracked = promise.then((res) => {
        latencies.push(performance.now() - t0);
        if (res.status !== expected && errors.length < 50)
          errors.push({ expected, status: res.status, error: res.error, body: res.text?.slice(0, 200) });
        else if (res.status !== expected) errors.push(null);
        inFlight.delete(tracked);
      });
      inFlight.add(tracked);
      sent++;
      const next = started + (sent * 1000) / RPS;
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
    }
    await Promise.all([...inFlight]);
    clearInterval(sampler);
    agent.destroy();

    const unfinished = await eventually(
      async () =>
        Number(
          (await db.query("SELECT count(*)::int AS n FROM workflow_executions WHERE status IN ('pending', 'running')")).rows[0].n,
        ),
      (v) => v === 0,
      30_000,
      250,
    );
    const executions = (await db.query('SELECT status, count(*)::int AS n FROM workflow_executions GROUP BY status')).rows;
    const windowMedian = (from, to) =>
      percentile(
        rss.filter((s) => s.at >= from && s.at < to).map((s) => s.bytes),
        50,
      );
    const baseline = windowMedian(WARMUP_MS, WARMUP_MS + WINDOW_MS);
    const final = windowMedian(DURATION_MS - WINDOW_MS, DURATION_MS + 1);
    const growth = final / baseline - 1;
    const mb = (b) => Math.round((b / 1048576) * 10) / 10;
    report('soak', {
      durationSec: Math.round(DURATION_MS / 1000),
      rps: RPS,
      requests: sent,
      errors: errors.length,
      p50Ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99Ms: Math.round(percentile(latencies, 99) * 10) / 10,
      rssStartMb: mb(rss[0]?.bytes ?? 0),
      rssAfterWarmupMb: mb(baseline),
      rssEndMb: mb(final),
      rssPeakMb: mb(Math.max(...rss.map((s) => s.bytes))),
      growthPct: Math.round(growth * 1000) / 10,
      executions,
      unfinished,
    });

    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} failed requests`);
    assert.equal(unfinished, 0, 'executions left pending or running');
    assert.ok(
      executions.every((e) => e.status === 'succeeded'),
      JSON.stringify(executions),
    );
    assert.ok(sent >= (DURATION_MS / 1000) * RPS * 0.95, `only ${sent} requests were sent`);
    assert.ok(baseline > 0 && final > 0, 'RSS samples missing');
    assert.ok(growth < MAX_GROWTH, `RSS grew ${(growth * 100).toFixed(1)}% (from ${mb(baseline)} MB to ${mb(final)} MB)`);
    assert.ok(api.alive());
  },
);
