import type { ErrorExplanation, ErrorGroupStatus, ErrorSource } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';
import { cursorTime, paged, type Paged } from '../../lib/cursor';

export interface ErrorGroupRecord {
  id: string;
  organizationId: string | null;
  source: ErrorSource;
  errorType: string;
  title: string;
  location: string;
  status: ErrorGroupStatus;
  occurrences: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
  regressedAt: Date | null;
  regressions: number;
  windowCount: number;
  windowStart: Date;
  explanation: ErrorExplanation | null;
}

interface GroupRow {
  id: string;
  organization_id: string | null;
  source: ErrorSource;
  error_type: string;
  title: string;
  location: string;
  status: ErrorGroupStatus;
  occurrences: string;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  regressed_at: Date | null;
  regressions: number;
  window_count: number;
  window_start: Date;
  explanation: ErrorExplanation | null;
}

const GROUP_COLUMNS =
  'id, organization_id, source, error_type, title, location, status, occurrences, first_seen_at, last_seen_at, resolved_at, regressed_at, regressions, window_count, window_start, explanation';

function toGroup(row: GroupRow): ErrorGroupRecord {
  return {
    id: row.id,
    organizationId: row.organization_id,
    source: row.source,
    errorType: row.error_type,
    title: row.title,
    location: row.location,
    status: row.status,
    occurrences: Number(row.occurrences),
    firstSeenAt: new Date(row.first_seen_at),
    lastSeenAt: new Date(row.last_seen_at),
    resolvedAt: row.resolved_at ? new Date(row.resolved_at) : null,
    regressedAt: row.regressed_at ? new Date(row.regressed_at) : null,
    regressions: row.regressions,
    windowCount: row.window_count,
    windowStart: new Date(row.window_start),
    explanation: row.explanation,
  };
}

export interface GroupUpsert {
  organizationId: string | null;
  fingerprint: string;
  source: ErrorSource;
  errorType: string;
  title: string;
  location: string;
  at: Date;
}

/**
 * Counts one occurrence into its group (created on first sight). A resolved group seen again is
 * reopened as a regression; the hourly window counter feeds spike alerts. One statement, so
 * concurrent writers never lose a count or a transition.
 */
export async function upsertGroup(
  db: Db,
  g: GroupUpsert,
): Promise<{ group: ErrorGroupRecord; created: boolean; regressed: boolean }> {
  const { rows } = await db.query<GroupRow & { created: boolean; regressed: boolean }>(
    `INSERT INTO error_groups AS g (organization_id, fingerprint, source, error_type, title, location, occurrences,
       first_seen_at, last_seen_at, window_start, window_count)
     VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7, date_trunc('hour', $7::timestamptz, 'UTC'), 1)
     ON CONFLICT (organization_id, fingerprint) DO UPDATE SET
       occurrences = g.occurrences + 1,
       last_seen_at = GREATEST(g.last_seen_at, EXCLUDED.last_seen_at),
       status = CASE WHEN g.status = 'resolved' THEN 'open' ELSE g.status END,
       regressed_at = CASE WHEN g.status = 'resolved' THEN EXCLUDED.last_seen_at ELSE g.regressed_at END,
       regressions = g.regressions + CASE WHEN g.status = 'resolved' THEN 1 ELSE 0 END,
       window_count = CASE WHEN g.window_start = EXCLUDED.window_start THEN g.window_count + 1 ELSE 1 END,
       window_start = EXCLUDED.window_start
     RETURNING ${GROUP_COLUMNS}, (xmax = 0) AS created,
       (regressed_at IS NOT NULL AND regressed_at = $7::timestamptz AND status = 'open' AND regressions > 0) AS regressed`,
    [g.organizationId, g.fingerprint, g.source, g.errorType, g.title, g.location, g.at],
  );
  const row = rows[0];
  if (!row) throw new Error('error group upsert returned no row');
  return { group: toGroup(row), created: row.created, regressed: row.regressed };
}

export interface ErrorLogRow {
  organizationId: string | null;
  groupId: string;
  userId: string | null;
  apiKeyId: string | null;
  workflowId: string | null;
  executionId: string | null;
  nodeId: string | null;
  errorType: string;
  message: string;
  stack: string | null;
  context: Record<string, unknown>;
  at: Date;
}

