import {
  BUCKET_MS,
  resolveAnalyticsRange,
  type AiAnalyticsDto,
  type AnalyticsQuery,
  type AnalyticsRange,
  type ErrorAnalyticsDto,
  type ExecutionAnalyticsDto,
  type RequestAnalyticsDto,
} from '@auterity/workflow-contracts';
import type { Actor } from '../../http/actor';
import { ForbiddenError } from '../../http/errors';
import type { Database, Db } from '../../lib/db';
import type { Logger } from '../../lib/logger';
import * as repo from './analytics.repo';

/**
 * Retention of request analytics and error occurrences per plan tier, in days, when the wiring
 * passes none (the app passes the plan catalog's `executionLogRetentionDays`, the same numbers by
 * default); also the days for rows of no organization (the free plan's).
 */
export const DEFAULT_RETENTION_DAYS: repo.RetentionDays = { free: 7, starter: 30, professional: 90, enterprise: 365 };

export interface AnalyticsDeps {
  db: Database;
  log: Logger;
  /** Whether the actor may read every organization's numbers. */
  isPlatformAdmin(actor: Actor): Promise<boolean>;
  retentionDays?: repo.RetentionDays;
  /** Waits for this process's AI usage rows still being written (so a report includes the calls just made). */
  settleUsage?: () => Promise<unknown>;
  now?: () => Date;
}

/**
 * Memory for one analytics query's sorts and hash tables: the default 4 MB spills a month of rows
 * to disk. Set per transaction, so no other statement of the connection gets it.
 */
const ANALYTICS_WORK_MEM = '32MB';

const TOP_ROUTES = 20;
const TOP_WORKFLOWS = 20;
const TOP_NODES = 10;

/** Milliseconds to two decimals (percentiles are floats; keeps 192.49999999999997 out of the API). */
const ms = (n: number) => Math.round(n * 100) / 100;
const msOrNull = (n: number | null) => (n === null ? null : ms(n));

/** A percentile estimated from a latency histogram: linear inside the bucket that holds it. */
export function percentileFromHistogram(hist: readonly number[], p: number): number | null {
  const total = hist.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = p * total;
  let seen = 0;
  const bounds = repo.API_LATENCY_BOUNDS_MS;
  for (let i = 0; i < hist.length; i++) {
    const n = hist[i] ?? 0;
    if (n > 0 && seen + n >= rank) {
      const lower = bounds[i] ?? 0;
      const upper = bounds[i + 1] ?? lower * 2;
      return ms(lower + ((rank - seen) / n) * (upper - lower));
    }
    seen += n;
  }
  return bounds.at(-1) ?? null;
}

/** Every bucket start of the range, so charts get zeros instead of gaps. */
function bucketStarts(range: AnalyticsRange): string[] {
  const size = BUCKET_MS[range.bucket];
  const out: string[] = [];
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  // date_trunc in UTC: minute, hour and day starts are multiples of their size since the epoch.
  for (let t = Math.floor(from / size) * size; t < to; t += size) out.push(new Date(t).toISOString());
  return out;
}

const round = (n: number, digits = 4) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Adds decimal USD strings exactly (12 fractional digits, as ai_usage stores them). */
function addUsd(a: string, b: string): string {
  const scale = 12;
  const toUnits = (s: string) => {
    const [int = '0', frac = ''] = s.split('.');
    const negative = int.startsWith('-');
    const units =
      BigInt(int.replace('-', '') || '0') * 10n ** BigInt(scale) + BigInt((frac + '0'.repeat(scale)).slice(0, scale) || '0');
    return negative ? -units : units;
  };
  const sum = toUnits(a) + toUnits(b);
  const abs = sum < 0n ? -sum : sum;
  const int = abs / 10n ** BigInt(scale);
  const frac = (abs % 10n ** BigInt(scale)).toString().padStart(scale, '0').replace(/0+$/, '');
  return `${sum < 0n ? '-' : ''}${int}${frac ? `.${frac}` : ''}`;
}

/**
 * Request, execution, AI and error analytics of one organization (or the platform), aggregated in
 * Postgres, plus the retention job that keeps the analytics tables within each plan's window.
 */
