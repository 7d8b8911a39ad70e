import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One local HTTP server on 127.0.0.1 that speaks the real wire formats of the AI providers the
 * router and gateway call (OpenAI Chat Completions, an OpenAI-compatible server such as vLLM or
 * Ollama, Anthropic Messages, Google Gemini), so API tests run offline against the real SDKs.
 * The response shapes follow the zod schemas the `@ai-sdk/*` providers parse them with.
 */

/** Which upstream a request went to; each has its own script queue. */
export type AiRoute = 'openai' | 'compat' | 'anthropic' | 'google';

/** HTTP errors a step can answer with, each in the provider's own error JSON. */
export type AiErrorStatus = 400 | 401 | 403 | 404 | 429 | 500 | 503 | 529;

/** Token counts a scripted reply reports instead of the word-count defaults. */
export interface AiUsage {
  input: number;
  output: number;
}

/**
 * One scripted answer. A request consumes steps of its route in order: `delayMs` steps are waited
 * (stopping early when the client disconnects) and the first answering step (error, text or tool
 * call) is the reply. With no step left the request gets the default reply.
 */
export type AiStep =
  | { status: AiErrorStatus; body?: unknown; headers?: Record<string, string> }
  | { delayMs: number }
  | { text: string; usage?: AiUsage }
  | { toolCall: { name: string; arguments: Record<string, unknown> }; usage?: AiUsage };

/** A request as the upstream received it. */
export interface AiUpstreamRequest {
  route: AiRoute;
  method: string;
  /** Path with the query string, e.g. `/google/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse`. */
  path: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined for GET. */
  body: unknown;
  /** The model asked for (from the body, or the path for Google). */
  model: string | undefined;
  stream: boolean;
}

export interface AiUpstream {
  /** Base URL, e.g. `http://127.0.0.1:41234`; append `/openai/v1`, `/compat/v1`, `/anthropic/v1` or `/google/v1beta`. */
  url: string;
  /** Every request received since start or the last `reset()`, oldest first (the same array throughout). */
  requests: readonly AiUpstreamRequest[];
  /** Appends steps to the route's queue. */
  script(route: AiRoute, ...steps: AiStep[]): void;
  /** Clears every script and the request log. */
  reset(): void;
  /** Cancels pending delays, destroys open sockets and stops listening. */
  close(): Promise<void>;
}

export interface AiUpstreamOptions {
  /** Ids listed by `GET /openai/v1/models` and `GET /compat/v1/models`. */
  models?: string[];
}

type AnswerStep = Exclude<AiStep, { delayMs: number }>;

type Reply =
  | { kind: 'text'; text: string; usage: AiUsage }
  | { kind: 'tool'; id: string; name: string; args: Record<string, unknown>; usage: AiUsage };

interface Conversation {
  model: string;
  /** Every text part of every message, system prompt included. */
  texts: string[];
  lastUserText: string;
  stream: boolean;
  /** OpenAI `stream_options.include_usage`: only then does a stream end with a usage chunk. */
  includeUsage: boolean;
}

interface ErrorKind {
  message: string;
  openaiType: string;
  openaiCode: string | null;
  anthropicType: string;
  googleStatus: string;
}

