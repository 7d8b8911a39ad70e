import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFastFetch } from './fast-fetch';

describe('createFastFetch', () => {
  let server: http.Server;
  let base: string;
  const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
        if (req.url === '/json') {
          res.writeHead(201, { 'content-type': 'application/json', 'x-twice': ['a', 'b'] });
          res.end(JSON.stringify({ ok: true }));
        } else if (req.url === '/sse') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write('data: one\n\n');
          setTimeout(() => res.end('data: two\n\n'), 20);
        } else if (req.url === '/empty') {
          res.writeHead(204);
          res.end();
        } else if (req.url === '/slow') {
          setTimeout(() => res.end('late'), 2000).unref();
        } else {
          res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
          res.end(req.method === 'HEAD' ? undefined : 'plain');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetch = createFastFetch();

  it('sends method, headers and a text body, and answers status, headers and the JSON body', async () => {
    const res = await fetch(`${base}/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k' },
      body: '{"q":1}',
    });

    expect(res.status).toBe(201);
    expect(res.headers.get('x-twice')).toBe('a, b');
    expect(await res.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({
      method: 'POST',
      body: '{"q":1}',
      headers: expect.objectContaining({ authorization: 'Bearer k' }),
    });
  });

  it('keeps an event stream a stream', async () => {
    const res = await fetch(new URL(`${base}/sse`));
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    let rest = '';
    for (let next = await reader.read(); !next.done; next = await reader.read()) rest += Buffer.from(next.value).toString();

    expect(Buffer.from(first.value as Uint8Array).toString()).toBe('data: one\n\n');
    expect(rest).toBe('data: two\n\n');
  });

  it('answers 204 and HEAD without a body', async () => {
    const empty = await fetch(`${base}/empty`);
    const head = await fetch(`${base}/plain`, { method: 'HEAD' });

    expect([empty.status, await empty.text()]).toEqual([204, '']);
    expect([head.status, head.headers.get('content-length'), await head.text()]).toEqual([200, '5', '']);
  });

  it('hands other bodies and Request objects to the global fetch', async () => {
    const res = await fetch(`${base}/plain`, { method: 'POST', body: new Uint8Array([104, 105]) });
    const viaRequest = await fetch(new Request(`${base}/plain`));

    expect(await res.text()).toBe('plain');
    expect(seen.find((s) => s.body === 'hi')).toBeDefined();
    expect(await viaRequest.text()).toBe('plain');
  });

  it('aborts with the signal', async () => {
    const controller = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('gave up')), 20);

    await expect(pending).rejects.toThrow();
  });
});
