import type { AnalyticsBucket } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';

/** Upper bounds (ms) of the latency histogram buckets; the same list as `api_latency_bucket` (migration 0009). */
export const API_LATENCY_BOUNDS_MS = [
  0, 2, 4, 6, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 200, 250, 300, 400, 500, 600, 800, 1000, 1500, 2000, 3000,
  5000, 10000, 30000,
] as const;

export interface ApiRequestRow {
  organizationId: string | null;
  userId: string | null;
  apiKeyId: string | null;
  /** Route template, e.g. `/api/workflows/:id`. */
  endpoint: string;
  method: string;
  statusCode: number;
  responseTimeMs: number;
  requestSize: number | null;
  responseSize: number | null;
  at: Date;
}

/**
 * Writes a batch of request rows and adds them to the hourly rollups, in one statement. The rows
 * travel as one JSON document (cheaper to build than ten array parameters: this runs for every
 * request the API serves). The user is linked only while they exist, so a member removed meanwhile
 * cannot fail the batch.
 */
export async function insertApiRequests(db: Db, rows: readonly ApiRequestRow[]): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(
    rows.map((r) => ({
      o: r.organizationId,
      u: r.userId,
      k: r.apiKeyId,
      e: r.endpoint.slice(0, 500),
      m: r.method.slice(0, 10),
      s: r.statusCode,
      t: r.responseTimeMs,
      q: r.requestSize,
      p: r.responseSize,
      a: r.at,
    })),
  );
  await db.query(
    `WITH r AS (
       SELECT o AS organization_id, u AS user_id, k AS api_key_id, e AS endpoint, m AS method, s AS status_code,
         t AS response_time, q AS request_size, p AS response_size, a AS created_at
       FROM json_to_recordset($1::json)
         AS x (o uuid, u uuid, k uuid, e varchar, m varchar, s int, t int, q int, p int, a timestamptz)
     ), inserted AS (
       INSERT INTO api_requests (organization_id, user_id, api_key_id, endpoint, method, status_code, response_time, request_size, response_size, created_at)
       SELECT r.organization_id, u.id, r.api_key_id, r.endpoint, r.method, r.status_code, r.response_time, r.request_size, r.response_size, r.created_at
       FROM r LEFT JOIN users u ON u.id = r.user_id
     )
     INSERT INTO api_request_rollups AS t (organization_id, hour, method, endpoint, requests, server_errors, client_errors, total_ms, latency_hist)
     SELECT organization_id, date_trunc('hour', created_at, 'UTC'), method, endpoint, count(*),
       count(*) FILTER (WHERE status_code >= 500), count(*) FILTER (WHERE status_code BETWEEN 400 AND 499),
       sum(response_time), api_latency_hist(array_agg(response_time))
     FROM r GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
     ON CONFLICT (organization_id, hour, method, endpoint) DO UPDATE SET
       requests = t.requests + EXCLUDED.requests,
       server_errors = t.server_errors + EXCLUDED.server_errors,
       client_errors = t.client_errors + EXCLUDED.client_errors,
       total_ms = t.total_ms + EXCLUDED.total_ms,
       latency_hist = int_array_add(t.latency_hist, EXCLUDED.latency_hist)`,
    [json],
    { prepare: 'analytics.insert_requests' },
  );
}

/** Which rows a query reads: one organization's, or every organization's (platform administrators). */
export type Scope = { organizationId: string } | { platform: true };

export interface Range {
  from: Date;
  to: Date;
  bucket: AnalyticsBucket;
}

/** `organization_id = $1` with its parameter, or nothing for the platform scope. */
function scoped(scope: Scope, column = 'organization_id'): { where: string; params: unknown[] } {
  return 'organizationId' in scope ? { where: `${column} = $1`, params: [scope.organizationId] } : { where: 'TRUE', params: [] };
}

/** Adds the range parameters after the scope's: returns `$from, $to` placeholders. */
function withRange(base: { where: string; params: unknown[] }, range: Range) {
  const params = [...base.params, range.from, range.to];
  return { where: base.where, params, from: `$${params.length - 1}`, to: `$${params.length}` };
}

const BUCKETS: Readonly<Record<AnalyticsBucket, string>> = { minute: "'minute'", hour: "'hour'", day: "'day'" };

export interface RequestAggregateRow {
  t: Date | null;
  method: string | null;
  endpoint: string | null;
  requests: number;
  serverErrors: number;
  clientErrors: number;
  /** Exact percentiles (raw rows) when given. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  /** Latency histogram (rollups) when the percentiles are not given. */
  hist: number[] | null;
}

