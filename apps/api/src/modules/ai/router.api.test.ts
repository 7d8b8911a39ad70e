import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LanguageModelV3FunctionTool, LanguageModelV3Prompt, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { countTokens } from 'gpt-tokenizer';
import request from 'supertest';
import { startAiUpstream, type AiRoute, type AiUpstream } from '../../../test/ai-upstream';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { registerOwner } from '../../../test/factories';
import { captureLogger, testConfig, testDeps } from '../../../test/test-app';
import { createApp, createServices, type Services } from '../../app';
import { NodeFailure } from '../../engine/nodes';
import { createGuardedHttpClient } from '../../lib/http-client';
import { listProviderCredentials } from '../credentials/credentials.repo';
import * as catalogRepo from './catalog.repo';
import { createNodeAi } from './node-ai';
import { formatUsd } from './pricing';
import { findProvider } from './providers';
import {
  AiError,
  createAiRouter,
  periodStart,
  PLAN_AI_BUDGET_USD,
  type AiCall,
  type AiRouter,
  type AiRouterDeps,
} from './router';
import * as usageRepo from './usage.repo';

const API_KEY = 'sk-router-test-4f9c2a7e1b3d';

const WEATHER_TOOL: LanguageModelV3FunctionTool = {
  type: 'function',
  name: 'getWeather',
  description: 'Current weather in a city',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/** The catalog's cheapest models by expected cost (seeded prices, migration 0007), among those with tools. */
const OPENAI_CHEAPEST = ['openai/gpt-5-nano', 'openai/gpt-4.1-nano', 'openai/gpt-4o-mini'];

function userPrompt(text: string): LanguageModelV3Prompt {
  return [{ role: 'user', content: [{ type: 'text', text }] }];
}

type CallExtras = Partial<Omit<AiCall, 'options' | 'organizationId' | 'model'>> & { options?: Partial<AiCall['options']> };

function aiCall(organizationId: string, model: string, extras: CallExtras = {}): AiCall {
  const { options, ...rest } = extras;
  return {
    organizationId,
    model,
    signal: new AbortController().signal,
    ...rest,
    options: { prompt: userPrompt('Say hello'), ...options },
  };
}

async function expectAiError(promise: Promise<unknown>): Promise<AiError> {
  const err = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AiError);
  return err as AiError;
}

async function readParts(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return parts;
    parts.push(value);
  }
}

