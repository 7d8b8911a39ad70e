import type { WorkflowGraph } from '@auterity/workflow-contracts';
import type { Db } from '../../lib/db';
import { ConflictError } from '../../http/errors';
import { cursorTime, paged, type Paged } from '../../lib/cursor';

export interface WorkflowRecord {
  id: string;
  organizationId: string;
  name: string;
  description: string | null;
  canvasData: WorkflowGraph;
  tags: string[];
  isActive: boolean;
  isTemplate: boolean;
  currentVersion: number;
  publishedVersion: number | null;
  canaryVersion: number | null;
  canaryPercent: number;
  webhookTokenCiphertext: string | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A workflow without its graph: what lists show. */
export type WorkflowSummaryRecord = Omit<WorkflowRecord, 'canvasData'>;

export interface VersionRecord {
  id: string;
  organizationId: string;
  workflowId: string;
  version: number;
  canvasData: WorkflowGraph;
  message: string | null;
  createdBy: string | null;
  createdAt: Date;
}

interface WorkflowRow {
  id: string;
  organization_id: string;
  name: string;
  description: string | null;
  canvas_data: WorkflowGraph;
  tags: string[];
  is_active: boolean;
  is_template: boolean;
  current_version: number;
  published_version: number | null;
  canary_version: number | null;
  canary_percent: number;
  webhook_token_ciphertext: string | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

interface VersionRow {
  id: string;
  organization_id: string;
  workflow_id: string;
  version: number;
  canvas_data: WorkflowGraph;
  message: string | null;
  created_by: string | null;
  created_at: Date;
}

const COLUMNS = `id, organization_id, name, description, canvas_data, tags, is_active, is_template, current_version,
  published_version, canary_version, canary_percent, webhook_token_ciphertext, created_by, created_at, updated_at`;
/** COLUMNS without the graph, which lists never show (it is the bulk of a row to read and parse). */
const SUMMARY_COLUMNS = COLUMNS.replace('canvas_data, ', '');
const VERSION_COLUMNS = 'id, organization_id, workflow_id, version, canvas_data, message, created_by, created_at';

function toWorkflow(r: WorkflowRow): WorkflowRecord {
  return { ...toSummary(r), canvasData: r.canvas_data };
}

function toSummary(r: Omit<WorkflowRow, 'canvas_data'>): WorkflowSummaryRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    name: r.name,
    description: r.description,
    tags: r.tags,
    isActive: r.is_active,
    isTemplate: r.is_template,
    currentVersion: r.current_version,
    publishedVersion: r.published_version,
    canaryVersion: r.canary_version,
    canaryPercent: r.canary_percent,
    webhookTokenCiphertext: r.webhook_token_ciphertext,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function toVersion(r: VersionRow): VersionRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    workflowId: r.workflow_id,
    version: r.version,
    canvasData: r.canvas_data,
    message: r.message,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

export async function insertWorkflow(
  db: Db,
  row: {
    id: string;
    organizationId: string;
    name: string;
    description: string | null;
    canvasData: WorkflowGraph;
    tags: string[];
    isActive: boolean;
    isTemplate?: boolean;
    createdBy: string | null;
  },
): Promise<WorkflowRecord> {
  const { rows } = await db.query<WorkflowRow>(
    `INSERT INTO workflows (id, organization_id, name, description, canvas_data, tags, is_active, is_template, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      row.id,
      row.organizationId,
      row.name,
      row.description,
      JSON.stringify(row.canvasData),
      row.tags,
      row.isActive,
      row.isTemplate ?? false,
      row.createdBy,
    ],
  );
  return toWorkflow(rows[0] as WorkflowRow);
}

/** Loads a workflow only if it belongs to `organizationId`; null otherwise. */
export async function findWorkflow(
  db: Db,
  organizationId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<WorkflowRecord | null> {
  const { rows } = await db.query<WorkflowRow>(
    `SELECT ${COLUMNS} FROM workflows WHERE organization_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [organizationId, id],
  );
  return rows[0] ? toWorkflow(rows[0]) : null;
}

/** The workflow a webhook token (by its SHA-256) belongs to, in whichever organization. */
export async function findWorkflowByWebhookHash(db: Db, hash: string): Promise<WorkflowRecord | null> {
  const { rows } = await db.query<WorkflowRow>(`SELECT ${COLUMNS} FROM workflows WHERE webhook_token_hash = $1`, [hash], {
    prepare: 'workflows.find_by_webhook',
  });
  return rows[0] ? toWorkflow(rows[0]) : null;
}

/** Newest first; `before` is the (updatedAt, id) of the last row already seen. */
export async function listWorkflows(
  db: Db,
  organizationId: string,
  filters: {
    limit: number;
    before?: { at: string; id: string };
    search?: string;
    tag?: string;
    isActive?: boolean;
    isTemplate?: boolean;
  },
): Promise<Paged<WorkflowSummaryRecord>[]> {
  const { rows } = await db.query<Omit<WorkflowRow, 'canvas_data'> & { cursor_at: string }>(
    `SELECT ${SUMMARY_COLUMNS}, ${cursorTime('updated_at')} AS cursor_at FROM workflows
     WHERE organization_id = $1
       AND ($2::timestamptz IS NULL OR (updated_at, id) < ($2::timestamptz, $3::uuid))
       AND ($4::text IS NULL OR name ILIKE $4 OR description ILIKE $4)
       AND ($5::text IS NULL OR $5 = ANY (tags))
       AND ($6::boolean IS NULL OR is_active = $6)
       AND ($7::boolean IS NULL OR is_template = $7)
     ORDER BY updated_at DESC, id DESC LIMIT $8`,
    [
      organizationId,
      filters.before?.at ?? null,
      filters.before?.id ?? null,
      filters.search ? `%${filters.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
      filters.tag ?? null,
      filters.isActive ?? null,
      filters.isTemplate ?? null,
      filters.limit,
    ],
    { prepare: 'workflows.list' },
  );
  return rows.map((r) => paged(toSummary(r), r));
}

export async function updateWorkflow(
  db: Db,
  organizationId: string,
  id: string,
  patch: {
    name: string;
    description: string | null;
    canvasData: WorkflowGraph;
    tags: string[];
    isActive: boolean;
    currentVersion: number;
    publishedVersion: number | null;
    canaryVersion: number | null;
    canaryPercent: number;
  },
): Promise<WorkflowRecord> {
  const { rows } = await db.query<WorkflowRow>(
    `UPDATE workflows SET name = $3, description = $4, canvas_data = $5, tags = $6, is_active = $7, current_version = $8,
       published_version = $9, canary_version = $10, canary_percent = $11
     WHERE organization_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      organizationId,
      id,
      patch.name,
      patch.description,
      JSON.stringify(patch.canvasData),
      patch.tags,
      patch.isActive,
      patch.currentVersion,
      patch.publishedVersion,
      patch.canaryVersion,
      patch.canaryPercent,
    ],
  );
  return toWorkflow(rows[0] as WorkflowRow);
}

export async function setWebhookToken(
  db: Db,
  organizationId: string,
  id: string,
  token: { hash: string; ciphertext: string } | null,
): Promise<void> {
  await db.query(
    'UPDATE workflows SET webhook_token_hash = $3, webhook_token_ciphertext = $4 WHERE organization_id = $1 AND id = $2',
    [organizationId, id, token?.hash ?? null, token?.ciphertext ?? null],
  );
}

export async function deleteWorkflow(db: Db, organizationId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM workflows WHERE organization_id = $1 AND id = $2', [organizationId, id]);
  return rowCount > 0;
}

/** Ids among `ids` that are workflows of the organization. */
export async function existingWorkflowIds(db: Db, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM workflows WHERE organization_id = $1 AND id = ANY ($2::uuid[])',
    [organizationId, ids],
  );
  return new Set(rows.map((r) => r.id));
}

/** Ids among `ids` that are credentials of the organization. */
export async function existingCredentialIds(db: Db, organizationId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM credentials WHERE organization_id = $1 AND id = ANY ($2::uuid[])',
    [organizationId, ids],
  );
  return new Set(rows.map((r) => r.id));
}