export function createAnalyticsService(deps: AnalyticsDeps) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  const retention = deps.retentionDays ?? DEFAULT_RETENTION_DAYS;

  /** Runs one aggregation with {@link ANALYTICS_WORK_MEM}. */
  function aggregate<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    return db.withTransaction(async (tx) => {
      await tx.query(`SET LOCAL work_mem = '${ANALYTICS_WORK_MEM}'`);
      return fn(tx);
    });
  }

  async function resolve(
    actor: Actor,
    query: AnalyticsQuery,
  ): Promise<{ range: AnalyticsRange; r: repo.Range; scope: repo.Scope }> {
    const range = resolveAnalyticsRange(query, now());
    if (range.scope === 'platform' && !(await deps.isPlatformAdmin(actor))) {
      throw new ForbiddenError('Only platform administrators see platform-wide analytics');
    }
    return {
      range,
      r: { from: new Date(range.from), to: new Date(range.to), bucket: range.bucket },
      scope: range.scope === 'platform' ? { platform: true } : { organizationId: actor.organizationId },
    };
  }

  return {
    /**
     * `GET /api/analytics/requests`. Minute buckets read the raw rows (exact percentiles); hour and
     * day buckets read the hourly rollups (percentiles estimated from latency histograms).
     * @throws ForbiddenError for `scope=platform` without platform rights
     */
    async requests(actor: Actor, query: AnalyticsQuery): Promise<RequestAnalyticsDto> {
      const { range, r, scope } = await resolve(actor, query);
      const starts = bucketStarts(range);
      const empty = { requests: 0, serverErrors: 0, clientErrors: 0, p50Ms: null, p95Ms: null, p99Ms: null };
      if (range.bucket === 'minute') {
        const rows = await aggregate((tx) => repo.aggregateRawRequests(tx, scope, r));
        const latency = (x: repo.RequestAggregateRow) => ({
          p50Ms: msOrNull(x.p50),
          p95Ms: msOrNull(x.p95),
          p99Ms: msOrNull(x.p99),
        });
        const total = rows.find((x) => x.t === null && x.endpoint === null && x.method === null);
        const byT = new Map(rows.filter((x) => x.t !== null).map((x) => [x.t?.toISOString(), x]));
        const routes = rows
          .filter((x) => x.t === null && x.endpoint !== null)
          .sort((a, b) => b.requests - a.requests)
          .slice(0, TOP_ROUTES);
        const requests = total?.requests ?? 0;
        return {
          range,
          totals: {
            requests,
            serverErrors: total?.serverErrors ?? 0,
            clientErrors: total?.clientErrors ?? 0,
            errorRate: requests ? round((total?.serverErrors ?? 0) / requests) : 0,
            ...(total ? latency(total) : { p50Ms: null, p95Ms: null, p99Ms: null }),
          },
          series: starts.map((t) => {
            const x = byT.get(t);
            return x
              ? { t, requests: x.requests, serverErrors: x.serverErrors, clientErrors: x.clientErrors, ...latency(x) }
              : { t, ...empty };
          }),
          routes: routes.map((x) => ({
            method: x.method ?? '',
            endpoint: x.endpoint ?? '',
            requests: x.requests,
            serverErrors: x.serverErrors,
            errorRate: x.requests ? round(x.serverErrors / x.requests) : 0,
            ...latency(x),
          })),
        };
      }
      const rows = await aggregate((tx) => repo.aggregateRolledUpRequests(tx, scope, r));
      const width = repo.API_LATENCY_BOUNDS_MS.length;
      type Acc = { requests: number; serverErrors: number; clientErrors: number; hist: number[] };
      const acc = (): Acc => ({ requests: 0, serverErrors: 0, clientErrors: 0, hist: Array.from({ length: width }, () => 0) });
      const add = (into: Acc, x: repo.RequestAggregateRow) => {
        into.requests += x.requests;
        into.serverErrors += x.serverErrors;
        into.clientErrors += x.clientErrors;
        (x.hist ?? []).forEach((n, i) => (into.hist[i] = (into.hist[i] ?? 0) + n));
      };
      const total = acc();
      const byT = new Map<string, Acc>();
      const byRoute = new Map<string, Acc & { method: string; endpoint: string }>();
      for (const x of rows) {
        add(total, x);
        const t = x.t?.toISOString() ?? '';
        const bucket = byT.get(t) ?? acc();
        add(bucket, x);
        byT.set(t, bucket);
        const key = `${x.method ?? ''} ${x.endpoint ?? ''}`;
        const route = byRoute.get(key) ?? { ...acc(), method: x.method ?? '', endpoint: x.endpoint ?? '' };
        add(route, x);
        byRoute.set(key, route);
      }
      const latency = (a: Acc) => ({
        p50Ms: percentileFromHistogram(a.hist, 0.5),
        p95Ms: percentileFromHistogram(a.hist, 0.95),
        p99Ms: percentileFromHistogram(a.hist, 0.99),
      });
      return {
        range,
        totals: {
          requests: total.requests,
          serverErrors: total.serverErrors,
          clientErrors: total.clientErrors,
          errorRate: total.requests ? round(total.serverErrors / total.requests) : 0,
          ...latency(total),
        },
        series: starts.map((t) => {
          const x = byT.get(t);
          return x
            ? { t, requests: x.requests, serverErrors: x.serverErrors, clientErrors: x.clientErrors, ...latency(x) }
            : { t, ...empty };
        }),
        routes: [...byRoute.values()]
          .sort((a, b) => b.requests - a.requests)
          .slice(0, TOP_ROUTES)
          .map((x) => ({
            method: x.method,
            endpoint: x.endpoint,
            requests: x.requests,
            serverErrors: x.serverErrors,
            errorRate: x.requests ? round(x.serverErrors / x.requests) : 0,
            ...latency(x),
          })),
      };
    },

    /** `GET /api/analytics/executions`. @throws ForbiddenError */
    async executions(actor: Actor, query: AnalyticsQuery): Promise<ExecutionAnalyticsDto> {
      const { range, r, scope } = await resolve(actor, query);
      const [counts, hist, { types: steps, sampleRuns }, nodes] = await Promise.all([
        aggregate((tx) => repo.countExecutions(tx, scope, r)),
        aggregate((tx) => repo.executionDurationHistogram(tx, scope, r)),
        aggregate((tx) => repo.stepStats(tx, scope, r)),
        aggregate((tx) => repo.failingNodes(tx, scope, r, TOP_NODES)),
      ]);
      const totals = { total: 0, succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, running: 0 };
      const byT = new Map<string, { succeeded: number; failed: number; other: number }>();
      const byWorkflow = new Map<
        string,
        { total: number; failed: number; finished: number; succeeded: number; dsum: number; dcount: number }
      >();
      for (const c of counts) {
        totals.total += c.runs;
        if (c.status === 'succeeded') totals.succeeded += c.runs;
        else if (c.status === 'failed') totals.failed += c.runs;
        else if (c.status === 'timed_out') totals.timedOut += c.runs;
        else if (c.status === 'cancelled') totals.cancelled += c.runs;
        else totals.running += c.runs;
        const t = c.t.toISOString();
        const bucket = byT.get(t) ?? { succeeded: 0, failed: 0, other: 0 };
        if (c.status === 'succeeded') bucket.succeeded += c.runs;
        else if (c.status === 'failed' || c.status === 'timed_out') bucket.failed += c.runs;
        else bucket.other += c.runs;
        byT.set(t, bucket);
        const w = byWorkflow.get(c.workflowId) ?? { total: 0, failed: 0, finished: 0, succeeded: 0, dsum: 0, dcount: 0 };
        w.total += c.runs;
        if (c.status === 'failed' || c.status === 'timed_out') w.failed += c.runs;
        if (c.status === 'succeeded') w.succeeded += c.runs;
        if (['succeeded', 'failed', 'timed_out'].includes(c.status)) w.finished += c.runs;
        w.dsum += c.durationMsSum;
        w.dcount += c.durationCount;
        byWorkflow.set(c.workflowId, w);
      }
      // Top workflows: the most failures first, then the busiest.
      const top = [...byWorkflow.entries()]
        .sort((a, b) => b[1].failed - a[1].failed || b[1].total - a[1].total)
        .slice(0, TOP_WORKFLOWS);
      const names = await repo.workflowNames(db, [...new Set([...top.map(([id]) => id), ...nodes.map((n) => n.workflowId)])]);
      const finished = totals.succeeded + totals.failed + totals.timedOut;
      return {
        range,
        totals: {
          ...totals,
          successRate: finished ? round(totals.succeeded / finished) : null,
          p50DurationMs: percentileFromHistogram(hist, 0.5),
          p95DurationMs: percentileFromHistogram(hist, 0.95),
        },
        series: bucketStarts(range).map((t) => ({ t, ...(byT.get(t) ?? { succeeded: 0, failed: 0, other: 0 }) })),
        workflows: top.map(([id, w]) => ({
          workflowId: id,
          name: names.get(id) ?? 'Deleted workflow',
          total: w.total,
          failed: w.failed,
          successRate: w.finished ? round(w.succeeded / w.finished) : null,
          avgDurationMs: w.dcount ? Math.round(w.dsum / w.dcount) : null,
        })),
        stepsSampleRuns: sampleRuns,
        steps: steps.map((st) => ({
          nodeType: st.nodeType,
          runs: st.runs,
          failed: st.failed,
          avgDurationMs: st.runs ? Math.round(st.durationMsSum / st.runs) : null,
          p95DurationMs: percentileFromHistogram(st.hist, 0.95),
        })),
        failingNodes: nodes.map((n) => ({ ...n, workflowName: names.get(n.workflowId) ?? 'Deleted workflow' })),
      };
    },

    /** `GET /api/analytics/ai`. @throws ForbiddenError */
    async ai(actor: Actor, query: AnalyticsQuery): Promise<AiAnalyticsDto> {
      const { range, r, scope } = await resolve(actor, query);
      await deps.settleUsage?.();
      const rows = await aggregate((tx) => repo.aiUsage(tx, scope, r));
      const totals = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: '0' };
      const byT = new Map<string, { calls: number; tokens: number; costUsd: string }>();
      const byModel = new Map<
        string,
        {
          provider: string;
          model: string;
          calls: number;
          inputTokens: number;
          outputTokens: number;
          costUsd: string;
          latency: number;
        }
      >();
      for (const x of rows) {
        totals.calls += x.calls;
        totals.inputTokens += x.inputTokens;
        totals.outputTokens += x.outputTokens;
        totals.costUsd = addUsd(totals.costUsd, x.costUsd);
        const t = x.t.toISOString();
        const bucket = byT.get(t) ?? { calls: 0, tokens: 0, costUsd: '0' };
        bucket.calls += x.calls;
        bucket.tokens += x.inputTokens + x.outputTokens;
        bucket.costUsd = addUsd(bucket.costUsd, x.costUsd);
        byT.set(t, bucket);
        const key = `${x.provider} ${x.model}`;
        const m = byModel.get(key) ?? {
          provider: x.provider,
          model: x.model,
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: '0',
          latency: 0,
        };
        m.calls += x.calls;
        m.inputTokens += x.inputTokens;
        m.outputTokens += x.outputTokens;
        m.costUsd = addUsd(m.costUsd, x.costUsd);
        m.latency += x.latencyMsSum;
        byModel.set(key, m);
      }
      return {
        range,
        totals,
        series: bucketStarts(range).map((t) => ({ t, ...(byT.get(t) ?? { calls: 0, tokens: 0, costUsd: '0' }) })),
        models: [...byModel.values()]
          .sort((a, b) => b.calls - a.calls)
          .map(({ latency, ...m }) => ({ ...m, avgLatencyMs: m.calls ? Math.round(latency / m.calls) : null })),
      };
    },

    /** `GET /api/analytics/errors`. @throws ForbiddenError */
    async errors(actor: Actor, query: AnalyticsQuery): Promise<ErrorAnalyticsDto> {
      const { range, r, scope } = await resolve(actor, query);
      const { series, groups, distinctGroups } = await aggregate((tx) => repo.errorCounts(tx, scope, r));
      const byT = new Map(series.map((s) => [s.t.toISOString(), s.n]));
      return {
        range,
        totals: { occurrences: series.reduce((a, s) => a + s.n, 0), groups: distinctGroups },
        series: bucketStarts(range).map((t) => ({ t, occurrences: byT.get(t) ?? 0 })),
        groups: groups.map((g) => ({ id: g.id, title: g.title, location: g.location, occurrences: g.n })),
      };
    },

    /** Deletes analytics rows past each organization's plan retention; returns request rows deleted. */
    async applyRetention(batch = 10_000, maxBatches = 100): Promise<number> {
      let total = 0;
      for (let i = 0; i < maxBatches; i++) {
        const deleted = await repo.deleteExpiredAnalytics(db, retention, DEFAULT_RETENTION_DAYS['free'] ?? 7, batch);
        total += deleted;
        if (deleted < batch) break;
      }
      if (total > 0) deps.log.info({ deleted: total }, 'request analytics past retention deleted');
      return total;
    },
  };
}
export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