/** Appends one occurrence. The user is only linked while they exist (the FK would refuse a stale id). */
export async function insertErrorLog(db: Db, e: ErrorLogRow): Promise<void> {
  await db.query(
    `INSERT INTO error_logs (organization_id, group_id, user_id, api_key_id, workflow_id, execution_id, node_id,
       error_type, error_message, stack_trace, context, created_at)
     VALUES ($1, $2, (SELECT id FROM users WHERE id = $3::uuid), $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      e.organizationId,
      e.groupId,
      e.userId,
      e.apiKeyId,
      e.workflowId,
      e.executionId,
      e.nodeId,
      e.errorType.slice(0, 100),
      e.message,
      e.stack,
      JSON.stringify(e.context),
      e.at,
    ],
  );
}

export interface GroupFilter {
  status?: ErrorGroupStatus | undefined;
  source?: ErrorSource | undefined;
  q?: string | undefined;
  before?: { at: string; id: string } | undefined;
  limit: number;
}

/** One organization's groups, most recently seen first (keyset pagination). */
export async function listGroups(db: Db, organizationId: string, f: GroupFilter): Promise<Paged<ErrorGroupRecord>[]> {
  const params: unknown[] = [organizationId];
  const where = ['organization_id = $1'];
  if (f.status) where.push(`status = $${params.push(f.status)}`);
  if (f.source) where.push(`source = $${params.push(f.source)}`);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const i = params.push(like);
    where.push(`(title ILIKE $${i} OR error_type ILIKE $${i} OR location ILIKE $${i})`);
  }
  if (f.before) {
    const a = params.push(f.before.at);
    const b = params.push(f.before.id);
    where.push(`(last_seen_at, id) < ($${a}::timestamptz, $${b}::uuid)`);
  }
  const limit = params.push(f.limit);
  const { rows } = await db.query<GroupRow & { cursor_at: string }>(
    `SELECT ${GROUP_COLUMNS}, ${cursorTime('last_seen_at')} AS cursor_at FROM error_groups WHERE ${where.join(' AND ')}
     ORDER BY last_seen_at DESC, id DESC LIMIT $${limit}`,
    params,
  );
  return rows.map((r) => paged(toGroup(r), r));
}

/** Groups per status of one organization. */
export async function countGroupsByStatus(db: Db, organizationId: string): Promise<Record<ErrorGroupStatus, number>> {
  const { rows } = await db.query<{ status: ErrorGroupStatus; n: string }>(
    'SELECT status, count(*) AS n FROM error_groups WHERE organization_id = $1 GROUP BY status',
    [organizationId],
  );
  const counts = { open: 0, resolved: 0, ignored: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function findGroup(db: Db, organizationId: string, id: string): Promise<ErrorGroupRecord | null> {
  const { rows } = await db.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM error_groups WHERE organization_id = $1 AND id = $2`, [
    organizationId,
    id,
  ]);
  return rows[0] ? toGroup(rows[0]) : null;
}

/** Sets a group's status; resolving stamps `resolved_at`. Null when the group is not the organization's. */
export async function updateGroupStatus(
  db: Db,
  organizationId: string,
  id: string,
  status: ErrorGroupStatus,
): Promise<ErrorGroupRecord | null> {
  const { rows } = await db.query<GroupRow>(
    `UPDATE error_groups SET status = $3::varchar, resolved_at = CASE WHEN $3::varchar = 'resolved' THEN now() ELSE NULL END
     WHERE organization_id = $1 AND id = $2 RETURNING ${GROUP_COLUMNS}`,
    [organizationId, id, status],
  );
  return rows[0] ? toGroup(rows[0]) : null;
}

export async function saveExplanation(db: Db, organizationId: string, id: string, explanation: ErrorExplanation): Promise<void> {
  await db.query('UPDATE error_groups SET explanation = $3, explained_at = now() WHERE organization_id = $1 AND id = $2', [
    organizationId,
    id,
    JSON.stringify(explanation),
  ]);
}

/** Users and workflows each group touched. */
export async function affectedCounts(
  db: Db,
  organizationId: string,
  groupIds: readonly string[],
): Promise<Map<string, { users: number; workflows: number }>> {
  const out = new Map<string, { users: number; workflows: number }>();
  if (groupIds.length === 0) return out;
  const { rows } = await db.query<{ group_id: string; users: string; workflows: string }>(
    `SELECT group_id, count(DISTINCT user_id) AS users, count(DISTINCT workflow_id) AS workflows
     FROM error_logs WHERE organization_id = $1 AND group_id = ANY($2::uuid[]) GROUP BY group_id`,
    [organizationId, groupIds],
  );
  for (const r of rows) out.set(r.group_id, { users: Number(r.users), workflows: Number(r.workflows) });
  return out;
}

/** Occurrences per hour over the 24 hours before `now`, per group (24 numbers, oldest first). */
export async function hourlyTrends(
  db: Db,
  organizationId: string,
  groupIds: readonly string[],
  now: Date,
): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  for (const id of groupIds)
    out.set(
      id,
      Array.from({ length: 24 }, () => 0),
    );
  if (groupIds.length === 0) return out;
  const { rows } = await db.query<{ group_id: string; slot: number; n: string }>(
    `SELECT group_id, floor(extract(epoch FROM ($3::timestamptz - created_at)) / 3600)::int AS slot, count(*) AS n
     FROM error_logs
     WHERE organization_id = $1 AND group_id = ANY($2::uuid[]) AND created_at > $3::timestamptz - interval '24 hours'
       AND created_at <= $3::timestamptz
     GROUP BY 1, 2`,
    [organizationId, groupIds, now],
  );
  for (const r of rows) {
    const series = out.get(r.group_id);
    const index = 23 - r.slot;
    if (series && index >= 0 && index < 24) series[index] = Number(r.n);
  }
  return out;
}

