import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import type { WorkflowGraph } from '@auterity/workflow-contracts';
import { createApp, createServices, type Services } from '../../app';
import type { Database } from '../../lib/db';
import { createAccessTokenSigner } from '../auth/access-token';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, type SignedInUser } from '../../../test/factories';
import { captureLogger, testConfig, testDeps, TEST_JWT_SECRET } from '../../../test/test-app';
import { connectCollab, eventually, type CollabClient } from '../../../test/collab-client';
import { createCollabServer, type CollabSettings } from './collab.server';
import { applyGraphDiff, readGraph } from './graph-doc';
import { Y, type YTypes } from './esm';

jest.setTimeout(30_000);

const GRAPH: WorkflowGraph = {
  version: 1,
  nodes: [
    { id: 'text-1', type: 'text', position: { x: 0, y: 0 }, data: { label: 'Greet', config: { text: 'Hello' } } },
    { id: 'text-2', type: 'text', position: { x: 300, y: 0 }, data: { config: { text: 'World' } } },
  ],
  edges: [{ id: 'e1', source: 'text-1', target: 'text-2' }],
};

const SETTINGS: CollabSettings = {
  maxDocumentBytes: 1024 * 1024,
  messagesPerSecond: 1000,
  connectionsPerOrganization: 50,
  storeDebounceMs: 50,
  storeMaxDebounceMs: 200,
};

function nodesOf(doc: YTypes.Doc): YTypes.Map<YTypes.Map<unknown>> {
  return doc.getMap<YTypes.Map<unknown>>('nodes');
}

/** Adds a text node the way the studio does (a Y.Map of its parts). */
function addNode(doc: YTypes.Doc, id: string, text: string): void {
  const before = readGraph(doc) ?? GRAPH;
  applyGraphDiff(doc, before, {
    ...before,
    nodes: [...before.nodes, { id, type: 'text', position: { x: 10, y: 20 }, data: { config: { text } } }],
  });
}

