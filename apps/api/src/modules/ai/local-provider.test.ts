import {
  InvalidPromptError,
  NoSuchModelError,
  UnsupportedFunctionalityError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { generateText, Output, streamText, tool } from 'ai';
import { countTokens, decode, encode } from 'gpt-tokenizer';
import { z } from 'zod';
import { createLocalModel, LOCAL_MODELS } from './local-provider';

// The local models warn about settings they ignore; the SDK would print those warnings.
globalThis.AI_SDK_LOG_WARNINGS = false;

const PARAGRAPH = [
  'Solar panels convert sunlight into electricity for homes.',
  'Many homeowners install solar panels to cut electricity bills.',
  'My neighbour owns a red bicycle.',
  'The weather was pleasant on Tuesday.',
  'Solar electricity from panels on homes lowers bills and emissions.',
  'A cat slept on the porch.',
].join(' ');

const ENTITY_SENTENCE =
  'Tim Cook met Angela Merkel in Berlin on Monday to discuss a deal with Microsoft. Write to press@example.com for details.';

function callOptions(text: string, extra: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions {
  return { prompt: [{ role: 'user', content: [{ type: 'text', text }] }], ...extra };
}

async function readAll(stream: ReadableStream<LanguageModelV3StreamPart>): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

describe('LOCAL_MODELS', () => {
  it('describes every model as local and offline, with text and JSON output', () => {
    const ids = LOCAL_MODELS.map((model) => model.modelId);

    expect(ids).toEqual(['summarize', 'sentiment', 'entities', 'echo']);
    for (const model of LOCAL_MODELS) {
      expect(model.name).toMatch(/^Local .*\(offline/);
      expect(model.capabilities).toEqual(['text', 'json']);
      expect(model.contextWindow).toBe(32768);
      expect(model.description.length).toBeGreaterThan(20);
    }
  });
});

describe('createLocalModel', () => {
  it('creates a v3 language model of the local provider', () => {
    const model = createLocalModel('echo');

    expect(model).toMatchObject({ specificationVersion: 'v3', provider: 'local', modelId: 'echo', supportedUrls: {} });
  });

  it('throws NoSuchModelError naming the known models for an unknown id', () => {
    const create = () => createLocalModel('gpt-4o');

    expect(create).toThrow(NoSuchModelError);
    expect(create).toThrow('Unknown local model "gpt-4o"; the local provider has: summarize, sentiment, entities, echo');
  });
});

describe('local/summarize', () => {
  it('keeps the highest-scoring sentences in their original order', async () => {
    const { text, finishReason } = await generateText({ model: createLocalModel('summarize'), prompt: PARAGRAPH });

    expect(text).toBe(
      'Many homeowners install solar panels to cut electricity bills. Solar electricity from panels on homes lowers bills and emissions.',
    );
    expect(finishReason).toBe('stop');
  });

  it('keeps one sentence of a short text, the earlier one on a tie', async () => {
    const { text } = await generateText({
      model: createLocalModel('summarize'),
      prompt: 'Cats purr loudly. Dogs bark loudly. Birds sing.',
    });

    expect(text).toBe('Cats purr loudly.');
  });

  it('keeps three sentences of a long text', async () => {
    const filler = [
      'The sky was grey.',
      'A dog barked twice.',
      'Lunch ran late.',
      'Someone hummed a tune.',
      'The printer jammed.',
      'Coffee went cold.',
      'A door creaked open.',
      'Trains ran on time.',
      'Leaves fell outside.',
    ].join(' ');
    const prompt = `Rockets need fuel. Rockets burn fuel fast. ${filler} Rockets carry fuel tanks.`;

    const { text } = await generateText({ model: createLocalModel('summarize'), prompt });

    expect(text).toBe('Rockets need fuel. Rockets burn fuel fast. Rockets carry fuel tanks.');
  });

  it('reads only the last user message and ignores the system message', async () => {
    const { text } = await generateText({
      model: createLocalModel('summarize'),
      system: 'You are a helpful assistant. Summarize.',
      messages: [
        { role: 'user', content: 'Old message about trains.' },
        { role: 'assistant', content: 'Noted.' },
        { role: 'user', content: 'Gardens need water.' },
      ],
    });

    expect(text).toBe('Gardens need water.');
  });

  it('answers {"summary"} in JSON mode', async () => {
    const { output } = await generateText({
      model: createLocalModel('summarize'),
      prompt: PARAGRAPH,
      output: Output.object({ schema: z.object({ summary: z.string() }) }),
    });

    expect(output.summary).toContain('Many homeowners install solar panels');
  });

  it('scores nothing in a text without words', async () => {
    const { text } = await generateText({ model: createLocalModel('summarize'), prompt: '... !!!' });

    expect(text).toBe('... !!!');
  });
});

describe('local/sentiment', () => {
  it('rates a clearly positive text positive', async () => {
    const { text } = await generateText({
      model: createLocalModel('sentiment'),
      prompt: 'I love this wonderful product, it is great!',
    });

    expect(text).toBe('Sentiment: positive (score 10, comparative 1.25)');
  });

  it('rates a clearly negative text negative', async () => {
    const { text } = await generateText({
      model: createLocalModel('sentiment'),
      prompt: 'This is terrible, awful and I hate it.',
    });

    expect(text).toBe('Sentiment: negative (score -9, comparative -1.125)');
  });

  it('rates a factual text neutral', async () => {
    const { text } = await generateText({ model: createLocalModel('sentiment'), prompt: 'The box is on the table.' });

    expect(text).toBe('Sentiment: neutral (score 0, comparative 0)');
  });

  it('answers {label, score, comparative} in JSON mode, with comparative rounded', async () => {
    const { output } = await generateText({
      model: createLocalModel('sentiment'),
      prompt: 'The service was good but slow today.',
      output: Output.json(),
    });

    expect(output).toEqual({ label: 'positive', score: 3, comparative: 0.429 });
  });

  it('sends a fixed-shape JSON answer whole when even that exceeds maxOutputTokens', async () => {
    const result = await createLocalModel('sentiment').doGenerate(
      callOptions('I love it', { maxOutputTokens: 3, responseFormat: { type: 'json' } }),
    );

    expect(result.content).toEqual([{ type: 'text', text: '{"label":"positive","score":3,"comparative":1}' }]);
    expect(result.finishReason).toEqual({ unified: 'length', raw: 'length' });
  });
});

describe('local/entities', () => {
  it('lists the people, places, organizations, dates and emails of a sentence', async () => {
    const { text } = await generateText({ model: createLocalModel('entities'), prompt: ENTITY_SENTENCE });

    expect(text).toBe(
      [
        'People: Tim Cook, Angela Merkel',
        'Places: Berlin',
        'Organizations: Microsoft',
        'Dates: Monday',
        'Emails: press@example.com',
      ].join('\n'),
    );
  });

  it('says none when a category is empty', async () => {
    const { text } = await generateText({ model: createLocalModel('entities'), prompt: 'the soup is warm' });

    expect(text).toBe('People: none\nPlaces: none\nOrganizations: none\nDates: none\nEmails: none');
  });

  it('answers the lists as an object in JSON mode', async () => {
    const { output } = await generateText({
      model: createLocalModel('entities'),
      prompt: ENTITY_SENTENCE,
      output: Output.object({
        schema: z.object({ people: z.array(z.string()), places: z.array(z.string()), organizations: z.array(z.string()) }),
      }),
    });

    expect(output).toEqual({ people: ['Tim Cook', 'Angela Merkel'], places: ['Berlin'], organizations: ['Microsoft'] });
  });
});

describe('local/echo', () => {
  it('answers a template reply with every user message', async () => {
    const { text } = await generateText({
      model: createLocalModel('echo'),
      system: 'ignored',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'first' }] },
        { role: 'assistant', content: 'ok' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'second' },
            { type: 'text', text: 'third' },
          ],
        },
      ],
    });

    expect(text).toBe('Local echo: first\nsecond\nthird');
  });

  it('truncates to maxOutputTokens and reports finishReason length', async () => {
    const full = `Local echo: ${'the quick brown fox jumps over the lazy dog '.repeat(5)}`;

    const { text, finishReason, usage } = await generateText({
      model: createLocalModel('echo'),
      prompt: full.slice('Local echo: '.length),
      maxOutputTokens: 6,
    });

    expect(text).toBe(decode(encode(full).slice(0, 6)));
    expect(finishReason).toBe('length');
    expect(usage.outputTokens).toBe(6);
  });

  it('answers {"reply"} in JSON mode', async () => {
    const { output } = await generateText({
      model: createLocalModel('echo'),
      prompt: 'hello',
      output: Output.object({ schema: z.object({ reply: z.string() }) }),
    });

    expect(output).toEqual({ reply: 'Local echo: hello' });
  });

  it('shortens the reply, not the JSON, to fit maxOutputTokens', async () => {
    const prompt = 'one two three four five six seven eight nine ten eleven twelve';

    const { output, finishReason, usage } = await generateText({
      model: createLocalModel('echo'),
      prompt,
      maxOutputTokens: 10,
      output: Output.json(),
    });

    expect(finishReason).toBe('length');
    expect(usage.outputTokens).toBeLessThanOrEqual(10);
    expect(output).toEqual({ reply: expect.stringMatching(/^Local echo: one/) });
    const { reply } = z.object({ reply: z.string() }).parse(output);
    expect(`Local echo: ${prompt}`.startsWith(reply)).toBe(true);
    expect(reply.length).toBeLessThan(`Local echo: ${prompt}`.length);
  });

  it.each(['echo', 'sentiment'])('%s needs a user message with text', async (modelId) => {
    const call = createLocalModel(modelId).doGenerate({ prompt: [{ role: 'system', content: 'Be brief.' }] });

    await expect(call).rejects.toThrow(InvalidPromptError);
    await expect(call).rejects.toThrow(`local/${modelId} needs a user message with text`);
  });
});

