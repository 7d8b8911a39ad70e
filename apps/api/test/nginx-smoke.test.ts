import http2 from 'node:http2';
import https from 'node:https';
import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { applyGraphDiff, readGraph } from '../src/modules/collab/graph-doc';
import { connectCollab } from './collab-client';
import { createTestDatabase, usesPostgres, type TestDatabase } from './db';
import { TEST_PASSWORD, uniqueEmail } from './factories';
import { hasNginx, startNginx, type RunningNginx } from './nginx';
import { freePort, spawnApi, waitForOk, type SpawnedApi } from './spawn-api';

jest.setTimeout(90_000);

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/**
 * Smoke test of the production edge: the real Debian nginx with nginx/nginx.conf (TLS with a
 * certificate made here, HTTP/2) in front of the API process, checked through nginx only.
 */
(hasNginx ? describe : describe.skip)('nginx in front of the API (real nginx, TLS, HTTP/2)', () => {
  let test: TestDatabase | undefined;
  let api: SpawnedApi;
  let edge: RunningNginx;
  let token = '';
  let dataDir = '';

  beforeAll(async () => {
    const port = await freePort();
    dataDir = mkdtempSync(path.join(tmpdir(), 'auterity-edge-'));
    const env: Record<string, string> = {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      TRUST_PROXY_HOPS: '1',
      PASSWORD_SCRYPT_LOG_N: '14',
      RATE_LIMIT_AUTH_PER_MIN: '100000',
      LOG_LEVEL: 'warn',
    };
    if (usesPostgres) {
      test = await createTestDatabase({ empty: true });
      env.DATABASE_URL = test.url ?? '';
      env.REDIS_URL = process.env.REDIS_URL ?? '';
    }
    api = await spawnApi(env);
    await waitForOk(`http://127.0.0.1:${port}/api/ready`, 30_000);
    edge = await startNginx(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    await edge?.stop();
    if (api?.child.exitCode === null) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await test?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function call(method: string, urlPath: string, options: { headers?: Record<string, string>; body?: string | Buffer } = {}) {
    return new Promise<Reply>((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: edge.httpsPort,
          path: urlPath,
          method,
          ca: edge.ca,
          headers: options.headers ?? {},
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const body = Buffer.concat(chunks);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
          });
        },
      );
      req.on('error', reject);
      req.end(options.body);
    });
  }
  const json = (token?: string) => ({
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  });

  it('redirects plain HTTP to HTTPS', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port: edge.httpPort, path: '/workflows?x=1', headers: { host: 'auterity.test' } }, resolve)
        .on('error', reject),
    );
    res.resume();

    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://auterity.test/workflows?x=1');
  });

  it('serves the studio over HTTP/2 with TLS and one copy of each security header', async () => {
    const client = http2.connect(`https://127.0.0.1:${edge.httpsPort}`, { ca: edge.ca });
    try {
      const { headers, body } = await new Promise<{ headers: http2.IncomingHttpHeaders; body: string }>((resolve, reject) => {
        const stream = client.request({ ':path': '/workflows/some-deep-link' });
        let headers: http2.IncomingHttpHeaders = {};
        let body = '';
        stream.on('response', (h) => (headers = h));
        stream.on('data', (c: Buffer) => (body += c.toString()));
        stream.on('end', () => resolve({ headers, body }));
        stream.on('error', reject);
        stream.end();
      });
      const socket = client.socket as import('node:tls').TLSSocket;

      expect(socket.alpnProtocol).toBe('h2');
      expect(headers[':status']).toBe(200);
      expect(headers['content-type']).toContain('text/html');
      expect(body).toContain('<div id="root">');
      expect(headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(headers['permissions-policy']).toContain('camera=()');
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers.server).toBe('nginx');
    } finally {
      client.close();
    }
  });

  it('caches hashed assets for a year (and at the edge) and compresses them', async () => {
    const index = await call('GET', '/');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)?.[1] ?? '';
    expect(asset).not.toBe('');

    const first = await call('GET', asset, { headers: { 'accept-encoding': 'gzip' } });
    const second = await call('GET', asset, { headers: { 'accept-encoding': 'gzip' } });

    expect(first.status).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(first.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(first.body).toString('utf8').length).toBeGreaterThan(first.body.length);
    expect(first.headers['x-frame-options']).toBe('DENY');
    expect(second.headers['x-cache-status']).toBe('HIT');
  });

  it('proxies API calls with forwarded headers and the request id', async () => {
    const email = uniqueEmail('edge');
    const registered = await call('POST', '/api/auth/register', {
      headers: json(),
      body: JSON.stringify({ organizationName: 'Edge Org', email, password: TEST_PASSWORD, firstName: 'Ada' }),
    });
    expect(registered.status).toBe(201);
    token = (JSON.parse(registered.text) as { token: string }).token;

    const list = await call('GET', '/api/workflows', { headers: { ...json(token), 'x-request-id': 'edge-smoke-1' } });

    expect(list.status).toBe(200);
    expect(JSON.parse(list.text)).toMatchObject({ items: [] });
    expect(list.headers['x-request-id']).toBe('edge-smoke-1');
    expect(await edge.waitForAccessLog('"request_id":"edge-smoke-1"')).toContain('"request_id":"edge-smoke-1"');
  });

  it('streams execution events (SSE) through the proxy as they happen, not when the run ends', async () => {
    const created = await call('POST', '/api/workflows', {
      headers: json(token),
      body: JSON.stringify({
        name: 'Edge stream',
        canvasData: {
          nodes: [
            { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
            { id: 'wait', type: 'delay', position: { x: 200, y: 0 }, data: { config: { ms: 1500 } } },
          ],
          edges: [{ id: 'e1', source: 'start', target: 'wait' }],
        },
      }),
    });
    expect(created.status).toBe(201);
    const workflowId = (JSON.parse(created.text) as { id: string }).id;
    const started = await call('POST', `/api/workflows/${workflowId}/execute`, { headers: json(token), body: '{}' });
    expect(started.status).toBe(202);
    const executionId = (JSON.parse(started.text) as { id: string }).id;

    const events = await new Promise<{ name: string; at: number; data: string }[]>((resolve, reject) => {
      const seen: { name: string; at: number; data: string }[] = [];
      const req = https.get(
        {
          host: '127.0.0.1',
          port: edge.httpsPort,
          path: `/api/executions/${executionId}/events`,
          ca: edge.ca,
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', 'accept-encoding': 'gzip' },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toContain('text/event-stream');
          expect(res.headers['content-encoding']).toBeUndefined();
          let buffer = '';
          res.on('data', (c: Buffer) => {
            buffer += c.toString();
            let end: number;
            while ((end = buffer.indexOf('\n\n')) !== -1) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const name = /^event: (.+)$/m.exec(block)?.[1];
              if (name) seen.push({ name, at: Date.now(), data: /^data: (.*)$/m.exec(block)?.[1] ?? '' });
            }
          });
          res.on('end', () => resolve(seen));
        },
      );
      req.on('error', reject);
    });

    const snapshot = events.find((e) => e.name === 'snapshot');
    const last = events.at(-1);
    expect(snapshot).toBeDefined();
    expect(last).toMatchObject({ name: 'status', data: '{"status":"succeeded"}' });
    // The snapshot reached the client while the delay node was still running.
    expect((last?.at ?? 0) - (snapshot?.at ?? 0)).toBeGreaterThan(700);
  });

  /** Opens a WebSocket through nginx and resolves with the upgrade response once it is open. */
  async function openSocket(port: number, ca: string): Promise<{ socket: WebSocket; upgrade: http.IncomingMessage }> {
    const socket = new WebSocket(`wss://127.0.0.1:${port}/api/collab`, { ca });
    const upgrade = await new Promise<http.IncomingMessage>((resolve, reject) => {
      socket.on('upgrade', resolve);
      socket.on('unexpected-response', (_req, res) => reject(new Error(`no upgrade: HTTP ${res.statusCode}`)));
      socket.on('error', reject);
    });
    if (socket.readyState !== WebSocket.OPEN) await new Promise((resolve) => socket.once('open', resolve));
    return { socket, upgrade };
  }

  it('carries WebSockets on /api/collab both ways, with forwarded headers (the same config in front of a WebSocket echo server)', async () => {
    const server = http.createServer();
    const seen: http.IncomingHttpHeaders[] = [];
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => {
      seen.push(req.headers);
      ws.on('message', (data) => ws.send(`echo:${String(data)}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const echoEdge = await startNginx(`127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      const { socket, upgrade } = await openSocket(echoEdge.httpsPort, echoEdge.ca);
      const reply = new Promise<string>((resolve) => socket.once('message', (data) => resolve(String(data))));
      socket.send('hello');

      expect(upgrade.statusCode).toBe(101);
      expect(await reply).toBe('echo:hello');
      expect(seen[0]).toMatchObject({ 'x-forwarded-proto': 'https', 'x-forwarded-for': '127.0.0.1', upgrade: 'websocket' });
      socket.close();
      await new Promise((resolve) => socket.once('close', resolve));
    } finally {
      await echoEdge.stop();
      wss.close();
      server.close();
    }
  });

  it('syncs a workflow’s collaboration document through the proxy and acknowledges an edit', async () => {
    const created = await call('POST', '/api/workflows', {
      headers: json(token),
      body: JSON.stringify({
        name: 'Edge collaboration',
        canvasData: {
          nodes: [{ id: 'greet', type: 'text', position: { x: 0, y: 0 }, data: { config: { text: 'Hi' } } }],
          edges: [],
        },
      }),
    });
    expect(created.status).toBe(201);
    const workflowId = (JSON.parse(created.text) as { id: string }).id;
    const client = connectCollab(`https://127.0.0.1:${edge.httpsPort}`, workflowId, token, { ca: edge.ca });
    try {
      expect(await client.ready).toEqual({ ok: true });
      expect(readGraph(client.doc)?.nodes.map((n) => n.id)).toEqual(['greet']);

      const before = readGraph(client.doc);
      if (!before) throw new Error('the synced document holds no graph');
      client.doc.transact(() =>
        applyGraphDiff(client.doc, before, {
          ...before,
          nodes: [
            ...before.nodes,
            { id: 'edge-added', type: 'text', position: { x: 0, y: 120 }, data: { config: { text: 'Hello' } } },
          ],
        }),
      );
      await client.acknowledged();
      // A second collaborator, also through the proxy, receives the edit from the server.
      const other = connectCollab(`https://127.0.0.1:${edge.httpsPort}`, workflowId, token, { ca: edge.ca });
      try {
        expect(await other.ready).toEqual({ ok: true });

        expect(client.closes).toEqual([]);
        expect(
          readGraph(other.doc)
            ?.nodes.map((n) => n.id)
            .sort(),
        ).toEqual(['edge-added', 'greet']);
      } finally {
        other.destroy();
      }
    } finally {
      client.destroy();
    }
  });

  it('keeps /metrics off the public edge and refuses oversized bodies', async () => {
    const metrics = await call('GET', '/metrics');
    const huge = await call('POST', '/api/auth/login', { headers: json(), body: Buffer.alloc(3 * 1024 * 1024, 'a') });

    expect(metrics.status).toBe(404);
    expect(metrics.text).not.toContain('auterity_');
    expect(huge.status).toBe(413);
  });

  it('rate-limits sign-in routes per address at the edge', async () => {
    const replies = await Promise.all(
      Array.from({ length: 30 }, () => call('POST', '/api/auth/refresh', { headers: json(), body: '{}' })),
    );
    const statuses = replies.map((r) => r.status);

    expect(statuses.filter((s) => s === 401).length).toBeGreaterThan(0);
    const refused = replies.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    // nginx's own refusal (HTML), not the API's JSON envelope.
    expect(refused[0]?.headers['content-type']).toContain('text/html');
  });
});
