import { z } from 'zod';
import {
  ExecuteWorkflowBodySchema,
  ExecuteWorkflowQuerySchema,
  ExecutionAcceptedDtoSchema,
  ExecutionDtoSchema,
  IdParamsSchema,
  ListExecutionsQuerySchema,
  TERMINAL_STATUSES,
  type ExecutionEvent,
  type ExecutionStreamStatus,
  WorkflowParamsSchema,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import { ValidationError } from '../../http/errors';
import type { RateLimiter } from '../../http/rate-limit';
import { requestIdOf } from '../../http/request-context';
import type { ExecutionsService } from './executions.service';

const ExecutionPageSchema = z
  .object({ items: z.array(ExecutionDtoSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'ExecutionPage' });
const HookParamsSchema = z.object({ token: z.string().regex(/^wh_[A-Za-z0-9_-]{16,100}$/, 'Unknown webhook') });
/** Any query parameters; they are handed to the workflow as `query`. */
const HookQuerySchema = z.looseObject({}).meta({ description: 'Any query parameters, passed to the workflow as `query`' });
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const SSE_KEEPALIVE_MS = 15_000;

export function executionsRoutes(
  service: ExecutionsService,
  options: { limiter?: RateLimiter; webhookPerMinute: number },
): RouteDefinition[] {
  const hook = (method: 'get' | 'post') =>
    defineRoute({
      method,
      path: '/api/hooks/:token',
      summary: `Webhook trigger (${method.toUpperCase()}): runs the workflow with { method, body, query } as input`,
      tags: ['executions'],
      auth: 'public',
      // Limited in the handler, per IP and per URL at once.
      rateLimit: 'none',
      input: { params: HookParamsSchema, query: HookQuerySchema, ...(method === 'post' ? { body: z.unknown() } : {}) },
      errors: [400, 404, 429],
      response: { description: "The Respond node's value (or 202 with the execution id)", schema: z.unknown() },
      handle: async ({ input, req, res }) => {
        const token = input.params.token;
        const key = req.headers['idempotency-key'];
        if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
          throw new ValidationError('Invalid Idempotency-Key', [
            { path: 'headers.idempotency-key', message: 'Use 1-200 visible ASCII characters' },
          ]);
        }
        const perMinute = service.webhookRateLimit(token) ?? options.webhookPerMinute;
        // Per client IP and per webhook URL, issued together: one Redis round trip (auto-pipelined).
        if (options.limiter) await options.limiter.limitIpAndKey(req, res, 'hook', token.slice(0, 24), perMinute);
        const outcome = await service.runWebhook(
          token,
          {
            method: method.toUpperCase(),
            body: input.body ?? null,
            query: input.query,
          },
          typeof key === 'string' ? { idempotencyKey: key } : {},
        );
        res.setHeader('X-Execution-Id', outcome.executionId);
        if (outcome.kind === 'async') res.status(202).json({ id: outcome.executionId, status: 'pending' });
        else if (outcome.kind === 'failed') {
          // The workflow failed, not the server: the error envelope with what the execution recorded.
          res.status(500).json({
            error: outcome.error.message,
            code: outcome.error.code,
            details: { executionId: outcome.executionId, nodeId: outcome.error.nodeId ?? null },
            requestId: requestIdOf(res),
          });
        } else res.status(outcome.status).json(outcome.body ?? null);
        return undefined;
      },
    });

  return [
    defineRoute({
      method: 'post',
      path: '/api/workflows/:id/execute',
      summary: 'Run a workflow: 202 with the execution id, or with ?wait=<s> the finished execution',
      tags: ['executions'],
      permission: 'workflows:execute',
      input: { params: WorkflowParamsSchema, query: ExecuteWorkflowQuerySchema, body: ExecuteWorkflowBodySchema },
      errors: [401, 403, 404],
      response: { status: 202, description: 'Accepted (or 200 with the finished execution)', schema: ExecutionAcceptedDtoSchema },
      handle: async ({ input, actor, req, res }) => {
        const key = req.headers['idempotency-key'];
        if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
          throw new ValidationError('Invalid Idempotency-Key', [
            { path: 'headers.idempotency-key', message: 'Use 1-200 visible ASCII characters' },
          ]);
        }
        const { execution, finished } = await service.start(actorOf({ actor }), input.params.id, {
          input: input.body.input,
          ...(input.query.wait ? { wait: input.query.wait } : {}),
          ...(input.query.version ? { version: input.query.version } : {}),
          ...(typeof key === 'string' ? { idempotencyKey: key } : {}),
        });
        if (finished) res.status(200).json(execution);
        else res.status(202).json({ id: execution.id, status: execution.status });
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/executions',
      summary: 'Executions, newest first (filters: workflow, status, time range)',
      tags: ['executions'],
      permission: 'workflows:read',
      input: { query: ListExecutionsQuerySchema },
      errors: [401, 403],
      response: { description: 'A page of executions', schema: ExecutionPageSchema },
      handle: (ctx) => service.list(actorOf(ctx), ctx.input.query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/executions/:id',
      summary: 'An execution with its steps',
      tags: ['executions'],
      permission: 'workflows:read',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'The execution', schema: ExecutionDtoSchema },
      handle: (ctx) => service.get(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/executions/:id/cancel',
      summary: 'Cancel: a pending execution at once, a running one at its next step',
      tags: ['executions'],
      permission: 'workflows:execute',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404, 409],
      response: { description: 'The execution after the request', schema: ExecutionDtoSchema },
      handle: (ctx) => service.cancel(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'post',
      path: '/api/executions/:id/rerun',
      summary: 'Run the same version again with the same input',
      tags: ['executions'],
      permission: 'workflows:execute',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { status: 202, description: 'The new execution', schema: ExecutionDtoSchema },
      handle: (ctx) => service.rerun(actorOf(ctx), ctx.input.params.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/executions/:id/events',
      summary: 'Server-Sent Events: a snapshot, then step and status events until the execution ends',
      tags: ['executions'],
      permission: 'workflows:read',
      input: { params: IdParamsSchema },
      errors: [401, 403, 404],
      response: { description: 'text/event-stream', schema: z.unknown() },
      handle: async ({ input, actor, res }) => {
        let ended = false;
        let finish: () => void = () => undefined;
        const closed = new Promise<void>((resolve) => (finish = resolve));
        res.on('close', () => finish());
        const isEnd = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);
        const send = (event: string, data: unknown) => {
          if (!ended) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        const deliver = (event: ExecutionEvent) => {
          if (event.type === 'step') send('step', event.step);
          else {
            send('status', { status: event.status } satisfies ExecutionStreamStatus);
            if (isEnd(event.status)) finish();
          }
        };
        // Events that arrive while the snapshot loads wait for it: nothing is written before the headers.
        let early: ExecutionEvent[] | null = [];
        const { current, stop } = await service.follow(actorOf({ actor }), input.params.id, (event) => {
          if (early) early.push(event);
          else deliver(event);
        });
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-cache',
          'x-accel-buffering': 'no',
          connection: 'keep-alive',
        });
        send('snapshot', current);
        if (isEnd(current.status)) finish();
        for (const event of early) deliver(event);
        early = null;
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
        await closed;
        ended = true;
        clearInterval(keepAlive);
        stop();
        res.end();
        return undefined;
      },
    }),
    hook('post'),
    hook('get'),
  ];
}
