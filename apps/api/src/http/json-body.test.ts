import express from 'express';
import request from 'supertest';
import { crossOrigin } from './cors';
import { errorHandler } from './error-handler';
import { findJsonProblem, jsonBody } from './json-body';
import { requestContext } from './request-context';
import { captureLogger } from '../../test/test-app';

const LIMITS = { maxDepth: 4, maxKeys: 10 };

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}

describe('findJsonProblem', () => {
  it.each([
    ['a scalar', 'text', null],
    ['null', null, null],
    ['a flat object', { a: 1, b: 'x', c: null }, null],
    ['exactly the deepest nesting allowed', nested(4), null],
    ['one level too deep', nested(5), 'depth'],
    ['exactly the most keys allowed', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`k${i}`, i])), null],
    ['keys counted across levels', { a: { b: 1, c: 2, d: 3, e: 4, f: 5 }, g: { h: 1, i: 2, j: 3, k: 4 } }, 'keys'],
    ['__proto__ at the top', JSON.parse('{"__proto__": {"isAdmin": true}}'), 'prototype'],
    ['__proto__ nested in an array', JSON.parse('{"items": [{"__proto__": {"x": 1}}]}'), 'prototype'],
    ['constructor.prototype', { constructor: { prototype: { x: 1 } } }, 'prototype'],
    ['a plain field named constructor', { constructor: 'Object', prototype: 'fine' }, null],
    ['constructor holding other fields', { constructor: { name: 'x' } }, null],
    ['a NUL in a value', { a: { b: 'x\u0000y' } }, 'nul'],
    ['a NUL in an array item', { a: ['ok', '\u0000'] }, 'nul'],
    ['a NUL in a key', JSON.parse('{"a\\u0000": 1}'), 'nul'],
  ])('%s', (_name, value, problem) => {
    expect(findJsonProblem(value, LIMITS)).toBe(problem);
  });

  it('handles 10,000 levels without recursion', () => {
    const deep = JSON.parse(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);

    expect(findJsonProblem(deep, { maxDepth: 64, maxKeys: 10_000 })).toBe('depth');
    expect(findJsonProblem(deep, { maxDepth: 20_000, maxKeys: 10_000 })).toBeNull();
  });
});

describe('jsonBody and crossOrigin middleware', () => {
  const app = express();
  app.use(requestContext(captureLogger().log));
  const cors = crossOrigin(['https://studio.example.com']);
  if (cors) app.use(cors);
  app.use(jsonBody({ limitBytes: 1000, ...LIMITS }));
  app.post('/echo', (req, res) => {
    res.json({ body: req.body ?? null });
  });
  app.get('/echo', (_req, res) => {
    res.json({ ok: true });
  });
  app.use(errorHandler);

  it.each([
    ['deep nesting', JSON.stringify(nested(5)), 400, 'invalid_json'],
    [
      'too many keys',
      JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i]))),
      413,
      'payload_too_large',
    ],
    ['__proto__', '{"__proto__": {"polluted": true}}', 400, 'invalid_json'],
    ['a NUL character', '{"name": "a\\u0000b"}', 400, 'invalid_json'],
    ['over the size limit', JSON.stringify({ a: 'x'.repeat(1000) }), 413, 'payload_too_large'],
  ])('refuses %s with the envelope', async (_name, body, status, code) => {
    const res = await request(app).post('/echo').set('content-type', 'application/json').send(body);

    expect(res.status).toBe(status);
    expect(res.body).toMatchObject({ code, error: expect.any(String) });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes ordinary bodies, scalars and bodiless requests', async () => {
    const ok = await request(app)
      .post('/echo')
      .send({ a: [1, { b: 2 }] });
    const scalar = await request(app).post('/echo').set('content-type', 'application/json').send('"text"');
    const get = await request(app).get('/echo');

    expect(ok.body).toEqual({ body: { a: [1, { b: 2 }] } });
    expect(scalar.status).toBe(400);
    expect(get.body).toEqual({ ok: true });
  });

  it('answers CORS only for listed origins', async () => {
    const listed = await request(app).get('/echo').set('Origin', 'https://studio.example.com');
    const evil = await request(app).get('/echo').set('Origin', 'https://evil.test');
    const preflight = await request(app)
      .options('/echo')
      .set('Origin', 'https://evil.test')
      .set('Access-Control-Request-Method', 'POST');

    expect(listed.headers['access-control-allow-origin']).toBe('https://studio.example.com');
    expect(listed.headers['access-control-allow-credentials']).toBe('true');
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('adds no CORS handling without origins', () => {
    expect(crossOrigin([])).toBeUndefined();
  });
});
