import { z } from 'zod';

/** Bucket sizes of an analytics time series. */
export const ANALYTICS_BUCKETS = ['minute', 'hour', 'day'] as const;
export const AnalyticsBucketSchema = z.enum(ANALYTICS_BUCKETS);
export type AnalyticsBucket = z.infer<typeof AnalyticsBucketSchema>;

/** Longest range one analytics query covers. */
export const ANALYTICS_MAX_RANGE_DAYS = 400;
/** Most buckets one series may have (a minute series covers at most about 33 hours). */
export const ANALYTICS_MAX_BUCKETS = 2000;
/** The default range when `from` is not given. */
export const ANALYTICS_DEFAULT_RANGE_MS = 24 * 60 * 60 * 1000;

export const BUCKET_MS: Readonly<Record<AnalyticsBucket, number>> = {
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
};

/** The range and bucket an analytics query resolves to (defaults filled in). */
export interface AnalyticsRange {
  from: string;
  to: string;
  bucket: AnalyticsBucket;
  scope: 'organization' | 'platform';
}

/**
 * Fills in an analytics query's defaults: `to` now, `from` 24 hours before `to`, and a bucket
 * chosen from the span (minutes up to 6 hours, hours up to 14 days, days beyond).
 */
export function resolveAnalyticsRange(
  q: {
    from?: string | undefined;
    to?: string | undefined;
    bucket?: AnalyticsBucket | undefined;
    scope?: 'organization' | 'platform' | undefined;
  },
  now: Date = new Date(),
): AnalyticsRange {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - ANALYTICS_DEFAULT_RANGE_MS);
  const span = to.getTime() - from.getTime();
  const bucket: AnalyticsBucket =
    q.bucket ?? (span <= 6 * BUCKET_MS.hour ? 'minute' : span <= 14 * BUCKET_MS.day ? 'hour' : 'day');
  return { from: from.toISOString(), to: to.toISOString(), bucket, scope: q.scope ?? 'organization' };
}

/**
 * Query of every `GET /api/analytics/…` endpoint: a time range (default: the last 24 hours), a
 * bucket size (default: chosen from the range) and, for platform administrators only, `scope=platform`.
 * Refused: `from` not before `to`, a range over {@link ANALYTICS_MAX_RANGE_DAYS} days, or more than
 * {@link ANALYTICS_MAX_BUCKETS} buckets.
 */
export const AnalyticsQuerySchema = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    bucket: AnalyticsBucketSchema.optional(),
    /** `platform`: every organization (platform administrators only). */
    scope: z.enum(['organization', 'platform']).default('organization'),
  })
  .superRefine((q, ctx) => {
    // Refinements run even when a field failed its own check: leave malformed dates to that check.
    if ([q.from, q.to].some((d) => d !== undefined && Number.isNaN(Date.parse(d)))) return;
    if (q.bucket !== undefined && !(q.bucket in BUCKET_MS)) return;
    const range = resolveAnalyticsRange(q);
    const span = Date.parse(range.to) - Date.parse(range.from);
    if (span <= 0) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: '`from` must be before `to`' });
    } else if (span > ANALYTICS_MAX_RANGE_DAYS * BUCKET_MS.day) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: `The range may cover at most ${ANALYTICS_MAX_RANGE_DAYS} days` });
    } else if (span / BUCKET_MS[range.bucket] > ANALYTICS_MAX_BUCKETS) {
      ctx.addIssue({
        code: 'custom',
        path: ['bucket'],
        message: `Too many ${range.bucket} buckets for this range (at most ${ANALYTICS_MAX_BUCKETS}); choose a larger bucket`,
      });
    }
  });
export type AnalyticsQuery = z.infer<typeof AnalyticsQuerySchema>;

const RangeSchema = z.object({
  from: z.string(),
  to: z.string(),
  bucket: AnalyticsBucketSchema,
  scope: z.enum(['organization', 'platform']),
});

const LatencySchema = z.object({
  /** Milliseconds; null without requests. */
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
});

