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
// Separate worker processes exist only in services mode (BullMQ on Redis).
const describeServices = services ? describe : describe.skip;

async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeServices('usage metering with two worker processes (Postgres + Redis)', () => {
  let test: TestDatabase;
  let redisUrl: string;
  let redis: Redis;
  let bus: EventBus;
  let queue: ExecutionQueue;
  let app: Express;
  let api: Services;
  let owner: SignedInUser;
  const workers: SpawnedApi[] = [];

  beforeAll(async () => {
    test = await createTestDatabase();
    redisUrl = `${process.env.REDIS_URL?.replace(/\/\d*$/, '')}/${1 + Math.floor(Math.random() * 6)}`;
    redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
    await redis.flushdb();
    bus = await createRedisEventBus(redis, () => undefined);
    queue = createBullQueue(redisUrl);
    const deps = testDeps(test.db, { redis, bus, queue });
    api = createServices(deps); // no worker here: only the spawned ones run executions
    app = createApp(deps, api);
    owner = await registerOwner(app);
    for (let i = 0; i < 2; i++) {
      const proc = await spawnApi(
        {
          NODE_ENV: 'test',
          DATABASE_URL: test.url ?? '',
          REDIS_URL: redisUrl,
          JWT_SECRET: TEST_JWT_SECRET,
          ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('hex'),
          MIGRATE_ON_START: 'false',
          WORKER_CONCURRENCY: '10',
          METRICS_PORT: String(19_000 + Math.floor(Math.random() * 20_000)),
        },
        ['--worker'],
      );
      workers.push(proc);
      const started = await eventually(
        async () => /"msg":"worker started"/.test(proc.output()),
        (ok) => ok,
        20_000,
      );
      if (!started) throw new Error(`worker did not start: ${proc.output()}`);
    }
  }, 90_000);

  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await queue.close(1000);
    await bus.close();
    await redis.quit();
    await test.drop();
  });

  it('counts 50 concurrent executions and their AI tokens exactly, across both workers', async () => {
    const auth = { Authorization: `Bearer ${owner.token}` };
    const created = await request(app)
      .post('/api/workflows')
      .set(auth)
      .send({
        name: 'metered',
        canvasData: {
          nodes: [
            { id: 'd', type: 'delay', position: { x: 0, y: 0 }, data: { config: { ms: 150 } } },
            {
              id: 'ai',
              type: 'ai.generate',
              position: { x: 200, y: 0 },
              data: { config: { prompt: 'Hello {{ $trigger.n }}', model: 'local/echo' } },
            },
          ],
          edges: [{ id: 'e', source: 'd', target: 'ai' }],
        },
      });

    const accepted = await Promise.all(
      Array.from({ length: 50 }, (_, n) =>
        request(app).post(`/api/workflows/${created.body.id}/execute`).set(auth).send({ input: { n } }),
      ),
    );
    const ids = accepted.map((r) => r.body.id as string);
    const rows = await eventually(
      async () =>
        (
          await test.db.query<{ status: string; worker_id: string }>(
            'SELECT status, worker_id FROM workflow_executions WHERE id = ANY ($1::uuid[])',
            [ids],
          )
        ).rows,
      (r) => r.length === 50 && r.every((x) => x.status === 'succeeded'),
      60_000,
    );
    const ai = await eventually(
      async () =>
        (
          await test.db.query<{ calls: string; input: string; output: string }>(
            `SELECT count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output
             FROM ai_usage WHERE organization_id = $1`,
            [owner.user.organizationId],
          )
        ).rows[0],
      (r) => Number(r?.calls) === 50,
      20_000,
    );
    const usage = await request(app).get('/api/billing/usage').set(auth);

    expect(accepted.every((r) => r.status === 202)).toBe(true);
    expect(rows.filter((r) => r.status === 'succeeded')).toHaveLength(50);
    expect(new Set(rows.map((r) => r.worker_id)).size).toBe(2);
    expect(Number(ai?.calls)).toBe(50);
    expect(usage.body.periods[0].metrics).toMatchObject({
      executions: 50,
      ai_input_tokens: Number(ai?.input),
      ai_output_tokens: Number(ai?.output),
      ai_cost_usd: 0,
    });
    expect(usage.body.meters).toEqual(expect.arrayContaining([{ metric: 'executions', used: 50, limit: null }]));
  }, 120_000);
});