interface AggregateSqlRow {
  t: Date | null;
  method: string | null;
  endpoint: string | null;
  requests: string;
  server_errors: string;
  client_errors: string;
  p: number[] | null;
  hist: number[] | null;
}

const toAggregate = (r: AggregateSqlRow): RequestAggregateRow => ({
  t: r.t ? new Date(r.t) : null,
  method: r.method,
  endpoint: r.endpoint,
  requests: Number(r.requests),
  serverErrors: Number(r.server_errors),
  clientErrors: Number(r.client_errors),
  p50: r.p?.[0] ?? null,
  p95: r.p?.[1] ?? null,
  p99: r.p?.[2] ?? null,
  hist: r.hist,
});

/**
 * Request aggregates from the raw rows (exact percentiles): the totals (t and route null), one row
 * per time bucket (route null) and one per route (t null), in one scan with grouping sets.
 */
export async function aggregateRawRequests(db: Db, scope: Scope, range: Range): Promise<RequestAggregateRow[]> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<AggregateSqlRow>(
    `SELECT date_trunc(${BUCKETS[range.bucket]}, created_at, 'UTC') AS t, method, endpoint, count(*) AS requests,
       count(*) FILTER (WHERE status_code >= 500) AS server_errors,
       count(*) FILTER (WHERE status_code BETWEEN 400 AND 499) AS client_errors,
       percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY response_time) AS p, NULL::int[] AS hist
     FROM api_requests
     WHERE ${q.where} AND created_at >= ${q.from} AND created_at < ${q.to}
     GROUP BY GROUPING SETS ((), (1), (2, 3))`,
    q.params,
  );
  return rows.map(toAggregate);
}

/**
 * Request aggregates from the hourly rollups (hours that start inside the range): one row per
 * (time bucket, route) with its latency histogram; the service sums them up.
 */
export async function aggregateRolledUpRequests(db: Db, scope: Scope, range: Range): Promise<RequestAggregateRow[]> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<AggregateSqlRow & { hists: number[][] | null }>(
    `SELECT date_trunc(${BUCKETS[range.bucket]}, hour, 'UTC') AS t, method, endpoint, sum(requests) AS requests,
       sum(server_errors) AS server_errors, sum(client_errors) AS client_errors, NULL::float8[] AS p,
       array_agg(latency_hist) AS hists
     FROM api_request_rollups
     WHERE ${q.where} AND hour >= date_trunc('hour', ${q.from}::timestamptz, 'UTC') AND hour < ${q.to}
     GROUP BY 1, 2, 3`,
    q.params,
  );
  // Postgres cannot sum arrays element-wise in an aggregate; array_agg of arrays is 2-D.
  return rows.map((r) => {
    const hists = r.hists ?? [];
    const hist = Array.from({ length: API_LATENCY_BOUNDS_MS.length }, () => 0);
    for (const h of hists) h.forEach((n, i) => (hist[i] = (hist[i] ?? 0) + Number(n)));
    return toAggregate({ ...r, hist });
  });
}

export interface ExecutionCountRow {
  t: Date;
  workflowId: string;
  status: string;
  runs: number;
  durationMsSum: number;
  durationCount: number;
}

/** Executions per (time bucket, workflow, status) in the range. */
export async function countExecutions(db: Db, scope: Scope, range: Range): Promise<ExecutionCountRow[]> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<{
    t: Date;
    workflow_id: string;
    status: string;
    runs: string;
    dsum: string | null;
    dcount: string;
  }>(
    `SELECT date_trunc(${BUCKETS[range.bucket]}, created_at, 'UTC') AS t, workflow_id, status, count(*) AS runs,
       sum(duration_ms) AS dsum, count(duration_ms) AS dcount
     FROM workflow_executions
     WHERE ${q.where} AND created_at >= ${q.from} AND created_at < ${q.to}
     GROUP BY 1, 2, 3`,
    q.params,
  );
  return rows.map((r) => ({
    t: new Date(r.t),
    workflowId: r.workflow_id,
    status: r.status,
    runs: Number(r.runs),
    durationMsSum: Number(r.dsum ?? 0),
    durationCount: Number(r.dcount),
  }));
}

/** Counts per histogram bucket (width_bucket numbering from 1) → a dense histogram over {@link API_LATENCY_BOUNDS_MS}. */
function toHistogram(rows: readonly { b: number | null; n: string }[]): number[] {
  const hist = Array.from({ length: API_LATENCY_BOUNDS_MS.length }, () => 0);
  for (const r of rows) if (r.b !== null && r.b >= 1) hist[r.b - 1] = (hist[r.b - 1] ?? 0) + Number(r.n);
  return hist;
}

