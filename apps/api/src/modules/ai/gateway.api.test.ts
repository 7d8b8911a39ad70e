import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import request from 'supertest';
import type { Express } from 'express';
import { createApp, createServices, type Services } from '../../app';
import { startAiUpstream, type AiUpstream } from '../../../test/ai-upstream';
import { createTestDatabase, type TestDatabase } from '../../../test/db';
import { registerOwner, type SignedInUser } from '../../../test/factories';
import { testConfig, testDeps } from '../../../test/test-app';

/** Providers an organization enables with a key, each pointing at its route of the local upstream. */
const UPSTREAM_PATHS = { openai: '/openai/v1', anthropic: '/anthropic/v1' } as const;
type UpstreamProvider = keyof typeof UPSTREAM_PATHS;

const WEATHER_TOOL: OpenAI.ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  },
};

/** Auterity's extension of OpenAI's request body: models to try when the first fails. */
interface Fallbacks {
  fallbacks: string[];
}

interface Tenant {
  owner: SignedInUser;
  keyId: string;
  key: string;
  client: OpenAI;
}

/** Reads a Server-Sent Events body into its `data:` payloads, `[DONE]` included. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .map((event) => event.replace(/^data: /, '').trim())
    .filter(Boolean);
}

/** Catches the openai client's error so its fields can be asserted. */
async function apiError(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const caught: unknown = await call.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!(caught instanceof OpenAI.APIError)) throw new Error(`expected an OpenAI APIError, got ${String(caught)}`);
  return caught;
}

