import type { AiAttempt, ExecutionError, ExecutionStatus, TriggerKind, WorkflowGraph } from '@auterity/workflow-contracts';
import { cursorTime, paged, type Paged } from '../../lib/cursor';
import type { Db } from '../../lib/db';
import type { StepRecord } from '../../engine/types';

export interface ExecutionRecord {
  id: string;
  organizationId: string;
  workflowId: string;
  versionId: string | null;
  version: number | null;
  status: ExecutionStatus;
  trigger: TriggerKind;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  attempts: number;
  depth: number;
  parentExecutionId: string | null;
  cancelRequested: boolean;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  durationMs: number | null;
}

export interface StepRow {
  node_id: string;
  node_type: string;
  status: string;
  input: unknown;
  output: unknown;
  error: ExecutionError | null;
  attempts: number;
  started_at: Date | null;
  completed_at: Date | null;
  duration_ms: number | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: string | null;
  ai_attempts: AiAttempt[] | null;
}

interface ExecutionRow {
  id: string;
  organization_id: string;
  workflow_id: string;
  version_id: string | null;
  version: number | null;
  status: ExecutionStatus;
  trigger: TriggerKind;
  input_data: unknown;
  output_data: unknown;
  error: ExecutionError | null;
  attempts: number;
  depth: number;
  parent_execution_id: string | null;
  cancel_requested: boolean;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  duration_ms: number | null;
}

const COLUMNS = `id, organization_id, workflow_id, version_id, version, status, trigger, input_data, output_data, error, attempts,
  depth, parent_execution_id, cancel_requested, created_at, started_at, completed_at, duration_ms`;

function toExecution(r: ExecutionRow): ExecutionRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    workflowId: r.workflow_id,
    versionId: r.version_id,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    input: r.input_data,
    output: r.output_data,
    error: r.error,
    attempts: r.attempts,
    depth: r.depth,
    parentExecutionId: r.parent_execution_id,
    cancelRequested: r.cancel_requested,
    createdAt: r.created_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    durationMs: r.duration_ms,
  };
}

/** Step rows as one JSON array, expanded by `jsonb_to_recordset` so all steps are one statement. */
function stepsJson(steps: readonly StepRecord[]): string {
  return JSON.stringify(stepRows(steps));
}

function stepRows(steps: readonly StepRecord[]) {
  return steps.map((s) => stepRow(s));
}

function stepRow(s: StepRecord) {
  return {
    seq: s.seq,
    node_id: s.nodeId,
    node_type: s.type,
    status: s.status,
    input: s.input ?? null,
    output: s.output ?? null,
    error: s.error,
    attempts: s.attempts,
    started_at: s.startedAt.toISOString(),
    completed_at: s.completedAt.toISOString(),
    duration_ms: s.durationMs,
    model: s.model ?? null,
    input_tokens: s.tokens?.input ?? null,
    output_tokens: s.tokens?.output ?? null,
    cost_usd: s.cost ?? null,
    ai_attempts: s.aiAttempts ?? null,
  };
}

export interface NewExecution {
  id: string;
  organizationId: string;
  workflowId: string;
  versionId: string;
  version: number;
  trigger: TriggerKind;
  input: unknown;
  idempotencyKey?: string | null;
  parentExecutionId?: string | null;
  depth?: number;
  createdBy?: string | null;
}