/** `GET /api/analytics/requests`: API and gateway traffic. */
export const RequestAnalyticsDtoSchema = z
  .object({
    range: RangeSchema,
    totals: LatencySchema.extend({
      requests: z.number().int(),
      /** Responses with status 500 or above. */
      serverErrors: z.number().int(),
      /** Responses with status 400 to 499. */
      clientErrors: z.number().int(),
      /** Share (0–1) of responses with status 500 or above. */
      errorRate: z.number(),
    }),
    series: z.array(
      LatencySchema.extend({
        t: z.string(),
        requests: z.number().int(),
        serverErrors: z.number().int(),
        clientErrors: z.number().int(),
      }),
    ),
    routes: z.array(
      LatencySchema.extend({
        method: z.string(),
        endpoint: z.string(),
        requests: z.number().int(),
        serverErrors: z.number().int(),
        errorRate: z.number(),
      }),
    ),
  })
  .meta({ id: 'RequestAnalytics' });
export type RequestAnalyticsDto = z.infer<typeof RequestAnalyticsDtoSchema>;

/** `GET /api/analytics/executions`: runs by status, workflow and node type. */
export const ExecutionAnalyticsDtoSchema = z
  .object({
    range: RangeSchema,
    totals: z.object({
      total: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      timedOut: z.number().int(),
      cancelled: z.number().int(),
      running: z.number().int(),
      /** Succeeded / finished (0–1); null when none finished. */
      successRate: z.number().nullable(),
      p50DurationMs: z.number().nullable(),
      p95DurationMs: z.number().nullable(),
    }),
    series: z.array(z.object({ t: z.string(), succeeded: z.number().int(), failed: z.number().int(), other: z.number().int() })),
    workflows: z.array(
      z.object({
        workflowId: z.uuid(),
        name: z.string(),
        total: z.number().int(),
        failed: z.number().int(),
        successRate: z.number().nullable(),
        avgDurationMs: z.number().nullable(),
      }),
    ),
    /** How many runs `steps` describes: the range's latest, at most 10,000. */
    stepsSampleRuns: z.number().int(),
    steps: z.array(
      z.object({
        nodeType: z.string(),
        runs: z.number().int(),
        failed: z.number().int(),
        avgDurationMs: z.number().nullable(),
        p95DurationMs: z.number().nullable(),
      }),
    ),
    failingNodes: z.array(
      z.object({
        workflowId: z.uuid(),
        workflowName: z.string(),
        nodeId: z.string(),
        nodeType: z.string(),
        failures: z.number().int(),
      }),
    ),
  })
  .meta({ id: 'ExecutionAnalytics' });
export type ExecutionAnalyticsDto = z.infer<typeof ExecutionAnalyticsDtoSchema>;

/** `GET /api/analytics/ai`: model calls, tokens and cost. Costs are USD decimal strings. */
export const AiAnalyticsDtoSchema = z
  .object({
    range: RangeSchema,
    totals: z.object({
      calls: z.number().int(),
      inputTokens: z.number().int(),
      outputTokens: z.number().int(),
      costUsd: z.string(),
    }),
    series: z.array(z.object({ t: z.string(), calls: z.number().int(), tokens: z.number().int(), costUsd: z.string() })),
    models: z.array(
      z.object({
        provider: z.string(),
        model: z.string(),
        calls: z.number().int(),
        inputTokens: z.number().int(),
        outputTokens: z.number().int(),
        costUsd: z.string(),
        avgLatencyMs: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: 'AiAnalytics' });
export type AiAnalyticsDto = z.infer<typeof AiAnalyticsDtoSchema>;

/** `GET /api/analytics/errors`: captured errors over time and the groups with the most. */
export const ErrorAnalyticsDtoSchema = z
  .object({
    range: RangeSchema,
    /** Occurrences in the range, and how many distinct groups they fall in. */
    totals: z.object({ occurrences: z.number().int(), groups: z.number().int() }),
    /** The (at most 10) groups with the most occurrences in the range. */
    series: z.array(z.object({ t: z.string(), occurrences: z.number().int() })),
    groups: z.array(z.object({ id: z.uuid(), title: z.string(), location: z.string(), occurrences: z.number().int() })),
  })
  .meta({ id: 'ErrorAnalytics' });
export type ErrorAnalyticsDto = z.infer<typeof ErrorAnalyticsDtoSchema>;