const ERROR_KINDS: Record<AiErrorStatus, ErrorKind> = {
  400: {
    message: 'Invalid request.',
    openaiType: 'invalid_request_error',
    openaiCode: null,
    anthropicType: 'invalid_request_error',
    googleStatus: 'INVALID_ARGUMENT',
  },
  401: {
    message: 'Invalid or missing API key.',
    openaiType: 'invalid_request_error',
    openaiCode: 'invalid_api_key',
    anthropicType: 'authentication_error',
    googleStatus: 'UNAUTHENTICATED',
  },
  403: {
    message: 'Permission denied.',
    openaiType: 'invalid_request_error',
    openaiCode: null,
    anthropicType: 'permission_error',
    googleStatus: 'PERMISSION_DENIED',
  },
  404: {
    message: 'Not found.',
    openaiType: 'invalid_request_error',
    openaiCode: 'unknown_url',
    anthropicType: 'not_found_error',
    googleStatus: 'NOT_FOUND',
  },
  429: {
    message: 'Rate limit reached for requests.',
    openaiType: 'requests',
    openaiCode: 'rate_limit_exceeded',
    anthropicType: 'rate_limit_error',
    googleStatus: 'RESOURCE_EXHAUSTED',
  },
  500: {
    message: 'The server had an error while processing your request.',
    openaiType: 'server_error',
    openaiCode: null,
    anthropicType: 'api_error',
    googleStatus: 'INTERNAL',
  },
  503: {
    message: 'The model is overloaded. Please try again later.',
    openaiType: 'server_error',
    openaiCode: null,
    anthropicType: 'overloaded_error',
    googleStatus: 'UNAVAILABLE',
  },
  529: {
    message: 'Overloaded.',
    openaiType: 'server_error',
    openaiCode: null,
    anthropicType: 'overloaded_error',
    googleStatus: 'UNAVAILABLE',
  },
};

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini'];

/**
 * Starts the upstream on a random port of 127.0.0.1. Unscripted requests get the default reply
 * `"<route> reply to: <last user message text>"` with usage input = words of all messages (system
 * prompt included) + 3 and output = words of the reply, so tests can compute expected costs; a
 * scripted tool call without usage reports output = words of `"<name> <JSON arguments>"` (2).
 * The model is echoed from the request. A missing API key header answers 401 in the provider's
 * error shape without consuming a step.
 */
