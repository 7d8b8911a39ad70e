import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText, tool, type LanguageModel } from 'ai';
import OpenAI from 'openai';
import { z } from 'zod';
import { startAiUpstream, type AiRoute, type AiUpstream } from './ai-upstream';

const API_KEY = 'sk-test-key';

interface ProviderCase {
  route: AiRoute;
  modelId: string;
  model: (url: string) => LanguageModel;
  authHeader: [string, string];
}

const providers: ProviderCase[] = [
  {
    route: 'openai',
    modelId: 'gpt-4o-mini',
    model: (url) => createOpenAI({ baseURL: `${url}/openai/v1`, apiKey: API_KEY }).chat('gpt-4o-mini'),
    authHeader: ['authorization', `Bearer ${API_KEY}`],
  },
  {
    route: 'compat',
    modelId: 'llama-3.1-8b-instruct',
    model: (url) =>
      createOpenAICompatible({ name: 'vllm', baseURL: `${url}/compat/v1`, apiKey: API_KEY, includeUsage: true }).chatModel(
        'llama-3.1-8b-instruct',
      ),
    authHeader: ['authorization', `Bearer ${API_KEY}`],
  },
  {
    route: 'anthropic',
    modelId: 'claude-sonnet-4-5',
    model: (url) => createAnthropic({ baseURL: `${url}/anthropic/v1`, apiKey: API_KEY })('claude-sonnet-4-5'),
    authHeader: ['x-api-key', API_KEY],
  },
  {
    route: 'google',
    modelId: 'gemini-2.0-flash',
    model: (url) => createGoogleGenerativeAI({ baseURL: `${url}/google/v1beta`, apiKey: API_KEY })('gemini-2.0-flash'),
    authHeader: ['x-goog-api-key', API_KEY],
  },
];

const weatherTools = {
  getWeather: tool({ description: 'Current weather in a city', inputSchema: z.object({ city: z.string() }) }),
};