function jsonParam(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * Inserts a pending execution. With an idempotency key already used by a recent execution, inserts
 * nothing and returns that one instead (`created: false`).
 */
export async function insertPendingExecution(
  db: Db,
  row: NewExecution,
): Promise<{ execution: ExecutionRecord; created: boolean }> {
  const { rows } = await db.query<ExecutionRow>(
    `INSERT INTO workflow_executions (id, organization_id, workflow_id, version_id, version, status, trigger, input_data,
       idempotency_key, parent_execution_id, depth, created_by)
     VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8, $9, $10, $11)
     ON CONFLICT (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      row.id,
      row.organizationId,
      row.workflowId,
      row.versionId,
      row.version,
      row.trigger,
      jsonParam(row.input),
      row.idempotencyKey ?? null,
      row.parentExecutionId ?? null,
      row.depth ?? 0,
      row.createdBy ?? null,
    ],
    { prepare: 'executions.insert_pending' },
  );
  if (rows[0]) return { execution: toExecution(rows[0]), created: true };
  const existing = await db.query<ExecutionRow>(
    `SELECT ${COLUMNS} FROM workflow_executions WHERE organization_id = $1 AND idempotency_key = $2`,
    [row.organizationId, row.idempotencyKey],
  );
  return { execution: toExecution(existing.rows[0] as ExecutionRow), created: false };
}

/**
 * Inserts an execution already `running` and held by `workerId` (a synchronous webhook run in this
 * process), unless its idempotency key was used by a recent execution: then that one
 * (`created: false`). The partial unique index on (organization_id, idempotency_key) makes
 * concurrent callers with one key agree on a single row.
 */
export async function insertClaimedExecution(
  db: Db,
  row: NewExecution & { idempotencyKey: string },
  workerId: string,
): Promise<{ execution: ExecutionRecord; created: boolean }> {
  const { rows } = await db.query<ExecutionRow>(
    `INSERT INTO workflow_executions (id, organization_id, workflow_id, version_id, version, status, trigger, input_data,
       idempotency_key, attempts, started_at, worker_id, heartbeat_at)
     VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, 1, now(), $9, now())
     ON CONFLICT (organization_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      row.id,
      row.organizationId,
      row.workflowId,
      row.versionId,
      row.version,
      row.trigger,
      jsonParam(row.input),
      row.idempotencyKey,
      workerId,
    ],
  );
  if (rows[0]) return { execution: toExecution(rows[0]), created: true };
  const existing = await db.query<ExecutionRow>(
    `SELECT ${COLUMNS} FROM workflow_executions WHERE organization_id = $1 AND idempotency_key = $2`,
    [row.organizationId, row.idempotencyKey],
  );
  return { execution: toExecution(existing.rows[0] as ExecutionRow), created: false };
}

/** Frees idempotency keys older than 24 hours, so a key may be used again after that. */
export async function expireIdempotencyKeys(db: Db, organizationId: string, key: string): Promise<void> {
  await db.query(
    `UPDATE workflow_executions SET idempotency_key = NULL
     WHERE organization_id = $1 AND idempotency_key = $2 AND created_at < now() - interval '24 hours'`,
    [organizationId, key],
  );
}

export type FinishedExecution = NewExecution & {
  status: ExecutionStatus;
  output: unknown;
  error: ExecutionError | null;
  startedAt: Date;
  completedAt: Date;
  durationMs: number;
  steps: readonly StepRecord[];
};

/**
 * Persists finished synchronous runs, executions and their steps, in one statement: nothing of a
 * batch is written unless all of it is. Many runs share one statement under load (lib/batcher).
 */
export async function insertFinishedExecutions(db: Db, rows: readonly FinishedExecution[]): Promise<void> {
  const executions = rows.map((r) => ({
    id: r.id,
    organization_id: r.organizationId,
    workflow_id: r.workflowId,
    version_id: r.versionId,
    version: r.version,
    status: r.status,
    trigger: r.trigger,
    input_data: r.input ?? null,
    output_data: r.output ?? null,
    error: r.error,
    error_message: r.error?.message ?? null,
    started_at: r.startedAt.toISOString(),
    completed_at: r.completedAt.toISOString(),
    duration_ms: r.durationMs,
    depth: r.depth ?? 0,
    parent_execution_id: r.parentExecutionId ?? null,
    created_by: r.createdBy ?? null,
  }));
  const steps = rows.flatMap((r) => r.steps.map((s) => ({ execution_id: r.id, ...stepRow(s) })));
  await db.query(
    `WITH x AS (
       INSERT INTO workflow_executions (id, organization_id, workflow_id, version_id, version, status, trigger, input_data, output_data,
         error, error_message, attempts, started_at, completed_at, duration_ms, depth, parent_execution_id, created_by)
       SELECT e.id, e.organization_id, e.workflow_id, e.version_id, e.version, e.status, e.trigger, e.input_data, e.output_data,
         e.error, e.error_message, 1, e.started_at, e.completed_at, e.duration_ms, e.depth, e.parent_execution_id, e.created_by
       FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, organization_id uuid, workflow_id uuid, version_id uuid, version int,
         status text, trigger text, input_data jsonb, output_data jsonb, error jsonb, error_message text, started_at timestamptz,
         completed_at timestamptz, duration_ms int, depth int, parent_execution_id uuid, created_by uuid)
       RETURNING id, organization_id)
     INSERT INTO execution_steps (organization_id, execution_id, seq, node_id, node_type, status, input, output, error,
       attempts, started_at, completed_at, duration_ms, model, input_tokens, output_tokens, cost_usd, ai_attempts)
     SELECT x.organization_id, x.id, s.seq, s.node_id, s.node_type, s.status, s.input, s.output, s.error, s.attempts, s.started_at,
       s.completed_at, s.duration_ms, s.model, s.input_tokens, s.output_tokens, s.cost_usd, s.ai_attempts
     FROM x JOIN jsonb_to_recordset($2::jsonb) AS s(execution_id uuid, seq int, node_id text, node_type text, status text,
       input jsonb, output jsonb, error jsonb, attempts int, started_at timestamptz, completed_at timestamptz, duration_ms int,
       model text, input_tokens int, output_tokens int, cost_usd numeric, ai_attempts jsonb) ON s.execution_id = x.id`,
    [JSON.stringify(executions), JSON.stringify(steps)],
    { prepare: 'executions.insert_finished_batch' },
  );
}