describe('real-time collaboration (/api/collab)', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let server: http.Server;
  let baseUrl: string;
  let collab: ReturnType<typeof createCollabServer>;
  const clients: CollabClient[] = [];
  const logger = captureLogger();

  async function startCollab(
    settings: Partial<CollabSettings> = {},
    extra: { collaboratorLimit?: () => Promise<number | null> } = {},
  ) {
    collab = createCollabServer({
      db: test.db,
      log: logger.log,
      signer: services.signer,
      revocations: services.revocations,
      workflows: services.workflows,
      settings: { ...SETTINGS, ...settings },
      ...extra,
    });
    server = http.createServer(app);
    collab.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function stopCollab() {
    await collab.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  function client(workflowId: string, token: string | (() => string)): CollabClient {
    const c = connectCollab(baseUrl, workflowId, token);
    clients.push(c);
    return c;
  }

  async function createWorkflow(owner: SignedInUser, graph = GRAPH): Promise<string> {
    const res = await request(app)
      .post('/api/workflows')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ name: 'Shared', canvasData: graph });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    const deps = testDeps(test.db, { log: logger.log });
    services = createServices(deps);
    app = createApp(deps, services);
  });
  beforeEach(async () => startCollab());
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await stopCollab();
  });
  afterAll(async () => {
    await test.drop();
  });

  it('seeds the document from the saved graph and merges two editors’ concurrent edits', async () => {
    const owner = await registerOwner(app);
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const id = await createWorkflow(owner);
    const a = client(id, owner.token);
    const b = client(id, editor.token);
    expect(await a.ready).toEqual({ ok: true });
    expect(await b.ready).toEqual({ ok: true });

    a.doc.transact(() => addNode(a.doc, 'text-a', 'from A'));
    b.doc.transact(
      () =>
        nodesOf(b.doc).get('text-1')?.get('config') instanceof Y.Map &&
        (nodesOf(b.doc).get('text-1')?.get('config') as YTypes.Map<unknown>).set('text', 'edited by B'),
    );
    await Promise.all([a.acknowledged(), b.acknowledged()]);

    await eventually(() => {
      expect(readGraph(a.doc)).toEqual(readGraph(b.doc));
      expect(readGraph(a.doc)?.nodes.map((n) => n.id)).toEqual(['text-1', 'text-2', 'text-a']);
      expect(readGraph(a.doc)?.nodes[0]?.data.config).toEqual({ text: 'edited by B' });
    });
    expect(readGraph(a.doc)?.edges).toEqual(GRAPH.edges);
  });

  it('refuses a connection without a valid token, and one to another organization’s workflow', async () => {
    const owner = await registerOwner(app);
    const stranger = await registerOwner(app);
    const id = await createWorkflow(owner);

    const anonymous = client(id, 'not-a-token');
    const foreign = client(id, stranger.token);
    const unknown = client('not-a-workflow-id', owner.token);

    expect(await anonymous.ready).toEqual({ ok: false, reason: 'unauthenticated' });
    expect(await foreign.ready).toEqual({ ok: false, reason: 'not-found' });
    expect(await unknown.ready).toEqual({ ok: false, reason: 'not-found' });
    expect(logger.text()).not.toContain(owner.token);
  });

  it('gives viewers a read-only connection and refuses their updates on the server', async () => {
    const owner = await registerOwner(app);
    const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');
    const id = await createWorkflow(owner);
    const watcher = client(id, owner.token);
    const v = client(id, viewer.token);
    expect(await watcher.ready).toEqual({ ok: true });
    expect(await v.ready).toEqual({ ok: true });
    expect(v.provider.authorizedScope).toBe('readonly');

    v.doc.transact(() => addNode(v.doc, 'text-v', 'from a viewer'));
    await eventually(() => expect(v.closes.map((c) => c.reason)).toContain('read-only'));

    await new Promise((r) => setTimeout(r, 200));
    expect(readGraph(watcher.doc)?.nodes.map((n) => n.id)).toEqual(['text-1', 'text-2']);
    const rows = await test.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM workflow_document_updates WHERE workflow_id = $1',
      [id],
    );
    expect(rows.rows[0]?.n).toBe('0');
  });

  it('keeps every acknowledged edit across a crash (update log) and a clean stop (stored state)', async () => {
    const owner = await registerOwner(app);
    const id = await createWorkflow(owner);
    const a = client(id, owner.token);
    expect(await a.ready).toEqual({ ok: true });

    a.doc.transact(() => addNode(a.doc, 'text-crash', 'kept'));
    await a.acknowledged();
    // A "crash": a second server on the same database, while the first never stored the document.
    const crashed = collab;
    const crashedServer = server;
    await startCollab({ storeDebounceMs: 60_000, storeMaxDebounceMs: 60_000 });
    const b = client(id, owner.token);
    expect(await b.ready).toEqual({ ok: true });
    expect(readGraph(b.doc)?.nodes.map((n) => n.id)).toContain('text-crash');

    b.doc.transact(() => addNode(b.doc, 'text-stop', 'kept too'));
    await b.acknowledged();
    await stopCollab();
    collab = crashed;
    server = crashedServer;
    const stored = await test.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM workflow_document_updates WHERE workflow_id = $1',
      [id],
    );
    const state = await test.db.query<{ state: Uint8Array }>('SELECT state FROM workflow_documents WHERE workflow_id = $1', [id]);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, state.rows[0]?.state ?? new Uint8Array());

    expect(readGraph(doc)?.nodes.map((n) => n.id)).toEqual(['text-1', 'text-2', 'text-crash', 'text-stop']);
    expect(Number(stored.rows[0]?.n)).toBeLessThanOrEqual(1);
  });

  it('compacts the log into the stored state after a quiet period', async () => {
    const owner = await registerOwner(app);
    const id = await createWorkflow(owner);
    const a = client(id, owner.token);
    expect(await a.ready).toEqual({ ok: true });

    a.doc.transact(() => addNode(a.doc, 'text-quiet', 'x'));
    await a.acknowledged();

    await eventually(async () => {
      const rows = await test.db.query<{ n: string }>(
        'SELECT count(*) AS n FROM workflow_document_updates WHERE workflow_id = $1',
        [id],
      );
      expect(rows.rows[0]?.n).toBe('0');
    });
  });

  it('closes a connection whose token expires, with a reason', async () => {
    const owner = await registerOwner(app);
    const id = await createWorkflow(owner);
    const shortLived = createAccessTokenSigner({
      secret: TEST_JWT_SECRET,
      // Whole seconds: a 1 s token signed late in a second can expire before a loaded CI
      // machine finishes the handshake. Three seconds leave room to connect first.
      ttlSec: 3,
      issuer: 'auterity',
      audience: 'auterity-api',
    });
    const token = shortLived.sign({
      userId: owner.user.id,
      organizationId: owner.user.organizationId,
      email: owner.email,
      role: 'owner',
      permissions: [],
      sessionId: '00000000-0000-4000-8000-000000000001',
    });
    const a = client(id, token);
    expect(await a.ready).toEqual({ ok: true });

    await eventually(() => expect(a.closes.map((c) => c.reason)).toContain('token-expired'), 8000);
  });
});