/**
 * Durations of the range's finished executions as a histogram over {@link API_LATENCY_BOUNDS_MS}:
 * grouped by hashing, so a month of runs needs no sort (percentiles are estimated from it).
 */
export async function executionDurationHistogram(db: Db, scope: Scope, range: Range): Promise<number[]> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<{ b: number | null; n: string }>(
    `SELECT api_latency_bucket(duration_ms) AS b, count(*) AS n
     FROM workflow_executions
     WHERE ${q.where} AND created_at >= ${q.from} AND created_at < ${q.to} AND duration_ms IS NOT NULL
     GROUP BY 1`,
    q.params,
  );
  return toHistogram(rows);
}

/** Names of the given workflows. */
export async function workflowNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; name: string }>('SELECT id, name FROM workflows WHERE id = ANY($1::uuid[])', [
    ids,
  ]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

export interface StepStatsRow {
  nodeType: string;
  runs: number;
  failed: number;
  durationMsSum: number;
  /** Step durations as a histogram over {@link API_LATENCY_BOUNDS_MS} (percentiles without a sort). */
  hist: number[];
}

export interface FailingNodeRow {
  workflowId: string;
  nodeId: string;
  nodeType: string;
  failures: number;
}

/** Step statistics look at the steps of at most this many runs: the range's latest. */
export const STEP_SAMPLE_RUNS = 10_000;

/**
 * Steps of the range's latest {@link STEP_SAMPLE_RUNS} executions per node type: runs, failures,
 * total duration and a duration histogram (grouped by hashing; percentiles are estimated from it).
 * The bound keeps the join small however long the range; `sampleRuns` says how many runs it read.
 */
export async function stepStats(db: Db, scope: Scope, range: Range): Promise<{ types: StepStatsRow[]; sampleRuns: number }> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<{
    node_type: string | null;
    b: number | null;
    runs: string;
    failed: string;
    dsum: string | null;
    sample: string;
  }>(
    `WITH e AS MATERIALIZED (
       SELECT id FROM workflow_executions
       WHERE ${q.where} AND created_at >= ${q.from} AND created_at < ${q.to}
       ORDER BY created_at DESC LIMIT ${STEP_SAMPLE_RUNS}
     )
     SELECT s.node_type, api_latency_bucket(s.duration_ms) AS b, count(*) AS runs,
       count(*) FILTER (WHERE s.status = 'failed') AS failed, sum(s.duration_ms) AS dsum,
       (SELECT count(*) FROM e) AS sample
     FROM e JOIN execution_steps s ON s.execution_id = e.id
     GROUP BY 1, 2`,
    q.params,
  );
  const byType = new Map<string, StepStatsRow & { buckets: { b: number | null; n: string }[] }>();
  for (const r of rows) {
    if (r.node_type === null) continue;
    const row = byType.get(r.node_type) ?? { nodeType: r.node_type, runs: 0, failed: 0, durationMsSum: 0, hist: [], buckets: [] };
    row.runs += Number(r.runs);
    row.failed += Number(r.failed);
    row.durationMsSum += Number(r.dsum ?? 0);
    row.buckets.push({ b: r.b, n: r.runs });
    byType.set(r.node_type, row);
  }
  return {
    types: [...byType.values()]
      .sort((a, b) => b.runs - a.runs)
      .slice(0, 50)
      .map(({ buckets, ...row }) => ({ ...row, hist: toHistogram(buckets) })),
    sampleRuns: Number(rows[0]?.sample ?? 0),
  };
}

/** The nodes that failed most in the range's executions. */
export async function failingNodes(db: Db, scope: Scope, range: Range, limit: number): Promise<FailingNodeRow[]> {
  const q = withRange(scoped(scope, 'e.organization_id'), range);
  const { rows } = await db.query<{ workflow_id: string; node_id: string; node_type: string; failures: string }>(
    `SELECT e.workflow_id, s.node_id, s.node_type, count(*) AS failures
     FROM workflow_executions e JOIN execution_steps s ON s.execution_id = e.id
     WHERE ${q.where} AND e.created_at >= ${q.from} AND e.created_at < ${q.to} AND e.status IN ('failed', 'timed_out')
       AND s.status = 'failed'
     GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT ${Math.trunc(limit)}`,
    q.params,
  );
  return rows.map((r) => ({ workflowId: r.workflow_id, nodeId: r.node_id, nodeType: r.node_type, failures: Number(r.failures) }));
}

export interface AiUsageRow {
  t: Date;
  provider: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: string;
  latencyMsSum: number;
}

