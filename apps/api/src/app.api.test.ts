import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabase, type TestDatabase } from '../test/db';
import { buildTestApp } from '../test/test-app';
import { healthRoutes } from './modules/health/health.routes';

function builtStudio(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'auterity-studio-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Auterity Studio</title><div id="root"></div>');
  writeFileSync(path.join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
  return dir;
}

describe('API app', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test.drop();
  });

  describe('GET /api/health', () => {
    it('answers 200 with hardened headers and a request id', async () => {
      const res = await request(buildTestApp(test.db)).get('/api/health');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', uptimeSec: expect.any(Number) });
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    });
  });

  describe('GET /api/ready', () => {
    it('answers 200 when the database answers', async () => {
      const res = await request(buildTestApp(test.db)).get('/api/ready');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', checks: { database: 'up', redis: 'not_configured' } });
    });

    it('answers 503 naming the dependency that is down', async () => {
      const app = buildTestApp(test.db, {
        readinessChecks: [
          { name: 'database', check: () => test.db.ping() },
          { name: 'redis', check: () => Promise.reject(new Error('ECONNREFUSED')) },
        ],
        notConfigured: [],
      });

      const res = await request(app).get('/api/ready');

      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({
        code: 'not_ready',
        error: 'Not ready: redis unavailable',
        details: { checks: { database: 'up', redis: 'down' } },
      });
    });

    it('counts a check that hangs as down', async () => {
      const [, ready] = healthRoutes({
        checks: [{ name: 'database', check: () => new Promise(() => undefined) }],
        notConfigured: [],
        isShuttingDown: () => false,
        checkTimeoutMs: 50,
      });

      await expect(Promise.resolve(ready?.handle({} as never))).rejects.toMatchObject({
        status: 503,
        details: { checks: { database: 'down' } },
      });
    });

    it('answers 503 as soon as shutdown begins', async () => {
      const res = await request(buildTestApp(test.db, { isShuttingDown: () => true })).get('/api/ready');

      expect(res.status).toBe(503);
      expect(res.body.details.shuttingDown).toBe(true);
    });
  });

  describe('errors', () => {
    it('answers 404 with the envelope for an unknown API route', async () => {
      const res = await request(buildTestApp(test.db)).get('/api/nope');

      expect(res.status).toBe(404);
      expect(res.body).toEqual({
        error: 'No route for GET /api/nope',
        code: 'route_not_found',
        requestId: res.headers['x-request-id'],
      });
    });

    it('answers 400 with the envelope for malformed JSON', async () => {
      const res = await request(buildTestApp(test.db))
        .post('/api/auth/login')
        .set('content-type', 'application/json')
        .send('{bad');

      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_json');
      expect(res.text).not.toMatch(/SyntaxError|at JSON\.parse/);
    });

    it('answers 413 for a body over the limit', async () => {
      const res = await request(buildTestApp(test.db))
        .post('/api/auth/login')
        .send({ blob: 'x'.repeat(1024 * 1024) });

      expect(res.status).toBe(413);
    });
  });

  describe('OpenAPI', () => {
    it('serves a valid OpenAPI 3.1 document describing the routes', async () => {
      const res = await request(buildTestApp(test.db)).get('/api/openapi.json');

      expect(res.status).toBe(200);
      expect(res.body.openapi).toBe('3.1.0');
      expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/api/health', '/api/ready']));
      expect(res.body.components.schemas.ApiError).toBeDefined();
      const { Validator } = await import('@seriousme/openapi-schema-validator');
      const result = await new Validator().validate(structuredClone(res.body));
      expect(result).toMatchObject({ valid: true });
    });

    it('serves a readable reference page and its assets', async () => {
      const app = buildTestApp(test.db);

      const page = await request(app).get('/api/docs');
      const script = await request(app).get('/api/docs/assets/swagger-ui-bundle.js');

      expect(page.status).toBe(200);
      expect(page.text).toContain('/api/docs/assets/swagger-ui-bundle.js');
      expect(script.status).toBe(200);
    });
  });

  describe('studio SPA', () => {
    it('serves index.html for client routes and caches hashed assets', async () => {
      const app = buildTestApp(test.db, { studioDir: builtStudio() });

      const root = await request(app).get('/');
      const deepLink = await request(app).get('/workflows/42');
      const asset = await request(app).get('/assets/app-1234.js');

      expect(root.status).toBe(200);
      expect(root.text).toContain('Auterity Studio');
      expect(root.headers['cache-control']).toBe('no-cache');
      expect(deepLink.text).toContain('Auterity Studio');
      expect(asset.headers['cache-control']).toContain('immutable');
    });

    it('never answers API paths or non-GET requests with the SPA', async () => {
      const app = buildTestApp(test.db, { studioDir: builtStudio() });

      const api = await request(app).get('/api/unknown');
      const post = await request(app).post('/login');
      const missingAsset = await request(app).get('/assets/missing.js');

      expect(api.status).toBe(404);
      expect(api.body.code).toBe('route_not_found');
      expect(post.status).toBe(404);
      expect(post.body.code).toBe('route_not_found');
      expect(missingAsset.status).toBe(404);
    });

    it('still serves the API when the studio is not built', async () => {
      const app = buildTestApp(test.db, { studioDir: path.join(tmpdir(), 'does-not-exist') });

      const res = await request(app).get('/');

      expect(res.status).toBe(404);
      expect(res.body.code).toBe('route_not_found');
    });
  });
});
