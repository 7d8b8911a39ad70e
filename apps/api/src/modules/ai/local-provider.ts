import {
  InvalidPromptError,
  NoSuchModelError,
  UnsupportedFunctionalityError,
  type JSONObject,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3FinishReason,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3Usage,
  type SharedV3Warning,
} from '@ai-sdk/provider';
import { LOCAL_AI_PROVIDER, type AiCapability } from '@auterity/workflow-contracts';
import Sentiment from 'sentiment';
import { compromise, gptTokenizer } from './lazy-modules';

/** A model of the built-in local provider, as the model catalog lists it. */
export interface LocalModelInfo {
  readonly modelId: string;
  /** Says plainly that the model runs offline, so nobody mistakes it for an LLM. */
  readonly name: string;
  readonly description: string;
  readonly capabilities: readonly AiCapability[];
  /** The most input tokens a call may send; larger prompts are refused like a real provider would. */
  readonly contextWindow: number;
}

/**
 * The models of the built-in offline provider: small deterministic NLP tasks that run in-process,
 * so workflows with AI nodes work without network or provider key (tests, demos, air-gapped installs).
 */
export const LOCAL_MODELS = [
  {
    modelId: 'summarize',
    name: 'Local summarizer (offline, extractive)',
    description: 'Keeps the 1–3 most representative sentences of the last user message, scored by word frequency.',
    capabilities: ['text', 'json'],
    contextWindow: 32768,
  },
  {
    modelId: 'sentiment',
    name: 'Local sentiment analyzer (offline, AFINN-165)',
    description: 'Rates the last user message positive, negative or neutral from the AFINN-165 word list.',
    capabilities: ['text', 'json'],
    contextWindow: 32768,
  },
  {
    modelId: 'entities',
    name: 'Local entity extractor (offline, rule-based)',
    description: 'Lists the people, places, organizations, dates and email addresses named in the last user message.',
    capabilities: ['text', 'json'],
    contextWindow: 32768,
  },
  {
    modelId: 'echo',
    name: 'Local echo (offline, deterministic template)',
    description: 'Answers "Local echo: <prompt>" with the user messages; for tests and wiring checks.',
    capabilities: ['text', 'json'],
    contextWindow: 32768,
  },
] as const satisfies readonly LocalModelInfo[];

export type LocalModelId = (typeof LOCAL_MODELS)[number]['modelId'];

/** A model's answer before rendering: its text reply, and its JSON answer built around a text. */
interface LocalReply {
  text: string;
  /**
   * Builds the JSON-mode answer. Models whose answer is a text (echo, summarize) put the given,
   * possibly shortened, text in it, so maxOutputTokens shortens the text instead of cutting the JSON.
   */
  toJson: (text: string) => JSONObject;
}

interface LocalTask {
  /** The NLP models read the last user message; echo repeats every user message. */
  reads: 'last-user-message' | 'user-messages';
  run: (input: string) => LocalReply;
}

const TASKS: Record<LocalModelId, LocalTask> = {
  summarize: { reads: 'last-user-message', run: summarize },
  sentiment: { reads: 'last-user-message', run: analyzeSentiment },
  entities: { reads: 'last-user-message', run: extractEntities },
  echo: { reads: 'user-messages', run: (input) => ({ text: `Local echo: ${input}`, toJson: (text) => ({ reply: text }) }) },
};

/** Settings a deterministic model has no use for; a call that sets them gets a warning. */
const IGNORED_SETTINGS = ['temperature', 'topP', 'topK', 'presencePenalty', 'frequencyPenalty', 'seed', 'stopSequences'] as const;

const WORDS_PER_STREAM_CHUNK = 3;

/**
 * Creates a language model of the built-in `local` provider for `generateText`/`streamText`.
 * Input and output tokens are counted with the o200k tokenizer, so budgets and usage reports work
 * as they do for paid providers (at zero cost).
 * @throws NoSuchModelError when `modelId` is not one of {@link LOCAL_MODELS}.
 */
export function createLocalModel(modelId: string): LanguageModelV3 {
  const info = LOCAL_MODELS.find((model) => model.modelId === modelId);
  if (!info) {
    const known = LOCAL_MODELS.map((model) => model.modelId).join(', ');
    throw new NoSuchModelError({
      modelId,
      modelType: 'languageModel',
      message: `Unknown local model "${modelId}"; the local provider has: ${known}`,
    });
  }

  return {
    specificationVersion: 'v3',
    provider: LOCAL_AI_PROVIDER,
    modelId: info.modelId,
    supportedUrls: {},
    async doGenerate(options) {
      const answer = answerCall(info, options);
      return {
        content: [{ type: 'text', text: answer.text }],
        finishReason: answer.finishReason,
        usage: answer.usage,
        warnings: answer.warnings,
      };
    },
    async doStream(options) {
      const answer = answerCall(info, options);
      const id = 'text-0';
      const parts: LanguageModelV3StreamPart[] = [
        { type: 'stream-start', warnings: answer.warnings },
        { type: 'text-start', id },
        ...splitIntoWordGroups(answer.text).map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id, delta })),
        { type: 'text-end', id },
        { type: 'finish', finishReason: answer.finishReason, usage: answer.usage },
      ];
      return { stream: streamParts(parts, options.abortSignal) };
    },
  };
}