describe('usage', () => {
  it('counts input tokens over all message text and output tokens over the answer', async () => {
    const system = 'You are a careful analyst.';
    const prompt = 'I love this wonderful product, it is great!';

    const { text, usage } = await generateText({ model: createLocalModel('sentiment'), system, prompt });

    expect(usage.inputTokens).toBe(countTokens(`${system}\n${prompt}`));
    expect(usage.outputTokens).toBe(countTokens(text));
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(usage.totalTokens).toBe(countTokens(`${system}\n${prompt}`) + countTokens(text));
  });

  it('refuses a prompt larger than the context window', async () => {
    const call = generateText({ model: createLocalModel('echo'), prompt: 'word '.repeat(40000) });

    await expect(call).rejects.toThrow(InvalidPromptError);
    await expect(call).rejects.toThrow(/The prompt has \d+ tokens; local\/echo takes at most 32768$/);
  });
});

describe('streaming', () => {
  it.each(LOCAL_MODELS.map((model) => model.modelId))('streams the same text as %s generates', async (modelId) => {
    const prompt = `${PARAGRAPH} ${ENTITY_SENTENCE}`;
    const generated = await generateText({ model: createLocalModel(modelId), prompt });

    const streamed = streamText({ model: createLocalModel(modelId), prompt });
    const chunks: string[] = [];
    for await (const chunk of streamed.textStream) chunks.push(chunk);

    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(generated.text);
    expect(await streamed.finishReason).toBe('stop');
    expect(await streamed.usage).toMatchObject({
      inputTokens: generated.usage.inputTokens,
      outputTokens: generated.usage.outputTokens,
    });
  });

  it('emits stream-start, one text block of word groups and finish', async () => {
    const { stream } = await createLocalModel('echo').doStream(callOptions('one two three four five'));

    const parts = await readAll(stream);

    expect(parts).toEqual([
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Local echo: one ' },
      { type: 'text-delta', id: 'text-0', delta: 'two three four ' },
      { type: 'text-delta', id: 'text-0', delta: 'five' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: {
            total: countTokens('one two three four five'),
            noCache: countTokens('one two three four five'),
            cacheRead: 0,
            cacheWrite: 0,
          },
          outputTokens: {
            total: countTokens('Local echo: one two three four five'),
            text: countTokens('Local echo: one two three four five'),
            reasoning: 0,
          },
        },
      },
    ]);
  });

  it('streams a JSON answer that Output parses', async () => {
    const streamed = streamText({
      model: createLocalModel('sentiment'),
      prompt: 'This is terrible.',
      output: Output.object({ schema: z.object({ label: z.string(), score: z.number(), comparative: z.number() }) }),
    });

    expect(await streamed.output).toEqual({ label: 'negative', score: -3, comparative: -1 });
  });
});

