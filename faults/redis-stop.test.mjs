// Stop Redis during load (a private redis-server, stopped by pid and started again on its port,
// empty): requests keep being served and rate limits fall back to per-process counters (still
// enforced), executions accepted meanwhile are kept in Postgres and run once Redis is back (the
// reconciler re-queues them; the restarted Redis lost every job), and /api/ready tells the truth
// throughout: 200, 503 while Redis is down, 200 again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseEnv,
  call,
  createWorkflow,
  eventually,
  graph,
  isEnvelope,
  login,
  pool,
  registerOwner,
  report,
  scenarioDatabase,
  sleep,
  startApi,
  startRedis,
} from './lib.mjs';

const AUTH_PER_MIN = 15;

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
      EXECUTION_STALE_AFTER_MS: '2000',
      RECONCILE_INTERVAL_MS: '500',
      RATE_LIMIT_AUTH_PER_MIN: String(AUTH_PER_MIN),
      LOGIN_FAILURES_PER_IP: '1000',
      LOG_LEVEL: 'info',
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
  'Redis stopped under load: limits fall back, executions queue again, readiness is truthful',
  { timeout: 150_000 },
  async () => {
    const owner = await registerOwner(api.url);
    const { token } = owner;
    const wf = await createWorkflow(api.url, token, 'quick', graph([['t', 'text', { text: 'ran {{ $trigger.n }}' }]]));
    const ready = [];
    let phase = 'before';
    let backAt = Infinity;
    let readyAgainMs;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const res = await call(api.url, 'GET', '/api/ready', { timeoutMs: 5000 });
        // Once Redis is back, readiness turns 200 when the API has reconnected (ioredis backs off
        // up to 2 s); from the first 200 on it must stay 200.
        if (phase === 'transition-up' && res.status === 200) {
          phase = 'after';
          readyAgainMs = Date.now() - backAt;
        }
        ready.push({
          phase,
          status: res.status ?? res.error,
          redis: res.json?.details?.checks?.redis ?? res.json?.checks?.redis,
        });
        await sleep(150);
      }
    })();
    const execute = (n) =>
      call(api.url, 'POST', `/api/workflows/${wf.id}/execute`, { token, body: { input: { n } }, timeoutMs: 10_000 });
    const statuses = async (ids) =>
      (await db.query('SELECT id, status, output_data FROM workflow_executions WHERE id = ANY ($1::uuid[])', [ids])).rows;

    // Before: executions run.
    const first = await Promise.all([1, 2, 3].map(execute));
    const firstDone = await eventually(
      () => statuses(first.map((r) => r.json?.id)),
      (rows) => Array.isArray(rows) && rows.length === 3 && rows.every((r) => r.status === 'succeeded'),
      20_000,
    );
    assert.ok(
      Array.isArray(firstDone) && firstDone.every((r) => r.status === 'succeeded'),
      `before the stop: ${JSON.stringify(firstDone)}`,
    );

    // Redis goes away.
    await redis.stop();
    phase = 'transition';
    await sleep(1000);
    phase = 'down';
    const startedDown = Date.now();
    const reads = await Promise.all(
      Array.from({ length: 20 }, () => call(api.url, 'GET', '/api/workflows', { token, timeoutMs: 10_000 })),
    );
    const accepted = [];
    for (let n = 0; n < 10; n++) accepted.push(await execute(100 + n));
    const acceptMs = Date.now() - startedDown;
    const logins = [];
    for (let i = 0; i < AUTH_PER_MIN + 10; i++)
      logins.push(
        await login(api.url, owner.email)
          .then(() => 200)
          .catch((e) => e.message),
      );
    const limited = await call(api.url, 'POST', '/api/auth/login', { body: { email: owner.email, password: 'x'.repeat(12) } });
    await sleep(1000);
    const pendingWhileDown = await statuses(accepted.map((r) => r.json?.id));

    // Redis is back, empty: the jobs of the executions accepted meanwhile are gone.
    await redis.start();
    backAt = Date.now();
    phase = 'transition-up';
    const done = await eventually(
      () => statuses(accepted.map((r) => r.json?.id)),
      (rows) => Array.isArray(rows) && rows.length === accepted.length && rows.every((r) => r.status === 'succeeded'),
      30_000,
      200,
    );
    const recoveredMs = Date.now() - backAt;
    const afterRun = await Promise.all([7, 8].map(execute));
    const afterDone = await eventually(
      () => statuses(afterRun.map((r) => r.json?.id)),
      (rows) => Array.isArray(rows) && rows.every((r) => r.status === 'succeeded'),
      20_000,
    );
    // Readiness follows the API's own Redis client, which reconnects on its own schedule: wait
    // (bounded) for the first 200, then watch it stay 200.
    await eventually(
      async () => readyAgainMs,
      (v) => v !== undefined,
      15_000,
    );
    await sleep(1500);
    polling = false;
    await poller;

    const byPhase = (p) => [...new Set(ready.filter((r) => r.phase === p).map((r) => r.status))];
    const loginsOk = logins.filter((s) => s === 200).length;
    report('redis-stop', {
      readsWhileDown: [...new Set(reads.map((r) => r.status ?? r.error))],
      acceptedWhileDown: [...new Set(accepted.map((r) => r.status ?? r.error))],
      acceptMs,
      loginsOkWhileDown: loginsOk,
      loginsLimitedWhileDown: logins.length - loginsOk,
      loginOutcomes: [...new Set(logins.map((s) => String(s).slice(0, 80)))],
      pendingWhileDown: [...new Set(pendingWhileDown.map((r) => r.status))],
      ranAfterMs: recoveredMs,
      ready: { before: byPhase('before'), down: byPhase('down'), after: byPhase('after'), readyAgainMs },
    });

    assert.deepEqual(
      reads.map((r) => r.status),
      reads.map(() => 200),
      'authenticated, rate-limited reads are served while Redis is down',
    );
    assert.deepEqual(
      accepted.map((r) => r.status),
      accepted.map(() => 202),
      'executions are accepted while Redis is down',
    );
    assert.ok(acceptMs < 10_000, `accepting 10 executions took ${acceptMs} ms`);
    // The fallback counters still limit: the auth tier allows AUTH_PER_MIN per minute per IP.
    assert.ok(loginsOk >= 1 && loginsOk <= AUTH_PER_MIN, `logins allowed while down: ${loginsOk}`);
    assert.ok(
      logins.slice(-5).every((s) => /429/.test(String(s))),
      `the last logins: ${logins.slice(-5)}`,
    );
    assert.equal(limited.status, 429);
    assert.ok(isEnvelope(limited.json) && limited.json.code === 'rate_limited' && Number(limited.headers['retry-after']) > 0);
    assert.ok(
      pendingWhileDown.every((r) => r.status === 'pending'),
      'accepted executions wait in Postgres',
    );
    assert.ok(Array.isArray(done) && done.every((r) => r.status === 'succeeded'), `after Redis is back: ${JSON.stringify(done)}`);
    assert.ok(done.every((r) => /^ran 1\d\d$/.test(r.output_data?.t)));
    assert.ok(Array.isArray(afterDone) && afterDone.every((r) => r.status === 'succeeded'));
    assert.deepEqual(byPhase('before'), [200]);
    assert.deepEqual(byPhase('down'), [503]);
    assert.deepEqual(byPhase('after'), [200]);
    assert.ok(readyAgainMs < 10_000, `ready again ${readyAgainMs} ms after Redis was back`);
    assert.ok(api.alive());
  },
);
