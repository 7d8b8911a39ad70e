// Restart Postgres during a load of writes, on a private cluster (the machine's shared server is
// never touched): while it is down the API answers 503 with the error envelope (and /api/ready says
// so), it recovers by itself once the server is back, and every write it acknowledged (201) is
// stored afterwards. The stop is `immediate`, a crash: the restart replays the WAL.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { baseEnv, call, isEnvelope, pool, registerOwner, report, sleep, startApi, startPostgresCluster } from './lib.mjs';

const WRITERS = 8;
const DOWN_MS = 5000;

let cluster;
let api;

before(async () => {
  cluster = await startPostgresCluster();
  api = await startApi(
    baseEnv({
      DATABASE_URL: cluster.url,
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_POOL_MAX: '10',
    }),
  );
});

after(async () => {
  await api?.stop();
  await cluster?.stop();
});

/** A body must not leak how the server failed. */
function leaks(text) {
  return /ECONNREFUSED|ECONNRESET|127\.0\.0\.1|:\d{4,5}\b|\bat .+\(.+:\d+:\d+\)|SELECT |INSERT |UPDATE |terminat|postgres/i.test(
    text ?? '',
  );
}

test('Postgres restarted under writes: 503 while down, recovery, no acknowledged write lost', { timeout: 150_000 }, async () => {
  const { token } = await registerOwner(api.url);
  const acked = [];
  const unavailable = [];
  const unexpected = [];
  const ready = [];
  let stop = false;
  let seq = 0;
  let downAt = Infinity;
  let upAt = Infinity;
  let firstOkAfterUp;

  async function writer(i) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (!stop) {
      const name = `pg-${i}-${seq++}`;
      const res = await call(api.url, 'POST', '/api/workflows', {
        token,
        agent,
        body: { name, canvasData: { nodes: [], edges: [] } },
      });
      if (res.status === 201) {
        acked.push(name);
        if (Date.now() > upAt && firstOkAfterUp === undefined) firstOkAfterUp = Date.now() - upAt;
      } else if (res.status === 503 && isEnvelope(res.json) && !leaks(res.text)) {
        unavailable.push({ at: Date.now(), code: res.json.code, retryAfter: res.headers['retry-after'] });
        await sleep(50);
      } else {
        unexpected.push({ name, status: res.status, error: res.error, body: res.text?.slice(0, 300) });
        if (!api.alive()) break;
      }
    }
    agent.destroy();
  }

  async function readiness() {
    while (!stop) {
      const res = await call(api.url, 'GET', '/api/ready');
      ready.push({ at: Date.now(), status: res.status ?? res.error });
      await sleep(200);
    }
  }

  const load = [...Array.from({ length: WRITERS }, (_, i) => writer(i)), readiness()];
  await sleep(3000);
  const ackedBeforeStop = acked.length;
  cluster.stopNow('immediate');
  downAt = Date.now();
  await sleep(DOWN_MS);
  const restartAt = Date.now();
  cluster.start();
  upAt = Date.now();
  const startMs = upAt - restartAt;
  // Until the API has written again for a while (bounded).
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && (firstOkAfterUp === undefined || Date.now() - upAt < 3000)) await sleep(100);
  stop = true;
  await Promise.all(load);

  const db = pool(cluster.url);
  const stored = new Set((await db.query("SELECT name FROM workflows WHERE name LIKE 'pg-%'")).rows.map((r) => r.name));
  await db.end();
  const lost = acked.filter((name) => !stored.has(name));
  const whileDown = ready.filter((r) => r.at > downAt + 500 && r.at < upAt - 200);
  const afterUp = ready.filter((r) => r.at > upAt + (firstOkAfterUp ?? 0) + 500);
  if (!api.alive()) process.stdout.write(`API output:\n${api.output().slice(-3000)}\n`);
  report('postgres-restart', {
    ackedBeforeStop,
    acked: acked.length,
    stored: stored.size,
    lost: lost.length,
    unavailable503: unavailable.length,
    unexpected: unexpected.length,
    readyWhileDown: [...new Set(whileDown.map((r) => r.status))],
    readyAfter: [...new Set(afterUp.map((r) => r.status))],
    restartMs: startMs,
    recoveredAfterMs: firstOkAfterUp,
  });

  assert.deepEqual(unexpected, [], 'every answer is a 201 or a 503 envelope that leaks nothing');
  assert.ok(ackedBeforeStop > 20, `too little load before the stop (${ackedBeforeStop})`);
  assert.ok(unavailable.length > 0, 'no 503 while Postgres was down');
  assert.ok(unavailable.every((u) => u.code === 'not_ready'));
  assert.ok(firstOkAfterUp !== undefined, 'the API did not recover within 30 s of the restart');
  assert.deepEqual(lost, [], 'acknowledged writes missing after the restart');
  assert.ok(
    whileDown.length > 0 && whileDown.every((r) => r.status === 503),
    `/api/ready while down: ${JSON.stringify(whileDown)}`,
  );
  assert.ok(afterUp.length > 0 && afterUp.every((r) => r.status === 200), `/api/ready after: ${JSON.stringify(afterUp)}`);
  assert.ok(api.alive(), 'the API process survived');
});