describe('collaboration limits', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let server: http.Server;
  let baseUrl: string;
  let collab: ReturnType<typeof createCollabServer>;
  const clients: CollabClient[] = [];

  async function start(
    settings: Partial<CollabSettings>,
    collaboratorLimit?: () => Promise<number | null>,
    db: Database = test.db,
  ) {
    collab = createCollabServer({
      db,
      log: captureLogger().log,
      signer: services.signer,
      revocations: services.revocations,
      workflows: services.workflows,
      settings: { ...SETTINGS, ...settings },
      ...(collaboratorLimit ? { collaboratorLimit } : {}),
    });
    server = http.createServer(app);
    collab.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  function client(workflowId: string, token: string): CollabClient {
    const c = connectCollab(baseUrl, workflowId, token);
    clients.push(c);
    return c;
  }

  async function workflowOf(): Promise<{ owner: SignedInUser; id: string }> {
    const owner = await registerOwner(app);
    const res = await request(app)
      .post('/api/workflows')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({ name: 'L', canvasData: GRAPH });
    return { owner, id: res.body.id as string };
  }

  beforeAll(async () => {
    test = await createTestDatabase();
    const deps = testDeps(test.db, { config: testConfig() });
    services = createServices(deps);
    app = createApp(deps, services);
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await collab.stop();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterAll(async () => {
    await test.drop();
  });

  it('refuses people beyond the plan’s collaborators per canvas (another tab of someone present is let in)', async () => {
    await start({}, async () => 1);
    const { owner, id } = await workflowOf();
    const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
    const first = client(id, owner.token);
    expect(await first.ready).toEqual({ ok: true });

    const secondTab = client(id, owner.token);
    const someoneElse = client(id, editor.token);

    expect(await secondTab.ready).toEqual({ ok: true });
    expect(await someoneElse.ready).toEqual({ ok: false, reason: 'too-many-collaborators' });
  });

  it('refuses connections beyond the organization’s cap on one process, and counts closed ones out', async () => {
    await start({ connectionsPerOrganization: 1 }, async () => null);
    const { owner, id } = await workflowOf();
    const first = client(id, owner.token);
    expect(await first.ready).toEqual({ ok: true });

    const second = client(id, owner.token);

    expect(await second.ready).toEqual({ ok: false, reason: 'too-many-connections' });
    expect(collab.connectionCount(owner.user.organizationId)).toBe(1);
    first.destroy();
    await eventually(() => expect(collab.connectionCount(owner.user.organizationId)).toBe(0));
    const third = client(id, owner.token);
    expect(await third.ready).toEqual({ ok: true });
  });

  it('closes a connection that sends more messages per second than allowed', async () => {
    await start({ messagesPerSecond: 2 });
    const { owner, id } = await workflowOf();
    const a = client(id, owner.token);
    expect(await a.ready).toEqual({ ok: true });

    for (let i = 0; i < 20; i++) a.doc.transact(() => addNode(a.doc, `text-r${i}`, 'x'));

    await eventually(() => expect(a.closes.map((c) => c.reason)).toContain('rate-limited'));
  });

  it('refuses an update that would grow the document beyond its size limit', async () => {
    await start({ maxDocumentBytes: 4096 });
    const { owner, id } = await workflowOf();
    const a = client(id, owner.token);
    expect(await a.ready).toEqual({ ok: true });

    a.doc.transact(() => addNode(a.doc, 'text-big', 'x'.repeat(3000)));
    a.doc.transact(() => addNode(a.doc, 'text-big2', 'y'.repeat(3000)));

    await eventually(() => expect(a.closes.map((c) => c.reason)).toContain('document-too-large'));
  });

  it('closes the connection and withholds the acknowledgement when an edit cannot be logged', async () => {
    const failing: Database = {
      ...test.db,
      query: ((sql: string, params?: unknown[]) =>
        sql.startsWith('INSERT INTO workflow_document_updates')
          ? Promise.reject(new Error('disk full'))
          : test.db.query(sql, params)) as Database['query'],
    };
    await start({}, undefined, failing);
    const { owner, id } = await workflowOf();
    const a = client(id, owner.token);
    expect(await a.ready).toEqual({ ok: true });

    a.doc.transact(() => addNode(a.doc, 'text-lost', 'x'));

    await eventually(() => expect(a.closes.map((c) => c.reason)).toContain('storage-unavailable'));
    expect(a.provider.hasUnsyncedChanges).toBe(true);
  });

  it('answers 404 to upgrades on other paths', async () => {
    await start({});
    const res = await new Promise<http.IncomingMessage>((resolve) => {
      const req = http.request(`${baseUrl}/api/other`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
      req.on('response', resolve);
      req.end();
    });
    expect(res.statusCode).toBe(404);
  });
});