describe('OpenAI-compatible gateway (/v1, official openai client, real database)', () => {
  let test: TestDatabase;
  let services: Services;
  let app: Express;
  let server: Server;
  let base: string;
  let up: AiUpstream;

  beforeAll(async () => {
    up = await startAiUpstream();
    test = await createTestDatabase();
    const deps = testDeps(test.db, { config: testConfig({ OUTBOUND_ALLOW_HOSTS: '127.0.0.1' }) });
    services = createServices(deps);
    services.executions.startWorker();
    app = createApp(deps, services);
    server = app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    up.reset();
  });

  afterAll(async () => {
    await services.executions.stop(1000);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await up.close();
    await test.drop();
  });

  const as = (user: SignedInUser) => ({ Authorization: `Bearer ${user.token}` });

  const clientFor = (apiKey: string) => new OpenAI({ baseURL: `${base}/v1`, apiKey, maxRetries: 0, timeout: 20_000 });

  /** A new organization with keys for `providers` in its vault and a gateway API key with `scopes`. */
  async function tenant(
    providers: UpstreamProvider[] = ['openai'],
    scopes: string[] = ['ai:invoke', 'workflows:execute'],
  ): Promise<Tenant> {
    const owner = await registerOwner(app);
    for (const provider of providers) {
      const credential = await request(app)
        .post('/api/credentials')
        .set(as(owner))
        .send({
          name: `${provider} key`,
          type: 'api_key',
          data: { apiKey: 'sk-test', provider, baseUrl: `${up.url}${UPSTREAM_PATHS[provider]}` },
        });
      expect(credential.status).toBe(201);
    }
    const created = await request(app).post('/api/api-keys').set(as(owner)).send({ name: 'gateway', scopes });
    expect(created.status).toBe(201);
    return { owner, keyId: created.body.id, key: created.body.key, client: clientFor(created.body.key) };
  }

  async function createWorkflow(owner: SignedInUser): Promise<string> {
    const res = await request(app)
      .post('/api/workflows')
      .set(as(owner))
      .send({
        name: 'Echo bot',
        canvasData: {
          nodes: [
            { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
            {
              id: 'answer',
              type: 'text',
              position: { x: 260, y: 0 },
              data: { config: { text: 'You said: {{ messages[-1].content }}' } },
            },
          ],
          edges: [{ id: 'start-answer', source: 'start', target: 'answer' }],
        },
      });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  describe('POST /v1/chat/completions', () => {
    it('answers a provider/model call with the upstream reply, its usage and the exact cost', async () => {
      const { client } = await tenant();
      up.script('openai', { text: 'Hello there, Ada!', usage: { input: 12, output: 3 } });

      const { data, response } = await client.chat.completions
        .create({
          model: 'openai/gpt-4o-mini',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'Say hello to Ada' },
          ],
          max_tokens: 50,
          temperature: 0.2,
        })
        .withResponse();

      expect(data).toMatchObject({
        object: 'chat.completion',
        model: 'openai/gpt-4o-mini',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello there, Ada!' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      });
      expect(data.id).toMatch(/^chatcmpl-/);
      // 12 × $0.15 + 3 × $0.60 per million tokens.
      expect(response.headers.get('x-auterity-cost-usd')).toBe('0.0000036');
      expect(response.headers.get('x-auterity-model')).toBe('openai/gpt-4o-mini');
      expect(response.headers.get('x-auterity-attempts')).toBe('1');
      expect(up.requests).toHaveLength(1);
      expect(up.requests[0]).toMatchObject({ route: 'openai', model: 'gpt-4o-mini', stream: false });
      expect(up.requests[0]?.headers.authorization).toBe('Bearer sk-test');
      expect(up.requests[0]?.body).toMatchObject({
        max_tokens: 50,
        temperature: 0.2,
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Say hello to Ada' },
        ],
      });
      // Billed under the response's id (written behind the answer, so flushed before reading).
      expect(await services.aiRouter.flushUsage()).toBe(true);
      const usage = await test.db.query<{ model: string; input_tokens: number; cost_usd: string; has_key: boolean }>(
        `SELECT model, input_tokens, cost_usd::text AS cost_usd, api_key_id IS NOT NULL AS has_key FROM ai_usage WHERE call_id = $1`,
        [data.id],
      );
      expect(usage.rows).toEqual([{ model: 'gpt-4o-mini', input_tokens: 12, cost_usd: '0.000003600000', has_key: true }]);
    });

    it('resolves a bare model id to the catalog model the organization can use', async () => {
      const { client } = await tenant();

      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Bare id please' }],
      });

      expect(completion.model).toBe('openai/gpt-4o-mini');
      expect(completion.choices[0]?.message.content).toBe('openai reply to: Bare id please');
      expect(up.requests.map((r) => r.model)).toEqual(['gpt-4o-mini']);
    });

    it('routes model auto to the offline local/echo model when the organization has no provider key', async () => {
      const { client } = await tenant([]);

      const { data, response } = await client.chat.completions
        .create({ model: 'auto', messages: [{ role: 'user', content: 'Ping from the gateway' }] })
        .withResponse();

      expect(data.model).toBe('local/echo');
      expect(data.choices[0]?.message.content).toContain('Ping from the gateway');
      expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(data.usage?.completion_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-auterity-cost-usd')).toBe('0');
      expect(up.requests).toHaveLength(0);
    });

    it('streams chunks that join to the reply, then finish_reason and a usage chunk', async () => {
      const { client } = await tenant();

      const stream = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream three words' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('openai reply to: Stream three words');
      expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(1);
      expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['stop']);
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      // Upstream usage: 3 words + 3, and the 6 words of the reply.
      expect(last?.usage).toEqual({ prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 });
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      expect(chunks.every((c) => c.model === 'openai/gpt-4o-mini' && c.object === 'chat.completion.chunk')).toBe(true);
      expect(up.requests[0]).toMatchObject({ route: 'openai', stream: true });
    });

    it('leaves out the usage chunk when the stream does not ask for it', async () => {
      const { client } = await tenant();

      const stream = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'No usage' }],
        stream: true,
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.every((c) => c.usage === undefined || c.usage === null)).toBe(true);
      expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    });

    it('passes tools to the upstream and returns its tool call as tool_calls', async () => {
      const { client } = await tenant();
      up.script('openai', { toolCall: { name: 'get_weather', arguments: { city: 'Paris' } } });

      const completion = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
        tools: [WEATHER_TOOL],
        tool_choice: 'auto',
      });

      expect(up.requests[0]?.body).toMatchObject({
        tools: [
          {
            type: 'function',
            function: {
              name: 'get_weather',
              description: 'Current weather in a city',
              parameters: WEATHER_TOOL.function.parameters,
            },
          },
        ],
        tool_choice: 'auto',
      });
      const choice = completion.choices[0];
      expect(choice?.finish_reason).toBe('tool_calls');
      expect(choice?.message.content).toBeNull();
      expect(choice?.message.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^call_stub/),
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ]);
    });

    it('sends a tool result back upstream as a tool message', async () => {
      const { client } = await tenant();

      const completion = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21°C' },
        ],
        tools: [WEATHER_TOOL],
      });

      expect(completion.choices[0]?.message.content).toBe('openai reply to: Weather in Paris?');
      expect(up.requests[0]?.body).toMatchObject({
        messages: [
          { role: 'user' },
          { role: 'assistant', tool_calls: [{ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
          { role: 'tool', tool_call_id: 'call_1', content: 'Sunny, 21°C' },
        ],
      });
    });

    it('streams a scripted tool call as tool_calls with finish_reason tool_calls', async () => {
      const { client } = await tenant();
      up.script('openai', { toolCall: { name: 'get_weather', arguments: { city: 'Lima' } } });

      const stream = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Lima?' }],
        tools: [WEATHER_TOOL],
        stream: true,
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      const calls = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        index: 0,
        id: expect.stringMatching(/^call_stub/),
        type: 'function',
        function: { name: 'get_weather' },
      });
      expect(JSON.parse(calls[0]?.function?.arguments ?? '')).toEqual({ city: 'Lima' });
      expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
      expect((up.requests[0]?.body as { tools?: unknown[] }).tools).toHaveLength(1);
    });

    it('passes response_format json_object through to the upstream', async () => {
      const { client } = await tenant();
      up.script('openai', { text: '{"ok":true}' });

      const completion = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Answer in JSON' }],
        response_format: { type: 'json_object' },
      });

      expect(up.requests[0]?.body).toMatchObject({ response_format: { type: 'json_object' } });
      expect(JSON.parse(completion.choices[0]?.message.content ?? '')).toEqual({ ok: true });
    });

    it('passes an image given as a data URL or an https URL to the upstream', async () => {
      const { client } = await tenant();
      const png = 'data:image/png;base64,iVBORw0KGgo=';

      const completion = await client.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: png } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      });

      expect(completion.choices[0]?.message.content).toBe('openai reply to: What is in these?');
      expect(up.requests[0]?.body).toMatchObject({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in these?' },
              { type: 'image_url', image_url: { url: png } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
      });
    });

    it('refuses tools for a model without the tools capability, with a clear message', async () => {
      const { client } = await tenant([]);

      const error = await apiError(
        client.chat.completions.create({
          model: 'local/echo',
          messages: [{ role: 'user', content: 'Weather?' }],
          tools: [WEATHER_TOOL],
        }),
      );

      expect(error.status).toBe(400);
      expect(error.code).toBe('unsupported_request');
      expect(error.message).toContain('local/echo does not support tools');
    });

    it('falls back to the next provider when the first answers 429', async () => {
      const { client } = await tenant(['openai', 'anthropic']);
      up.script('openai', { status: 429 });

      const body: OpenAI.ChatCompletionCreateParamsNonStreaming & Fallbacks = {
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Anyone there?' }],
        fallbacks: ['anthropic/claude-3-5-haiku-latest'],
      };
      const { data, response } = await client.chat.completions.create(body).withResponse();

      expect(data.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(data.choices[0]?.message.content).toBe('anthropic reply to: Anyone there?');
      expect(response.headers.get('x-auterity-attempts')).toBe('2');
      expect(up.requests.map((r) => [r.route, r.model])).toEqual([
        ['openai', 'gpt-4o-mini'],
        ['anthropic', 'claude-3-5-haiku-latest'],
      ]);
      expect(up.requests[1]?.headers['x-api-key']).toBe('sk-test');
    });

    it('runs workflow:<id> and answers with its output as the assistant message', async () => {
      const { owner, client } = await tenant([]);
      const workflowId = await createWorkflow(owner);

      const { data, response } = await client.chat.completions
        .create({ model: `workflow:${workflowId}`, messages: [{ role: 'user', content: 'hello workflow' }] })
        .withResponse();

      expect(data).toMatchObject({
        object: 'chat.completion',
        model: `workflow:${workflowId}`,
        choices: [{ message: { role: 'assistant', content: 'You said: hello workflow' }, finish_reason: 'stop' }],
      });
      const executionId = response.headers.get('x-execution-id');
      const execution = await request(app).get(`/api/executions/${executionId}`).set(as(owner));
      expect(execution.body).toMatchObject({
        workflowId,
        status: 'succeeded',
        trigger: 'api',
        input: { messages: [{ role: 'user', content: 'hello workflow' }] },
      });
    });

    it('streams workflow:<id>: progress chunks per step, then the content, finish_reason and [DONE]', async () => {
      const { owner, key } = await tenant([]);
      const workflowId = await createWorkflow(owner);

      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: `workflow:${workflowId}`,
          messages: [{ role: 'user', content: 'stream it' }],
          stream: true,
        }),
      });
      const events = sseData(await res.text());

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      expect(res.headers.get('x-execution-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(events.at(-1)).toBe('[DONE]');
      const chunks = events.slice(0, -1).map(
        (e) =>
          JSON.parse(e) as {
            model: string;
            choices: { delta: { role?: string; content?: string }; finish_reason: string | null }[];
            auterity?: { step: { nodeId: string; status: string } };
          },
      );
      expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
      const progress = chunks.filter((c) => c.auterity).map((c) => c.auterity?.step);
      // Each step once, whether it was in the snapshot or arrived as an event.
      expect([...progress].sort((a, b) => String(a?.nodeId).localeCompare(String(b?.nodeId)))).toEqual([
        { nodeId: 'answer', status: 'succeeded' },
        { nodeId: 'start', status: 'succeeded' },
      ]);
      const contentAt = chunks.findIndex((c) => c.choices[0]?.delta.content === 'You said: stream it');
      expect(contentAt).toBeGreaterThan(0);
      expect(chunks.slice(0, contentAt).filter((c) => c.auterity)).toHaveLength(progress.length);
      expect(chunks[contentAt + 1]?.choices[0]?.finish_reason).toBe('stop');
      expect(chunks.every((c) => c.model === `workflow:${workflowId}`)).toBe(true);
    });

    it('streams workflow:<id> through the openai client to the same text', async () => {
      const { owner, client } = await tenant([]);
      const workflowId = await createWorkflow(owner);

      const stream = await client.chat.completions.create({
        model: `workflow:${workflowId}`,
        messages: [{ role: 'user', content: 'client stream' }],
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

      expect(text).toBe('You said: client stream');
    });

    it("answers 404 for another organization's workflow:<id>, streamed or not", async () => {
      const victim = await tenant([]);
      const workflowId = await createWorkflow(victim.owner);
      const { client } = await tenant([]);

      const plain = await apiError(
        client.chat.completions.create({ model: `workflow:${workflowId}`, messages: [{ role: 'user', content: 'x' }] }),
      );
      const streamed = await apiError(
        client.chat.completions.create({
          model: `workflow:${workflowId}`,
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        }),
      );

      for (const error of [plain, streamed]) {
        expect(error.status).toBe(404);
        expect(error.code).toBe('not_found');
        expect(error.message).not.toContain(workflowId);
      }
      const executions = await request(app).get('/api/executions').set(as(victim.owner));
      expect(executions.body.items).toHaveLength(0);
    });

    it('refuses workflow:<id> to a key without workflows:execute', async () => {
      const { owner } = await tenant([], ['ai:invoke']);
      const workflowId = await createWorkflow(owner);
      const key = await request(app)
        .post('/api/api-keys')
        .set(as(owner))
        .send({ name: 'ai only', scopes: ['ai:invoke'] });

      const error = await apiError(
        clientFor(key.body.key).chat.completions.create({
          model: `workflow:${workflowId}`,
          messages: [{ role: 'user', content: 'x' }],
        }),
      );

      expect(error.status).toBe(403);
      expect(error.type).toBe('permission_error');
    });
  });

  describe('errors in OpenAI shape', () => {
    it('answers an invalid body with 400 naming the param', async () => {
      const { client } = await tenant();

      const empty = await apiError(client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [] }));
      const badTemperature = await apiError(
        client.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'hi' }],
          temperature: 7,
        }),
      );

      expect(empty.status).toBe(400);
      expect(empty.code).toBe('validation_failed');
      expect(empty.param).toBe('messages');
      expect(empty.type).toBe('invalid_request_error');
      expect(empty.message).toContain('messages must not be empty');
      expect(badTemperature).toMatchObject({ status: 400, param: 'temperature' });
      expect(up.requests).toHaveLength(0);
    });

    it('answers 400 for other invalid requests: unknown auto policy, malformed workflow id, n > 1, bad image URL, bad tool arguments', async () => {
      const { client } = await tenant();
      const hi: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'hi' }];

      const policy = await apiError(client.chat.completions.create({ model: 'auto:fastest-ever', messages: hi }));
      const many = await apiError(client.chat.completions.create({ model: 'auto', messages: hi, n: 2 }));
      const args = await apiError(
        client.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [
            ...hi,
            { role: 'assistant', tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }] },
            { role: 'tool', tool_call_id: 'c1', content: 'x' },
          ],
        }),
      );

      const workflow = await apiError(client.chat.completions.create({ model: 'workflow:not-an-id', messages: hi }));
      const notUuid = await apiError(client.chat.completions.create({ model: `workflow:${'a'.repeat(36)}`, messages: hi }));

      for (const error of [policy, workflow, notUuid]) {
        expect(error).toMatchObject({ status: 400, code: 'validation_failed', param: 'model', type: 'invalid_request_error' });
      }
      const image = await apiError(
        client.chat.completions.create({
          model: 'auto',
          messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'not a url' } }] }],
        }),
      );
      expect(many).toMatchObject({ status: 400, code: 'validation_failed', param: 'n' });
      expect(image).toMatchObject({ status: 400, code: 'validation_failed', param: 'messages.0.content.0.image_url.url' });
      expect(args).toMatchObject({ status: 400, code: 'validation_failed', param: 'messages.1.tool_calls' });
      expect(up.requests).toHaveLength(0);
    });

    it('answers 404 model_not_found for a model the catalog does not have', async () => {
      const { client } = await tenant();

      const named = await apiError(
        client.chat.completions.create({ model: 'openai/gpt-9-ultra', messages: [{ role: 'user', content: 'hi' }] }),
      );
      const bare = await apiError(
        client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      );

      for (const error of [named, bare]) {
        expect(error.status).toBe(404);
        expect(error.code).toBe('model_not_found');
        expect(error.type).toBe('invalid_request_error');
      }
    });

    it('answers 409 model_unavailable for a provider the organization has no key for', async () => {
      const { client } = await tenant(['openai']);

      const error = await apiError(
        client.chat.completions.create({
          model: 'anthropic/claude-3-5-haiku-latest',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );

      expect(error.status).toBe(409);
      expect(error.code).toBe('model_unavailable');
      expect(error.message).toContain('add a anthropic key');
      expect(up.requests).toHaveLength(0);
    });

    it('answers 401 to a bad API key', async () => {
      const error = await apiError(
        clientFor('ak_live_not-a-real-key').chat.completions.create({
          model: 'auto',
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );

      expect(error.status).toBe(401);
      expect(error.type).toBe('authentication_error');
      expect(error.code).toBe('invalid_token');
    });

    it('answers a missing key and a body that is not JSON in the same shape, and takes the key as X-API-Key too', async () => {
      const { key } = await tenant([]);
      const post = (headers: Record<string, string>, body: string) =>
        fetch(`${base}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        });
      const valid = JSON.stringify({ model: 'local/echo', messages: [{ role: 'user', content: 'hi' }] });

      const anonymous = await post({}, valid);
      const notJson = await post({ authorization: `Bearer ${key}` }, '{"model":');
      const viaHeader = await post({ 'x-api-key': key }, valid);

      expect(anonymous.status).toBe(401);
      expect(await anonymous.json()).toEqual({
        error: { message: 'Access token required', type: 'authentication_error', param: null, code: 'unauthenticated' },
      });
      expect(notJson.status).toBe(400);
      expect(await notJson.json()).toMatchObject({ error: { code: 'invalid_json', type: 'invalid_request_error' } });
      expect(viaHeader.status).toBe(200);
      expect(await viaHeader.json()).toMatchObject({ model: 'local/echo', object: 'chat.completion' });
    });

    it('answers 403 to a key without ai:invoke, on completions and on the model list', async () => {
      const { client } = await tenant(['openai'], ['workflows:read']);

      const completion = await apiError(
        client.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'hi' }] }),
      );
      const models = await apiError(client.models.list());

      for (const error of [completion, models]) {
        expect(error.status).toBe(403);
        expect(error.code).toBe('forbidden');
        expect(error.type).toBe('permission_error');
      }
    });

    it("answers 402 budget_exceeded once the organization's monthly budget is used up", async () => {
      const { owner, client } = await tenant();
      up.script('openai', { text: 'Billed.', usage: { input: 1000, output: 1000 } });
      const first = await client.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'one' }] })
        .withResponse();
      const budget = await request(app)
        .put(`/api/ai/budgets/organization/${owner.user.organizationId}`)
        .set(as(owner))
        .send({ monthlyLimitUsd: '0.0005' });

      const error = await apiError(
        client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'two' }] }),
      );
      const streamed = await apiError(
        client.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'three' }],
          stream: true,
        }),
      );

      expect(first.response.headers.get('x-auterity-cost-usd')).toBe('0.00075');
      expect(budget.status).toBe(200);
      expect(budget.body).toMatchObject({ monthlyLimitUsd: '0.0005', spentUsd: '0.00075', percent: 150 });
      for (const refused of [error, streamed]) {
        expect(refused.status).toBe(402);
        expect(refused.code).toBe('budget_exceeded');
        expect(refused.type).toBe('insufficient_quota');
        expect(refused.message).toContain('monthly AI budget');
      }
      expect(up.requests).toHaveLength(1);
    });

    it('answers 502 when the only model fails with 500 and nothing is left to fall back to', async () => {
      const { client } = await tenant();
      up.script('openai', { status: 500 }, { status: 500 });

      const error = await apiError(
        client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      );

      expect(error.status).toBe(502);
      expect(error.code).toBe('ai_provider_failed');
      expect(error.type).toBe('api_error');
      expect(error.message).toContain('openai/gpt-4o-mini: provider_error 500');
      expect(up.requests).toHaveLength(1);
    });
  });

  describe('failures', () => {
    it('answers a streamed call whose only model fails with 502 before any chunk', async () => {
      const { client } = await tenant();
      up.script('openai', { status: 500 });

      const error = await apiError(
        client.chat.completions.create({
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
        }),
      );

      expect(error).toMatchObject({ status: 502, code: 'ai_provider_failed' });
    });

    it('falls back on 429 for a streamed call too', async () => {
      const { client } = await tenant(['openai', 'anthropic']);
      up.script('openai', { status: 429 });

      const body: OpenAI.ChatCompletionCreateParamsStreaming & Fallbacks = {
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream after fallback' }],
        stream: true,
        stream_options: { include_usage: true },
        fallbacks: ['anthropic/claude-3-5-haiku-latest'],
      };
      const stream = await client.chat.completions.create(body);
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);

      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('anthropic reply to: Stream after fallback');
      expect(chunks[0]?.model).toBe('anthropic/claude-3-5-haiku-latest');
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 6, completion_tokens: 6, total_tokens: 12 });
      expect(up.requests.map((r) => r.route)).toEqual(['openai', 'anthropic']);
    });

    it('answers 502 for a workflow that fails, and streams the error before [DONE]', async () => {
      const { owner, key, client } = await tenant([]);
      const created = await request(app)
        .post('/api/workflows')
        .set(as(owner))
        .send({
          name: 'Broken bot',
          canvasData: {
            nodes: [
              { id: 'start', type: 'trigger.manual', position: { x: 0, y: 0 }, data: { config: {} } },
              { id: 'boom', type: 'transform', position: { x: 260, y: 0 }, data: { config: { expression: '$error("kaput")' } } },
            ],
            edges: [{ id: 'e', source: 'start', target: 'boom' }],
          },
        });
      const model = `workflow:${created.body.id}`;

      const plain = await apiError(client.chat.completions.create({ model, messages: [{ role: 'user', content: 'x' }] }));
      const res = await fetch(`${base}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }], stream: true }),
      });
      const events = sseData(await res.text());

      expect(plain).toMatchObject({ status: 502, code: 'ai_provider_failed' });
      expect(plain.message).toContain('The workflow failed');
      expect(events.at(-1)).toBe('[DONE]');
      expect(JSON.parse(events.at(-2) ?? '')).toMatchObject({
        error: { code: 'ai_provider_failed', type: 'api_error', message: expect.stringContaining('The workflow failed') },
      });
    });
  });

  describe('GET /v1/models', () => {
    it('lists the auto policies and the models the organization can use', async () => {
      const { client } = await tenant(['openai']);

      const ids: string[] = [];
      for await (const model of client.models.list()) ids.push(model.id);

      expect(ids.slice(0, 4)).toEqual(['auto', 'auto:cheapest', 'auto:fastest', 'auto:best']);
      expect(ids).toEqual(expect.arrayContaining(['openai/gpt-4o-mini', 'openai/gpt-4.1-nano', 'local/echo']));
      expect(ids.some((id) => id.startsWith('anthropic/'))).toBe(false);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });
});
