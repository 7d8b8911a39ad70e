import {
  AiAnalyticsDtoSchema,
  AnalyticsQuerySchema,
  ErrorAnalyticsDtoSchema,
  ExecutionAnalyticsDtoSchema,
  RequestAnalyticsDtoSchema,
} from '@auterity/workflow-contracts';
import { actorOf, defineRoute, type RouteDefinition } from '../../http/define-route';
import type { AnalyticsService } from './analytics.service';

/** Analytics of the caller's organization (`scope=platform`: every organization, platform administrators only). */
export function analyticsRoutes(service: AnalyticsService): RouteDefinition[] {
  const common = {
    tags: ['analytics'],
    permission: 'workflows:read' as const,
    input: { query: AnalyticsQuerySchema },
    errors: [401, 403],
  };
  return [
    defineRoute({
      ...common,
      method: 'get',
      path: '/api/analytics/requests',
      summary: 'API and gateway requests: volume, latency p50/p95/p99, error rate, by route',
      response: { description: 'Request analytics', schema: RequestAnalyticsDtoSchema },
      handle: (ctx) => service.requests(actorOf(ctx), ctx.input.query),
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/api/analytics/executions',
      summary: 'Executions by status and workflow, success rate, step durations, failing nodes',
      response: { description: 'Execution analytics', schema: ExecutionAnalyticsDtoSchema },
      handle: (ctx) => service.executions(actorOf(ctx), ctx.input.query),
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/api/analytics/ai',
      summary: 'AI calls, tokens and cost by provider and model',
      response: { description: 'AI analytics', schema: AiAnalyticsDtoSchema },
      handle: (ctx) => service.ai(actorOf(ctx), ctx.input.query),
    }),
    defineRoute({
      ...common,
      method: 'get',
      path: '/api/analytics/errors',
      summary: 'Captured errors over time and the groups with the most occurrences',
      response: { description: 'Error analytics', schema: ErrorAnalyticsDtoSchema },
      handle: (ctx) => service.errors(actorOf(ctx), ctx.input.query),
    }),
  ];
}