interface LocalAnswer {
  text: string;
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
  warnings: SharedV3Warning[];
}

function answerCall(info: (typeof LOCAL_MODELS)[number], options: LanguageModelV3CallOptions): LocalAnswer {
  options.abortSignal?.throwIfAborted();
  if (options.tools && options.tools.length > 0) {
    throw new UnsupportedFunctionalityError({
      functionality: 'tools',
      message: `The local model ${info.modelId} cannot call tools; choose a hosted model for tool use`,
    });
  }

  const inputTokens = gptTokenizer().countTokens(collectText(options.prompt).join('\n'));
  if (inputTokens > info.contextWindow) {
    throw new InvalidPromptError({
      prompt: options.prompt,
      message: `The prompt has ${inputTokens} tokens; local/${info.modelId} takes at most ${info.contextWindow}`,
    });
  }
  const task = TASKS[info.modelId];
  const input = readUserText(options.prompt, task.reads);
  if (input.trim() === '') {
    throw new InvalidPromptError({ prompt: options.prompt, message: `local/${info.modelId} needs a user message with text` });
  }

  const reply = task.run(input);
  const rendered =
    options.responseFormat?.type === 'json'
      ? fitJsonToTokens(reply, options.maxOutputTokens)
      : fitTextToTokens(reply.text, options.maxOutputTokens);
  const outputTokens = gptTokenizer().countTokens(rendered.text);
  return {
    text: rendered.text,
    finishReason: rendered.truncated ? { unified: 'length', raw: 'length' } : { unified: 'stop', raw: 'stop' },
    usage: {
      inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: outputTokens, text: outputTokens, reasoning: 0 },
    },
    warnings: collectWarnings(options),
  };
}

/** Every text the model is sent (system, user and assistant text), for the input token count. */
function collectText(prompt: LanguageModelV3Prompt): string[] {
  return prompt.flatMap((message) => {
    if (message.role === 'system') return [message.content];
    return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : []));
  });
}

function readUserText(prompt: LanguageModelV3Prompt, reads: LocalTask['reads']): string {
  const userTexts = prompt.flatMap((message) =>
    message.role === 'user' ? [message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n')] : [],
  );
  return reads === 'user-messages' ? userTexts.join('\n') : (userTexts.at(-1) ?? '');
}

function collectWarnings(options: LanguageModelV3CallOptions): SharedV3Warning[] {
  const warnings: SharedV3Warning[] = IGNORED_SETTINGS.filter((setting) => options[setting] !== undefined).map((setting) => ({
    type: 'unsupported',
    feature: setting,
    details: 'Local models are deterministic and ignore it.',
  }));
  if (options.responseFormat?.type === 'json' && options.responseFormat.schema) {
    warnings.push({
      type: 'unsupported',
      feature: 'responseFormat.schema',
      details: 'Local models answer a JSON object of their own fixed shape.',
    });
  }
  const hasFiles = options.prompt.some(
    (message) => message.role === 'user' && message.content.some((part) => part.type === 'file'),
  );
  if (hasFiles) warnings.push({ type: 'unsupported', feature: 'file parts', details: 'Local models read text parts only.' });
  return warnings;
}

interface Rendered {
  text: string;
  truncated: boolean;
}

function fitTextToTokens(text: string, maxTokens: number | undefined): Rendered {
  const tokens = gptTokenizer().encode(text);
  if (maxTokens === undefined || tokens.length <= maxTokens) return { text, truncated: false };
  return { text: gptTokenizer().decode(tokens.slice(0, maxTokens)), truncated: true };
}

/**
 * Renders the JSON answer within `maxTokens` while keeping it valid JSON: it shortens the text the
 * answer is built around (binary search on its tokens). A fixed-shape answer larger than the limit
 * is sent whole, marked as truncated.
 */
function fitJsonToTokens(reply: LocalReply, maxTokens: number | undefined): Rendered {
  const whole = JSON.stringify(reply.toJson(reply.text));
  if (maxTokens === undefined || gptTokenizer().countTokens(whole) <= maxTokens) return { text: whole, truncated: false };

  const tokens = gptTokenizer().encode(reply.text);
  const render = (kept: number) => JSON.stringify(reply.toJson(gptTokenizer().decode(tokens.slice(0, kept))));
  // The whole text does not fit, so the answer keeps between 0 and tokens.length - 1 tokens.
  let low = 0;
  let high = tokens.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (gptTokenizer().countTokens(render(middle)) <= maxTokens) low = middle;
    else high = middle - 1;
  }
  return { text: render(low), truncated: true };
}