export interface OccurrenceRecord {
  id: string;
  errorType: string;
  message: string;
  userId: string | null;
  apiKeyId: string | null;
  workflowId: string | null;
  executionId: string | null;
  nodeId: string | null;
  context: Record<string, unknown>;
  createdAt: Date;
}

/** The newest occurrences of a group; never the stack trace. */
export async function listOccurrences(
  db: Db,
  organizationId: string,
  groupId: string,
  limit: number,
): Promise<OccurrenceRecord[]> {
  const { rows } = await db.query<{
    id: string;
    error_type: string;
    error_message: string;
    user_id: string | null;
    api_key_id: string | null;
    workflow_id: string | null;
    execution_id: string | null;
    node_id: string | null;
    context: Record<string, unknown> | null;
    created_at: Date;
  }>(
    `SELECT id, error_type, error_message, user_id, api_key_id, workflow_id, execution_id, node_id, context, created_at
     FROM error_logs WHERE organization_id = $1 AND group_id = $2 ORDER BY created_at DESC LIMIT $3`,
    [organizationId, groupId, limit],
  );
  return rows.map((r) => ({
    id: r.id,
    errorType: r.error_type,
    message: r.error_message,
    userId: r.user_id,
    apiKeyId: r.api_key_id,
    workflowId: r.workflow_id,
    executionId: r.execution_id,
    nodeId: r.node_id,
    context: r.context ?? {},
    createdAt: new Date(r.created_at),
  }));
}

export interface AlertSettingsRecord {
  webhookUrlCiphertext: string | null;
  email: string | null;
  onNew: boolean;
  onRegression: boolean;
  onSpike: boolean;
  spikePerHour: number;
}

interface SettingsRow {
  webhook_url_ciphertext: string | null;
  email: string | null;
  on_new: boolean;
  on_regression: boolean;
  on_spike: boolean;
  spike_per_hour: number;
}

const toSettings = (r: SettingsRow): AlertSettingsRecord => ({
  webhookUrlCiphertext: r.webhook_url_ciphertext,
  email: r.email,
  onNew: r.on_new,
  onRegression: r.on_regression,
  onSpike: r.on_spike,
  spikePerHour: r.spike_per_hour,
});

export async function findAlertSettings(db: Db, organizationId: string): Promise<AlertSettingsRecord | null> {
  const { rows } = await db.query<SettingsRow>(
    'SELECT webhook_url_ciphertext, email, on_new, on_regression, on_spike, spike_per_hour FROM error_alert_settings WHERE organization_id = $1',
    [organizationId],
  );
  return rows[0] ? toSettings(rows[0]) : null;
}

export async function upsertAlertSettings(db: Db, organizationId: string, s: AlertSettingsRecord): Promise<AlertSettingsRecord> {
  const { rows } = await db.query<SettingsRow>(
    `INSERT INTO error_alert_settings (organization_id, webhook_url_ciphertext, email, on_new, on_regression, on_spike, spike_per_hour)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (organization_id) DO UPDATE SET webhook_url_ciphertext = EXCLUDED.webhook_url_ciphertext,
       email = EXCLUDED.email, on_new = EXCLUDED.on_new, on_regression = EXCLUDED.on_regression,
       on_spike = EXCLUDED.on_spike, spike_per_hour = EXCLUDED.spike_per_hour, updated_at = now()
     RETURNING webhook_url_ciphertext, email, on_new, on_regression, on_spike, spike_per_hour`,
    [organizationId, s.webhookUrlCiphertext, s.email, s.onNew, s.onRegression, s.onSpike, s.spikePerHour],
  );
  const row = rows[0];
  if (!row) throw new Error('alert settings upsert returned no row');
  return toSettings(row);
}

/**
 * Claims the right to send one alert: true only for the first caller with this key, so a storm of
 * the same event (across processes) sends one alert.
 */
export async function claimAlert(
  db: Db,
  a: { organizationId: string; groupId: string; kind: 'new' | 'regression' | 'spike'; dedupKey: string; channels: string[] },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO error_alerts (organization_id, group_id, kind, dedup_key, channels) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (organization_id, dedup_key) DO NOTHING`,
    [a.organizationId, a.groupId, a.kind, a.dedupKey, a.channels],
  );
  return rowCount > 0;
}

/** Alerts recorded for a group (tests, and the detail page's history). */
export async function countAlerts(db: Db, organizationId: string, groupId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'SELECT count(*) AS n FROM error_alerts WHERE organization_id = $1 AND group_id = $2',
    [organizationId, groupId],
  );
  return Number(rows[0]?.n ?? 0);
}
