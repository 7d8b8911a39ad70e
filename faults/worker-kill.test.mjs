// SIGKILL a worker in the middle of 100 running executions (queued mode: BullMQ on Redis, two worker
// processes, the API runs none): every execution ends succeeded or failed with a reason; none is
// lost, none stuck. Recovery is the reconciler's: a running execution without a heartbeat for
// EXECUTION_STALE_AFTER_MS goes back to the queue, until EXECUTION_MAX_ATTEMPTS.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseEnv,
  call,
  createWorkflow,
  eventually,
  graph,
  pool,
  registerOwner,
  report,
  scenarioDatabase,
  startApi,
  startRedis,
  startWorker,
} from './lib.mjs';

const TOTAL = 100;
const DELAY_MS = 4000;

let database;
let redis;
let api;
let db;
const workers = [];

before(async () => {
  database = await scenarioDatabase();
  redis = await startRedis();
  const env = baseEnv({
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    RATE_LIMIT_ENABLED: 'false',
    RUN_WORKER_IN_API: 'false',
    EXECUTION_STALE_AFTER_MS: '2000',
    RECONCILE_INTERVAL_MS: '500',
    WORKER_CONCURRENCY: '60',
    WORKER_CONCURRENCY_PER_ORG: '60',
    LOG_LEVEL: 'info',
  });
  api = await startApi(env); // migrates the empty database
  for (let i = 0; i < 2; i++) workers.push(await startWorker({ ...env, MIGRATE_ON_START: 'false' }));
  db = pool(database.url);
});

after(async () => {
  await Promise.all(workers.map((w) => w.stop()));
  await api?.stop();
  await db?.end();
  await redis?.stop();
  await database?.drop();
});

test('a worker SIGKILLed mid-flight loses no execution and leaves none stuck', { timeout: 150_000 }, async () => {
  const { token } = await registerOwner(api.url);
  const wf = await createWorkflow(
    api.url,
    token,
    'slow',
    graph(
      [
        ['wait', 'delay', { ms: DELAY_MS }],
        ['t', 'text', { text: 'done {{ $trigger.n }}' }],
      ],
      [['wait', 't']],
    ),
  );
  const accepted = [];
  for (let batch = 0; batch < TOTAL / 10; batch++) {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(api.url, 'POST', `/api/workflows/${wf.id}/execute`, { token, body: { input: { n: batch * 10 + i } } }),
      ),
    );
    for (const a of answers) {
      assert.equal(a.status, 202, a.text);
      accepted.push(a.json.id);
    }
  }
  const byWorker = async () =>
    (
      await db.query(
        `SELECT worker_id, count(*)::int AS n FROM workflow_executions
         WHERE workflow_id = $1 AND status = 'running' GROUP BY worker_id ORDER BY n DESC`,
        [wf.id],
      )
    ).rows;
  const running = await eventually(
    byWorker,
    (rows) => Array.isArray(rows) && rows.length === 2 && rows.reduce((a, r) => a + r.n, 0) >= 90,
    20_000,
  );
  const victim = workers.find((w) => w.workerId === running[0]?.worker_id);
  assert.ok(victim, `no worker was running executions: ${JSON.stringify(running)}`);
  const victimRunning = running[0].n;

  victim.child.kill('SIGKILL');
  const killedAt = Date.now();
  const states = async () =>
    (
      await db.query(
        `SELECT id, status, attempts, worker_id, error, output_data FROM workflow_executions WHERE workflow_id = $1`,
        [wf.id],
      )
    ).rows;
  const final = await eventually(
    states,
    (rows) =>
      Array.isArray(rows) &&
      rows.length >= TOTAL &&
      rows.every((r) => ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(r.status)),
    90_000,
    250,
  );
  const settledMs = Date.now() - killedAt;
  const rows = Array.isArray(final) ? final : [];
  const count = (pred) => rows.filter(pred).length;
  const result = {
    accepted: accepted.length,
    rows: rows.length,
    runningAtKill: running.reduce((a, r) => a + r.n, 0),
    onVictim: victimRunning,
    succeeded: count((r) => r.status === 'succeeded'),
    failed: count((r) => r.status === 'failed'),
    other: count((r) => !['succeeded', 'failed'].includes(r.status)),
    rerun: count((r) => r.attempts > 1),
    settledMs,
  };
  report('worker-kill', result);

  assert.equal((await victim.exited).signal, 'SIGKILL');
  assert.deepEqual(new Set(rows.map((r) => r.id)), new Set(accepted), 'every accepted execution exists, and no other');
  for (const r of rows) {
    assert.ok(['succeeded', 'failed'].includes(r.status), `execution ${r.id} ended ${r.status}`);
    if (r.status === 'failed')
      assert.ok(typeof r.error?.code === 'string' && r.error.message, `failed without a reason: ${r.id}`);
    if (r.status === 'succeeded') assert.match(String(r.output_data?.t), /^done \d+$/);
  }
  // The victim's executions were taken over by the surviving worker.
  assert.ok(result.rerun >= victimRunning, `only ${result.rerun} of the victim's ${victimRunning} executions ran again`);
  const survivor = workers.find((w) => w !== victim);
  assert.ok(rows.filter((r) => r.attempts > 1).every((r) => r.worker_id === survivor.workerId));
  assert.ok(survivor.alive());
});
