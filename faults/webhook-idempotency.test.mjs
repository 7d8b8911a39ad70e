// The same webhook delivered 20 times at once with one Idempotency-Key: exactly one execution, and
// every caller gets that execution's answer. Both webhook kinds: synchronous (a Respond node, run
// while the caller waits) and queued (202, run by the worker).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  baseEnv,
  call,
  createWorkflow,
  graph,
  pool,
  registerOwner,
  report,
  scenarioDatabase,
  startApi,
  startRedis,
} from './lib.mjs';

let database;
let redis;
let api;
let db;

before(async () => {
  database = await scenarioDatabase();
  redis = await startRedis();
  api = await startApi(baseEnv({ DATABASE_URL: database.url, REDIS_URL: redis.url, RATE_LIMIT_ENABLED: 'false' }));
  db = pool(database.url);
});

after(async () => {
  await api?.stop();
  await db?.end();
  await redis?.stop();
  await database?.drop();
});

const countExecutions = async (workflowId) =>
  Number((await db.query('SELECT count(*)::int AS n FROM workflow_executions WHERE workflow_id = $1', [workflowId])).rows[0].n);

test('20 concurrent deliveries with one Idempotency-Key run a webhook once', { timeout: 120_000 }, async () => {
  const { token } = await registerOwner(api.url);
  const sync = await createWorkflow(
    api.url,
    token,
    'sync hook',
    graph(
      [
        ['hook', 'trigger.webhook'],
        ['wait', 'delay', { ms: 500 }],
        ['reply', 'respond', { value: '{{ $trigger.body }}', status: 201 }],
      ],
      [
        ['hook', 'wait'],
        ['wait', 'reply'],
      ],
    ),
  );
  const queued = await createWorkflow(
    api.url,
    token,
    'queued hook',
    graph(
      [
        ['hook', 'trigger.webhook'],
        ['wait', 'delay', { ms: 500 }],
        ['t', 'text', { text: 'done' }],
      ],
      [
        ['hook', 'wait'],
        ['wait', 't'],
      ],
    ),
  );
  const deliver = (path, key) =>
    Promise.all(
      Array.from({ length: 20 }, () =>
        call(api.url, 'POST', path, { headers: { 'idempotency-key': key }, body: { order: 42, key } }),
      ),
    );

  const syncCalls = await deliver(sync.webhookPath, 'delivery-0001');
  const queuedCalls = await deliver(queued.webhookPath, 'delivery-0001');
  const syncIds = new Set(syncCalls.map((r) => r.headers?.['x-execution-id']));
  const queuedIds = new Set(queuedCalls.map((r) => r.json?.id));
  const syncCount = await countExecutions(sync.id);
  const queuedCount = await countExecutions(queued.id);
  report('webhook-idempotency', {
    syncStatuses: [...new Set(syncCalls.map((r) => r.status ?? r.error))],
    syncExecutions: syncCount,
    queuedStatuses: [...new Set(queuedCalls.map((r) => r.status ?? r.error))],
    queuedExecutions: queuedCount,
  });

  assert.deepEqual(
    syncCalls.map((r) => r.status),
    syncCalls.map(() => 201),
  );
  assert.deepEqual(
    syncCalls.map((r) => r.json),
    syncCalls.map(() => ({ order: 42, key: 'delivery-0001' })),
  );
  assert.equal(syncIds.size, 1);
  assert.equal(syncCount, 1);
  assert.deepEqual(
    queuedCalls.map((r) => r.status),
    queuedCalls.map(() => 202),
  );
  assert.equal(queuedIds.size, 1);
  assert.equal(queuedCount, 1);

  // Without a key every delivery is its own execution (the key is what deduplicates).
  const unkeyed = await Promise.all(Array.from({ length: 5 }, () => call(api.url, 'POST', sync.webhookPath, { body: {} })));
  assert.deepEqual(
    unkeyed.map((r) => r.status),
    unkeyed.map(() => 201),
  );
  assert.equal(await countExecutions(sync.id), 6);
});