/** Takes a pending execution for this worker; null when it is not pending (done, taken, cancelled). */
export async function claimExecution(db: Db, id: string, workerId: string): Promise<ExecutionRecord | null> {
  const { rows } = await db.query<ExecutionRow>(
    `UPDATE workflow_executions SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, now()),
       worker_id = $2, heartbeat_at = now()
     WHERE id = $1 AND status = 'pending' AND NOT cancel_requested
     RETURNING ${COLUMNS}`,
    [id, workerId],
    { prepare: 'executions.claim' },
  );
  return rows[0] ? toExecution(rows[0]) : null;
}

/** Ends a running execution held by `workerId` and writes its steps, in one statement. */
export async function completeExecution(
  db: Db,
  id: string,
  workerId: string,
  result: { status: ExecutionStatus; output: unknown; error: ExecutionError | null; steps: readonly StepRecord[] },
): Promise<boolean> {
  const { rows } = await db.query<{ updated: string }>(
    `WITH x AS (
       UPDATE workflow_executions SET status = $3, output_data = $4, error = $5, error_message = $6, completed_at = now(),
         duration_ms = GREATEST(0, (extract(epoch FROM now() - started_at) * 1000)::int), heartbeat_at = NULL
       WHERE id = $1 AND status = 'running' AND worker_id = $2
       RETURNING id, organization_id),
     steps AS (INSERT INTO execution_steps (organization_id, execution_id, seq, node_id, node_type, status, input, output, error,
    attempts, started_at, completed_at, duration_ms, model, input_tokens, output_tokens, cost_usd, ai_attempts)
  SELECT x.organization_id, x.id, s.seq, s.node_id, s.node_type, s.status, s.input, s.output, s.error, s.attempts, s.started_at,
    s.completed_at, s.duration_ms, s.model, s.input_tokens, s.output_tokens, s.cost_usd, s.ai_attempts
  FROM x, jsonb_to_recordset($7::jsonb) AS s(seq int, node_id text, node_type text, status text, input jsonb, output jsonb,
    error jsonb, attempts int, started_at timestamptz, completed_at timestamptz, duration_ms int, model text, input_tokens int,
    output_tokens int, cost_usd numeric, ai_attempts jsonb) RETURNING 1)
     SELECT count(*) AS updated FROM x`,
    [
      id,
      workerId,
      result.status,
      jsonParam(result.output),
      result.error ? JSON.stringify(result.error) : null,
      result.error?.message ?? null,
      stepsJson(result.steps),
    ],
    { prepare: 'executions.complete' },
  );
  return Number(rows[0]?.updated ?? 0) > 0;
}

/** Ends a pending or running execution without steps (cancelled before it ran, worker lost, unrunnable). */
export async function finishWithoutRun(
  db: Db,
  id: string,
  status: ExecutionStatus,
  error: ExecutionError,
): Promise<ExecutionRecord | null> {
  const { rows } = await db.query<ExecutionRow>(
    `UPDATE workflow_executions SET status = $2, error = $3, error_message = $4, completed_at = now(), heartbeat_at = NULL,
       duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE GREATEST(0, (extract(epoch FROM now() - started_at) * 1000)::int) END
     WHERE id = $1 AND status IN ('pending', 'running') RETURNING ${COLUMNS}`,
    [id, status, JSON.stringify(error), error.message],
  );
  return rows[0] ? toExecution(rows[0]) : null;
}

