import type { Response } from 'express';
import { z } from 'zod';
import { TERMINAL_STATUSES, type ExecutionDto, type ExecutionEvent } from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { Actor } from '../../http/actor';
import { AppError, ForbiddenError } from '../../http/errors';
import { hasPermission } from '../../http/actor';
import { randomToken } from '../../lib/tokens';
import type { ExecutionsService } from '../executions/executions.service';
import { openAiErrorBody } from '../../http/openai-error';
import { ChatCompletionBodySchema, finishReasonOf, toCallOptions, toolCallsOf, type ChatCompletionBody } from './gateway';
import { AiError, type AiRouter } from './router';

const ModelListSchema = z
  .object({
    object: z.literal('list'),
    data: z.array(z.object({ id: z.string(), object: z.literal('model'), created: z.number(), owned_by: z.string() })),
  })
  .meta({ id: 'OpenAiModelList' });

const ChatCompletionSchema = z
  .object({
    id: z.string(),
    object: z.literal('chat.completion'),
    created: z.number(),
    model: z.string(),
    choices: z.array(z.unknown()),
    usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }),
  })
  .meta({ id: 'ChatCompletion', description: "OpenAI's chat.completion object (or an SSE stream of chat.completion.chunk)" });

/** How long a `workflow:<id>` model may run before the call answers with an error. */
const WORKFLOW_MODEL_WAIT_SEC = 120;

function sseStart(res: Response, extra: Record<string, string>) {
  res.status(200);
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  res.setHeader('Cache-Control', 'no-cache, no-transform');
  res.setHeader('X-Accel-Buffering', 'no');
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.flushHeaders();
}

const sse = (res: Response, data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);

function abortOnClose(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client went away'));
  });
  return controller.signal;
}

/** The assistant text a workflow's output becomes. */
function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object') {
    const values = Object.values(output);
    // Without a Respond node the output is keyed by the last nodes; one string answer is unwrapped.
    if (values.length === 1 && typeof values[0] === 'string') return values[0];
  }
  return JSON.stringify(output ?? null);
}

/**
 * The OpenAI-compatible gateway: `POST /v1/chat/completions` (plain or streamed) and
 * `GET /v1/models`, with the organization's API keys, the router's choice, fallbacks, budgets and
 * billing; `workflow:<id>` runs a workflow as a model.
 */