/** AI calls per (time bucket, provider, model); costs as exact decimal strings. */
export async function aiUsage(db: Db, scope: Scope, range: Range): Promise<AiUsageRow[]> {
  const q = withRange(scoped(scope), range);
  const { rows } = await db.query<{
    t: Date;
    provider: string;
    model: string;
    calls: string;
    input_tokens: string;
    output_tokens: string;
    cost_usd: string;
    latency: string;
  }>(
    `SELECT date_trunc(${BUCKETS[range.bucket]}, created_at, 'UTC') AS t, provider, model, count(*) AS calls,
       sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd)::text AS cost_usd,
       sum(latency_ms) AS latency
     FROM ai_usage
     WHERE ${q.where} AND created_at >= ${q.from} AND created_at < ${q.to}
     GROUP BY 1, 2, 3`,
    q.params,
  );
  return rows.map((r) => ({
    t: new Date(r.t),
    provider: r.provider,
    model: r.model,
    calls: Number(r.calls),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costUsd: r.cost_usd,
    latencyMsSum: Number(r.latency),
  }));
}

/** Captured errors per time bucket and the groups with the most occurrences in the range. */
export async function errorCounts(
  db: Db,
  scope: Scope,
  range: Range,
): Promise<{
  series: { t: Date; n: number }[];
  groups: { id: string; title: string; location: string; n: number }[];
  distinctGroups: number;
}> {
  const q = withRange(scoped(scope, 'l.organization_id'), range);
  const [series, groups, distinct] = await Promise.all([
    db.query<{ t: Date; n: string }>(
      `SELECT date_trunc(${BUCKETS[range.bucket]}, l.created_at, 'UTC') AS t, count(*) AS n FROM error_logs l
       WHERE ${q.where} AND l.created_at >= ${q.from} AND l.created_at < ${q.to} GROUP BY 1`,
      q.params,
    ),
    db.query<{ id: string; title: string; location: string; n: string }>(
      `SELECT g.id, g.title, g.location, count(*) AS n FROM error_logs l JOIN error_groups g ON g.id = l.group_id
       WHERE ${q.where} AND l.created_at >= ${q.from} AND l.created_at < ${q.to}
       GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`,
      q.params,
    ),
    db.query<{ n: string }>(
      `SELECT count(DISTINCT l.group_id) AS n FROM error_logs l
       WHERE ${q.where} AND l.created_at >= ${q.from} AND l.created_at < ${q.to}`,
      q.params,
    ),
  ]);
  return {
    series: series.rows.map((r) => ({ t: new Date(r.t), n: Number(r.n) })),
    groups: groups.rows.map((r) => ({ id: r.id, title: r.title, location: r.location, n: Number(r.n) })),
    distinctGroups: Number(distinct.rows[0]?.n ?? 0),
  };
}

/** Retention days per plan tier (used when the billing plan catalog gives none). */
export type RetentionDays = Readonly<Record<string, number>>;

/**
 * Deletes request rows, rollups and error occurrences older than each organization's plan
 * retention, at most `batch` request rows per statement; returns how many request rows went.
 */
export async function deleteExpiredAnalytics(
  db: Db,
  retention: RetentionDays,
  fallbackDays: number,
  batch: number,
): Promise<number> {
  const tiers = Object.keys(retention);
  const days = tiers.map((t) => retention[t] ?? fallbackDays);
  const plan = `(SELECT o.id, coalesce(p.days, $3) AS days FROM organizations o
      LEFT JOIN unnest($1::text[], $2::int[]) AS p (tier, days) ON p.tier = o.subscription_tier)`;
  const { rowCount } = await db.query(
    `DELETE FROM api_requests WHERE id IN (
       SELECT r.id FROM api_requests r JOIN ${plan} AS k ON k.id = r.organization_id
       WHERE r.created_at < now() - make_interval(days => k.days)
       UNION ALL
       SELECT r.id FROM api_requests r WHERE r.organization_id IS NULL AND r.created_at < now() - make_interval(days => $3)
       LIMIT $4)`,
    [tiers, days, fallbackDays, batch],
  );
  await db.query(
    `DELETE FROM api_request_rollups r USING ${plan} AS k
     WHERE k.id = r.organization_id AND r.hour < now() - make_interval(days => k.days)`,
    [tiers, days, fallbackDays],
  );
  await db.query('DELETE FROM api_request_rollups WHERE organization_id IS NULL AND hour < now() - make_interval(days => $1)', [
    fallbackDays,
  ]);
  await db.query(
    `DELETE FROM error_logs l USING ${plan} AS k
     WHERE k.id = l.organization_id AND l.created_at < now() - make_interval(days => k.days)`,
    [tiers, days, fallbackDays],
  );
  return rowCount;
}