export async function startAiUpstream(options: AiUpstreamOptions = {}): Promise<AiUpstream> {
  const models = options.models ?? DEFAULT_MODELS;
  const log: AiUpstreamRequest[] = [];
  const scripts = new Map<AiRoute, AiStep[]>();
  const pendingDelays = new Set<() => void>();
  let sequence = 0;

  const nextId = () => String(++sequence).padStart(6, '0');

  function waitUnlessClosed(ms: number, res: http.ServerResponse): Promise<boolean> {
    return new Promise((resolve) => {
      if (!res.socket || res.socket.destroyed) return resolve(false);
      const finish = (elapsed: boolean) => {
        clearTimeout(timer);
        res.off('close', cancel);
        pendingDelays.delete(cancel);
        resolve(elapsed);
      };
      const cancel = () => finish(false);
      const timer = setTimeout(() => finish(true), ms);
      res.on('close', cancel);
      pendingDelays.add(cancel);
    });
  }

  /** Null when the client went away (or the server closed) during a delay step. */
  async function takeAnswer(route: AiRoute, res: http.ServerResponse): Promise<AnswerStep | undefined | null> {
    for (;;) {
      const step = scripts.get(route)?.shift();
      if (!step) return undefined;
      if (!('delayMs' in step)) return step;
      if (!(await waitUnlessClosed(step.delayMs, res))) return null;
    }
  }

  function buildReply(route: AiRoute, step: AnswerStep | undefined, conversation: Conversation): Reply {
    const input = countWords(conversation.texts) + 3;
    if (step && 'toolCall' in step) {
      const { name, arguments: args } = step.toolCall;
      const usage = step.usage ?? { input, output: countWords([name, JSON.stringify(args)]) };
      return { kind: 'tool', id: nextId(), name, args, usage };
    }
    const text = step && 'text' in step ? step.text : `${route} reply to: ${conversation.lastUserText}`;
    const usage = step && 'text' in step && step.usage ? step.usage : { input, output: countWords([text]) };
    return { kind: 'text', text, usage };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = matchEndpoint(req.method ?? 'GET', url.pathname);
    if (!match) return sendJson(res, 404, { error: { message: `No stub for ${req.method} ${url.pathname}` } });
    const { route, protocol } = match;

    const raw = await readBody(req);
    const body = raw === '' ? undefined : parseJson(raw);
    const conversation = match.kind === 'generate' ? readConversation(protocol, body, match.model, match.stream) : undefined;
    log.push({
      route,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: flattenHeaders(req.headers),
      body,
      model: conversation?.model,
      stream: conversation?.stream ?? false,
    });

    if (!isAuthorized(protocol, req.headers, url)) return sendError(res, protocol, 401);
    if (protocol === 'anthropic' && !req.headers['anthropic-version']) {
      return sendError(res, protocol, 400, 'anthropic-version: header is required');
    }
    if (match.kind === 'models') return sendJson(res, 200, presentModelList(models));
    if (!conversation) return sendError(res, protocol, 400, 'Request body is not valid JSON.');

    const step = await takeAnswer(route, res);
    if (step === null) return;
    if (step && 'status' in step) {
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers });
      res.end(JSON.stringify(step.body ?? presentError(protocol, step.status)));
      return;
    }
    const reply = buildReply(route, step, conversation);
    const id = nextId();
    if (protocol === 'openai') return sendOpenAi(res, id, reply, conversation);
    if (protocol === 'anthropic') return sendAnthropic(res, id, reply, conversation);
    return sendGoogle(res, id, reply, conversation, url.searchParams.get('alt') === 'sse');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      sendJson(res, 500, { error: { message: `ai-upstream failed: ${String(error)}` } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests: log,
    script(route, ...steps) {
      const queue = scripts.get(route) ?? [];
      queue.push(...steps);
      scripts.set(route, queue);
    },
    reset() {
      scripts.clear();
      log.length = 0;
    },
    async close() {
      for (const cancel of [...pendingDelays]) cancel();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

type Protocol = 'openai' | 'anthropic' | 'google';

type Endpoint =
  | { kind: 'models'; route: AiRoute; protocol: Protocol }
  | { kind: 'generate'; route: AiRoute; protocol: Protocol; model: string | undefined; stream: boolean };

const GOOGLE_PATH = /^\/google\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

function matchEndpoint(method: string, pathname: string): Endpoint | undefined {
  for (const route of ['openai', 'compat'] as const) {
    if (method === 'GET' && pathname === `/${route}/v1/models`) return { kind: 'models', route, protocol: 'openai' };
    if (method === 'POST' && pathname === `/${route}/v1/chat/completions`) {
      return { kind: 'generate', route, protocol: 'openai', model: undefined, stream: false };
    }
  }
  if (method === 'POST' && pathname === '/anthropic/v1/messages') {
    return { kind: 'generate', route: 'anthropic', protocol: 'anthropic', model: undefined, stream: false };
  }
  const google = method === 'POST' ? GOOGLE_PATH.exec(pathname) : null;
  if (google?.[1]) {
    const stream = google[2] === 'streamGenerateContent';
    return { kind: 'generate', route: 'google', protocol: 'google', model: decodeURIComponent(google[1]), stream };
  }
  return undefined;
}

function isAuthorized(protocol: Protocol, headers: http.IncomingHttpHeaders, url: URL): boolean {
  if (protocol === 'openai') return /^Bearer \S+/.test(headers.authorization ?? '');
  if (protocol === 'anthropic') return Boolean(headers['x-api-key']);
  return Boolean(headers['x-goog-api-key'] || url.searchParams.get('key'));
}

function readConversation(
  protocol: Protocol,
  body: unknown,
  pathModel: string | undefined,
  pathStream: boolean,
): Conversation | undefined {
  if (!isRecord(body)) return undefined;
  if (protocol === 'google') {
    const contents = arrayOf(body.contents).filter(isRecord);
    const system = isRecord(body.systemInstruction) ? textsOf(body.systemInstruction.parts) : [];
    const userTexts = contents.filter((content) => content.role !== 'model').map((content) => plainTextsOf(content.parts));
    return {
      model: pathModel ?? '',
      texts: [...system, ...contents.flatMap((content) => textsOf(content.parts))],
      lastUserText: lastNonEmpty(userTexts),
      stream: pathStream,
      includeUsage: true,
    };
  }
  const messages = arrayOf(body.messages).filter(isRecord);
  const system = protocol === 'anthropic' ? textsOf(body.system) : [];
  const userTexts = messages.filter((message) => message.role === 'user').map((message) => plainTextsOf(message.content));
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    model: typeof body.model === 'string' ? body.model : '',
    texts: [...system, ...messages.flatMap((message) => textsOf(message.content))],
    lastUserText: lastNonEmpty(userTexts),
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}

/** Text of a message content in any of the three protocols (string, text parts, tool results). */
function textsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  return arrayOf(content).flatMap((part) => {
    if (typeof part === 'string') return [part];
    if (!isRecord(part)) return [];
    if (typeof part.text === 'string') return [part.text];
    return textsOf(part.content);
  });
}

/** Only what the user typed: tool results (Anthropic and Gemini send them as user turns) are skipped. */
function plainTextsOf(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  return arrayOf(content).flatMap((part) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : []));
}

function lastNonEmpty(textsPerMessage: string[][]): string {
  return (
    textsPerMessage
      .filter((texts) => texts.length > 0)
      .at(-1)
      ?.join(' ') ?? ''
  );
}

function countWords(texts: string[]): number {
  return texts
    .join(' ')
    .split(/\s+/)
    .filter((word) => word !== '').length;
}

/** Splits after each whitespace so the pieces concatenate back to the text, one word per delta. */
function splitIntoDeltas(text: string): string[] {
  return text === '' ? [] : text.split(/(?<=\s)/);
}

/** Splits serialized tool arguments into a few pieces, as providers stream them. */
function splitJson(json: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < json.length; i += 12) pieces.push(json.slice(i, i + 12));
  return pieces;
}

