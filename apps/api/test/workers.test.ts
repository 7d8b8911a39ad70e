import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../src/app';
import { createRedisEventBus, type EventBus } from '../src/lib/event-bus';
import { createBullQueue, type ExecutionQueue } from '../src/lib/job-queue';
import { createTestDatabase, type TestDatabase } from './db';
import { registerOwner, type SignedInUser } from './factories';
import { spawnApi, type SpawnedApi } from './spawn-api';
import { TEST_JWT_SECRET, testDeps } from './test-app';

const services = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
// Durable dispatch is BullMQ on Redis with separate worker processes: it exists only in services
// mode. The embedded path runs the same engine in-process (executions.api.test.ts covers it).
const describeServices = services ? describe : describe.skip;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeServices('queued executions with worker processes (Postgres + Redis)', () => {
  let test: TestDatabase;
  let redisUrl: string;
  let redis: Redis;
  let bus: EventBus;
  let queue: ExecutionQueue;
  let app: Express;
  let api: Services;
  let owner: SignedInUser;
  const workers: { proc: SpawnedApi; id: string }[] = [];

  async function spawnWorker(): Promise<{ proc: SpawnedApi; id: string }> {
    const proc = await spawnApi(
      {
        NODE_ENV: 'test',
        DATABASE_URL: test.url ?? '',
        REDIS_URL: redisUrl,
        JWT_SECRET: TEST_JWT_SECRET,
        ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('hex'),
        MIGRATE_ON_START: 'false',
        EXECUTION_STALE_AFTER_MS: '1500',
        RECONCILE_INTERVAL_MS: '300',
        SCHEDULE_INTERVAL_MS: '200',
        WORKER_CONCURRENCY: '5',
      },
      ['--worker'],
    );
    const started = await eventually(
      async () => /"workerId":"([^"]+)"[^\n]*"msg":"worker started"/.exec(proc.output()),
      (m) => m !== null,
      20_000,
    );
    if (!started) throw new Error(`worker did not start: ${proc.output()}`);
    const worker = { proc, id: started[1] ?? '' };
    workers.push(worker);
    return worker;
  }

  const auth = () => ({ Authorization: `Bearer ${owner.token}` });
  const statusOf = async (id: string) =>
    (
      await test.db.query<{ status: string; attempts: number; worker_id: string | null }>(
        'SELECT status, attempts, worker_id FROM workflow_executions WHERE id = $1',
        [id],
      )
    ).rows[0];

  async function workflow(nodes: object[], edges: object[] = []): Promise<string> {
    const res = await request(app).post('/api/workflows').set(auth()).send({ name: 'queued', canvasData: { nodes, edges } });
    return res.body.id as string;
  }
  const text = (id: string, value: string) => ({ id, type: 'text', position: { x: 0, y: 0 }, data: { config: { text: value } } });
  const delay = (id: string, ms: number) => ({ id, type: 'delay', position: { x: 0, y: 0 }, data: { config: { ms } } });

  beforeAll(async () => {
    test = await createTestDatabase();
    // A Redis database of this file's own, so flushing it touches no other test.
    redisUrl = `${process.env.REDIS_URL?.replace(/\/\d*$/, '')}/${7 + Math.floor(Math.random() * 8)}`;
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    await redis.flushdb();
    bus = await createRedisEventBus(redis, () => undefined);
    queue = createBullQueue(redisUrl);
    const deps = testDeps(test.db, { redis, bus, queue });
    api = createServices(deps); // this API process runs no worker: only the spawned workers do
    app = createApp(deps, api);
    owner = await registerOwner(app);
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.proc.child.exitCode === null) w.proc.child.kill('SIGKILL');
    await queue.close(1000);
    await bus.close();
    await redis.quit();
    await test.drop();
  });

  it('runs a pending execution whose job Redis lost, once a worker reconciles', async () => {
    const id = await workflow([text('t', 'survived')]);
    const accepted = await request(app).post(`/api/workflows/${id}/execute`).set(auth()).send({});
    await redis.flushdb(); // the job is gone; Postgres still has the pending execution

    await spawnWorker();
    await spawnWorker();
    const row = await eventually(
      () => statusOf(accepted.body.id),
      (r) => r?.status === 'succeeded',
      20_000,
    );

    expect(accepted.status).toBe(202);
    expect(row?.status).toBe('succeeded');
  }, 60_000);

  it('spreads queued executions over both workers, and ?wait sees them finish', async () => {
    const id = await workflow([delay('d', 200), text('t', 'done')], [{ id: 'e', source: 'd', target: 't' }]);

    const waited = await request(app).post(`/api/workflows/${id}/execute?wait=15`).set(auth()).send({});
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await request(app).post(`/api/workflows/${id}/execute`).set(auth()).send({})).body.id);
    const rows = await eventually(
      async () =>
        (
          await test.db.query<{ status: string; worker_id: string }>(
            'SELECT status, worker_id FROM workflow_executions WHERE id = ANY ($1::uuid[])',
            [ids],
          )
        ).rows,
      (r) => r.every((x) => x.status === 'succeeded'),
      20_000,
    );

    expect(waited.status).toBe(200);
    expect(waited.body).toMatchObject({ status: 'succeeded', output: { t: 'done' } });
    expect(rows.map((r) => r.status)).toEqual(ids.map(() => 'succeeded'));
    expect(new Set(rows.map((r) => r.worker_id)).size).toBe(2);
  }, 60_000);

  it('fires a due schedule exactly once with two workers running', async () => {
    // A yearly cron: the only tick in the test's window is the one made due below (an every-minute
    // cron could also reach its next tick while the test waits, which would rightly fire again).
    const id = await workflow([
      { id: 'cron', type: 'trigger.schedule', position: { x: 0, y: 0 }, data: { config: { cron: '0 0 1 1 *' } } },
      text('t', 'tick'),
    ]);
    await request(app)
      .put(`/api/workflows/${id}`)
      .set(auth())
      .send({
        canvasData: {
          nodes: [
            { id: 'cron', type: 'trigger.schedule', position: { x: 0, y: 0 }, data: { config: { cron: '0 0 1 1 *' } } },
            text('t', 'tick'),
          ],
          edges: [{ id: 'e', source: 'cron', target: 't' }],
        },
      });

    await test.db.query(`UPDATE workflow_schedules SET next_run_at = now() - interval '10 milliseconds' WHERE workflow_id = $1`, [
      id,
    ]);
    await new Promise((r) => setTimeout(r, 2000)); // ten scheduler ticks in each worker
    const runs = await test.db.query<{ status: string }>(
      `SELECT status FROM workflow_executions WHERE workflow_id = $1 AND trigger = 'schedule'`,
      [id],
    );
    const next = await test.db.query<{ next_run_at: Date }>('SELECT next_run_at FROM workflow_schedules WHERE workflow_id = $1', [
      id,
    ]);

    expect(runs.rows).toHaveLength(1);
    expect(next.rows[0]?.next_run_at.getTime()).toBeGreaterThan(Date.now() + 24 * 3600 * 1000);
  }, 30_000);

  it('recovers an execution whose worker is SIGKILLed mid-run: another worker runs it again', async () => {
    const id = await workflow([delay('d', 2500), text('t', 'after the crash')], [{ id: 'e', source: 'd', target: 't' }]);
    const accepted = await request(app).post(`/api/workflows/${id}/execute`).set(auth()).send({});
    const running = await eventually(
      () => statusOf(accepted.body.id),
      (r) => r?.status === 'running',
      10_000,
    );
    const victim = workers.find((w) => w.id === running?.worker_id);

    victim?.proc.child.kill('SIGKILL');
    const row = await eventually(
      () => statusOf(accepted.body.id),
      (r) => r?.status === 'succeeded',
      20_000,
    );

    expect(victim).toBeDefined();
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(row?.worker_id).not.toBe(victim?.id);
  }, 60_000);

  it('stops a worker gracefully on SIGTERM: exit 0', async () => {
    const alive = workers.filter((w) => w.proc.child.exitCode === null && w.proc.child.signalCode === null);
    const child: ChildProcess | undefined = alive[0]?.proc.child;

    child?.kill('SIGTERM');
    const code = await alive[0]?.proc.exited;

    expect(alive.length).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 30_000);
});
