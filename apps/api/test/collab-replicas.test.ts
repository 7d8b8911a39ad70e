import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { applyGraphDiff, readGraph } from '../src/modules/collab/graph-doc';
import type { YTypes } from '../src/modules/collab/esm';
import { connectCollab, eventually, type CollabClient } from './collab-client';
import { createTestDatabase, usesPostgres, type TestDatabase } from './db';
import { freePort, spawnApi, waitForOk, type SpawnedApi } from './spawn-api';
import { TEST_JWT_SECRET } from './test-app';

jest.setTimeout(120_000);

const GRAPH: WorkflowGraph = {
  version: 1,
  nodes: [{ id: 'text-1', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'Hello' } } }],
  edges: [],
};

function addNode(doc: YTypes.Doc, id: string, text: string): void {
  const before = readGraph(doc) ?? GRAPH;
  doc.transact(() =>
    applyGraphDiff(doc, before, {
      ...before,
      nodes: [...before.nodes, { id, type: 'text', position: { x: 0, y: 100 }, data: { config: { text } } }],
    }),
  );
}

const ids = (doc: YTypes.Doc) => readGraph(doc)?.nodes.map((n) => n.id) ?? [];

// Two API processes on different ports share Postgres and Redis: the services mode of a real deployment.
const describeServices = usesPostgres && process.env.REDIS_URL ? describe : describe.skip;

describeServices('collaboration across API replicas (Postgres + Redis)', () => {
  let test: TestDatabase;
  const apis: SpawnedApi[] = [];
  const clients: CollabClient[] = [];
  let env: Record<string, string>;

  async function start(port: number): Promise<SpawnedApi> {
    const api = await spawnApi({ ...env, PORT: String(port) });
    apis.push(api);
    await waitForOk(`http://127.0.0.1:${port}/api/ready`, 60_000);
    return api;
  }

  async function post(port: number, path: string, body: unknown, token?: string) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  function client(port: number, workflowId: string, token: string): CollabClient {
    const c = connectCollab(`http://127.0.0.1:${port}`, workflowId, token);
    clients.push(c);
    return c;
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    env = {
      DATABASE_URL: test.url ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_JWT_SECRET,
      ENCRYPTION_KEY: 'ab'.repeat(32),
      PASSWORD_SCRYPT_LOG_N: '14',
      RATE_LIMIT_ENABLED: 'false',
      RUN_WORKER_IN_API: 'false',
      COLLAB_STORE_DEBOUNCE_MS: '60000',
      LOG_LEVEL: 'warn',
      DATA_DIR: '/tmp/auterity-collab-replicas',
    };
  });
  afterAll(async () => {
    for (const c of clients) c.destroy();
    for (const api of apis) api.child.kill('SIGKILL');
    await test.drop();
  });

  it('two clients on different replicas converge; a crash of both replicas loses no acknowledged edit; SIGTERM stores and exits 0', async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const [apiA, apiB] = await Promise.all([start(portA), start(portB)]);
    const owner = await post(portA, '/api/auth/register', {
      organizationName: 'Replicas',
      email: `replicas-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
    });
    const token = String(owner.body['token']);
    const created = await post(portA, '/api/workflows', { name: 'Shared', canvasData: GRAPH }, token);
    const id = String(created.body['id']);
    const stranger = await post(portB, '/api/auth/register', {
      organizationName: 'Other',
      email: `other-${Date.now()}@example.com`,
      password: 'correct horse battery staple',
    });

    const a = client(portA, id, token);
    const b = client(portB, id, token);
    const refused = client(portB, id, String(stranger.body['token']));
    const anonymous = client(portA, id, 'no-token');
    expect(await a.ready).toEqual({ ok: true });
    expect(await b.ready).toEqual({ ok: true });
    expect(await refused.ready).toEqual({ ok: false, reason: 'not-found' });
    expect(await anonymous.ready).toEqual({ ok: false, reason: 'unauthenticated' });

    addNode(a.doc, 'from-a', 'A');
    addNode(b.doc, 'from-b', 'B');
    await Promise.all([a.acknowledged(), b.acknowledged()]);

    await eventually(() => {
      expect(ids(a.doc)).toEqual(['from-a', 'from-b', 'text-1']);
      expect(ids(b.doc)).toEqual(['from-a', 'from-b', 'text-1']);
    }, 10_000);

    // Both replicas die without storing (SIGKILL; the store debounce is a minute): the log keeps the edits.
    apiA.child.kill('SIGKILL');
    apiB.child.kill('SIGKILL');
    await Promise.all([apiA.exited, apiB.exited]);
    for (const c of clients.splice(0)) c.destroy();
    const apiC = await start(portA);
    const c = client(portA, id, token);
    expect(await c.ready).toEqual({ ok: true });
    expect(ids(c.doc)).toEqual(['from-a', 'from-b', 'text-1']);

    addNode(c.doc, 'from-c', 'C');
    await c.acknowledged();
    apiC.child.kill('SIGTERM');
    expect(await apiC.exited).toBe(0);
    const stored = await test.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM workflow_document_updates WHERE workflow_id = $1',
      [id],
    );
    expect(stored.rows[0]?.n).toBe('0');
    await eventually(() => expect(c.closes.map((e) => e.code)).toContain(1001));
  });
});
