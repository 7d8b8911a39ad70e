import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../src/app';
import { createTestDatabase, type TestDatabase } from './db';
import { registerOwner, type SignedInUser } from './factories';
import { testConfig, testDeps } from './test-app';

/**
 * The HTTP request node through the whole API: every internal target is refused on the address
 * actually connected to, also behind a redirect from an allowed host, and the refusal fails the
 * node with a clear message (the target never sees a request).
 */
describe('HTTP request node: SSRF guard end to end', () => {
  let test: TestDatabase;
  let app: Express;
  let services: Services;
  let owner: SignedInUser;
  let allowed: http.Server;
  let internal: http.Server;
  let internalHits = 0;

  beforeAll(async () => {
    internal = http.createServer((_req, res) => {
      internalHits++;
      res.end('internal secret');
    });
    await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
    const internalPort = (internal.address() as AddressInfo).port;
    // Stands in for a public site: the only host the guard lets through, and it redirects inward.
    allowed = http.createServer((req, res) => {
      if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${internalPort}/` }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => allowed.listen(0, '127.0.0.1', r));
    const allowedPort = (allowed.address() as AddressInfo).port;
    test = await createTestDatabase();
    const deps = testDeps(test.db, { config: testConfig({ OUTBOUND_ALLOW_HOSTS: `127.0.0.1:${allowedPort}` }) });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await test.drop();
    allowed.close();
    internal.close();
  });

  async function runUrl(url: string) {
    const created = await request(app)
      .post('/api/workflows')
      .set('Authorization', `Bearer ${owner.token}`)
      .send({
        name: `fetch ${url}`,
        canvasData: {
          nodes: [{ id: 'fetch', type: 'http.request', position: { x: 0, y: 0 }, data: { config: { url } } }],
          edges: [],
        },
      });
    const res = await request(app)
      .post(`/api/workflows/${created.body.id}/execute?wait=15`)
      .set('Authorization', `Bearer ${owner.token}`)
      .send({});
    return res.body as { status: string; error: { code: string; message: string; nodeId: string } | null };
  }

  it.each([
    'http://127.0.0.1/',
    'http://localhost:80/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://10.0.0.8/',
    'http://192.168.1.1/admin',
    'http://0.0.0.0/',
    'http://[::ffff:127.0.0.1]/',
  ])('refuses %s and fails the node with a clear message', async (url) => {
    const result = await runUrl(url);

    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'ssrf_blocked', nodeId: 'fetch' });
    expect(result.error?.message).toMatch(/^Blocked request to /);
  });

  it('refuses a redirect from an allowed host to an internal one, and the internal server sees nothing', async () => {
    const ok = await runUrl(`http://127.0.0.1:${(allowed.address() as AddressInfo).port}/fine`);
    const redirected = await runUrl(`http://127.0.0.1:${(allowed.address() as AddressInfo).port}/redirect`);

    expect(ok.status).toBe('succeeded');
    expect(redirected.status).toBe('failed');
    expect(redirected.error?.code).toBe('ssrf_blocked');
    expect(internalHits).toBe(0);
  });
});
