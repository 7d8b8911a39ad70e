import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { captureLogger } from '../../test/test-app';
import { defineRoute, routeTable } from './define-route';
import { errorHandler, notFoundHandler } from './error-handler';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError } from './errors';
import { requestContext } from './request-context';

/** A small app on the real HTTP pipeline with routes that exercise each failure path. */
function buildApp() {
  const logs = captureLogger();
  const app = express();
  app.use(requestContext(logs.log));
  app.use(express.json({ limit: 1024 }));
  const echo = defineRoute({
    method: 'post',
    path: '/api/things/:thingId',
    summary: 'echo',
    tags: ['test'],
    auth: 'public',
    input: {
      params: z.object({ thingId: z.uuid() }),
      query: z.object({ dryRun: z.enum(['true', 'false']).optional() }),
      body: z.object({ name: z.string().min(1), count: z.number().int().max(10) }),
    },
    response: { status: 201, description: 'created', schema: z.object({ name: z.string() }) },
    handle: ({ input }) => ({ ...input.body, id: input.params.thingId, dryRun: input.query.dryRun }),
  });
  const failing = (path: string, error: () => Error) =>
    defineRoute({
      method: 'get',
      path,
      summary: path,
      tags: ['test'],
      auth: 'public',
      response: { description: 'never', schema: z.object({}) },
      handle: async () => {
        throw error();
      },
    });
  const routes = [
    echo,
    failing('/api/crash', () => new Error('SELECT secret FROM vault WHERE key = sk-canary')),
    failing('/api/db-down', () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    failing('/api/forbidden', () => new ForbiddenError()),
    failing('/api/unauthenticated', () => new UnauthenticatedError()),
    failing('/api/missing', () => new NotFoundError('workflow')),
    failing('/api/conflict', () => new ConflictError('Name already taken')),
    failing('/api/limited', () => new RateLimitedError(7)),
    defineRoute({
      method: 'delete',
      path: '/api/things/:thingId',
      summary: 'delete',
      tags: ['test'],
      auth: 'public',
      response: { status: 204, description: 'deleted', schema: z.undefined() },
      handle: () => undefined,
    }),
  ];
  app.use(routeTable(routes, {}));
  app.get('/api/half-sent', (_req, res, next) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"partial":');
    next(new Error('failed mid-stream'));
  });
  app.get('/api/client-error', (_req, _res, next) => {
    next(Object.assign(new Error('range not satisfiable'), { status: 416, expose: true }));
  });
  app.use('/api', notFoundHandler);
  app.use(errorHandler);
  return { app, logs };
}

const THING = '2f1c4a8e-6f0e-4b1e-9d7a-3b8b7c2d1e00';

