import http from 'node:http';
import type { AddressInfo, LookupFunction } from 'node:net';
import {
  createGuardedHttpClient,
  OutboundRequestError,
  parseCidr,
  parseHostRule,
  refusalReason,
  type OutboundErrorCode,
} from './http-client';

interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface TestServer {
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: number;
  requests: Recorded[];
  openSockets: number;
  close(): Promise<void>;
}

const running: TestServer[] = [];

afterEach(async () => {
  // Also after a failed assertion, so a server never keeps jest alive.
  await Promise.all(running.splice(0).map((server) => server.close()));
});

/** A real HTTP server on 127.0.0.1 that records every connection and request. */
async function startServer(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<TestServer> {
  const server = http.createServer();
  const state: TestServer = {
    port: 0,
    url: '',
    connections: 0,
    requests: [],
    openSockets: 0,
    close: () =>
      new Promise((resolve) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', (socket) => {
    state.connections += 1;
    state.openSockets += 1;
    socket.on('close', () => (state.openSockets -= 1));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  state.url = `http://127.0.0.1:${state.port}`;
  running.push(state);
  return state;
}

/** A resolver that answers fixed addresses (and counts its calls), like a hostile DNS server. */
function fixedLookup(...answers: string[][]): LookupFunction & { calls: number } {
  const lookup = ((_hostname, options, callback) => {
    const addresses = answers[Math.min(lookup.calls, answers.length - 1)] ?? [];
    lookup.calls += 1;
    const records = addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    if (options.all) callback(null, records);
    else callback(null, records[0]?.address ?? '', records[0]?.family);
  }) as LookupFunction & { calls: number };
  lookup.calls = 0;
  return lookup;
}

async function failureOf(promise: Promise<unknown>): Promise<OutboundRequestError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OutboundRequestError) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

async function codeOf(promise: Promise<unknown>): Promise<OutboundErrorCode> {
  return (await failureOf(promise)).code;
}

describe('refusalReason', () => {
  it.each([
    ['127.0.0.1', 'loopback addresses'],
    ['127.255.0.9', 'loopback addresses'],
    ['::1', 'loopback addresses'],
    ['::ffff:127.0.0.1', 'loopback addresses'],
    ['169.254.169.254', 'link-local addresses'],
    ['::ffff:169.254.169.254', 'link-local addresses'],
    ['fe80::1', 'link-local addresses'],
    ['10.0.0.1', 'private network addresses'],
    ['172.16.0.1', 'private network addresses'],
    ['172.31.255.255', 'private network addresses'],
    ['192.168.0.1', 'private network addresses'],
    ['::ffff:10.1.2.3', 'private network addresses'],
    ['fc00::1', 'private network addresses'],
    ['fd12:3456::1', 'private network addresses'],
    ['100.64.0.1', 'carrier-grade NAT addresses'],
    ['224.0.0.1', 'multicast addresses'],
    ['ff02::1', 'multicast addresses'],
    ['0.0.0.0', 'unspecified addresses'],
    ['0.1.2.3', 'unspecified addresses'],
    ['::', 'unspecified addresses'],
    ['255.255.255.255', 'broadcast addresses'],
    ['240.0.0.1', 'reserved addresses'],
    ['192.0.2.10', 'reserved addresses'],
    ['::7f00:1', 'reserved addresses'],
    ['64:ff9b::7f00:1', 'special-purpose addresses'],
    ['2002:7f00:1::1', 'special-purpose addresses'],
    ['not-an-ip', 'not an IP address'],
  ])('refuses %s (%s)', (ip, reason) => {
    expect(refusalReason(ip)).toBe(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888'])('allows public %s', (ip) => {
    expect(refusalReason(ip)).toBeNull();
  });

  it('allows what an allowed range covers, in either notation', () => {
    expect(refusalReason('10.1.2.3', [parseCidr('10.1.0.0/16')])).toBeNull();
    expect(refusalReason('::ffff:10.1.2.3', [parseCidr('10.1.0.0/16')])).toBeNull();
    expect(refusalReason('10.1.2.3', [parseCidr('::ffff:10.1.0.0/112')])).toBeNull();
    expect(refusalReason('fd00::5', [parseCidr('fd00::/8')])).toBeNull();
    expect(refusalReason('10.2.0.1', [parseCidr('10.1.0.0/16')])).toBe('private network addresses');
    expect(refusalReason('fd00::5', [parseCidr('10.0.0.0/8')])).toBe('private network addresses');
  });
});

describe('allow-list entries', () => {
  it.each([
    ['api.internal', { host: 'api.internal', wildcard: false }],
    ['API.Internal.:8080', { host: 'api.internal', wildcard: false, port: 8080 }],
    ['*.corp.example', { host: 'corp.example', wildcard: true }],
    ['10.0.0.5:443', { host: '10.0.0.5', wildcard: false, port: 443 }],
    ['[fd00::1]:8443', { host: 'fd00::1', wildcard: false, port: 8443 }],
    ['[fd00::1]', { host: 'fd00::1', wildcard: false }],
    ['fd00::1', { host: 'fd00::1', wildcard: false }],
  ])('parses host %s', (entry, rule) => {
    expect(parseHostRule(entry)).toEqual(rule);
  });

  it.each(['', 'host:0', 'host:99999', 'host:http', 'a b', 'http://x'])('refuses host entry %j', (entry) => {
    expect(() => parseHostRule(entry)).toThrow(/allowHosts entry/);
  });

  it('parses ranges and single addresses, and refuses anything else', () => {
    expect(parseCidr('10.0.0.0/8')[1]).toBe(8);
    expect(parseCidr('127.0.0.1')[1]).toBe(32);
    expect(parseCidr('::1')[1]).toBe(128);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/allowCidrs entry/);
    expect(() => parseCidr('example.com')).toThrow(/allowCidrs entry/);
    expect(() => parseCidr('127.1')).toThrow(/allowCidrs entry/);
  });
});

describe('guarded HTTP client', () => {
  let canary: TestServer;

  beforeEach(async () => {
    // Stands in for an internal service (Redis, Postgres, the API itself) that must never be reached.
    canary = await startServer((_req, res) => res.end('internal'));
  });

  describe('refuses internal destinations before connecting', () => {
    const client = createGuardedHttpClient();

    it.each([
      ['http://127.0.0.1:{canary}/', 'Blocked request to 127.0.0.1: loopback addresses are not allowed'],
      ['http://localhost:{canary}/', 'Blocked request to localhost (127.0.0.1): loopback addresses are not allowed'],
      ['http://[::1]:{canary}/', 'Blocked request to ::1: loopback addresses are not allowed'],
      ['http://0.0.0.0:{canary}/', 'Blocked request to 0.0.0.0: unspecified addresses are not allowed'],
      ['http://[::]:{canary}/', 'Blocked request to ::: unspecified addresses are not allowed'],
      ['http://2130706433:{canary}/', 'Blocked request to 127.0.0.1: loopback addresses are not allowed'],
      ['http://0x7f000001:{canary}/', 'Blocked request to 127.0.0.1: loopback addresses are not allowed'],
      ['http://0177.0.0.1:{canary}/', 'Blocked request to 127.0.0.1: loopback addresses are not allowed'],
      ['http://127.1:{canary}/', 'Blocked request to 127.0.0.1: loopback addresses are not allowed'],
      ['http://[::ffff:127.0.0.1]:{canary}/', 'Blocked request to ::ffff:7f00:1: loopback addresses are not allowed'],
      ['http://169.254.169.254/latest/meta-data/', 'Blocked request to 169.254.169.254: link-local addresses are not allowed'],
      ['http://[::ffff:169.254.169.254]/', 'Blocked request to ::ffff:a9fe:a9fe: link-local addresses are not allowed'],
      ['http://10.0.0.1/', 'Blocked request to 10.0.0.1: private network addresses are not allowed'],
      ['https://172.16.0.1/', 'Blocked request to 172.16.0.1: private network addresses are not allowed'],
      ['http://192.168.0.1:8080/', 'Blocked request to 192.168.0.1: private network addresses are not allowed'],
      ['http://100.64.0.1/', 'Blocked request to 100.64.0.1: carrier-grade NAT addresses are not allowed'],
      ['http://[fc00::1]/', 'Blocked request to fc00::1: private network addresses are not allowed'],
      ['http://[fe80::1]/', 'Blocked request to fe80::1: link-local addresses are not allowed'],
      ['http://224.0.0.1/', 'Blocked request to 224.0.0.1: multicast addresses are not allowed'],
      ['http://255.255.255.255/', 'Blocked request to 255.255.255.255: broadcast addresses are not allowed'],
      ['http://example.com:25/', 'Blocked request to example.com:25: port 25 is not allowed'],
    ])('%s', async (template, message) => {
      const url = template.replace('{canary}', String(canary.port));

      const err = await failureOf(client.request({ method: 'GET', url }));

      expect(err.code).toBe('ssrf_blocked');
      expect(err.message).toBe(message);
      expect(canary.connections).toBe(0);
    });
  });

  it('judges the address a name resolves to, on the same lookup the connection uses', async () => {
    const toLoopback = createGuardedHttpClient({ lookup: fixedLookup(['127.0.0.1']) });
    const mixed = createGuardedHttpClient({ lookup: fixedLookup(['93.184.216.34', '10.0.0.7']) });
    const mapped = createGuardedHttpClient({ lookup: fixedLookup(['::ffff:169.254.169.254']) });

    const loopbackError = await failureOf(toLoopback.request({ method: 'GET', url: `http://rebind.test:${canary.port}/` }));
    const mixedCode = await codeOf(mixed.request({ method: 'GET', url: `http://mixed.test:${canary.port}/` }));
    const mappedCode = await codeOf(mapped.request({ method: 'GET', url: 'http://metadata.test/' }));

    expect(loopbackError.code).toBe('ssrf_blocked');
    expect(loopbackError.message).toBe('Blocked request to rebind.test (127.0.0.1): loopback addresses are not allowed');
    expect(mixedCode).toBe('ssrf_blocked');
    expect(mappedCode).toBe('ssrf_blocked');
    expect(canary.connections).toBe(0);
  });

  it('checks every connection against its own resolution (no window between check and connect)', async () => {
    // First answer an allowed address, then an internal one, as a rebinding DNS server would.
    const lookup = fixedLookup(['127.0.0.1'], ['10.0.0.9']);
    const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'], lookup });

    const first = await client.request({ method: 'GET', url: `http://rebind.test:${canary.port}/` });
    const second = await codeOf(client.request({ method: 'GET', url: `http://rebind.test:${canary.port}/` }));

    expect(first.status).toBe(200);
    expect(second).toBe('ssrf_blocked');
    expect(lookup.calls).toBe(2);
    expect(canary.connections).toBe(1);
  });

  it('talks to an allowed server: method, headers, body, status and response headers', async () => {
    const server = await startServer((req, res) => {
      res.setHeader('x-echo', String(req.headers['x-custom']));
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.statusCode = 201;
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
    const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

    const res = await client.request({
      method: 'post',
      url: `${server.url}/things?x=1`,
      headers: { 'x-custom': 'yes', 'content-type': 'application/json', Host: 'evil.test', 'Content-Length': '1' },
      body: '{"name":"ü"}',
    });

    expect(res.status).toBe(201);
    expect(JSON.parse(res.body)).toEqual({ ok: true, method: 'POST' });
    expect(res.headers['x-echo']).toBe('yes');
    expect(res.headers['set-cookie']).toBe('a=1, b=2');
    expect(res.url).toBe(`${server.url}/things?x=1`);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      url: '/things?x=1',
      body: '{"name":"ü"}',
      headers: { host: `127.0.0.1:${server.port}`, 'content-length': '13', 'user-agent': 'Auterity' },
    });
  });

  it('reaches allow-listed hosts by name or host:port, and nothing else', async () => {
    const server = await startServer((_req, res) => res.end('internal ok'));
    const byName = createGuardedHttpClient({ allowHosts: ['internal.test'], lookup: fixedLookup(['127.0.0.1']) });
    const byWildcard = createGuardedHttpClient({ allowHosts: ['*.corp.test'], lookup: fixedLookup(['127.0.0.1']) });
    const byPort = createGuardedHttpClient({ allowHosts: [`127.0.0.1:${server.port}`] });

    const named = await byName.request({ method: 'GET', url: `http://internal.test:${server.port}/` });
    const wildcard = await byWildcard.request({ method: 'GET', url: `http://api.corp.test:${server.port}/` });
    const ported = await byPort.request({ method: 'GET', url: `${server.url}/` });
    const unlisted = await codeOf(byName.request({ method: 'GET', url: `http://other.test:${server.port}/` }));
    const bareSuffix = await codeOf(byWildcard.request({ method: 'GET', url: `http://corp.test:${server.port}/` }));
    const otherPort = await codeOf(byPort.request({ method: 'GET', url: `http://127.0.0.1:${canary.port}/` }));

    expect([named.body, wildcard.body, ported.body]).toEqual(['internal ok', 'internal ok', 'internal ok']);
    expect([unlisted, bareSuffix, otherPort]).toEqual(['ssrf_blocked', 'ssrf_blocked', 'ssrf_blocked']);
    expect(canary.connections).toBe(0);
  });

  describe('redirects', () => {
    it('refuses a redirect from an allowed server to an internal address', async () => {
      const server = await startServer((req, res) => {
        const target = req.url === '/metadata' ? 'http://169.254.169.254/latest/' : `http://127.0.0.1:${canary.port}/`;
        res.writeHead(302, { location: target }).end();
      });
      const client = createGuardedHttpClient({ allowHosts: [`127.0.0.1:${server.port}`] });

      const toLoopback = await failureOf(client.request({ method: 'GET', url: `${server.url}/` }));
      const toMetadata = await failureOf(client.request({ method: 'GET', url: `${server.url}/metadata` }));

      expect(toLoopback.code).toBe('ssrf_blocked');
      expect(toLoopback.message).toBe('Blocked request to 127.0.0.1: loopback addresses are not allowed');
      expect(toMetadata.code).toBe('ssrf_blocked');
      expect(server.requests).toHaveLength(2);
      expect(canary.connections).toBe(0);
    });

    it('follows allowed redirects: 302/303 become GET, 307 keeps method and body, final URL reported', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/found') res.writeHead(302, { location: '/final' }).end();
        else if (req.url === '/see-other') res.writeHead(303, { location: '/final' }).end();
        else if (req.url === '/temporary') res.writeHead(307, { location: '/final' }).end();
        else res.end(`${req.method} ${req.url}`);
      });
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1'] });
      const post = (path: string) =>
        client.request({
          method: 'POST',
          url: `${server.url}${path}`,
          body: 'payload',
          headers: { 'content-type': 'text/plain' },
        });

      const found = await post('/found');
      const seeOther = await post('/see-other');
      const temporary = await post('/temporary');

      expect(found).toMatchObject({ status: 200, body: 'GET /final', url: `${server.url}/final` });
      expect(seeOther.body).toBe('GET /final');
      expect(temporary.body).toBe('POST /final');
      const finals = server.requests.filter((r) => r.url === '/final');
      expect(finals.map((r) => [r.body, r.headers['content-type']])).toEqual([
        ['', undefined],
        ['', undefined],
        ['payload', 'text/plain'],
      ]);
    });

    it('drops credentials when a redirect leaves the origin', async () => {
      const other = await startServer((_req, res) => res.end('other'));
      const server = await startServer((req, res) => {
        if (req.url === '/same') res.writeHead(301, { location: '/landing' }).end();
        else if (req.url === '/away') res.writeHead(308, { location: `${other.url}/landing` }).end();
        else res.end('here');
      });
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.0/8'] });
      const headers = { Authorization: 'Bearer sk-secret', Cookie: 'sid=1', 'X-Api-Key': 'key-secret', 'X-Trace': 't' };
      const sensitiveHeaders = ['x-api-key'];

      await client.request({ method: 'GET', url: `${server.url}/same`, headers, sensitiveHeaders });
      await client.request({ method: 'GET', url: `${server.url}/away`, headers, sensitiveHeaders });

      expect(server.requests.find((r) => r.url === '/landing')?.headers).toMatchObject({
        authorization: 'Bearer sk-secret',
        'x-api-key': 'key-secret',
      });
      expect(other.requests[0]?.headers.authorization).toBeUndefined();
      expect(other.requests[0]?.headers.cookie).toBeUndefined();
      expect(other.requests[0]?.headers['x-api-key']).toBeUndefined();
      expect(other.requests[0]?.headers['x-trace']).toBe('t');
    });

    it('stops after maxRedirects, or answers the redirect itself when not following', async () => {
      const server = await startServer((_req, res) => res.writeHead(302, { location: '/again' }).end('moved'));
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

      const err = await failureOf(client.request({ method: 'GET', url: `${server.url}/`, maxRedirects: 3 }));
      const defaultLimit = await codeOf(client.request({ method: 'GET', url: `${server.url}/` }));
      const notFollowed = await client.request({ method: 'GET', url: `${server.url}/`, followRedirects: false });

      expect(err.code).toBe('too_many_redirects');
      expect(err.message).toBe('Stopped after 3 redirects');
      expect(defaultLimit).toBe('too_many_redirects');
      expect(notFollowed).toMatchObject({ status: 302, body: 'moved', headers: { location: '/again' } });
    });

    it('refuses redirects to other schemes and to invalid locations', async () => {
      const server = await startServer((req, res) =>
        res.writeHead(302, { location: req.url === '/file' ? 'file:///etc/passwd' : 'http://[bad' }).end(),
      );
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

      const file = await codeOf(client.request({ method: 'GET', url: `${server.url}/file` }));
      const invalid = await codeOf(client.request({ method: 'GET', url: `${server.url}/bad` }));

      expect([file, invalid]).toEqual(['invalid_url', 'invalid_url']);
    });
  });

  describe('bounds', () => {
    it('times out a server that never answers and releases the socket', async () => {
      const server = await startServer(() => undefined);
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'], defaultTimeoutMs: 150 });
      const started = Date.now();

      const err = await failureOf(client.request({ method: 'GET', url: `${server.url}/` }));
      await new Promise((resolve) => setTimeout(resolve, 50));

      expect(err.code).toBe('timeout');
      expect(err.message).toBe('The request timed out after 150 ms');
      expect(Date.now() - started).toBeLessThan(2000);
      expect(server.openSockets).toBe(0);
    });

    it('honours a per-request timeout over the default, for a body that drips', async () => {
      const server = await startServer((_req, res) => {
        res.write('a');
      });
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

      const code = await codeOf(client.request({ method: 'GET', url: `${server.url}/`, timeoutMs: 100 }));

      expect(code).toBe('timeout');
    });

    it('aborts with the caller signal, before or during the call', async () => {
      const server = await startServer(() => undefined);
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);

      const during = await codeOf(client.request({ method: 'GET', url: `${server.url}/`, signal: controller.signal }));
      const before = await codeOf(client.request({ method: 'GET', url: `${server.url}/`, signal: AbortSignal.abort() }));

      expect(during).toBe('aborted');
      expect(before).toBe('aborted');
      expect(server.connections).toBe(1);
    });

    it('caps the response size, declared or streamed', async () => {
      const server = await startServer((req, res) => {
        if (req.url === '/declared') {
          res.setHeader('content-length', String(5000));
          res.end('x'.repeat(5000));
          return;
        }
        // Chunked, no length: the cap applies while reading.
        for (let i = 0; i < 10; i += 1) res.write('y'.repeat(1000));
        res.end();
      });
      const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

      const declared = await failureOf(client.request({ method: 'GET', url: `${server.url}/declared`, maxResponseBytes: 1000 }));
      const streamed = await codeOf(client.request({ method: 'GET', url: `${server.url}/streamed`, maxResponseBytes: 1000 }));
      const withinCap = await client.request({ method: 'GET', url: `${server.url}/streamed`, maxResponseBytes: 10_000 });

      expect(declared.code).toBe('response_too_large');
      expect(declared.message).toBe('The response is larger than 1000 bytes');
      expect(streamed).toBe('response_too_large');
      expect(withinCap.body).toHaveLength(10_000);
    });
  });

  describe('other failures', () => {
    const client = createGuardedHttpClient({ allowCidrs: ['127.0.0.1/32'] });

    it.each([
      ['not a url', 'The URL is not valid'],
      ['file:///etc/passwd', 'Only http and https URLs are allowed, not file:'],
      ['gopher://127.0.0.1:6379/_INFO', 'Only http and https URLs are allowed, not gopher:'],
      ['ftp://example.com/', 'Only http and https URLs are allowed, not ftp:'],
      ['data:text/plain,hi', 'Only http and https URLs are allowed, not data:'],
    ])('refuses %s as an invalid URL', async (url, message) => {
      const err = await failureOf(client.request({ method: 'GET', url }));

      expect(err.code).toBe('invalid_url');
      expect(err.message).toBe(message);
    });

    it('refuses invalid header values before sending anything', async () => {
      const code = await codeOf(
        client.request({ method: 'GET', url: `${canary.url}/`, headers: { 'x-bad': 'line\r\nInjected: 1' } }),
      );

      expect(code).toBe('invalid_url');
      expect(canary.requests).toHaveLength(0);
    });

    it('reports refused connections and failed lookups as network errors', async () => {
      const gone = await startServer(() => undefined);
      await gone.close();
      const failingLookup: LookupFunction = (hostname, _options, callback) =>
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '', 0);
      const noAnswer = createGuardedHttpClient({ lookup: failingLookup });
      const empty = createGuardedHttpClient({ lookup: fixedLookup([]) });

      const refused = await failureOf(client.request({ method: 'GET', url: `${gone.url}/` }));
      const notFound = await failureOf(noAnswer.request({ method: 'GET', url: 'http://nowhere.test/' }));
      const noAddress = await codeOf(empty.request({ method: 'GET', url: 'http://empty.test/' }));

      expect(refused.code).toBe('network_error');
      expect(refused.message).toBe(`Request to 127.0.0.1:${gone.port} failed: connection refused`);
      expect(notFound.message).toBe('Request to nowhere.test failed: host not found');
      expect(noAddress).toBe('network_error');
    });

    it('reports a connection cut mid-response as a network error', async () => {
      const server = await startServer((req, res) => {
        res.setHeader('content-length', '100');
        res.write('partial');
        setTimeout(() => req.socket.destroy(), 10);
      });

      const code = await codeOf(client.request({ method: 'GET', url: `${server.url}/` }));

      expect(code).toBe('network_error');
    });

    it('refuses unusable allow-list settings when the client is created', () => {
      expect(() => createGuardedHttpClient({ allowCidrs: ['10.0.0.0/99'] })).toThrow(/allowCidrs/);
      expect(() => createGuardedHttpClient({ allowHosts: ['bad host'] })).toThrow(/allowHosts/);
    });
  });
});
