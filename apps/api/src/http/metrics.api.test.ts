import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../app';
import { startAiUpstream, type AiUpstream } from '../../test/ai-upstream';
import { createTestDatabase, type TestDatabase } from '../../test/db';
import { registerOwner, type SignedInUser } from '../../test/factories';
import { testConfig, testDeps } from '../../test/test-app';
import { registry } from '../lib/metrics';

/** The value of one sample in Prometheus text, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries([...(match[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[4]);
  }
  return 0;
}

jest.setTimeout(60_000);

describe('GET /metrics (Prometheus, real traffic)', () => {
  let test: TestDatabase;
  let services: Services;
  let app: Express;
  let up: AiUpstream;
  let owner: SignedInUser;

  beforeAll(async () => {
    up = await startAiUpstream();
    test = await createTestDatabase();
    const deps = testDeps(test.db, { config: testConfig({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }) });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    owner = await registerOwner(app);
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await up.close();
    await test.drop();
  });

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });
  const scrape = async () => {
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    return res.text;
  };

  async function aiWorkflow(): Promise<string> {
    const credential = await request(app)
      .post('/api/credentials')
      .set(as(owner))
      .send({ name: 'OpenAI', type: 'api_key', data: { apiKey: 'sk-test', provider: 'openai', baseUrl: `${up.url}/openai/v1` } });
    expect(credential.status).toBe(201);
    const res = await request(app)
      .post('/api/workflows')
      .set(as(owner))
      .send({
        name: 'Metered',
        canvasData: {
          nodes: [
            { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
            {
              id: 'ask',
              type: 'ai.generate',
              position: { x: 260, y: 0 },
              data: { config: { prompt: 'Hi', model: 'openai/gpt-4o-mini' } },
            },
          ],
          edges: [{ id: 'start-ask', source: 'start', target: 'ask' }],
        },
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('exposes request durations by route template, executions, queue, worker, AI usage, 429s and process metrics', async () => {
    const before = await scrape();
    const workflowId = await aiWorkflow();

    // A run that is busy for a while: the worker's slots show it while it runs.
    up.script('openai', { delayMs: 3000 }, { text: 'Slow answer', usage: { input: 1000, output: 500 } });
    const started = await request(app).post(`/api/workflows/${workflowId}/execute`).set(as(owner)).send({ input: {} });
    expect(started.status).toBe(202);
    let during = '';
    for (const deadline = Date.now() + 15_000; sample(during, 'auterity_worker_busy_slots') === 0 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 50));
      during = await scrape();
    }
    expect(sample(during, 'auterity_worker_busy_slots')).toBe(1);
    expect(sample(during, 'auterity_worker_slots')).toBe(20);
    expect(sample(during, 'auterity_worker_utilization')).toBeCloseTo(1 / 20);
    expect(sample(during, 'auterity_queue_depth')).toBeGreaterThanOrEqual(1);

    up.script('openai', { text: 'Billed answer', usage: { input: 1000, output: 500 } });
    const run = await request(app).post(`/api/workflows/${workflowId}/execute?wait=10`).set(as(owner)).send({ input: {} });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    for (let i = 0; i < 300; i++) {
      const first = await request(app)
        .get(`/api/executions/${started.body.id as string}`)
        .set(as(owner));
      if (first.body.status === 'succeeded') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await request(app).get(`/api/workflows/${workflowId}`).set(as(owner)).expect(200);
    await request(app).get('/api/no-such-route').expect(404);

    // Refusals of another app in this process land in the same registry.
    const strict = createApp(testDeps(test.db, { config: testConfig({ RATE_LIMIT_AUTH_PER_MIN: '1' }) }));
    const login = { email: 'nobody@example.com', password: 'not the password' };
    await request(strict).post('/api/auth/login').send(login);
    expect((await request(strict).post('/api/auth/login').send(login)).status).toBe(429);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sample(after, name, labels) - sample(before, name, labels);

    expect(
      delta('auterity_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/workflows/:id/execute',
        status: '200',
      }),
    ).toBe(1);
    expect(
      delta('auterity_http_request_duration_seconds_count', {
        method: 'POST',
        route: '/api/workflows/:id/execute',
        status: '202',
      }),
    ).toBe(1);
    expect(
      delta('auterity_http_request_duration_seconds_count', { method: 'GET', route: '/api/workflows/:id', status: '200' }),
    ).toBe(1);
    expect(delta('auterity_http_request_duration_seconds_count', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(
      delta('auterity_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: '/api/workflows/:id/execute',
        status: '200',
        le: '+Inf',
      }),
    ).toBe(1);
    expect(after).not.toContain(workflowId);
    expect(delta('auterity_executions_total', { status: 'succeeded', path: 'worker' })).toBe(2);
    expect(delta('auterity_queue_wait_seconds_count')).toBe(2);
    expect(delta('auterity_ai_calls_total', { provider: 'openai', outcome: 'ok' })).toBe(2);
    expect(delta('auterity_ai_tokens_total', { provider: 'openai', direction: 'input' })).toBe(2000);
    expect(delta('auterity_ai_tokens_total', { provider: 'openai', direction: 'output' })).toBe(1000);
    expect(delta('auterity_ai_cost_usd_total', { provider: 'openai' })).toBeCloseTo(0.0009, 10);
    expect(delta('auterity_rate_limited_total', { route: '/api/auth/login' })).toBe(1);
    expect(sample(after, 'auterity_worker_busy_slots')).toBe(0);
    expect(sample(after, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sample(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(after).toContain('# TYPE auterity_queue_depth gauge');
  });

  it('with METRICS_TOKEN, answers only the scraper that sends it as a bearer token', async () => {
    const token = 'metrics-token-0123456789abcdef';
    const guarded = createApp(testDeps(test.db, { config: testConfig({ METRICS_TOKEN: token }) }));

    const missing = await request(guarded).get('/metrics');
    const wrong = await request(guarded).get('/metrics').set('Authorization', 'Bearer metrics-token-0123456789abcdeX');
    const right = await request(guarded).get('/metrics').set('Authorization', `Bearer ${token}`);

    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ code: 'unauthenticated' });
    expect(wrong.status).toBe(401);
    expect(right.status).toBe(200);
    expect(right.headers['content-type']).toContain('text/plain');
    expect(right.headers['cache-control']).toBe('no-store');
    expect(right.text).toContain('auterity_http_request_duration_seconds');
  });

  it('without a token, is a plain 404 to anything that is not a direct loopback connection', async () => {
    const proxied = await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9');

    expect(proxied.status).toBe(404);
    expect(proxied.body).toMatchObject({ code: 'route_not_found' });
    expect(proxied.text).not.toContain('auterity_');
  });

  it('alert rules (monitoring/alerts.yml) only use series this process exports', async () => {
    const file = path.resolve(__dirname, '../../../../monitoring/alerts.yml');
    const rules = (
      parse(readFileSync(file, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] }
    ).groups.flatMap((g) => g.rules);
    const exported = new Set((await registry.getMetricsAsJSON()).map((m) => m.name));
    const used = new Set(rules.flatMap((r) => r.expr.match(/\b(auterity|nodejs|process)_[a-z0-9_]+/g) ?? []));

    expect(rules.length).toBeGreaterThanOrEqual(10);
    expect(used.size).toBeGreaterThanOrEqual(10);
    for (const name of used) expect([name, name.replace(/_(bucket|count|sum)$/, '')].some((n) => exported.has(n))).toBe(true);
  });

  it('refuses a METRICS_TOKEN too short to be a secret', () => {
    expect(() => testConfig({ METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN must be at least 16 characters');
  });
});