/** Splits text into groups of a few words, keeping every character, for streaming. */
function splitIntoWordGroups(text: string): string[] {
  const words = text.split(/(?<=\s)(?=\S)/);
  const groups: string[] = [];
  for (let start = 0; start < words.length; start += WORDS_PER_STREAM_CHUNK) {
    groups.push(words.slice(start, start + WORDS_PER_STREAM_CHUNK).join(''));
  }
  return groups;
}

/** A stream that hands out one part per read, so an abort between reads stops it. */
function streamParts(
  parts: LanguageModelV3StreamPart[],
  signal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  let next = 0;
  return new ReadableStream<LanguageModelV3StreamPart>(
    {
      pull(controller) {
        if (signal?.aborted) {
          controller.error(signal.reason);
          return;
        }
        const part = parts[next];
        next += 1;
        if (part) controller.enqueue(part);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
}

// Summarization

/** Common English function words; they say nothing about what a sentence is about. */
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being below between both ' +
    'but by can could did do does doing down during each few for from further had has have having he her here hers ' +
    'herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on ' +
    'once only or other our ours ourselves out over own same she should so some such than that the their theirs them ' +
    'themselves then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours yourself yourselves'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

function contentWords(text: string): string[] {
  return Array.from(text.toLowerCase().matchAll(WORD), (match) => match[0]).filter((word) => !STOP_WORDS.has(word));
}

/**
 * Extractive summary: each sentence scores the sum of its content words' document frequencies
 * (relative to the most frequent word); the best 1–3 sentences (about a third of the text) are kept
 * in their original order. Ties go to the earlier sentence.
 */
function summarize(input: string): LocalReply {
  const sentences: string[] = [];
  compromise()(input)
    .sentences()
    .forEach((sentence) => {
      sentences.push(sentence.text().trim());
    });

  const scored = sentences.map((text, index) => ({ text, index, words: contentWords(text), score: 0 }));
  const frequency = new Map<string, number>();
  const frequencyOf = (word: string) => frequency.get(word) ?? 0;
  for (const word of scored.flatMap((sentence) => sentence.words)) frequency.set(word, frequencyOf(word) + 1);
  const topFrequency = Math.max(1, ...frequency.values());
  for (const sentence of scored) sentence.score = sentence.words.reduce((sum, word) => sum + frequencyOf(word) / topFrequency, 0);

  const keep = Math.min(3, Math.max(1, Math.round(sentences.length / 3)));
  const summary = scored
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, keep)
    .sort((a, b) => a.index - b.index)
    .map((sentence) => sentence.text)
    .join(' ');
  return { text: summary, toJson: (text) => ({ summary: text }) };
}

// Sentiment

const sentimentAnalyzer = new Sentiment();

function analyzeSentiment(input: string): LocalReply {
  const analysis = sentimentAnalyzer.analyze(input);
  const label = analysis.score > 0 ? 'positive' : analysis.score < 0 ? 'negative' : 'neutral';
  const comparative = Math.round(analysis.comparative * 1000) / 1000;
  return {
    text: `Sentiment: ${label} (score ${analysis.score}, comparative ${comparative})`,
    toJson: () => ({ label, score: analysis.score, comparative }),
  };
}

// Entities

const EMAIL = /[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;

/** The part of a compromise match list read here (people(), places() and match() differ in type). */
interface MatchList {
  forEach(fn: (match: { text(format: 'trim'): string }) => void): unknown;
}

function uniqueTexts(view: MatchList): string[] {
  const texts = new Set<string>();
  view.forEach((match) => {
    texts.add(match.text('trim'));
  });
  return [...texts];
}

function extractEntities(input: string): LocalReply {
  const doc = compromise()(input);
  const entities = {
    people: uniqueTexts(doc.people()),
    places: uniqueTexts(doc.places()),
    organizations: uniqueTexts(doc.organizations()),
    dates: uniqueTexts(doc.match('#Date+')),
    emails: [...new Set(Array.from(input.matchAll(EMAIL), (match) => match[0]))],
  };
  const list = (names: string[]) => (names.length > 0 ? names.join(', ') : 'none');
  const text = [
    `People: ${list(entities.people)}`,
    `Places: ${list(entities.places)}`,
    `Organizations: ${list(entities.organizations)}`,
    `Dates: ${list(entities.dates)}`,
    `Emails: ${list(entities.emails)}`,
  ].join('\n');
  return { text, toJson: () => entities };
}