describe('ai-upstream test helper', () => {
  let upstream: AiUpstream;

  beforeAll(async () => {
    upstream = await startAiUpstream();
  });

  afterEach(() => {
    upstream.reset();
  });

  afterAll(async () => {
    await upstream.close();
  });

  describe.each(providers)('$route through the AI SDK', ({ route, modelId, model, authHeader }) => {
    it('answers generateText with the default reply, word-count usage and the echoed model', async () => {
      const result = await generateText({
        model: model(upstream.url),
        system: 'Be brief.',
        prompt: 'Say hello to the world',
        maxOutputTokens: 64,
        maxRetries: 0,
      });

      expect(result.text).toBe(`${route} reply to: Say hello to the world`);
      expect(result.finishReason).toBe('stop');
      expect(result.usage).toMatchObject({ inputTokens: 2 + 5 + 3, outputTokens: 8, totalTokens: 18 });
      expect(result.response.modelId).toBe(modelId);
      expect(upstream.requests).toHaveLength(1);
      expect(upstream.requests[0]).toMatchObject({ route, model: modelId, stream: false });
      expect(upstream.requests[0]?.headers[authHeader[0]]).toBe(authHeader[1]);
    });

    it('streams the reply and its usage to streamText', async () => {
      const result = streamText({ model: model(upstream.url), prompt: 'Stream three words', maxRetries: 0 });

      const chunks: string[] = [];
      for await (const chunk of result.textStream) chunks.push(chunk);

      expect(chunks.join('')).toBe(`${route} reply to: Stream three words`);
      expect(chunks.length).toBeGreaterThan(1);
      expect(await result.finishReason).toBe('stop');
      expect(await result.usage).toMatchObject({ inputTokens: 6, outputTokens: 6, totalTokens: 12 });
      expect(upstream.requests[0]).toMatchObject({ route, model: modelId, stream: true });
    });

    it('surfaces a scripted 429 as an APICallError in the provider error shape', async () => {
      upstream.script(route, { status: 429 });

      const error: unknown = await generateText({ model: model(upstream.url), prompt: 'Hi', maxRetries: 0 }).catch(
        (caught: unknown) => caught,
      );

      expect(APICallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, isRetryable: true, message: 'Rate limit reached for requests.' });
    });

    it('returns a scripted tool call to generateText and streamText', async () => {
      upstream.script(route, { toolCall: { name: 'getWeather', arguments: { city: 'Paris' } } });
      upstream.script(route, { toolCall: { name: 'getWeather', arguments: { city: 'Lima' } } });

      const generated = await generateText({
        model: model(upstream.url),
        prompt: 'Weather in Paris?',
        tools: weatherTools,
        maxRetries: 0,
      });
      const streamed = streamText({ model: model(upstream.url), prompt: 'And Lima?', tools: weatherTools, maxRetries: 0 });

      expect(generated.finishReason).toBe('tool-calls');
      expect(generated.toolCalls).toEqual([expect.objectContaining({ toolName: 'getWeather', input: { city: 'Paris' } })]);
      expect(await streamed.toolCalls).toEqual([expect.objectContaining({ toolName: 'getWeather', input: { city: 'Lima' } })]);
      expect(await streamed.finishReason).toBe('tool-calls');
      expect(JSON.stringify(upstream.requests[0]?.body)).toContain('getWeather');
    });

    it('consumes scripted steps in order, then falls back to the default reply', async () => {
      upstream.script(route, { delayMs: 20 }, { text: 'Scripted answer', usage: { input: 11, output: 22 } });

      const first = await generateText({ model: model(upstream.url), prompt: 'One', maxRetries: 0 });
      const second = await generateText({ model: model(upstream.url), prompt: 'Two', maxRetries: 0 });

      expect(first.text).toBe('Scripted answer');
      expect(first.usage).toMatchObject({ inputTokens: 11, outputTokens: 22 });
      expect(second.text).toBe(`${route} reply to: Two`);
    });
  });

  describe('delays', () => {
    it('abandons a delay when the client gives up, leaving later steps for the next request', async () => {
      upstream.script('openai', { delayMs: 300 }, { text: 'after the timeout' });
      const model = providers[0]!.model(upstream.url);

      const timedOut = await generateText({
        model,
        prompt: 'Slow',
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(50),
      }).catch((caught: unknown) => caught);
      // Past the delay: had the abandoned request kept waiting, it would have taken the text step by now.
      await new Promise((resolve) => setTimeout(resolve, 400));
      const next = await generateText({ model, prompt: 'Again', maxRetries: 0 });

      // Errors from undici come from another realm than jest's, so match by name, not instanceof.
      expect(timedOut).toMatchObject({ name: 'TimeoutError' });
      expect(next.text).toBe('after the timeout');
    });

    it('cancels pending delays and drops connections on close()', async () => {
      const own = await startAiUpstream();
      own.script('anthropic', { delayMs: 60_000 });
      const pending = generateText({ model: providers[2]!.model(own.url), prompt: 'Hang', maxRetries: 0 }).catch(
        (caught: unknown) => caught,
      );
      await waitFor(() => own.requests.length === 1);

      await own.close();

      // Under jest the SDK does not wrap undici's TypeError (another realm), so it arrives as is.
      expect(await pending).toMatchObject({ name: 'TypeError', message: 'fetch failed' });
    });
  });

  describe('wire details', () => {
    it('answers 401 in the provider shape when the API key is missing, without consuming a step', async () => {
      upstream.script('openai', { text: 'kept' });

      const response = await fetch(`${upstream.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] }),
      });
      const next = await generateText({ model: providers[0]!.model(upstream.url), prompt: 'Hi', maxRetries: 0 });

      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
      expect(next.text).toBe('kept');
    });

    it('answers scripted errors with each provider error JSON', async () => {
      upstream.script('anthropic', { status: 503 });
      upstream.script('google', { status: 500 });
      const post = (path: string, headers: Record<string, string>) =>
        fetch(`${upstream.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ model: 'm', messages: [], contents: [] }),
        });

      const anthropic = await post('/anthropic/v1/messages', { 'x-api-key': API_KEY, 'anthropic-version': '2023-06-01' });
      const google = await post('/google/v1beta/models/gemini-2.0-flash:generateContent', { 'x-goog-api-key': API_KEY });

      expect(anthropic.status).toBe(503);
      expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
      expect(google.status).toBe(500);
      expect(await google.json()).toEqual({ error: { code: 500, message: expect.any(String), status: 'INTERNAL' } });
    });

    it('streams Gemini as a JSON array without alt=sse', async () => {
      const response = await fetch(`${upstream.url}/google/v1beta/models/gemini-2.0-flash:streamGenerateContent`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-goog-api-key': API_KEY },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi there' }] }] }),
      });

      const chunks = (await response.json()) as Array<{ candidates: Array<{ finishReason?: string }> }>;
      expect(chunks.at(-1)?.candidates[0]?.finishReason).toBe('STOP');
    });

    it('records what was sent: max tokens, tools and response_format', async () => {
      const openai = createOpenAI({ baseURL: `${upstream.url}/openai/v1`, apiKey: API_KEY });

      await generateText({
        model: openai.chat('gpt-4o-mini'),
        prompt: 'Weather?',
        tools: weatherTools,
        maxOutputTokens: 99,
        maxRetries: 0,
      });

      expect(upstream.requests[0]).toMatchObject({
        route: 'openai',
        path: '/openai/v1/chat/completions',
        body: { model: 'gpt-4o-mini', max_tokens: 99, tools: [{ type: 'function', function: { name: 'getWeather' } }] },
      });
    });
  });

  describe('official openai client', () => {
    const client = () => new OpenAI({ baseURL: `${upstream.url}/openai/v1`, apiKey: API_KEY, maxRetries: 0 });

    it('gets a completion and records response_format', async () => {
      const completion = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Give JSON' }],
        response_format: { type: 'json_object' },
      });

      expect(completion.choices[0]?.message.content).toBe('openai reply to: Give JSON');
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage).toEqual(expect.objectContaining({ prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 }));
      expect(upstream.requests[0]?.body).toMatchObject({ response_format: { type: 'json_object' } });
    });

    it('streams chunks ending with a usage chunk', async () => {
      const stream = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Stream please' }],
        stream: true,
        stream_options: { include_usage: true },
      });

      let text = '';
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }

      expect(text).toBe('openai reply to: Stream please');
      expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 5 });
    });

    it('gets a tool call, a typed 429 and the model list', async () => {
      upstream.script('openai', { toolCall: { name: 'getWeather', arguments: { city: 'Oslo' } } }, { status: 429 });
      const tools: OpenAI.ChatCompletionTool[] = [
        { type: 'function', function: { name: 'getWeather', parameters: { type: 'object', properties: {} } } },
      ];

      const completion = await client().chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'Weather in Oslo?' }],
        tools,
      });
      const rateLimited = await client()
        .chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Again' }] })
        .catch((caught: unknown) => caught);
      const models = await client().models.list();

      expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
      expect(completion.choices[0]?.message.tool_calls?.[0]).toMatchObject({
        type: 'function',
        function: { name: 'getWeather', arguments: '{"city":"Oslo"}' },
      });
      expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError);
      expect(models.data.map((model) => model.id)).toContain('gpt-4o-mini');
    });
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}