export function gatewayRoutes(deps: { router: AiRouter; executions: ExecutionsService }): RouteDefinition[] {
  const { router } = deps;

  /** A bare model id (`gpt-4o-mini`) names the first catalog model with that id, available ones first. */
  async function resolveModel(actor: Actor, model: string): Promise<string> {
    if (model === 'auto' || model.startsWith('auto:') || model.includes('/')) return model;
    const models = await router.models(actor.organizationId);
    const match = models.find((m) => m.model.modelId === model && m.available) ?? models.find((m) => m.model.modelId === model);
    if (!match) throw new AiError('model_not_found', `Unknown model ${model}; see GET /v1/models`);
    return `${match.model.provider}/${match.model.modelId}`;
  }

  async function completeWithModel(actor: Actor, body: ChatCompletionBody, res: Response): Promise<unknown> {
    const id = `chatcmpl-${randomToken(18)}`;
    const created = Math.floor(Date.now() / 1000);
    const call = {
      callId: id,
      organizationId: actor.organizationId,
      apiKeyId: actor.kind === 'api_key' ? actor.apiKeyId : null,
      model: await resolveModel(actor, body.model),
      ...(body.fallbacks ? { fallbacks: body.fallbacks } : {}),
      options: toCallOptions(body),
      signal: abortOnClose(res),
    };
    if (!body.stream) {
      const result = await router.generate(call);
      const toolCalls = toolCallsOf(result.content);
      res.setHeader('X-Auterity-Model', result.model);
      res.setHeader('X-Auterity-Cost-Usd', result.costUsd);
      res.setHeader('X-Auterity-Attempts', String(result.attempts.length));
      return {
        id,
        object: 'chat.completion',
        created,
        model: result.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: toolCalls.length > 0 && !result.text ? null : result.text,
              ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
              refusal: null,
            },
            logprobs: null,
            finish_reason: finishReasonOf(result.finishReason),
          },
        ],
        usage: {
          prompt_tokens: result.usage.inputTokens,
          completion_tokens: result.usage.outputTokens,
          total_tokens: result.usage.inputTokens + result.usage.outputTokens,
        },
        system_fingerprint: null,
      };
    }

    const result = await router.stream(call);
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: result.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    });
    sseStart(res, { 'X-Auterity-Model': result.model, 'X-Auterity-Attempts': String(result.attempts.length) });
    sse(res, chunk({ role: 'assistant', content: '' }));
    let toolIndex = 0;
    let finish = 'stop';
    const reader = result.stream.getReader();
    try {
      for (;;) {
        const { done, value: part } = await reader.read();
        if (done) break;
        if (part.type === 'text-delta' && part.delta) sse(res, chunk({ content: part.delta }));
        else if (part.type === 'tool-call') {
          sse(
            res,
            chunk({
              tool_calls: [
                {
                  index: toolIndex++,
                  id: part.toolCallId,
                  type: 'function',
                  function: { name: part.toolName, arguments: part.input },
                },
              ],
            }),
          );
        } else if (part.type === 'finish') finish = finishReasonOf(part.finishReason);
        else if (part.type === 'error') {
          sse(res, openAiErrorBody(502, 'ai_provider_failed', 'The provider failed while streaming'));
          res.end();
          return undefined;
        }
      }
    } catch {
      // The client went away or the provider's stream broke: what was sent stands.
      if (!res.writableEnded) {
        sse(res, openAiErrorBody(502, 'ai_provider_failed', 'The provider failed while streaming'));
        res.end();
      }
      return undefined;
    }
    const final = await result.done;
    sse(res, chunk({}, finish));
    if (body.stream_options?.include_usage) {
      sse(res, {
        ...chunk({}),
        choices: [],
        usage: {
          prompt_tokens: final.usage.inputTokens,
          completion_tokens: final.usage.outputTokens,
          total_tokens: final.usage.inputTokens + final.usage.outputTokens,
        },
      });
    }
    res.write('data: [DONE]\n\n');
    res.end();
    return undefined;
  }

  /** `workflow:<id>`: the chat messages are the workflow's input; its output is the answer. */
  async function completeWithWorkflow(actor: Actor, body: ChatCompletionBody, res: Response): Promise<unknown> {
    if (!hasPermission(actor, 'workflows:execute')) throw new ForbiddenError('This key may not run workflows');
    const workflowId = body.model.slice('workflow:'.length);
    const id = `chatcmpl-${randomToken(18)}`;
    const created = Math.floor(Date.now() / 1000);
    const input = { messages: body.messages };
    const failed = (execution: ExecutionDto) =>
      new AppError(502, 'ai_provider_failed', `The workflow ${execution.status}: ${execution.error?.message ?? 'no output'}`, {
        executionId: execution.id,
      });
    if (!body.stream) {
      const { execution, finished } = await deps.executions.start(actor, workflowId, {
        input,
        wait: WORKFLOW_MODEL_WAIT_SEC,
        trigger: 'api',
      });
      if (!finished)
        throw new AppError(504, 'ai_provider_failed', 'The workflow is still running', { executionId: execution.id });
      if (execution.status !== 'succeeded') throw failed(execution);
      const content = outputText(execution.output);
      res.setHeader('X-Execution-Id', execution.id);
      return {
        id,
        object: 'chat.completion',
        created,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
        system_fingerprint: null,
      };
    }

    const { execution } = await deps.executions.start(actor, workflowId, { input, trigger: 'api' });
    const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model: body.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...extra,
    });
    let settle!: () => void;
    const ended = new Promise<void>((resolve) => {
      settle = resolve;
    });
    // Progress: one chunk per finished step, with an empty delta and the step in `auterity`.
    // A step can arrive both in the snapshot and as an event: each is announced once. Events
    // that arrive before the stream's headers wait for them.
    const announced = new Set<string>();
    let streaming = false;
    const early: ExecutionEvent[] = [];
    const progress = (e: ExecutionEvent) => {
      if (e.type !== 'step' || announced.has(`${e.step.nodeId}:${e.step.status}`) || res.writableEnded) return;
      announced.add(`${e.step.nodeId}:${e.step.status}`);
      sse(res, chunk({}, null, { auterity: { step: { nodeId: e.step.nodeId, status: e.step.status } } }));
    };
    const follow = await deps.executions.follow(actor, execution.id, (event) => {
      if (streaming) progress(event);
      else early.push(event);
      if (event.type === 'status' && (TERMINAL_STATUSES as readonly string[]).includes(event.status)) settle();
    });
    sseStart(res, { 'X-Execution-Id': execution.id });
    sse(res, chunk({ role: 'assistant', content: '' }));
    for (const step of follow.current.steps ?? []) progress({ type: 'step', executionId: execution.id, step });
    for (const event of early) progress(event);
    streaming = true;
    if ((TERMINAL_STATUSES as readonly string[]).includes(follow.current.status)) settle();
    const timeout = setTimeout(settle, WORKFLOW_MODEL_WAIT_SEC * 1000);
    res.on('close', settle);
    try {
      await ended;
    } finally {
      clearTimeout(timeout);
      follow.stop();
    }
    if (res.writableEnded || res.destroyed) return undefined;
    const final = await deps.executions.get(actor, execution.id);
    if (final.status === 'succeeded') {
      sse(res, chunk({ content: outputText(final.output) }));
      sse(res, chunk({}, 'stop'));
    } else {
      const err = failed(final);
      sse(res, openAiErrorBody(err.status, err.code, err.message));
    }
    res.write('data: [DONE]\n\n');
    res.end();
    return undefined;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/v1/models',
      summary: 'OpenAI-compatible: the models this key can call (provider/model ids, plus auto policies)',
      tags: ['gateway'],
      permission: 'ai:invoke',
      errors: [401, 403],
      response: { description: "OpenAI's model list", schema: ModelListSchema },
      handle: async ({ actor }) => {
        const models = await router.models(actorOf({ actor }).organizationId);
        const auto = ['auto', 'auto:cheapest', 'auto:fastest', 'auto:best'].map((id) => ({
          id,
          object: 'model' as const,
          created: 0,
          owned_by: 'auterity',
        }));
        return {
          object: 'list' as const,
          data: [
            ...auto,
            ...models
              .filter((m) => m.available)
              .map((m) => ({
                id: `${m.model.provider}/${m.model.modelId}`,
                object: 'model' as const,
                created: 0,
                owned_by: m.model.provider,
              })),
          ],
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/v1/chat/completions',
      summary:
        'OpenAI-compatible chat completions (stream: true for SSE); model may be auto[:policy], provider/model or workflow:<id>',
      tags: ['gateway'],
      permission: 'ai:invoke',
      input: { body: ChatCompletionBodySchema },
      errors: [401, 402, 403, 404, 409, 422, 429, 502],
      response: { description: 'A chat.completion (or an SSE stream of chunks)', schema: ChatCompletionSchema },
      handle: async ({ input, actor, res }) => {
        const caller = actorOf({ actor });
        const body = input.body;
        return body.model.startsWith('workflow:')
          ? completeWithWorkflow(caller, body, res)
          : completeWithModel(caller, body, res);
      },
    }),
  ];
}