function textDeltas(parts: LanguageModelV3StreamPart[]): string[] {
  return parts.flatMap((p) => (p.type === 'text-delta' ? [p.delta] : []));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('AI router', () => {
  let test: TestDatabase;
  let up: AiUpstream;
  let services: Services;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    test = await createTestDatabase();
    up = await startAiUpstream();
    const deps = testDeps(test.db);
    services = createServices(deps);
    app = createApp(deps, services);
  });
  afterEach(() => {
    up.reset();
  });
  afterAll(async () => {
    await up.close();
    await test.drop();
  });

  const routeUrl: Record<AiRoute, () => string> = {
    openai: () => `${up.url}/openai/v1`,
    compat: () => `${up.url}/compat/v1`,
    anthropic: () => `${up.url}/anthropic/v1`,
    google: () => `${up.url}/google/v1beta`,
  };

  interface Org {
    id: string;
    token: string;
  }

  async function newOrg(): Promise<Org> {
    const owner = await registerOwner(app);
    return { id: owner.user.organizationId, token: owner.token };
  }

  /** Stores an AI key through the API, as an owner does in the studio; returns the credential id. */
  async function addKey(org: Org, provider: string, baseUrl?: string): Promise<string> {
    const res = await request(app)
      .post('/api/credentials')
      .set('Authorization', `Bearer ${org.token}`)
      .send({
        name: `${provider} ${randomBytes(3).toString('hex')}`,
        type: 'api_key',
        data: { apiKey: API_KEY, provider, ...(baseUrl ? { baseUrl } : {}) },
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  /** An organization with keys for the given upstream routes (each key's base URL is the local upstream). */
  async function orgWith(...providers: ('openai' | 'anthropic' | 'google')[]): Promise<Org> {
    const org = await newOrg();
    for (const provider of providers) await addKey(org, provider, routeUrl[provider]());
    return org;
  }

  interface RouterOptions {
    config?: Partial<AiRouterDeps['config']>;
    /** Extra environment for the real config parser (AI_BASE_URL_*, OUTBOUND_ALLOW_HOSTS…). */
    env?: Record<string, string>;
    /** Whether the SSRF guard lets 127.0.0.1 through (OUTBOUND_ALLOW_HOSTS); default true. */
    allowLoopback?: boolean;
    now?: () => Date;
    onBudgetAlert?: AiRouterDeps['onBudgetAlert'];
  }

  /** A router of its own (fresh caches, breakers and latencies), wired as app.ts wires it. */
  function makeRouter(options: RouterOptions = {}) {
    const config = testConfig({
      ...(options.allowLoopback === false ? {} : { OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }),
      ...options.env,
    });
    const logs = captureLogger();
    const router = createAiRouter({
      db: test.db,
      log: logs.log,
      outbound: createGuardedHttpClient({
        allowHosts: config.outbound.allowHosts,
        allowCidrs: config.outbound.allowCidrs,
        defaultTimeoutMs: config.outbound.timeoutMs,
      }),
      credentials: services.credentials,
      listProviderCredentials: (organizationId) => listProviderCredentials(test.db, organizationId),
      config: { ...config.ai, timeoutMs: 5000, ...options.config },
      ...(options.now ? { now: options.now } : {}),
      ...(options.onBudgetAlert ? { onBudgetAlert: options.onBudgetAlert } : {}),
    });
    routers.push(router);
    return { router, logs };
  }
  /** Every router made here: usage rows are written behind the answer, so reads flush them first. */
  const routers: AiRouter[] = [];

  async function usageRows(organizationId: string) {
    for (const r of [...routers, services.aiRouter]) expect(await r.flushUsage()).toBe(true);
    const { rows } = await test.db.query<{
      workflow_id: string | null;
      execution_id: string | null;
      node_id: string | null;
      api_key_id: string | null;
      provider: string;
      model: string;
      input_tokens: number;
      output_tokens: number;
      cost_usd: string;
      latency_ms: number;
    }>(
      `SELECT workflow_id, execution_id, node_id, api_key_id, provider, model, input_tokens, output_tokens,
         cost_usd::text AS cost_usd, latency_ms
       FROM ai_usage WHERE organization_id = $1 ORDER BY id`,
      [organizationId],
    );
    return rows;
  }

  async function seedSpend(organizationId: string, costUsd: string, scope: { workflowId?: string; apiKeyId?: string } = {}) {
    await usageRepo.insertUsage(test.db, [
      {
        callId: randomUUID(),
        organizationId,
        workflowId: scope.workflowId ?? null,
        executionId: null,
        nodeId: null,
        apiKeyId: scope.apiKeyId ?? null,
        provider: 'openai',
        model: 'gpt-4o-mini',
        inputTokens: 1,
        outputTokens: 1,
        costUsd,
        latencyMs: 1,
      },
    ]);
  }

  describe('routing', () => {
    it('answers auto with local/echo, at no cost, when the organization has no keys', async () => {
      const org = await newOrg();
      const { router } = makeRouter();

      const result = await router.generate(aiCall(org.id, 'auto', { options: { prompt: userPrompt('ping') } }));
      const available = (await router.models(org.id)).filter((m) => m.available).map((m) => m.model.provider);
      const access = (await router.providers(org.id)).access;

      expect(result).toMatchObject({ model: 'local/echo', provider: 'local', text: 'Local echo: ping', costUsd: '0' });
      expect(result.attempts).toEqual([{ model: 'local/echo', ok: true, latencyMs: expect.any(Number) }]);
      expect(new Set(available)).toEqual(new Set(['local']));
      expect(available).toHaveLength(4);
      expect(access(findProvider('openai')!)).toEqual({ ok: false, credentialId: null });
      expect(up.requests).toHaveLength(0);
    });

    it('finds no model for tools without keys: local models do not call tools', async () => {
      const org = await newOrg();
      const { router } = makeRouter();

      const err = await expectAiError(router.generate(aiCall(org.id, 'auto', { options: { tools: [WEATHER_TOOL] } })));

      expect(err.code).toBe('no_model_available');
      expect(err.status).toBe(422);
    });

    it('auto:cheapest picks the enabled model with the lowest expected cost that supports the request', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();

      const result = await router.generate(
        aiCall(org.id, 'auto:cheapest', { options: { prompt: userPrompt('Weather in Oslo?'), tools: [WEATHER_TOOL] } }),
      );

      // gpt-5-nano: $0.05 in / $0.40 out per MTok, the lowest of the enabled models with tools.
      expect(result.model).toBe('openai/gpt-5-nano');
      expect(result.text).toBe('openai reply to: Weather in Oslo?');
      expect(up.requests.map((r) => [r.route, r.model])).toEqual([['openai', 'gpt-5-nano']]);
      expect(up.requests[0]?.body).toMatchObject({ tools: [expect.objectContaining({ type: 'function' })] });
    });

    it('ranks by input and output prices together: the order flips with the shape of the call', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter({ config: { maxAttempts: 5, breakerFailures: 100 } });
      const longPrompt = 'lorem ipsum dolor sit amet '.repeat(400);
      for (let i = 0; i < 10; i++) {
        up.script('openai', { status: 500 });
        up.script('anthropic', { status: 500 });
      }

      // Input-heavy (≈2000 tokens in, 1 out): gpt-5-mini ($0.25/$2) is cheaper than gpt-4.1-mini ($0.40/$1.60).
      const inputHeavy = await expectAiError(
        router.generate(
          aiCall(org.id, 'auto:cheapest', {
            options: { prompt: userPrompt(longPrompt), maxOutputTokens: 1, tools: [WEATHER_TOOL] },
          }),
        ),
      );
      // Output-heavy (a few tokens in, 4000 out): the cheaper output price wins.
      const outputHeavy = await expectAiError(
        router.generate(aiCall(org.id, 'auto:cheapest', { options: { maxOutputTokens: 4000, tools: [WEATHER_TOOL] } })),
      );

      expect(inputHeavy.attempts.map((a) => a.model)).toEqual([...OPENAI_CHEAPEST, 'openai/gpt-5-mini', 'openai/gpt-4.1-mini']);
      expect(outputHeavy.attempts.map((a) => a.model)).toEqual([...OPENAI_CHEAPEST, 'openai/gpt-4.1-mini', 'openai/gpt-5-mini']);
      expect(up.requests.map((r) => r.model)).toEqual([
        ...['gpt-5-nano', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-5-mini', 'gpt-4.1-mini'],
        ...['gpt-5-nano', 'gpt-4.1-nano', 'gpt-4o-mini', 'gpt-4.1-mini', 'gpt-5-mini'],
      ]);
    });

    it('leaves out models whose context window cannot hold the prompt and the output limit', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter({ config: { maxAttempts: 5, breakerFailures: 100 } });
      for (let i = 0; i < 5; i++) {
        up.script('openai', { status: 500 });
        up.script('anthropic', { status: 500 });
      }

      // 150k output tokens: local (32k) and gpt-4o / gpt-4o-mini (128k) do not fit.
      const err = await expectAiError(router.generate(aiCall(org.id, 'auto', { options: { maxOutputTokens: 150_000 } })));

      expect(err.attempts.map((a) => a.model)).toEqual([
        'openai/gpt-5-nano',
        'openai/gpt-4.1-nano',
        'openai/gpt-4.1-mini',
        'openai/gpt-5-mini',
        'anthropic/claude-3-5-haiku-latest',
      ]);
    });

    it('refuses a named model that lacks a capability or context the call needs', async () => {
      const org = await newOrg();
      const { router } = makeRouter();
      const image = [
        { role: 'user' as const, content: [{ type: 'file' as const, mediaType: 'image/png', data: 'iVBORw0KGgo=' }] },
      ];

      const tools = await expectAiError(router.generate(aiCall(org.id, 'local/echo', { options: { tools: [WEATHER_TOOL] } })));
      const vision = await expectAiError(router.generate(aiCall(org.id, 'local/echo', { options: { prompt: image } })));
      const tooLong = await expectAiError(
        router.generate(aiCall(org.id, 'local/echo', { options: { maxOutputTokens: 40_000 } })),
      );
      const unknown = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-17')));

      expect([tools.code, tools.status, tools.message]).toEqual([
        'unsupported_request',
        400,
        'local/echo does not support tools',
      ]);
      expect(vision.message).toBe('local/echo does not support vision');
      expect(tooLong.message).toBe("The prompt does not fit local/echo's context window");
      expect([unknown.code, unknown.status]).toEqual(['model_not_found', 404]);
    });

    it('JSON mode skips a named model without JSON support and takes the next one in the chain', async () => {
      const org = await newOrg();
      await addKey(org, 'ollama', routeUrl.compat());
      const { router } = makeRouter();
      const chain = { fallbacks: ['ollama/qwen2.5'] };

      const json = await router.generate(
        aiCall(org.id, 'ollama/llama3.2', { ...chain, options: { responseFormat: { type: 'json' } } }),
      );
      const text = await router.generate(aiCall(org.id, 'ollama/llama3.2', chain));
      const alone = await expectAiError(
        router.generate(aiCall(org.id, 'ollama/llama3.2', { options: { responseFormat: { type: 'json' } } })),
      );

      expect(json.model).toBe('ollama/qwen2.5');
      expect(json.attempts.map((a) => a.model)).toEqual(['ollama/qwen2.5']);
      expect(text.model).toBe('ollama/llama3.2');
      expect(alone.message).toBe('ollama/llama3.2 does not support json');
      expect(up.requests.map((r) => r.model)).toEqual(['qwen2.5', 'llama3.2']);
      expect(up.requests[0]?.body).toMatchObject({ response_format: { type: 'json_object' } });
    });

    it('auto:best takes the highest quality tier, then the cheapest, within maxPricePerMTok', async () => {
      const org = await orgWith('anthropic');
      const { router } = makeRouter();
      const best = (maxPricePerMTok?: number) =>
        router.generate(
          aiCall(org.id, 'auto:best', {
            ...(maxPricePerMTok !== undefined ? { maxPricePerMTok } : {}),
            options: { tools: [WEATHER_TOOL] },
          }),
        );

      const uncapped = await best();
      const atFive = await best(5);
      const belowFive = await best(4.99);
      const tooLow = await expectAiError(best(3));

      // Tier 5: Sonnet ($15 out) before Opus ($75 out); ≤ $5 out: Haiku 4.5 (tier 4); < $5: Haiku 3.5 (tier 3).
      expect(uncapped.model).toBe('anthropic/claude-sonnet-4-5');
      expect(atFive.model).toBe('anthropic/claude-haiku-4-5');
      expect(belowFive.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(tooLow.code).toBe('no_model_available');
    });

    it('auto:fastest follows the latencies observed per model', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      const fastest = () => router.generate(aiCall(org.id, 'auto:fastest', { options: { tools: [WEATHER_TOOL] } }));
      const fresh = makeRouter().router;

      const unobserved = await fresh.generate(aiCall(org.id, 'auto:fastest', { options: { tools: [WEATHER_TOOL] } }));
      // Wide margins: a loaded CI machine must not make the quick upstream look slow.
      up.script('openai', { delayMs: 400 });
      await router.generate(aiCall(org.id, 'openai/gpt-4o-mini'));
      await router.generate(aiCall(org.id, 'anthropic/claude-3-5-haiku-latest'));
      const first = await fastest();
      up.script('anthropic', { delayMs: 900 }, { text: 'slow' }, { delayMs: 900 }, { text: 'slow' });
      await router.generate(aiCall(org.id, 'anthropic/claude-3-5-haiku-latest'));
      await router.generate(aiCall(org.id, 'anthropic/claude-3-5-haiku-latest'));
      const second = await fastest();
      const latency = Object.fromEntries((await router.models(org.id)).map((m) => [m.model.modelId, m.observedLatencyMs]));

      // Without observations the cheapest goes first; then the measured one that answers quickest.
      expect(unobserved.model).toBe('openai/gpt-5-nano');
      expect(first.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(second.model).toBe('openai/gpt-4o-mini');
      expect(latency['gpt-4o-mini']).toBeGreaterThanOrEqual(400);
      expect(latency['claude-3-5-haiku-latest']).toBeGreaterThanOrEqual(900);
      expect(latency['gpt-5-nano']).toBeNull();
    });

    it("only uses providers the organization enabled: another organization's key enables nothing", async () => {
      const org = await newOrg();
      const other = await orgWith('openai');
      const { router } = makeRouter();

      const named = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini')));
      const tools = await expectAiError(router.generate(aiCall(org.id, 'auto', { options: { tools: [WEATHER_TOOL] } })));
      const withFallback = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { fallbacks: ['auto'] }));
      const theirs = await router.generate(aiCall(other.id, 'openai/gpt-4o-mini'));
      const available = async (id: string) =>
        (await router.models(id)).find((m) => m.model.provider === 'openai' && m.model.modelId === 'gpt-4o-mini')?.available;

      expect([named.code, named.status]).toEqual(['model_unavailable', 409]);
      expect(named.message).toContain('add a openai key');
      expect(tools.code).toBe('no_model_available');
      expect(withFallback.model).toBe('local/echo');
      expect(theirs.model).toBe('openai/gpt-4o-mini');
      expect(await available(org.id)).toBe(false);
      expect(await available(other.id)).toBe(true);
      expect(up.requests).toHaveLength(1);
    });

    it('skips a model or provider a platform administrator switched off', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      const cheapest = () => router.generate(aiCall(org.id, 'auto', { options: { tools: [WEATHER_TOOL] } }));

      try {
        await catalogRepo.updateModel(test.db, 'openai', 'gpt-5-nano', { active: false });
        router.invalidate();
        const withoutModel = await cheapest();
        await catalogRepo.updateProvider(test.db, 'openai', false);
        router.invalidate();
        const withoutProvider = await cheapest();
        const named = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini')));
        const models = await router.models(org.id);

        expect(withoutModel.model).toBe('openai/gpt-4.1-nano');
        expect(withoutProvider.model).toBe('anthropic/claude-3-5-haiku-latest');
        expect(named.code).toBe('model_unavailable');
        expect(models.filter((m) => m.model.provider === 'openai').every((m) => !m.available)).toBe(true);
        expect(models.find((m) => m.model.provider === 'anthropic')?.providerName).toBe('Anthropic');
      } finally {
        await catalogRepo.updateModel(test.db, 'openai', 'gpt-5-nano', { active: true });
        await catalogRepo.updateProvider(test.db, 'openai', true);
      }
    });

    it('stops at once when the caller aborts, before or during an attempt', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      const before = new AbortController();
      before.abort(new Error('cancelled before'));
      const during = new AbortController();
      up.script('openai', { delayMs: 2000 });

      const early = router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { signal: before.signal }));
      const late = router.generate(
        aiCall(org.id, 'openai/gpt-4o-mini', { signal: during.signal, fallbacks: ['anthropic/claude-3-5-haiku-latest'] }),
      );
      void waitFor(() => up.requests.length === 1).then(() => during.abort(new Error('cancelled during')));

      await expect(early).rejects.toThrow('cancelled before');
      await expect(late).rejects.toThrow('cancelled during');
      expect(up.requests.map((r) => r.route)).toEqual(['openai']);
    });
  });

  describe('protocols', () => {
    const cases = [
      {
        provider: 'openai',
        route: 'openai',
        model: 'gpt-4o-mini',
        cost: '0.00000585',
        auth: ['authorization', `Bearer ${API_KEY}`],
      },
      {
        provider: 'anthropic',
        route: 'anthropic',
        model: 'claude-3-5-haiku-latest',
        cost: '0.0000368',
        auth: ['x-api-key', API_KEY],
      },
      { provider: 'google', route: 'google', model: 'gemini-2.0-flash', cost: '0.0000039', auth: ['x-goog-api-key', API_KEY] },
      {
        provider: 'vllm',
        route: 'compat',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        cost: '0',
        auth: ['authorization', `Bearer ${API_KEY}`],
      },
    ] as const;

    it.each(cases)('$provider/$model answers with text, usage and cost', async ({ provider, route, model, cost, auth }) => {
      const org = await newOrg();
      await addKey(org, provider, routeUrl[route]());
      const { router } = makeRouter();
      up.script(route, { text: `Hello from ${provider}`, usage: { input: 11, output: 7 } });

      const result = await router.generate(
        aiCall(org.id, `${provider}/${model}`, {
          options: { prompt: [{ role: 'system', content: 'Be brief.' }, ...userPrompt('Hi')], maxOutputTokens: 64 },
        }),
      );

      expect(result).toMatchObject({
        model: `${provider}/${model}`,
        provider,
        text: `Hello from ${provider}`,
        usage: { inputTokens: 11, outputTokens: 7 },
        costUsd: cost,
        finishReason: expect.objectContaining({ unified: 'stop' }),
      });
      expect(up.requests).toHaveLength(1);
      expect(up.requests[0]).toMatchObject({ route, model, stream: false });
      expect(up.requests[0]?.headers[auth[0]]).toBe(auth[1]);
    });

    it.each([
      { provider: 'openai', route: 'openai', model: 'gpt-4o-mini', cost: '0.00000585' },
      { provider: 'anthropic', route: 'anthropic', model: 'claude-3-5-haiku-latest', cost: '0.0000368' },
      { provider: 'google', route: 'google', model: 'gemini-2.0-flash', cost: '0.0000039' },
    ] as const)('$provider/$model streams text deltas, then usage and cost', async ({ provider, route, model, cost }) => {
      const org = await newOrg();
      await addKey(org, provider, routeUrl[route]());
      const { router } = makeRouter();
      up.script(route, { text: 'Hello there friend', usage: { input: 11, output: 7 } });

      const result = await router.stream(aiCall(org.id, `${provider}/${model}`, { workflowId: randomUUID() }));
      const parts = await readParts(result.stream);
      const done = await result.done;
      const [row] = await usageRows(org.id);

      expect(result).toMatchObject({ model: `${provider}/${model}`, provider, attempts: [{ ok: true }] });
      expect(textDeltas(parts).join('')).toBe('Hello there friend');
      expect(textDeltas(parts).length).toBeGreaterThan(1);
      expect(done).toEqual({
        usage: { inputTokens: 11, outputTokens: 7 },
        costUsd: cost,
        finishReason: expect.objectContaining({ unified: 'stop' }),
      });
      expect(row).toMatchObject({ provider, model, input_tokens: 11, output_tokens: 7 });
      expect(up.requests[0]?.stream).toBe(true);
    });

    it('bills a stream the consumer cancels: input tokens and the output that arrived, once', async () => {
      const org = await newOrg();
      await addKey(org, 'openai', routeUrl.openai());
      const { router } = makeRouter();
      up.script('openai', { text: 'one two three four five six seven eight nine ten', usage: { input: 11, output: 10 } });

      const result = await router.stream(aiCall(org.id, 'openai/gpt-4o-mini'));
      const reader = result.stream.getReader();
      let received = '';
      while (!received) {
        const { value } = await reader.read();
        if (value?.type === 'text-delta') received += value.delta;
      }
      await reader.cancel(new Error('client went away'));
      const done = await result.done;
      const rows = await usageRows(org.id);

      // The provider's usage report never arrived: input is estimated from the prompt, output from the text seen.
      expect(done.usage.outputTokens).toBe(countTokens(received));
      expect(done.usage.inputTokens).toBeGreaterThan(0);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ provider: 'openai', model: 'gpt-4o-mini', output_tokens: countTokens(received) });
    });

    it("calls an operator's base URL (AI_BASE_URL_<PROVIDER>) directly, for generate and stream", async () => {
      const org = await newOrg();
      await addKey(org, 'openai');
      // No loopback allow-list: the operator's endpoint is trusted and does not go through the SSRF guard.
      const { router } = makeRouter({ allowLoopback: false, env: { AI_BASE_URL_OPENAI: routeUrl.openai() } });

      const generated = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { options: { prompt: userPrompt('one') } }));
      const streamed = await router.stream(aiCall(org.id, 'openai/gpt-4o-mini', { options: { prompt: userPrompt('two') } }));
      const text = textDeltas(await readParts(streamed.stream)).join('');

      expect(generated.text).toBe('openai reply to: one');
      expect(text).toBe('openai reply to: two');
      expect((await streamed.done).usage).toEqual({ inputTokens: 4, outputTokens: 4 });
      expect(up.requests.map((r) => r.path)).toEqual(['/openai/v1/chat/completions', '/openai/v1/chat/completions']);
    });

    it('calls a self-hosted server at its operator base URL without a key', async () => {
      const org = await newOrg();
      const { router } = makeRouter({ env: { AI_BASE_URL_VLLM: routeUrl.compat() } });

      const vllm = (await router.models(org.id)).find((m) => m.model.provider === 'vllm');
      // The local upstream insists on a key (401), which shows the call went out without one.
      const result = await router.generate(
        aiCall(org.id, 'vllm/meta-llama/Llama-3.1-8B-Instruct', { fallbacks: ['local/echo'] }),
      );

      expect(vllm?.available).toBe(true);
      expect(result.attempts[0]).toMatchObject({
        model: 'vllm/meta-llama/Llama-3.1-8B-Instruct',
        error: 'auth_failed',
        status: 401,
      });
      expect(up.requests.map((r) => [r.path, r.headers['authorization']])).toEqual([['/compat/v1/chat/completions', undefined]]);
    });

    it('estimates tokens with gpt-tokenizer when the provider reports no usage', async () => {
      const org = await newOrg();
      // @ai-sdk/cerebras does not ask for stream usage, so the stream ends without token counts.
      await addKey(org, 'cerebras', routeUrl.compat());
      const { router } = makeRouter();
      up.script('compat', { text: 'Estimated answer without any usage numbers' });

      const result = await router.stream(
        aiCall(org.id, 'cerebras/llama3.1-8b', { options: { prompt: userPrompt('Count me in') } }),
      );
      await readParts(result.stream);
      const done = await result.done;
      const [row] = await usageRows(org.id);

      const inputTokens = countTokens('Count me in\n');
      const outputTokens = countTokens('Estimated answer without any usage numbers');
      expect(up.requests[0]?.body).not.toHaveProperty('stream_options');
      expect(done.usage).toEqual({ inputTokens, outputTokens });
      // Cerebras Llama 3.1 8B: $0.10 per million tokens both ways = 100,000 picodollars per token.
      expect(done.costUsd).toBe(formatUsd(BigInt(inputTokens + outputTokens) * 100_000n));
      expect(row).toMatchObject({ input_tokens: inputTokens, output_tokens: outputTokens });
    });
  });

  describe('fallbacks', () => {
    const chain = { fallbacks: ['anthropic/claude-3-5-haiku-latest'] };

    it.each([
      [429, 'rate_limited'],
      [500, 'provider_error'],
      [503, 'provider_error'],
      [401, 'auth_failed'],
      [403, 'auth_failed'],
      [404, 'model_not_found'],
    ] as const)('a %i from the first candidate moves on to the next (%s)', async (status, code) => {
      const org = await orgWith('openai', 'anthropic');
      const { router, logs } = makeRouter();
      up.script('openai', { status });

      const result = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));

      expect(result.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(result.attempts).toEqual([
        { model: 'openai/gpt-4o-mini', ok: false, error: code, status, latencyMs: expect.any(Number) },
        { model: 'anthropic/claude-3-5-haiku-latest', ok: true, latencyMs: expect.any(Number) },
      ]);
      expect(up.requests.map((r) => r.route)).toEqual(['openai', 'anthropic']);
      expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'AI attempt failed', code, status }));
      expect(logs.text()).not.toContain(API_KEY);
    });

    it('a call slower than timeoutMs is abandoned for the next candidate', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter({ config: { timeoutMs: 300 } });
      up.script('openai', { delayMs: 3000 });

      const started = Date.now();
      const result = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));

      expect(result.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(result.attempts[0]).toMatchObject({ model: 'openai/gpt-4o-mini', ok: false, error: 'timeout' });
      expect(result.attempts[0]?.latencyMs).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(2000);
    });

    it('an unreachable endpoint is a network error and moves on', async () => {
      const org = await orgWith('anthropic');
      await addKey(org, 'openai', `http://127.0.0.1:${await closedPort()}/v1`);
      await addKey(org, 'google');
      const { router } = makeRouter({ env: { AI_BASE_URL_GOOGLE: `http://127.0.0.1:${await closedPort()}/v1beta` } });

      const guarded = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const direct = await router.generate(aiCall(org.id, 'google/gemini-2.0-flash', chain));

      expect(guarded.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(guarded.attempts[0]).toEqual({
        model: 'openai/gpt-4o-mini',
        ok: false,
        error: 'network_error',
        latencyMs: expect.any(Number),
      });
      // Native fetch's TypeError comes from another realm under jest, so only the outcome is checked here.
      expect(direct.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(direct.attempts[0]).toMatchObject({ model: 'google/gemini-2.0-flash', ok: false });
      expect(direct.attempts[0]).not.toHaveProperty('status');
    });

    it("moves on when a provider's SDK cannot express the request, without calling it or tripping its breaker", async () => {
      const org = await orgWith('openai', 'google');
      const { router } = makeRouter({ config: { breakerFailures: 1 } });
      const video = [
        { role: 'user' as const, content: [{ type: 'file' as const, mediaType: 'video/mp4', data: 'AAAAIGZ0eXBpc29t' }] },
      ];

      const result = await router.generate(
        aiCall(org.id, 'openai/gpt-4o-mini', { fallbacks: ['google/gemini-2.0-flash'], options: { prompt: video } }),
      );
      const next = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini'));

      expect(result.model).toBe('google/gemini-2.0-flash');
      expect(result.attempts[0]).toMatchObject({ model: 'openai/gpt-4o-mini', ok: false, error: 'unsupported' });
      expect(next.model).toBe('openai/gpt-4o-mini');
      expect(up.requests.map((r) => r.route)).toEqual(['google', 'openai']);
    });

    it('a 400 is the request’s fault: no fallback, ai_provider_failed with the provider status', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      up.script('openai', { status: 400 });

      const err = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain)));

      expect([err.code, err.status, err.providerStatus]).toEqual(['ai_provider_failed', 502, 400]);
      expect(err.message).toBe('openai/gpt-4o-mini refused the request (bad_request 400)');
      expect(err.attempts).toEqual([
        { model: 'openai/gpt-4o-mini', ok: false, error: 'bad_request', status: 400, latencyMs: expect.any(Number) },
      ]);
      expect(err.details).toEqual({ attempts: err.attempts });
      expect(up.requests.map((r) => r.route)).toEqual(['openai']);
    });

    it('tries at most maxAttempts candidates', async () => {
      const org = await orgWith('openai', 'anthropic', 'google');
      const { router } = makeRouter({ config: { maxAttempts: 2 } });
      up.script('openai', { status: 500 });
      up.script('anthropic', { status: 529 });

      const err = await expectAiError(
        router.generate(
          aiCall(org.id, 'openai/gpt-4o-mini', { fallbacks: ['anthropic/claude-3-5-haiku-latest', 'google/gemini-2.0-flash'] }),
        ),
      );

      expect(err.code).toBe('ai_provider_failed');
      expect(err.message).toBe(
        'Every model tried failed (openai/gpt-4o-mini: provider_error 500; anthropic/claude-3-5-haiku-latest: provider_error 529)',
      );
      expect(err.attempts).toHaveLength(2);
      expect(up.requests.map((r) => r.route)).toEqual(['openai', 'anthropic']);
    });

    it('keeps the order of an explicit fallback chain, skipping unknown, unavailable and repeated models', async () => {
      const org = await orgWith('openai', 'anthropic', 'google');
      const { router } = makeRouter();
      up.script('google', { status: 500 });
      up.script('anthropic', { status: 429 });

      const result = await router.generate(
        aiCall(org.id, 'google/gemini-2.0-flash', {
          fallbacks: [
            'nope/unknown-model',
            'anthropic/claude-3-5-haiku-latest',
            'google/gemini-2.0-flash',
            'mistral/mistral-small-latest',
            'openai/gpt-4o-mini',
          ],
        }),
      );

      expect(result.model).toBe('openai/gpt-4o-mini');
      expect(result.attempts.map((a) => [a.model, a.error ?? 'ok'])).toEqual([
        ['google/gemini-2.0-flash', 'provider_error'],
        ['anthropic/claude-3-5-haiku-latest', 'rate_limited'],
        ['openai/gpt-4o-mini', 'ok'],
      ]);
      expect(up.requests.map((r) => r.route)).toEqual(['google', 'anthropic', 'openai']);
    });

    it('falls back before a stream starts', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      up.script('openai', { status: 503 });

      const result = await router.stream(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const text = textDeltas(await readParts(result.stream)).join('');

      expect(result.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(result.attempts.map((a) => a.error ?? 'ok')).toEqual(['provider_error', 'ok']);
      expect(text).toBe('anthropic reply to: Say hello');
    });
  });

  describe('circuit breaker', () => {
    const chain = { fallbacks: ['anthropic/claude-3-5-haiku-latest'] };

    it('skips a provider key after consecutive failures, and tries it again after the cooldown', async () => {
      const org = await orgWith('openai', 'anthropic');
      const other = await orgWith('openai');
      const { router } = makeRouter({ config: { breakerFailures: 2, breakerCooldownMs: 400 } });
      const openaiCalls = () => up.requests.filter((r) => r.route === 'openai').length;
      up.script('openai', { status: 500 }, { status: 500 });

      await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const open = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const callsWhileOpen = openaiCalls();
      const otherKey = await router.generate(aiCall(other.id, 'openai/gpt-4o-mini'));
      await sleep(450);
      const trial = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const closed = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));

      expect(open.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(open.attempts[0]).toEqual({
        model: 'openai/gpt-4o-mini',
        ok: false,
        error: 'circuit_open',
        latencyMs: expect.any(Number),
      });
      expect(callsWhileOpen).toBe(2);
      // The breaker is per provider key: another organization's OpenAI key is unaffected.
      expect(otherKey.model).toBe('openai/gpt-4o-mini');
      expect(trial.model).toBe('openai/gpt-4o-mini');
      expect(closed.model).toBe('openai/gpt-4o-mini');
      expect(openaiCalls()).toBe(5);
    });

    it('does not count failures that are not outages (a rejected key)', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter({ config: { breakerFailures: 2 } });
      up.script('openai', { status: 401 }, { status: 401 }, { status: 401 });

      for (let i = 0; i < 3; i++) await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));
      const after = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', chain));

      expect(after.model).toBe('openai/gpt-4o-mini');
      expect(up.requests.filter((r) => r.route === 'openai')).toHaveLength(4);
    });
  });

  describe('cost and billing', () => {
    it('bills the exact cost with its attribution in ai_usage', async () => {
      const org = await orgWith('openai');
      const { router } = makeRouter();
      const attribution = { workflowId: randomUUID(), executionId: randomUUID(), nodeId: 'summarize-1', apiKeyId: randomUUID() };
      up.script('openai', { text: 'Bonjour', usage: { input: 11, output: 7 } });

      const result = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', attribution));
      const rows = await usageRows(org.id);

      // 11 × $0.15 + 7 × $0.60 per million tokens = $0.00000585.
      expect(result.costUsd).toBe('0.00000585');
      expect(rows).toEqual([
        {
          workflow_id: attribution.workflowId,
          execution_id: attribution.executionId,
          node_id: 'summarize-1',
          api_key_id: attribution.apiKeyId,
          provider: 'openai',
          model: 'gpt-4o-mini',
          input_tokens: 11,
          output_tokens: 7,
          cost_usd: '0.000005850000',
          latency_ms: result.latencyMs,
        },
      ]);
    });

    it('bills only the candidate that answered', async () => {
      const org = await orgWith('openai', 'anthropic');
      const { router } = makeRouter();
      up.script('openai', { status: 500 });
      up.script('anthropic', { text: 'ok', usage: { input: 1000, output: 1000 } });

      const result = await router.generate(
        aiCall(org.id, 'openai/gpt-4o-mini', { fallbacks: ['anthropic/claude-3-5-haiku-latest'] }),
      );
      const rows = await usageRows(org.id);

      // 1000 × $0.80 + 1000 × $4 per million tokens.
      expect(result.costUsd).toBe('0.0048');
      expect(rows.map((r) => [r.provider, r.model, r.cost_usd])).toEqual([
        ['anthropic', 'claude-3-5-haiku-latest', '0.004800000000'],
      ]);
    });
    it('still answers when the usage row cannot be written, and logs it', async () => {
      const org = await newOrg();
      const { router, logs } = makeRouter();

      // node_id is varchar(64): the insert fails after the model answered.
      const result = await router.generate(aiCall(org.id, 'local/echo', { nodeId: 'n'.repeat(65) }));

      expect(result.text).toBe('Local echo: Say hello');
      expect(await usageRows(org.id)).toEqual([]);
      expect(logs.lines()).toContainEqual(
        expect.objectContaining({
          level: 50,
          msg: 'AI usage row refused by the database: not recorded',
          usage: expect.objectContaining({ organizationId: org.id, nodeId: 'n'.repeat(65) }),
        }),
      );
    });
  });

  describe('budgets', () => {
    it('warns once at 80% and stops calls at 100% of the organization limit', async () => {
      const org = await orgWith('openai');
      await usageRepo.putBudget(test.db, org.id, 'organization', org.id, '0.0001');
      const onBudgetAlert = jest.fn();
      const { router, logs } = makeRouter({ onBudgetAlert });
      const spend = async (output: number) => {
        up.script('openai', { text: 'ok', usage: { input: 0, output } });
        return router.generate(aiCall(org.id, 'openai/gpt-4o-mini'));
      };

      // gpt-4o-mini output: $0.60 per million tokens, so 100 tokens = $0.00006 (60% of $0.0001).
      await spend(100);
      const alertsAt60 = onBudgetAlert.mock.calls.length;
      await spend(40); // 84%
      await spend(1); // still above 80%: no second warning
      const alertsAfterWarning = onBudgetAlert.mock.calls.length;
      await spend(30); // 102.6%
      const requestsBefore = up.requests.length;
      const err = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini')));
      const { rows: alerts } = await test.db.query<{ scope: string; scope_id: string; level: number; period_start: string }>(
        `SELECT scope, scope_id, level, to_char(period_start, 'YYYY-MM-DD') AS period_start
         FROM ai_budget_alerts WHERE organization_id = $1 ORDER BY level`,
        [org.id],
      );

      expect(alertsAt60).toBe(0);
      expect(alertsAfterWarning).toBe(1);
      expect(onBudgetAlert.mock.calls.map(([alert]) => alert)).toEqual([
        expect.objectContaining({
          organizationId: org.id,
          scope: 'organization',
          scopeId: org.id,
          level: 80,
          spentUsd: '0.000084',
          limitUsd: '0.0001',
        }),
        expect.objectContaining({ level: 100, spentUsd: '0.0001026', limitUsd: '0.0001' }),
      ]);
      const month = periodStart(new Date()).toISOString().slice(0, 10);
      expect(alerts).toEqual([
        { scope: 'organization', scope_id: org.id, level: 80, period_start: month },
        { scope: 'organization', scope_id: org.id, level: 100, period_start: month },
      ]);
      expect([err.code, err.status]).toEqual(['budget_exceeded', 402]);
      expect(err.message).toBe("The organization's monthly AI budget of $0.0001 is used up ($0.0001026 spent)");
      expect(up.requests).toHaveLength(requestsBefore);
      expect(logs.lines()).toContainEqual(expect.objectContaining({ msg: 'AI budget alert', level: 80 }));
    });

    it('applies workflow and API key limits only to calls in their scope', async () => {
      const org = await newOrg();
      const [workflowA, workflowB, keyA, keyB] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
      await usageRepo.putBudget(test.db, org.id, 'workflow', workflowA, '0.5');
      await usageRepo.putBudget(test.db, org.id, 'api_key', keyA, '0.25');
      await seedSpend(org.id, '0.5', { workflowId: workflowA });
      await seedSpend(org.id, '0.25', { apiKeyId: keyA });
      const { router } = makeRouter();
      const echo = (scope: { workflowId?: string; apiKeyId?: string }) => router.generate(aiCall(org.id, 'local/echo', scope));

      const workflowStopped = await expectAiError(echo({ workflowId: workflowA }));
      const keyStopped = await expectAiError(echo({ apiKeyId: keyA, workflowId: workflowB }));

      expect(workflowStopped.message).toBe("The workflow's monthly AI budget of $0.5 is used up ($0.5 spent)");
      expect(keyStopped.message).toBe("The api key's monthly AI budget of $0.25 is used up ($0.25 spent)");
      await expect(echo({ workflowId: workflowB })).resolves.toMatchObject({ model: 'local/echo' });
      await expect(echo({ apiKeyId: keyB })).resolves.toMatchObject({ model: 'local/echo' });
      await expect(echo({})).resolves.toMatchObject({ model: 'local/echo' });
    });

    it("applies the plan's limit by subscription tier; an organization's own limit can only lower it", async () => {
      const org = await newOrg();
      const { router } = makeRouter();
      // Budget states are reused for a moment; the budgets endpoint invalidates the organization after a change.
      const change = async (edit: () => Promise<unknown>) => {
        await edit();
        router.invalidate(org.id);
      };
      const setTier = (tier: string) =>
        test.db.query('UPDATE organizations SET subscription_tier = $2 WHERE id = $1', [org.id, tier]);
      const setOwnLimit = (limit: string | null) => usageRepo.putBudget(test.db, org.id, 'organization', org.id, limit);
      await seedSpend(org.id, PLAN_AI_BUDGET_USD['free'] ?? '');
      const echo = () => router.generate(aiCall(org.id, 'local/echo'));

      const free = await expectAiError(echo());
      await change(() => setOwnLimit('20'));
      const higherOwn = await expectAiError(echo());
      await change(() => setTier('starter'));
      const starter = await echo();
      await change(async () => {
        await setTier('enterprise');
        await setOwnLimit(null);
      });
      const enterprise = await echo();
      await change(() => setOwnLimit('5'));
      const lowerOwn = await expectAiError(echo());
      const limits = router.budgetLimits(
        { organizationId: org.id },
        await usageRepo.budgetState(test.db, org.id, periodStart(new Date()), { workflowId: null, apiKeyId: null }),
      );

      // The plan's limit is the one reached: the billing answer, with the way up.
      expect(free.code).toBe('plan_limit_reached');
      expect(free.status).toBe(402);
      expect(free.message).toBe(
        "The plan's $10 of AI spend for this month is used up ($10 spent). Upgrade the plan to continue.",
      );
      expect(free.details).toEqual({ metric: 'ai_cost_usd', limit: 10, used: 10, plan: 'free' });
      expect(higherOwn.message).toContain("plan's $10 ");
      expect(starter.model).toBe('local/echo');
      expect(enterprise.model).toBe('local/echo');
      expect(lowerOwn.message).toContain('budget of $5 ');
      expect(limits).toEqual([{ scope: 'organization', scopeId: org.id, limitUsd: '5.0000', spent: '10.000000000000' }]);
    });

    it("counts only this month's spend", async () => {
      const org = await newOrg();
      await seedSpend(org.id, '10');
      const today = new Date();
      const nextMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() + 1, 2));
      const { router } = makeRouter({ now: () => nextMonth });

      const result = await router.generate(aiCall(org.id, 'local/echo'));

      expect(result.model).toBe('local/echo');
    });
  });

  describe('a node that names its credential', () => {
    it("uses that key for its provider instead of the organization's newest one, and refuses a non-AI credential", async () => {
      const org = await newOrg();
      const chosen = await addKey(org, 'openai', routeUrl.openai());
      await addKey(org, 'openai', `${routeUrl.openai()}/newest`); // newer: the default, and a wrong path
      const plain = await request(app)
        .post('/api/credentials')
        .set('Authorization', `Bearer ${org.token}`)
        .send({ name: 'a bearer token', type: 'http_bearer', data: { token: 't' } });
      const { router } = makeRouter();

      const withChosen = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { credentialId: chosen }));
      const withDefault = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini')));
      const notAiKey = await expectAiError(
        router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { credentialId: plain.body.id })),
      );

      expect(withChosen.text).toBe('openai reply to: Say hello');
      expect(withDefault.attempts).toEqual([expect.objectContaining({ ok: false, status: 404 })]);
      expect(notAiKey.code).toBe('model_unavailable');
    });
  });

  describe('SSRF guard', () => {
    it("refuses an organization's base URL on 127.0.0.1 unless allow-listed, without calling it", async () => {
      const org = await orgWith('openai');
      const { router } = makeRouter({ allowLoopback: false });

      const fellBack = await router.generate(aiCall(org.id, 'openai/gpt-4o-mini', { fallbacks: ['local/echo'] }));
      const err = await expectAiError(router.generate(aiCall(org.id, 'openai/gpt-4o-mini')));

      expect(fellBack.model).toBe('local/echo');
      expect(fellBack.attempts[0]).toMatchObject({ model: 'openai/gpt-4o-mini', ok: false, error: 'ssrf_blocked' });
      expect(err.code).toBe('ai_provider_failed');
      expect(err.attempts).toEqual([
        { model: 'openai/gpt-4o-mini', ok: false, error: 'ssrf_blocked', latencyMs: expect.any(Number) },
      ]);
      expect(up.requests).toHaveLength(0);
    });
  });

  describe('node adapter', () => {
    const node = () => ({
      workflowId: randomUUID(),
      executionId: randomUUID(),
      nodeId: 'ai-1',
      signal: new AbortController().signal,
    });

    it('runs an AI node through the router, billed to its workflow, execution and node', async () => {
      const org = await newOrg();
      const ai = createNodeAi(makeRouter().router);
      const request = { ...node(), organizationId: org.id };

      const result = await ai.generate({
        ...request,
        prompt: 'Summarize this',
        system: 'You are terse.',
        model: 'auto:best',
        fallbacks: ['local/echo'],
        maxPricePerMTok: 1,
        maxTokens: 100,
        temperature: 0,
        json: true,
      });
      const [row] = await usageRows(org.id);

      expect(result).toMatchObject({ model: 'local/echo', provider: 'local', costUsd: '0', attempts: [{ ok: true }] });
      expect(JSON.parse(result.text)).toEqual({ reply: 'Local echo: Summarize this' });
      expect(row).toMatchObject({ workflow_id: request.workflowId, execution_id: request.executionId, node_id: 'ai-1' });
    });

    it("turns an AiError into a NodeFailure that keeps the router's attempts", async () => {
      const org = await orgWith('openai');
      const ai = createNodeAi(makeRouter().router);
      up.script('openai', { status: 500 });

      const failure = await ai.generate({ ...node(), organizationId: org.id, prompt: 'Hi', model: 'openai/gpt-4o-mini' }).then(
        () => null,
        (e: unknown) => e,
      );

      expect(failure).toBeInstanceOf(NodeFailure);
      expect(failure).toMatchObject({
        code: 'ai_provider_failed',
        usage: { aiAttempts: [{ model: 'openai/gpt-4o-mini', ok: false, error: 'provider_error', status: 500 }] },
      });
    });

    it('lets other errors (a cancelled run) through unchanged', async () => {
      const org = await newOrg();
      const ai = createNodeAi(makeRouter().router);
      const controller = new AbortController();
      const reason = new Error('run cancelled');
      controller.abort(reason);

      const outcome = ai.generate({
        ...node(),
        signal: controller.signal,
        organizationId: org.id,
        prompt: 'Hi',
        model: 'local/echo',
      });

      await expect(outcome).rejects.toBe(reason);
    });
  });
});