function presentModelList(models: string[]) {
  return {
    object: 'list',
    data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'system' })),
  };
}

function presentError(protocol: Protocol, status: AiErrorStatus, message?: string) {
  const kind = ERROR_KINDS[status];
  const text = message ?? kind.message;
  if (protocol === 'openai') return { error: { message: text, type: kind.openaiType, param: null, code: kind.openaiCode } };
  if (protocol === 'anthropic') {
    return { type: 'error', error: { type: kind.anthropicType, message: text }, request_id: 'req_stub' };
  }
  return { error: { code: status, message: text, status: kind.googleStatus } };
}

function sendError(res: http.ServerResponse, protocol: Protocol, status: AiErrorStatus, message?: string) {
  sendJson(res, status, presentError(protocol, status, message));
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Writes server-sent events; `event` lines only where the provider sends them (Anthropic). */
function sendEvents(res: http.ServerResponse, events: Array<{ event?: string; data: unknown }>) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  for (const { event, data } of events) {
    const payload = typeof data === 'string' ? data : JSON.stringify(data);
    res.write(`${event ? `event: ${event}\n` : ''}data: ${payload}\n\n`);
  }
  res.end();
}

function sendOpenAi(res: http.ServerResponse, id: string, reply: Reply, conversation: Conversation) {
  const base = {
    id: `chatcmpl-stub${id}`,
    created: Math.floor(Date.now() / 1000),
    model: conversation.model,
    system_fingerprint: 'fp_stub',
  };
  const usage = {
    prompt_tokens: reply.usage.input,
    completion_tokens: reply.usage.output,
    total_tokens: reply.usage.input + reply.usage.output,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  const finishReason = reply.kind === 'tool' ? 'tool_calls' : 'stop';
  const callId = `call_stub${reply.kind === 'tool' ? reply.id : ''}`;

  if (!conversation.stream) {
    const message =
      reply.kind === 'tool'
        ? {
            role: 'assistant',
            content: null,
            refusal: null,
            tool_calls: [{ id: callId, type: 'function', function: { name: reply.name, arguments: JSON.stringify(reply.args) } }],
          }
        : { role: 'assistant', content: reply.text, refusal: null };
    return sendJson(res, 200, {
      ...base,
      object: 'chat.completion',
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage,
    });
  }

  // With include_usage every chunk carries `usage: null` and one extra chunk with empty choices has the totals.
  const usageField = conversation.includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
    data: {
      ...base,
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...usageField,
    },
  });
  const deltas =
    reply.kind === 'tool'
      ? [
          chunk({
            role: 'assistant',
            content: null,
            tool_calls: [{ index: 0, id: callId, type: 'function', function: { name: reply.name, arguments: '' } }],
          }),
          ...splitJson(JSON.stringify(reply.args)).map((piece) =>
            chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
          ),
        ]
      : [chunk({ role: 'assistant', content: '' }), ...splitIntoDeltas(reply.text).map((piece) => chunk({ content: piece }))];
  const usageChunk = conversation.includeUsage
    ? [{ data: { ...base, object: 'chat.completion.chunk', choices: [], usage } }]
    : [];
  sendEvents(res, [...deltas, chunk({}, finishReason), ...usageChunk, { data: '[DONE]' }]);
}

