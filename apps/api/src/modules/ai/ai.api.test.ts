import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { AI_PROTOCOLS } from '@auterity/workflow-contracts';
import { createApp, createServices, type Services } from '../../app';
import { startAiUpstream, type AiUpstream } from '../../../test/ai-upstream';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { addMember, registerOwner, uniqueEmail, type SignedInUser } from '../../../test/factories';
import { testConfig, testDeps } from '../../../test/test-app';

const DECIMAL = /^\d+(\.\d+)?$/;

interface UsageRow {
  key: string | null;
  label: string | null;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
}

interface ExecutionStep {
  nodeId: string;
  status: string;
  output: unknown;
  error: { code: string; message: string } | null;
  model?: string;
  tokens?: { input: number; output: number };
  cost?: string;
  aiAttempts?: { model: string; ok: boolean; error?: string; status?: number; latencyMs: number }[];
}

describe('AI providers, catalog, usage and budgets (/api/ai, real database)', () => {
  let test: TestDatabase;
  let services: Services;
  let app: Express;
  let up: AiUpstream;
  let admin: SignedInUser;
  const adminEmail = uniqueEmail('platform-admin');

  beforeAll(async () => {
    up = await startAiUpstream();
    test = await createTestDatabase();
    const deps = testDeps(test.db, {
      config: testConfig({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1', PLATFORM_ADMIN_EMAILS: adminEmail }),
    });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    admin = await registerOwner(app, { email: adminEmail });
  });

  afterEach(() => {
    up.reset();
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    await up.close();
    await test.drop();
  });

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });

  /** Stores an OpenAI key pointing at the local upstream; returns the credential id. */
  async function addOpenAiKey(owner: SignedInUser): Promise<string> {
    const res = await request(app)
      .post('/api/credentials')
      .set(as(owner))
      .send({ name: 'OpenAI', type: 'api_key', data: { apiKey: 'sk-test', provider: 'openai', baseUrl: `${up.url}/openai/v1` } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function createApiKey(owner: SignedInUser, name: string): Promise<{ id: string; key: string }> {
    const res = await request(app)
      .post('/api/api-keys')
      .set(as(owner))
      .send({ name, scopes: ['ai:invoke'] });
    expect(res.status).toBe(201);
    return { id: res.body.id, key: res.body.key };
  }

  /** One gateway call with an API key. */
  function complete(key: string, model: string, content: string, stream = false) {
    return request(app)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key}`)
      .send({
        model,
        messages: [{ role: 'user', content }],
        stream,
        ...(stream ? { stream_options: { include_usage: true } } : {}),
      });
  }

  /** A workflow of a manual trigger and one ai.generate node with `config`. */
  async function createAiWorkflow(owner: SignedInUser, name: string, config: Record<string, unknown>): Promise<string> {
    const res = await request(app)
      .post('/api/workflows')
      .set(as(owner))
      .send({
        name,
        canvasData: {
          nodes: [
            { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
            { id: 'ask', type: 'ai.generate', position: { x: 260, y: 0 }, data: { config } },
          ],
          edges: [{ id: 'start-ask', source: 'start', target: 'ask' }],
        },
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  async function execute(owner: SignedInUser, workflowId: string, input: unknown) {
    const res = await request(app).post(`/api/workflows/${workflowId}/execute?wait=10`).set(as(owner)).send({ input });
    expect(res.status).toBe(200);
    return res.body as { id: string; status: string; steps: ExecutionStep[] };
  }

  describe('GET /api/ai/providers', () => {
    it('lists every provider with its protocol; local is configured, others once their key is stored', async () => {
      const owner = await registerOwner(app);
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

      const before = await request(app).get('/api/ai/providers').set(as(viewer));
      const credential = await request(app)
        .post('/api/credentials')
        .set(as(owner))
        .send({ name: 'Anthropic', type: 'api_key', data: { apiKey: 'sk-ant-test', provider: 'anthropic' } });
      const stored = await request(app).get('/api/ai/providers').set(as(owner));
      await request(app).delete(`/api/credentials/${credential.body.id}`).set(as(owner)).expect(204);
      const deleted = await request(app).get('/api/ai/providers').set(as(owner));

      expect(before.status).toBe(200);
      expect(before.body.items.length).toBeGreaterThanOrEqual(25);
      for (const p of before.body.items) expect(AI_PROTOCOLS).toContain(p.protocol);
      const byId = (res: request.Response, id: string) => res.body.items.find((p: { id: string }) => p.id === id);
      expect(byId(before, 'local')).toMatchObject({
        protocol: 'local',
        configured: true,
        local: true,
        active: true,
        credentialId: null,
      });
      expect(byId(before, 'openai')).toMatchObject({
        name: 'OpenAI',
        protocol: 'openai-chat',
        sdk: '@ai-sdk/openai',
        baseUrl: 'https://api.openai.com/v1',
        configured: false,
        local: false,
        credentialId: null,
        modelCount: 8,
      });
      expect(byId(before, 'anthropic')).toMatchObject({ protocol: 'anthropic-messages', configured: false, credentialId: null });
      expect(byId(stored, 'anthropic')).toMatchObject({ configured: true, credentialId: credential.body.id });
      expect(byId(deleted, 'anthropic')).toMatchObject({ configured: false, credentialId: null });
    });
  });

  describe('GET /api/ai/models', () => {
    it('lists the catalog with decimal-string prices, capabilities and availability for the organization', async () => {
      const owner = await registerOwner(app);

      const before = await request(app).get('/api/ai/models').set(as(owner));
      await addOpenAiKey(owner);
      const after = await request(app).get('/api/ai/models').set(as(owner));

      expect(before.status).toBe(200);
      for (const m of before.body.items) {
        expect(m.inputPricePerMTok).toMatch(DECIMAL);
        expect(m.outputPricePerMTok).toMatch(DECIMAL);
        expect(m.id).toBe(`${m.provider}/${m.modelId}`);
      }
      const byId = (res: request.Response, id: string) => res.body.items.find((m: { id: string }) => m.id === id);
      expect(byId(before, 'openai/gpt-4o-mini')).toEqual({
        id: 'openai/gpt-4o-mini',
        provider: 'openai',
        providerName: 'OpenAI',
        modelId: 'gpt-4o-mini',
        name: 'GPT-4o mini',
        contextWindow: 128000,
        inputPricePerMTok: '0.15',
        outputPricePerMTok: '0.6',
        capabilities: ['text', 'vision', 'json', 'tools'],
        qualityTier: 3,
        active: true,
        available: false,
        observedLatencyMs: null,
      });
      expect(byId(before, 'local/echo')).toMatchObject({
        inputPricePerMTok: '0',
        outputPricePerMTok: '0',
        capabilities: ['text', 'json'],
        available: true,
      });
      expect(byId(after, 'openai/gpt-4o-mini').available).toBe(true);
      expect(byId(after, 'anthropic/claude-3-5-haiku-latest').available).toBe(false);
    });
  });

  describe('POST /api/ai/providers/:provider/test', () => {
    it('tests the local provider with one call, and reports its latency', async () => {
      const owner = await registerOwner(app);

      const res = await request(app).post('/api/ai/providers/local/test').set(as(owner));
      const models = await request(app).get('/api/ai/models').set(as(owner));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        ok: true,
        model: expect.stringMatching(/^local\//),
        latencyMs: expect.any(Number),
        error: null,
      });
      expect(res.body.latencyMs).toBeGreaterThanOrEqual(0);
      const tested = models.body.items.find((m: { id: string }) => m.id === res.body.model);
      expect(tested.observedLatencyMs).toEqual(expect.any(Number));
    });

    it('answers ok:false with a message for a provider without a key, and 404 for an unknown one', async () => {
      const owner = await registerOwner(app);

      const unconfigured = await request(app).post('/api/ai/providers/anthropic/test').set(as(owner));
      const unknown = await request(app).post('/api/ai/providers/no-such-ai/test').set(as(owner));

      expect(unconfigured.status).toBe(200);
      expect(unconfigured.body).toEqual({
        ok: false,
        model: null,
        latencyMs: null,
        error: 'No key for this provider yet, or no active model',
      });
      expect(unknown.status).toBe(404);
    });

    it('calls the provider through its key: a tiny request when it works, the failure when the key is refused', async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);

      const ok = await request(app).post('/api/ai/providers/openai/test').set(as(owner));
      up.script('openai', { status: 401 });
      const refused = await request(app).post('/api/ai/providers/openai/test').set(as(owner));

      expect(ok.body).toEqual({
        ok: true,
        model: expect.stringMatching(/^openai\//),
        latencyMs: expect.any(Number),
        error: null,
      });
      expect(up.requests[0]?.body).toMatchObject({ max_tokens: 5 });
      expect(refused.body).toMatchObject({ ok: false, model: expect.stringMatching(/^openai\//), latencyMs: null });
      expect(refused.body.error).toContain('auth_failed 401');
    });

    it('is refused to a viewer, who may not invoke AI', async () => {
      const owner = await registerOwner(app);
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

      const res = await request(app).post('/api/ai/providers/local/test').set(as(viewer));

      expect(res.status).toBe(403);
    });
  });

  describe('PATCH /api/admin/ai/models/:id', () => {
    const path = '/api/admin/ai/models/openai%2Fgpt-4o-mini';

    it('is only for platform administrators', async () => {
      const owner = await registerOwner(app);

      const res = await request(app).patch(path).set(as(owner)).send({ inputPricePerMTok: '0' });
      const models = await request(app).get('/api/ai/models').set(as(owner));

      expect(res.status).toBe(403);
      expect(res.body.code).toBe('forbidden');
      expect(models.body.items.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini').inputPricePerMTok).toBe('0.15');
    });

    it('lets a platform administrator edit prices, tier, context window and active, seen by every organization', async () => {
      const owner = await registerOwner(app);

      const edited = await request(app)
        .patch(path)
        .set(as(admin))
        .send({ inputPricePerMTok: '0.2', outputPricePerMTok: '0.75', qualityTier: 4, contextWindow: 64000, active: false });
      const seen = await request(app).get('/api/ai/models').set(as(owner));
      const restored = await request(app)
        .patch(path)
        .set(as(admin))
        .send({ inputPricePerMTok: '0.15', outputPricePerMTok: '0.6', qualityTier: 3, contextWindow: 128000, active: true });

      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({
        id: 'openai/gpt-4o-mini',
        inputPricePerMTok: '0.2',
        outputPricePerMTok: '0.75',
        qualityTier: 4,
        contextWindow: 64000,
        active: false,
        available: false,
      });
      expect(seen.body.items.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini')).toMatchObject({
        inputPricePerMTok: '0.2',
        active: false,
      });
      expect(restored.body).toMatchObject({ inputPricePerMTok: '0.15', outputPricePerMTok: '0.6', active: true });
    });

    it('answers 400 for an invalid body and 404 for an unknown model', async () => {
      const invalid = await Promise.all(
        [
          {},
          { inputPricePerMTok: 0.2 },
          { inputPricePerMTok: '-1' },
          { qualityTier: 9 },
          { id: 'x/y' },
          // More than the catalog's numeric(12, 6) holds: refused, not overflowed (500) or rounded.
          { inputPricePerMTok: '1000000' },
          { outputPricePerMTok: '0.1234567' },
        ].map((body) => request(app).patch(path).set(as(admin)).send(body)),
      );
      const unknown = await request(app)
        .patch('/api/admin/ai/models/openai%2Fgpt-9-ultra')
        .set(as(admin))
        .send({ active: false });
      const malformed = await request(app).patch('/api/admin/ai/models/no-slash').set(as(admin)).send({ active: false });

      expect(invalid.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400]);
      expect(invalid.every((r) => r.body.code === 'validation_failed')).toBe(true);
      expect(invalid.at(-1)?.body.details.issues).toEqual([
        { path: 'body.outputPricePerMTok', message: 'Use at most 6 digits before the decimal point and 6 after it' },
      ]);
      const models = await request(app).get('/api/ai/models').set(as(admin));
      expect(models.body.items.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini')).toMatchObject({
        inputPricePerMTok: '0.15',
        outputPricePerMTok: '0.6',
      });
      expect(unknown.status).toBe(404);
      expect(malformed.status).toBe(400);
    });
  });

  describe('PATCH /api/admin/ai/providers/:provider', () => {
    it('switches a provider off for every organization and back on (platform administrators only)', async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);

      const refused = await request(app).patch('/api/admin/ai/providers/openai').set(as(owner)).send({ active: false });
      const off = await request(app).patch('/api/admin/ai/providers/openai').set(as(admin)).send({ active: false });
      const models = await request(app).get('/api/ai/models').set(as(owner));
      const providers = await request(app).get('/api/ai/providers').set(as(owner));
      const on = await request(app).patch('/api/admin/ai/providers/openai').set(as(admin)).send({ active: true });
      const after = await request(app).get('/api/ai/models').set(as(owner));

      expect(refused.status).toBe(403);
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ id: 'openai', active: false });
      const openAiModels = models.body.items.filter((m: { provider: string }) => m.provider === 'openai');
      expect(openAiModels.length).toBe(8);
      expect(openAiModels.every((m: { available: boolean }) => !m.available)).toBe(true);
      expect(providers.body.items.find((p: { id: string }) => p.id === 'openai')).toMatchObject({ active: false });
      expect(on.body).toMatchObject({ id: 'openai', active: true });
      expect(after.body.items.find((m: { id: string }) => m.id === 'openai/gpt-4o-mini').available).toBe(true);
    });

    it('answers 400 for an invalid body and 404 for an unknown provider', async () => {
      const empty = await request(app).patch('/api/admin/ai/providers/openai').set(as(admin)).send({});
      const wrongType = await request(app).patch('/api/admin/ai/providers/openai').set(as(admin)).send({ active: 'no' });
      const unknown = await request(app).patch('/api/admin/ai/providers/no-such-ai').set(as(admin)).send({ active: false });

      expect(empty.status).toBe(400);
      expect(wrongType.status).toBe(400);
      expect(unknown.status).toBe(404);
    });
  });

  describe('GET /api/ai/usage', () => {
    it('groups calls, tokens and exact spend by day, model, provider, workflow and API key', async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);
      const keyA = await createApiKey(owner, 'key A');
      const keyB = await createApiKey(owner, 'key B');
      const workflowId = await createAiWorkflow(owner, 'Usage workflow', { prompt: 'Repeat: {{ text }}', model: 'auto' });

      up.script('openai', { text: 'Billed answer', usage: { input: 1000, output: 500 } });
      const plain = await complete(keyA.key, 'openai/gpt-4o-mini', 'first');
      up.script('openai', { text: 'Streamed answer', usage: { input: 2000, output: 1000 } });
      const streamed = await complete(keyB.key, 'openai/gpt-4.1-nano', 'second', true);
      const run = await execute(owner, workflowId, { text: 'count my tokens' });
      const step = run.steps.find((s) => s.nodeId === 'ask');

      expect(plain.headers['x-auterity-cost-usd']).toBe('0.00045');
      expect(streamed.status).toBe(200);
      expect(streamed.text).toContain('"prompt_tokens":2000');
      expect(run.status).toBe('succeeded');
      expect(step).toMatchObject({ model: 'local/echo', cost: '0' });
      const wfIn = step?.tokens?.input ?? 0;
      const wfOut = step?.tokens?.output ?? 0;
      expect(wfIn).toBeGreaterThan(0);
      expect(wfOut).toBeGreaterThan(0);

      const usage = async (groupBy: string) => {
        const res = await request(app).get(`/api/ai/usage?groupBy=${groupBy}`).set(as(owner));
        expect(res.status).toBe(200);
        expect(res.body.totalCostUsd).toBe('0.00105');
        return res.body.rows as UsageRow[];
      };
      const today = new Date().toISOString().slice(0, 10);
      expect(await usage('day')).toEqual([
        { key: today, label: null, calls: 3, inputTokens: 3000 + wfIn, outputTokens: 1500 + wfOut, costUsd: '0.00105' },
      ]);
      expect(await usage('model')).toEqual([
        { key: 'openai/gpt-4.1-nano', label: null, calls: 1, inputTokens: 2000, outputTokens: 1000, costUsd: '0.0006' },
        { key: 'openai/gpt-4o-mini', label: null, calls: 1, inputTokens: 1000, outputTokens: 500, costUsd: '0.00045' },
        { key: 'local/echo', label: null, calls: 1, inputTokens: wfIn, outputTokens: wfOut, costUsd: '0' },
      ]);
      expect(await usage('provider')).toEqual([
        { key: 'openai', label: null, calls: 2, inputTokens: 3000, outputTokens: 1500, costUsd: '0.00105' },
        { key: 'local', label: null, calls: 1, inputTokens: wfIn, outputTokens: wfOut, costUsd: '0' },
      ]);
      expect(await usage('workflow')).toEqual([
        { key: null, label: null, calls: 2, inputTokens: 3000, outputTokens: 1500, costUsd: '0.00105' },
        { key: workflowId, label: 'Usage workflow', calls: 1, inputTokens: wfIn, outputTokens: wfOut, costUsd: '0' },
      ]);
      expect(await usage('api_key')).toEqual([
        { key: keyB.id, label: 'key B', calls: 1, inputTokens: 2000, outputTokens: 1000, costUsd: '0.0006' },
        { key: keyA.id, label: 'key A', calls: 1, inputTokens: 1000, outputTokens: 500, costUsd: '0.00045' },
        { key: null, label: null, calls: 1, inputTokens: wfIn, outputTokens: wfOut, costUsd: '0' },
      ]);
    });

    it("reports a date range, and never another organization's calls", async () => {
      const owner = await registerOwner(app);
      const other = await registerOwner(app);
      const key = await createApiKey(other, 'other');
      const theirs = await complete(key.key, 'local/echo', 'not yours');

      const mine = await request(app).get('/api/ai/usage?groupBy=model').set(as(owner));
      const past = await request(app).get('/api/ai/usage?from=2020-01-01&to=2020-01-31').set(as(other));
      const invalid = await Promise.all(
        ['groupBy=color', 'from=2020-02-30', 'from=0000-01-01', 'to=9999-12-31'].map((query) =>
          request(app).get(`/api/ai/usage?${query}`).set(as(owner)),
        ),
      );

      expect(theirs.status).toBe(200);
      expect(mine.body).toMatchObject({ groupBy: 'model', totalCostUsd: '0', rows: [] });
      expect(past.body).toEqual({ from: '2020-01-01', to: '2020-01-31', groupBy: 'day', totalCostUsd: '0', rows: [] });
      expect(invalid.map((r) => r.status)).toEqual([400, 400, 400, 400]);
      expect(invalid.at(-1)?.body.details.issues).toEqual([
        { path: 'query.to', message: 'Use a date from 1970-01-01 to 9999-12-30' },
      ]);
    });
  });

  describe('GET /api/executions/:id for an AI step', () => {
    it('shows the model that answered, tokens, exact cost and every attempt of the fallback chain', async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);
      const workflowId = await createAiWorkflow(owner, 'Fallback workflow', {
        prompt: 'Summarize {{ text }}',
        model: 'openai/gpt-4o-mini',
        fallbacks: ['openai/gpt-4.1-nano'],
      });
      up.script('openai', { status: 429 }, { text: 'Done.', usage: { input: 2000, output: 1000 } });

      const run = await execute(owner, workflowId, { text: 'the report' });
      const execution = await request(app).get(`/api/executions/${run.id}`).set(as(owner));

      expect(execution.body.status).toBe('succeeded');
      const step = (execution.body.steps as ExecutionStep[]).find((s) => s.nodeId === 'ask');
      expect(step).toMatchObject({
        status: 'succeeded',
        output: 'Done.',
        model: 'openai/gpt-4.1-nano',
        tokens: { input: 2000, output: 1000 },
        // 2000 × $0.10 + 1000 × $0.40 per million tokens.
        cost: '0.0006',
        aiAttempts: [
          { model: 'openai/gpt-4o-mini', ok: false, error: 'rate_limited', status: 429, latencyMs: expect.any(Number) },
          { model: 'openai/gpt-4.1-nano', ok: true, latencyMs: expect.any(Number) },
        ],
      });
      expect(up.requests.map((r) => r.model)).toEqual(['gpt-4o-mini', 'gpt-4.1-nano']);
      expect(up.requests[1]?.body).toMatchObject({ messages: [{ role: 'user', content: 'Summarize the report' }] });
    });
  });

  describe('budgets', () => {
    it("lists the organization's plan budget with this month's spend", async () => {
      const owner = await registerOwner(app);
      const viewer = await addMember(app, test.db, owner.user.organizationId, 'viewer');

      const res = await request(app).get('/api/ai/budgets').set(as(viewer));

      const now = new Date();
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        {
          scope: 'organization',
          scopeId: owner.user.organizationId,
          monthlyLimitUsd: '10',
          planLimitUsd: '10',
          spentUsd: '0',
          percent: 0,
          periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
        },
      ]);
    });

    it('sets, lowers and removes budgets for the organization, a workflow and an API key', async () => {
      const owner = await registerOwner(app);
      const orgId = owner.user.organizationId;
      const workflowId = await createAiWorkflow(owner, 'Budgeted', { prompt: 'hi' });
      const key = await createApiKey(owner, 'budgeted key');
      const put = (scope: string, id: string, monthlyLimitUsd: string | null) =>
        request(app).put(`/api/ai/budgets/${scope}/${id}`).set(as(owner)).send({ monthlyLimitUsd });

      const lowered = await put('organization', orgId, '2.5');
      const aboveThePlan = await put('organization', orgId, '50');
      const workflow = await put('workflow', workflowId, '1.25');
      const apiKey = await put('api_key', key.id, '0.50000');
      const listed = await request(app).get('/api/ai/budgets').set(as(owner));
      const orgRemoved = await put('organization', orgId, null);
      const workflowRemoved = await put('workflow', workflowId, null);
      const after = await request(app).get('/api/ai/budgets').set(as(owner));

      expect(lowered.status).toBe(200);
      expect(lowered.body).toMatchObject({ scope: 'organization', monthlyLimitUsd: '2.5', planLimitUsd: '10', spentUsd: '0' });
      // Raising the budget above the plan is a plan change, not an override: refused, the override stays.
      expect(aboveThePlan.status).toBe(400);
      expect(aboveThePlan.body.details.issues).toEqual([
        { path: 'body.monthlyLimitUsd', message: 'The plan includes at most $10 a month; upgrade the plan for more' },
      ]);
      expect(workflow.body).toMatchObject({ scope: 'workflow', scopeId: workflowId, monthlyLimitUsd: '1.25', percent: 0 });
      expect(workflow.body).not.toHaveProperty('planLimitUsd');
      expect(apiKey.body).toMatchObject({ scope: 'api_key', scopeId: key.id, monthlyLimitUsd: '0.5' });
      expect(listed.body.items.map((b: { scope: string; monthlyLimitUsd: string }) => [b.scope, b.monthlyLimitUsd])).toEqual([
        ['organization', '2.5'],
        ['workflow', '1.25'],
        ['api_key', '0.5'],
      ]);
      expect(orgRemoved.body).toMatchObject({ monthlyLimitUsd: '10' });
      expect(workflowRemoved.body).toMatchObject({ scope: 'workflow', monthlyLimitUsd: null, percent: null });
      expect(after.body.items.map((b: { scope: string }) => b.scope)).toEqual(['organization', 'api_key']);
    });

    it("answers 404 for another organization's workflow, key or organization, 403 to an editor, 400 to a bad amount", async () => {
      const owner = await registerOwner(app);
      const other = await registerOwner(app);
      const theirWorkflow = await createAiWorkflow(other, 'Theirs', { prompt: 'hi' });
      const theirKey = await createApiKey(other, 'theirs');
      const editor = await addMember(app, test.db, owner.user.organizationId, 'editor');
      const put = (path: string, body: unknown, user = owner) =>
        request(app)
          .put(`/api/ai/budgets/${path}`)
          .set(as(user))
          .send(body as object);
      const orgPath = `organization/${owner.user.organizationId}`;

      const notFound = await Promise.all([
        put(`workflow/${theirWorkflow}`, { monthlyLimitUsd: '1' }),
        put(`api_key/${theirKey.id}`, { monthlyLimitUsd: '1' }),
        put(`organization/${other.user.organizationId}`, { monthlyLimitUsd: '1' }),
        put(`workflow/${randomUUID()}`, { monthlyLimitUsd: '1' }),
      ]);
      const forbidden = await put(orgPath, { monthlyLimitUsd: '1' }, editor);
      const invalid = await Promise.all([
        put(orgPath, { monthlyLimitUsd: '-1' }),
        put(orgPath, { monthlyLimitUsd: 'ten' }),
        put(orgPath, { monthlyLimitUsd: 5 }),
        put(orgPath, { monthlyLimitUsd: '1.12345678901' }),
        // More than ai_budgets' numeric(14, 4) holds: refused, not overflowed (500) or rounded to a $0 limit.
        put(orgPath, { monthlyLimitUsd: '0.00001' }),
        put(orgPath, { monthlyLimitUsd: '99999999999' }),
        put(orgPath, {}),
        put(orgPath, { monthlyLimitUsd: '1', scope: 'workflow' }),
        put(`team/${owner.user.organizationId}`, { monthlyLimitUsd: '1' }),
        put('workflow/not-a-uuid', { monthlyLimitUsd: '1' }),
      ]);
      const theirBudgets = await request(app).get('/api/ai/budgets').set(as(other));

      expect(notFound.map((r) => r.status)).toEqual([404, 404, 404, 404]);
      for (const res of notFound) expect(JSON.stringify(res.body)).not.toContain(other.user.organizationId);
      expect(forbidden.status).toBe(403);
      expect(invalid.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
      expect(invalid[4]?.body.details.issues).toEqual([
        { path: 'body.monthlyLimitUsd', message: 'Use at most 10 digits before the decimal point and 4 after it' },
      ]);
      expect(theirBudgets.body.items).toHaveLength(1);
    });

    it('no longer lists the budget of a deleted workflow', async () => {
      const owner = await registerOwner(app);
      const workflowId = await createAiWorkflow(owner, 'Short-lived', { prompt: 'hi' });
      await request(app).put(`/api/ai/budgets/workflow/${workflowId}`).set(as(owner)).send({ monthlyLimitUsd: '1' }).expect(200);

      await request(app).delete(`/api/workflows/${workflowId}`).set(as(owner)).expect(204);
      const budgets = await request(app).get('/api/ai/budgets').set(as(owner));

      expect(budgets.body.items.map((b: { scope: string }) => b.scope)).toEqual(['organization']);
    });

    it("stops an API key at its budget, with a warning at 80%, while the organization's other keys go on", async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);
      const limited = await createApiKey(owner, 'limited');
      const free = await createApiKey(owner, 'free');
      await request(app)
        .put(`/api/ai/budgets/api_key/${limited.id}`)
        .set(as(owner))
        .send({ monthlyLimitUsd: '0.0005' })
        .expect(200);

      up.script('openai', { text: 'Billed', usage: { input: 1000, output: 500 } });
      const first = await complete(limited.key, 'openai/gpt-4o-mini', 'one');
      const budgets = await request(app).get('/api/ai/budgets').set(as(owner));
      await request(app)
        .put(`/api/ai/budgets/api_key/${limited.id}`)
        .set(as(owner))
        .send({ monthlyLimitUsd: '0.0004' })
        .expect(200);
      const stopped = await complete(limited.key, 'openai/gpt-4o-mini', 'two');
      const other = await complete(free.key, 'openai/gpt-4o-mini', 'three');
      let warnings: { action: string; targetId: string; metadata: Record<string, unknown> }[] = [];
      for (let i = 0; i < 40 && warnings.length === 0; i++) {
        const audit = await request(app).get('/api/audit-log?action=ai.budget.warning').set(as(owner));
        warnings = audit.body.items;
        if (warnings.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
      }

      expect(first.status).toBe(200);
      expect(budgets.body.items.find((b: { scope: string }) => b.scope === 'api_key')).toMatchObject({
        scopeId: limited.id,
        monthlyLimitUsd: '0.0005',
        spentUsd: '0.00045',
        percent: 90,
      });
      expect(stopped.status).toBe(402);
      expect(stopped.body.error).toMatchObject({ code: 'budget_exceeded', type: 'insufficient_quota' });
      expect(stopped.body.error.message).toContain("api key's monthly AI budget of $0.0004 is used up ($0.00045 spent)");
      expect(other.status).toBe(200);
      expect(warnings).toEqual([
        expect.objectContaining({
          action: 'ai.budget.warning',
          targetType: 'api_key',
          targetId: limited.id,
          metadata: { level: 80, spentUsd: '0.00045', limitUsd: '0.0005' },
        }),
      ]);
    });

    it("fails a workflow's AI step with budget_exceeded once the workflow's budget is used up", async () => {
      const owner = await registerOwner(app);
      await addOpenAiKey(owner);
      const workflowId = await createAiWorkflow(owner, 'Capped', { prompt: 'Go', model: 'openai/gpt-4o-mini' });
      up.script('openai', { text: 'Billed', usage: { input: 1000, output: 1000 } });
      const first = await execute(owner, workflowId, {});
      await request(app)
        .put(`/api/ai/budgets/workflow/${workflowId}`)
        .set(as(owner))
        .send({ monthlyLimitUsd: '0.0007' })
        .expect(200);

      const second = await execute(owner, workflowId, {});

      expect(first.status).toBe('succeeded');
      expect(first.steps.find((s) => s.nodeId === 'ask')?.cost).toBe('0.00075');
      expect(second.status).toBe('failed');
      expect(second.steps.find((s) => s.nodeId === 'ask')).toMatchObject({
        status: 'failed',
        error: { code: 'budget_exceeded', message: expect.stringContaining("workflow's monthly AI budget of $0.0007") },
      });
      expect(up.requests).toHaveLength(1);
    });
  });
});