export async function findExecution(db: Db, organizationId: string, id: string): Promise<ExecutionRecord | null> {
  const { rows } = await db.query<ExecutionRow>(
    `SELECT ${COLUMNS} FROM workflow_executions WHERE organization_id = $1 AND id = $2`,
    [organizationId, id],
  );
  return rows[0] ? toExecution(rows[0]) : null;
}

/** An execution by id in whichever organization: only for workers, which received the id from our queue. */
export async function findExecutionForWorker(db: Db, id: string): Promise<ExecutionRecord | null> {
  const { rows } = await db.query<ExecutionRow>(`SELECT ${COLUMNS} FROM workflow_executions WHERE id = $1`, [id]);
  return rows[0] ? toExecution(rows[0]) : null;
}

export async function findGraphOfVersion(db: Db, organizationId: string, versionId: string): Promise<WorkflowGraph | null> {
  const { rows } = await db.query<{ canvas_data: WorkflowGraph }>(
    'SELECT canvas_data FROM workflow_versions WHERE organization_id = $1 AND id = $2',
    [organizationId, versionId],
  );
  return rows[0]?.canvas_data ?? null;
}

export async function listSteps(db: Db, organizationId: string, executionId: string): Promise<StepRow[]> {
  const { rows } = await db.query<StepRow>(
    `SELECT node_id, node_type, status, input, output, error, attempts, started_at, completed_at, duration_ms, model, input_tokens,
       output_tokens, cost_usd::text AS cost_usd, ai_attempts
     FROM execution_steps WHERE organization_id = $1 AND execution_id = $2 ORDER BY seq`,
    [organizationId, executionId],
  );
  return rows;
}

export async function listExecutions(
  db: Db,
  organizationId: string,
  filters: {
    limit: number;
    before?: { at: string; id: string };
    workflowId?: string;
    status?: ExecutionStatus;
    from?: Date;
    to?: Date;
  },
): Promise<Paged<ExecutionRecord>[]> {
  const { rows } = await db.query<ExecutionRow & { cursor_at: string }>(
    `SELECT ${COLUMNS}, ${cursorTime('created_at')} AS cursor_at FROM workflow_executions
     WHERE organization_id = $1
       AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       AND ($4::uuid IS NULL OR workflow_id = $4)
       AND ($5::text IS NULL OR status = $5)
       AND ($6::timestamptz IS NULL OR created_at >= $6)
       AND ($7::timestamptz IS NULL OR created_at < $7)
     ORDER BY created_at DESC, id DESC LIMIT $8`,
    [
      organizationId,
      filters.before?.at ?? null,
      filters.before?.id ?? null,
      filters.workflowId ?? null,
      filters.status ?? null,
      filters.from ?? null,
      filters.to ?? null,
      filters.limit,
    ],
  );
  return rows.map((r) => paged(toExecution(r), r));
}