describe('abort', () => {
  it('rejects a generate call whose signal is already aborted, with its reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('caller gave up'));

    const call = generateText({ model: createLocalModel('echo'), prompt: 'hi', abortSignal: controller.signal });

    await expect(call).rejects.toThrow('caller gave up');
  });

  it('rejects a stream call whose signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));

    const call = createLocalModel('echo').doStream(callOptions('hi', { abortSignal: controller.signal }));

    await expect(call).rejects.toThrow('too late');
  });

  it('stops a stream aborted between reads', async () => {
    const controller = new AbortController();
    const { stream } = await createLocalModel('echo').doStream(callOptions('hi there', { abortSignal: controller.signal }));
    const reader = stream.getReader();

    const first = await reader.read();
    controller.abort(new Error('stopped mid-stream'));

    expect(first.value).toEqual({ type: 'stream-start', warnings: [] });
    await expect(reader.read()).rejects.toThrow('stopped mid-stream');
  });
});

describe('unsupported features', () => {
  it('refuses tools with UnsupportedFunctionalityError', async () => {
    const call = generateText({
      model: createLocalModel('echo'),
      prompt: 'What is the weather?',
      tools: { weather: tool({ inputSchema: z.object({ city: z.string() }), execute: async () => 'sunny' }) },
    });

    await expect(call).rejects.toThrow(UnsupportedFunctionalityError);
    await expect(call).rejects.toThrow('The local model echo cannot call tools; choose a hosted model for tool use');
  });

  it('accepts an empty tool list', async () => {
    const result = await createLocalModel('echo').doGenerate(callOptions('hi', { tools: [] }));

    expect(result.content).toEqual([{ type: 'text', text: 'Local echo: hi' }]);
  });

  it('warns about sampling settings, a JSON schema and file parts it ignores', async () => {
    const result = await createLocalModel('echo').doGenerate({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'file', data: new Uint8Array([1, 2]), mediaType: 'application/octet-stream' },
          ],
        },
      ],
      temperature: 0.2,
      seed: 7,
      responseFormat: { type: 'json', schema: { type: 'object' } },
    });

    expect(result.warnings.map((warning) => (warning.type === 'other' ? warning.message : warning.feature))).toEqual([
      'temperature',
      'seed',
      'responseFormat.schema',
      'file parts',
    ]);
    expect(result.content).toEqual([{ type: 'text', text: '{"reply":"Local echo: hi"}' }]);
  });

  it('passes the warnings through generateText', async () => {
    const { warnings } = await generateText({ model: createLocalModel('echo'), prompt: 'hi', temperature: 0.5 });

    expect(warnings).toEqual([
      { type: 'unsupported', feature: 'temperature', details: 'Local models are deterministic and ignore it.' },
    ]);
  });
});
