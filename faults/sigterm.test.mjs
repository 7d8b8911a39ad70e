// SIGTERM the API under load: every request the server took is answered, slow ones included, and
// the process exits 0. The load is keep-alive writes, each creating a workflow with a unique name,
// so every outcome is checkable: after the signal the listener closes and new connections are
// refused (ECONNREFUSED: never in flight); a request written onto a connection the server closed at
// that moment (an idle keep-alive socket, or one still in the accept backlog) is reset unread, and
// the check below proves it: its workflow does not exist, so a client may retry it safely. A reset
// whose write was applied, a missing answer, or any non-201 fails the scenario.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import {
  baseEnv,
  pool,
  call,
  createWorkflow,
  eventually,
  graph,
  registerOwner,
  report,
  scenarioDatabase,
  sleep,
  startApi,
  startRedis,
} from './lib.mjs';

const LOOPS = 16;

let database;
let redis;
let api;

before(async () => {
  database = await scenarioDatabase();
  redis = await startRedis();
  api = await startApi(
    baseEnv({
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      RATE_LIMIT_ENABLED: 'false',
      SHUTDOWN_TIMEOUT_MS: '15000',
      LOG_LEVEL: 'info',
    }),
  );
});

after(async () => {
  await api?.stop();
  await redis?.stop();
  await database?.drop();
});

test('SIGTERM under load: no in-flight request fails, exit 0', { timeout: 120_000 }, async () => {
  const { token } = await registerOwner(api.url);
  const slow = await createWorkflow(
    api.url,
    token,
    'slow',
    graph(
      [
        ['wait', 'delay', { ms: 2500 }],
        ['t', 'text', { text: 'finished' }],
      ],
      [['wait', 't']],
    ),
  );
  const outcomes = { ok: 0, refused: 0, reset: [], failures: [] };
  let stopAt = Infinity;
  let seq = 0;

  async function loop(i) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (Date.now() < stopAt) {
        const name = `load-${i}-${seq++}`;
        const res = await call(api.url, 'POST', '/api/workflows', {
          token,
          agent,
          body: { name, canvasData: { nodes: [], edges: [] } },
        });
        if (res.error === 'ECONNREFUSED') {
          outcomes.refused++;
          return;
        }
        if (res.error === 'ECONNRESET') outcomes.reset.push(name);
        else if (res.status === 201) outcomes.ok++;
        else outcomes.failures.push({ name, status: res.status, error: res.error, body: res.text?.slice(0, 200) });
      }
    } finally {
      agent.destroy();
    }
  }

  const loops = Array.from({ length: LOOPS }, (_, i) => loop(i));
  // Load first: at least 40 answered writes (the machine may be busy; bounded).
  await eventually(
    async () => outcomes.ok,
    (n) => n >= 40,
    30_000,
  );
  // Slow requests in flight when the signal arrives: each waits ~2.5 s for its execution.
  const slowCalls = Array.from({ length: 4 }, () =>
    call(api.url, 'POST', `/api/workflows/${slow.id}/execute?wait=10`, { token, body: { input: {} } }),
  );
  await sleep(500);
  const okBeforeSignal = outcomes.ok;
  api.child.kill('SIGTERM');
  const signalledAt = Date.now();
  stopAt = Date.now() + 20_000;
  const slowResults = await Promise.all(slowCalls);
  await Promise.all(loops);
  const exit = await api.exited;
  const drainMs = Date.now() - signalledAt;
  const db = pool(database.url);
  const appliedResets = (await db.query('SELECT name FROM workflows WHERE name = ANY ($1::text[])', [outcomes.reset])).rows;
  const stored = (await db.query("SELECT count(*)::int AS n FROM workflows WHERE name LIKE 'load-%'")).rows[0].n;
  await db.end();
  report('sigterm', {
    okBeforeSignal,
    created: outcomes.ok,
    stored,
    refusedAfterClose: outcomes.refused,
    resetUnread: outcomes.reset.length,
    failures: outcomes.failures.length + appliedResets.length,
    slow: slowResults.map((r) => r.status ?? r.error),
    exit,
    drainMs,
  });

  assert.deepEqual(outcomes.failures, []);
  assert.deepEqual(appliedResets, [], 'a write was applied but its caller got no answer');
  assert.equal(stored, outcomes.ok, 'every answered write is stored, and nothing else');
  assert.ok(okBeforeSignal >= 40, `too little load before the signal (${okBeforeSignal})`);
  for (const r of slowResults) {
    assert.equal(r.status, 200, r.error ?? r.text);
    assert.equal(r.json.status, 'succeeded');
    assert.deepEqual(r.json.output, { t: 'finished' });
  }
  assert.deepEqual(exit, { code: 0, signal: null });
  assert.match(api.output(), /shutdown complete/);
});