/** Flags cancellation; a pending execution is cancelled at once, a running one by its worker. */
export async function requestCancel(db: Db, organizationId: string, id: string): Promise<ExecutionRecord | null> {
  const { rows } = await db.query<ExecutionRow>(
    `UPDATE workflow_executions SET cancel_requested = true,
       status = CASE WHEN status = 'pending' THEN 'cancelled' ELSE status END,
       completed_at = CASE WHEN status = 'pending' THEN now() ELSE completed_at END,
       error = CASE WHEN status = 'pending' THEN '{"code":"cancelled","message":"The execution was cancelled"}'::jsonb ELSE error END,
       error_message = CASE WHEN status = 'pending' THEN 'The execution was cancelled' ELSE error_message END
     WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [organizationId, id],
  );
  return rows[0] ? toExecution(rows[0]) : null;
}

/** Marks this worker's running executions as alive. */
export async function heartbeat(db: Db, workerId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await db.query(
    `UPDATE workflow_executions SET heartbeat_at = now() WHERE worker_id = $1 AND status = 'running' AND id = ANY ($2::uuid[])`,
    [workerId, ids],
  );
}

/**
 * Running executions whose worker stopped sending heartbeats: back to pending while attempts
 * remain (returned for re-enqueueing), failed otherwise.
 */
export async function recoverStaleExecutions(
  db: Db,
  staleAfterMs: number,
  maxAttempts: number,
): Promise<{ requeued: { id: string; attempts: number }[]; failed: { id: string; organizationId: string }[] }> {
  const requeued = await db.query<{ id: string; attempts: number }>(
    `UPDATE workflow_executions SET status = 'pending', worker_id = NULL, heartbeat_at = NULL
     WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::double precision / 1000) AND attempts < $2
     RETURNING id, attempts`,
    [staleAfterMs, maxAttempts],
  );
  const failed = await db.query<{ id: string; organization_id: string }>(
    `UPDATE workflow_executions SET status = 'failed', completed_at = now(), heartbeat_at = NULL,
       error = jsonb_build_object('code', 'worker_lost', 'message', 'The worker running this execution stopped ' || attempts || ' time(s); it was not retried again'),
       error_message = 'The worker running this execution stopped'
     WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::double precision / 1000) AND attempts >= $2
     RETURNING id, organization_id`,
    [staleAfterMs, maxAttempts],
  );
  return {
    requeued: requeued.rows.map((r) => ({ id: r.id, attempts: r.attempts })),
    failed: failed.rows.map((r) => ({ id: r.id, organizationId: r.organization_id })),
  };
}

/** Pending executions older than `olderThanMs` (their job may be lost, e.g. Redis lost its data). */
export async function findOrphanedPending(db: Db, olderThanMs: number, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM workflow_executions WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::double precision / 1000)
     ORDER BY created_at LIMIT $2`,
    [olderThanMs, limit],
  );
  return rows.map((r) => r.id);
}

/** Deletes finished executions older than the retention, a bounded batch at a time. */
export async function deleteExpiredExecutions(db: Db, retentionDays: number, batch: number): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM workflow_executions WHERE id IN (
       SELECT id FROM workflow_executions
       WHERE status IN ('succeeded', 'failed', 'cancelled', 'timed_out') AND created_at < now() - make_interval(days => $1)
       LIMIT $2)`,
    [retentionDays, batch],
  );
  return rowCount;
}

export interface DueSchedule {
  workflowId: string;
  organizationId: string;
  cron: string;
  timezone: string;
  nextRunAt: Date;
}

/** Locks due schedules (skipping ones another replica holds); call inside a transaction. */
export async function lockDueSchedules(db: Db, limit: number): Promise<DueSchedule[]> {
  const { rows } = await db.query<{
    workflow_id: string;
    organization_id: string;
    cron: string;
    timezone: string;
    next_run_at: Date;
  }>(
    `SELECT workflow_id, organization_id, cron, timezone, next_run_at FROM workflow_schedules
     WHERE next_run_at <= now() ORDER BY next_run_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
    [limit],
  );
  return rows.map((r) => ({
    workflowId: r.workflow_id,
    organizationId: r.organization_id,
    cron: r.cron,
    timezone: r.timezone,
    nextRunAt: r.next_run_at,
  }));
}

export async function advanceSchedule(db: Db, workflowId: string, firedAt: Date, nextRunAt: Date | null): Promise<void> {
  if (!nextRunAt) {
    await db.query('DELETE FROM workflow_schedules WHERE workflow_id = $1', [workflowId]);
    return;
  }
  await db.query('UPDATE workflow_schedules SET last_run_at = $2, next_run_at = $3 WHERE workflow_id = $1', [
    workflowId,
    firedAt,
    nextRunAt,
  ]);
}

/** The version a schedule runs: the published one of an active workflow; null when paused or gone. */
export async function findScheduleTarget(
  db: Db,
  organizationId: string,
  workflowId: string,
): Promise<{ versionId: string; version: number } | null> {
  const { rows } = await db.query<{ version_id: string; version: number }>(
    `SELECT v.id AS version_id, v.version FROM workflows w
     JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = coalesce(w.published_version, w.current_version)
     WHERE w.id = $1 AND w.organization_id = $2 AND w.is_active`,
    [workflowId, organizationId],
  );
  return rows[0] ? { versionId: rows[0].version_id, version: rows[0].version } : null;
}

/** Hands a running execution of this worker back to the queue (graceful shutdown). */
export async function releaseExecution(db: Db, id: string, workerId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE workflow_executions SET status = 'pending', worker_id = NULL, heartbeat_at = NULL
     WHERE id = $1 AND status = 'running' AND worker_id = $2`,
    [id, workerId],
  );
  return rowCount > 0;
}