describe('HTTP pipeline', () => {
  it('routes by the path group as Express would: any letter case, a trailing slash, unknown groups to 404', async () => {
    const { app } = buildApp();

    const upper = await request(app).delete(`/API/Things/${THING}`);
    const slash = await request(app).delete(`/api/things/${THING}/`);
    const unknownGroup = await request(app).delete(`/api/others/${THING}`);
    const wrongMethod = await request(app).put(`/api/things/${THING}`);

    expect(upper.status).toBe(204);
    expect(slash.status).toBe(204);
    expect(unknownGroup.status).toBe(404);
    expect(unknownGroup.body.code).toBe('route_not_found');
    expect(wrongMethod.status).toBe(404);
  });

  it('refuses a route table whose path does not start with two literal segments', () => {
    const route = defineRoute({
      method: 'get',
      path: '/api/:anything',
      summary: 'too greedy',
      tags: ['test'],
      auth: 'public',
      response: { description: 'never', schema: z.object({}) },
      handle: () => ({}),
    });

    expect(() => routeTable([route], {})).toThrow('must start with two literal path segments');
  });

  it('answers 400 for a path parameter with malformed percent-encoding', async () => {
    const { app } = buildApp();

    const res = await request(app).post('/api/things/%zz').send({ name: 'a', count: 1 });

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', error: 'Malformed percent-encoding in the URL' });
  });

  it('validates, strips unknown fields and answers with the handler result', async () => {
    const { app } = buildApp();

    const res = await request(app)
      .post(`/api/things/${THING}?dryRun=true`)
      .set('content-type', 'application/json')
      .send('{"name":"a","count":2,"role":"admin","__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}');

    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'a', count: 2, id: THING, dryRun: 'true' });
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('reports every invalid field with its location', async () => {
    const { app } = buildApp();

    const res = await request(app).post('/api/things/not-a-uuid?dryRun=maybe').send({ name: '', count: 'x' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
    const paths = res.body.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['params.thingId', 'query.dryRun', 'body.name', 'body.count']));
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
  });

  it('rejects repeated query parameters where one value is expected', async () => {
    const { app } = buildApp();

    const res = await request(app).post(`/api/things/${THING}?dryRun=true&dryRun=false`).send({ name: 'a', count: 1 });

    expect(res.status).toBe(400);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const { app } = buildApp();

    const res = await request(app).post(`/api/things/${THING}`).set('content-type', 'text/plain').send('name=a');

    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('answers 400 for malformed JSON and 413 for a body over the limit', async () => {
    const { app } = buildApp();

    const malformed = await request(app)
      .post(`/api/things/${THING}`)
      .set('content-type', 'application/json')
      .send('{"name": "a",');
    const tooLarge = await request(app)
      .post(`/api/things/${THING}`)
      .send({ name: 'x'.repeat(2000), count: 1 });

    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: 'Request body is not valid JSON',
      code: 'invalid_json',
      requestId: expect.any(String),
    });
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.code).toBe('payload_too_large');
  });

  it('hides unexpected errors behind a request id and logs them', async () => {
    const { app, logs } = buildApp();

    const res = await request(app).get('/api/crash');

    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Internal server error', code: 'internal_error', requestId: res.headers['x-request-id'] });
    expect(JSON.stringify(res.body)).not.toMatch(/SELECT|sk-canary|at /);
    const line = logs.lines().find((l) => l.msg === 'unhandled error');
    expect(line?.requestId).toBe(res.headers['x-request-id']);
  });

  it('answers 503 with Retry-After when the database is unreachable', async () => {
    const { app } = buildApp();

    const res = await request(app).get('/api/db-down');

    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error).not.toMatch(/ECONNREFUSED|5432/);
  });

  it.each([
    ['/api/forbidden', 403, 'forbidden', 'Insufficient permissions'],
    ['/api/unauthenticated', 401, 'unauthenticated', 'Access token required'],
    ['/api/missing', 404, 'not_found', 'Workflow not found'],
    ['/api/conflict', 409, 'conflict', 'Name already taken'],
    ['/api/limited', 429, 'rate_limited', 'Too many requests'],
  ])('renders %s as %i %s', async (path, status, code, message) => {
    const { app } = buildApp();

    const res = await request(app).get(path);

    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, error: message });
  });

  it('answers 415 for an unsupported body charset', async () => {
    const { app } = buildApp();

    const res = await request(app)
      .post(`/api/things/${THING}`)
      .set('content-type', 'application/json; charset=latin-9')
      .send('{"name":"a","count":1}');

    expect(res.status).toBe(415);
    expect(res.body.code).toBe('unsupported_media_type');
  });

  it('maps other client errors from HTTP libraries to a generic 400', async () => {
    const { app } = buildApp();

    const res = await request(app).get('/api/client-error');

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'validation_failed', error: 'Bad request' });
  });

  it('cuts the connection when an error happens after the response started', async () => {
    const { app, logs } = buildApp();

    await expect(request(app).get('/api/half-sent')).rejects.toThrow();
    expect(logs.lines().some((l) => l.msg === 'error after response started')).toBe(true);
  });

  it('sets Retry-After on 429', async () => {
    const { app } = buildApp();

    const res = await request(app).get('/api/limited');

    expect(res.headers['retry-after']).toBe('7');
  });

  it('answers 204 with an empty body', async () => {
    const { app } = buildApp();

    const res = await request(app).delete(`/api/things/${THING}`);

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', async () => {
    const { app } = buildApp();

    const kept = await request(app).get('/api/nope').set('x-request-id', 'trace-123');
    const replaced = await request(app).get('/api/nope').set('x-request-id', 'bad id <script>');

    expect(kept.headers['x-request-id']).toBe('trace-123');
    expect(kept.body.requestId).toBe('trace-123');
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs one line per request with the path but never the query string', async () => {
    const { app, logs } = buildApp();

    await request(app).get('/api/nope?token=sk-canary');

    const line = logs.lines().find((l) => l.msg === 'request');
    expect(line).toMatchObject({ method: 'GET', path: '/api/nope', status: 404 });
    expect(logs.text()).not.toContain('sk-canary');
  });
});