export async function insertVersion(
  db: Db,
  row: {
    organizationId: string;
    workflowId: string;
    version: number;
    canvasData: WorkflowGraph;
    message: string | null;
    createdBy: string | null;
  },
): Promise<VersionRecord> {
  try {
    const { rows } = await db.query<VersionRow>(
      `INSERT INTO workflow_versions (organization_id, workflow_id, version, canvas_data, message, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${VERSION_COLUMNS}`,
      [row.organizationId, row.workflowId, row.version, JSON.stringify(row.canvasData), row.message, row.createdBy],
    );
    return toVersion(rows[0] as VersionRow);
  } catch (err) {
    if ((err as { code?: string }).code === '23505')
      throw new ConflictError('The workflow was saved by someone else at the same time; reload and try again');
    throw err;
  }
}

export async function listVersions(db: Db, organizationId: string, workflowId: string): Promise<VersionRecord[]> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM workflow_versions WHERE organization_id = $1 AND workflow_id = $2 ORDER BY version DESC LIMIT 500`,
    [organizationId, workflowId],
  );
  return rows.map(toVersion);
}

export async function findVersion(
  db: Db,
  organizationId: string,
  workflowId: string,
  version: number,
): Promise<VersionRecord | null> {
  const { rows } = await db.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM workflow_versions WHERE organization_id = $1 AND workflow_id = $2 AND version = $3`,
    [organizationId, workflowId, version],
  );
  return rows[0] ? toVersion(rows[0]) : null;
}

/** Keeps the schedule row in step with the published graph: one row per scheduled workflow. */
export async function upsertSchedule(
  db: Db,
  row: { organizationId: string; workflowId: string; cron: string; timezone: string; nextRunAt: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO workflow_schedules (workflow_id, organization_id, cron, timezone, next_run_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workflow_id) DO UPDATE SET cron = EXCLUDED.cron, timezone = EXCLUDED.timezone,
       next_run_at = CASE WHEN workflow_schedules.cron = EXCLUDED.cron AND workflow_schedules.timezone = EXCLUDED.timezone
                          THEN workflow_schedules.next_run_at ELSE EXCLUDED.next_run_at END`,
    [row.workflowId, row.organizationId, row.cron, row.timezone, row.nextRunAt],
  );
}

export async function deleteSchedule(db: Db, organizationId: string, workflowId: string): Promise<void> {
  await db.query('DELETE FROM workflow_schedules WHERE organization_id = $1 AND workflow_id = $2', [organizationId, workflowId]);
}
