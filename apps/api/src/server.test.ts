import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { listen } from './server';

function get(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('graceful stop', () => {
  it('finishes in-flight requests, closes idle keep-alive sockets and refuses new connections', async () => {
    const app = express();
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ done: true }), 400);
    });
    app.get('/fast', (_req, res) => {
      res.json({ ok: true });
    });
    const running = await listen(app, 0, '127.0.0.1');
    const { port } = running.server.address() as AddressInfo;
    const keepAlive = new http.Agent({ keepAlive: true });
    await get(port, '/fast', keepAlive);

    const inFlight = Promise.all([1, 2, 3].map(() => get(port, '/slow')));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await running.stop(5000);

    const results = await inFlight;
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(Date.now() - started).toBeLessThan(2000);
    await expect(get(port, '/fast', new http.Agent({ keepAlive: false }))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    keepAlive.destroy();
  });

  it('answers requests in flight at the stop with Connection: close, so keep-alive clients do not reuse the socket', async () => {
    const app = express();
    app.get('/slow', (_req, res) => {
      setTimeout(() => res.json({ done: true }), 300);
    });
    const running = await listen(app, 0, '127.0.0.1');
    const { port } = running.server.address() as AddressInfo;
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const before = await new Promise<string | undefined>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/slow', agent: keepAlive }, (res) => resolve(res.resume().headers.connection))
        .on('error', reject),
    );

    const during = new Promise<string | undefined>((resolve, reject) =>
      http
        .get({ host: '127.0.0.1', port, path: '/slow', agent: keepAlive }, (res) => resolve(res.resume().headers.connection))
        .on('error', reject),
    );
    await new Promise((r) => setTimeout(r, 100));
    const stopped = running.stop(5000);

    expect(before).toBe('keep-alive');
    expect(await during).toBe('close');
    await stopped;
    keepAlive.destroy();
  });

  it('closes connections that outlive the drain timeout', async () => {
    const app = express();
    app.get('/hang', () => undefined);
    const running = await listen(app, 0, '127.0.0.1');
    const { port } = running.server.address() as AddressInfo;

    const hung = get(port, '/hang').catch((err: NodeJS.ErrnoException) => err.code);
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await running.stop(200);

    expect(await hung).toBe('ECONNRESET');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects when the port is taken', async () => {
    const first = await listen(express(), 0, '127.0.0.1');
    const { port } = first.server.address() as AddressInfo;

    await expect(listen(express(), port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await first.stop(100);
  });
});