function sendAnthropic(res: http.ServerResponse, id: string, reply: Reply, conversation: Conversation) {
  const messageId = `msg_stub${id}`;
  const stopReason = reply.kind === 'tool' ? 'tool_use' : 'end_turn';
  const toolUseId = `toolu_stub${reply.kind === 'tool' ? reply.id : ''}`;
  const usage = {
    input_tokens: reply.usage.input,
    output_tokens: reply.usage.output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };

  if (!conversation.stream) {
    const content =
      reply.kind === 'tool'
        ? [{ type: 'tool_use', id: toolUseId, name: reply.name, input: reply.args }]
        : [{ type: 'text', text: reply.text }];
    return sendJson(res, 200, {
      id: messageId,
      type: 'message',
      role: 'assistant',
      model: conversation.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      usage,
    });
  }

  const block =
    reply.kind === 'tool' ? { type: 'tool_use', id: toolUseId, name: reply.name, input: {} } : { type: 'text', text: '' };
  const deltas =
    reply.kind === 'tool'
      ? splitJson(JSON.stringify(reply.args)).map((partial_json) => ({ type: 'input_json_delta', partial_json }))
      : splitIntoDeltas(reply.text).map((text) => ({ type: 'text_delta', text }));
  const event = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, ...data } });
  sendEvents(res, [
    event('message_start', {
      message: {
        id: messageId,
        type: 'message',
        role: 'assistant',
        model: conversation.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    event('content_block_start', { index: 0, content_block: block }),
    event('ping', {}),
    ...deltas.map((delta) => event('content_block_delta', { index: 0, delta })),
    event('content_block_stop', { index: 0 }),
    event('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: reply.usage.output },
    }),
    event('message_stop', {}),
  ]);
}

function sendGoogle(res: http.ServerResponse, id: string, reply: Reply, conversation: Conversation, isSse: boolean) {
  const usageMetadata = {
    promptTokenCount: reply.usage.input,
    candidatesTokenCount: reply.usage.output,
    totalTokenCount: reply.usage.input + reply.usage.output,
  };
  const base = { modelVersion: conversation.model, responseId: `stub${id}` };
  const candidate = (parts: unknown[], finishReason?: string) => ({
    content: { parts, role: 'model' },
    ...(finishReason ? { finishReason } : {}),
    index: 0,
  });
  const lastParts = reply.kind === 'tool' ? [{ functionCall: { name: reply.name, args: reply.args } }] : [{ text: reply.text }];

  if (!conversation.stream) {
    return sendJson(res, 200, { candidates: [candidate(lastParts, 'STOP')], usageMetadata, ...base });
  }

  const pieces = reply.kind === 'text' ? splitIntoDeltas(reply.text) : [];
  const chunks = [
    ...pieces.slice(0, -1).map((text) => ({ candidates: [candidate([{ text }])], ...base })),
    {
      candidates: [candidate(reply.kind === 'text' ? [{ text: pieces.at(-1) ?? '' }] : lastParts, 'STOP')],
      usageMetadata,
      ...base,
    },
  ];
  // Without alt=sse Gemini streams one JSON array of the same chunks.
  if (!isSse) return sendJson(res, 200, chunks);
  sendEvents(
    res,
    chunks.map((data) => ({ data })),
  );
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
